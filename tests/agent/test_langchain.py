"""TailTalk inside LangChain: the agent as a Runnable (invoke and stream) and as a tool."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage

from agent.langchain_adapter import as_runnable, as_tool


def test_runnable_invoke_and_stream(make_agent):
    agent = make_agent()
    runnable = as_runnable(agent)
    answer = runnable.invoke("a yoga mat under $40")
    products = answer.additional_kwargs["tailtalk"]["recommendations"]
    assert products and all(p["price"] <= 40 for p in products)
    assert all(f"`{p['id']}`" in answer.content for p in products)
    chunks = list(runnable.stream({"messages": [HumanMessage("a dog bed")], "session_id": "lc"}))
    assert len(chunks) >= 2 and chunks[-1].additional_kwargs["tailtalk"]["session_id"] == "lc"
    text = "".join(c.content for c in chunks)
    second = chunks[-1].additional_kwargs["tailtalk"]["recommendations"][1]
    follow = runnable.invoke(
        [HumanMessage("a dog bed"), AIMessage(text), HumanMessage("the second one")]
    )
    assert follow.additional_kwargs["tailtalk"]["recommendations"][0]["id"] == second["id"]


def test_agent_as_a_tool_keeps_the_session(make_agent):
    tool = as_tool(make_agent())
    assert tool.name == "shopping_assistant" and "question" in tool.args
    listing = tool.invoke({"question": "a desk lamp", "session_id": "bot-7"})
    details = tool.invoke({"question": "the first one", "session_id": "bot-7"})
    first_id = listing.split("`")[1]
    assert f"`{first_id}`" in details and details.count("`") == 2
