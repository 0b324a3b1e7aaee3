"""The OpenAI-compatible backend over real HTTP (LangChain's ChatOpenAI as the client) against a
fake server that answers exactly as vLLM does, streamed and not, and fails on purpose."""

from __future__ import annotations

import json

import pytest

from agent.errors import LLMUnavailableError
from agent.models.openai import OpenAIChatModel
from agent.render import reply_markdown
from agent.settings import LLMSettings
from agent.types import EventKind, Message
from tests.agent.conftest import assert_grounded
from tests.conftest import free_port
from tests.fakes import FakeOpenAIServer, Scripted

ASK = [Message(role="user", content="I need a moisturizer under $40")]
SEARCH = ("search_products", '{"query": "moisturizer", "filters": {"max_price": 40}}')


def llm(server_url: str, **overrides) -> LLMSettings:
    values = {"base_url": server_url, "timeout": 2.0, "max_retries": 0, **overrides}
    return LLMSettings(**values)


def agent_on(make_agent, url, **overrides):
    settings = llm(url, **overrides)
    return make_agent(OpenAIChatModel(settings), llm=settings)


def test_tool_call_then_answer_not_streamed(make_agent):
    script = [Scripted(tool_calls=[SEARCH]), Scripted(content="These fit a $40 budget.")]
    with FakeOpenAIServer(script) as server:
        agent = agent_on(make_agent, server.base_url)
        reply = agent.reply(ASK, "o1")
    assert reply.backend == "openai:Qwen/Qwen2.5-7B-Instruct"
    assert reply.text == "These fit a $40 budget."
    assert reply.recommendations and all(c.price <= 40 for c in reply.recommendations)
    assert_grounded(agent, reply)
    first, second = server.requests
    assert [t["function"]["name"] for t in first["tools"]] == [
        "search_products",
        "get_product",
        "compare_products",
        "write_product_copy",
    ]
    assert first["messages"][0]["role"] == "system"
    assert first["model"] == "Qwen/Qwen2.5-7B-Instruct" and not first.get("stream")
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and json.loads(tool_message["content"])["count"] > 0
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == "search_products"


def test_streamed_tool_call_arguments_in_pieces(make_agent):
    script = [Scripted(tool_calls=[SEARCH]), Scripted(content="Here are some. All fit.")]
    with FakeOpenAIServer(script) as server:
        agent = agent_on(make_agent, server.base_url)
        events = list(agent.stream_reply(ASK, "o2"))
    assert all(r.get("stream") for r in server.requests)
    assert [e.text for e in events if e.kind is EventKind.TEXT] == ["Here are some.", "All fit."]
    reply = events[-1].reply
    assert reply.trace.tools[0].arguments == {"query": "moisturizer", "filters": {"max_price": 40}}
    assert reply.recommendations and reply.trace.repairs == 0


def test_streamed_malformed_arguments_are_repaired(make_agent):
    bad = ("search_products", "{'query': 'moisturizer', 'max_price': '40',}")
    with FakeOpenAIServer([Scripted(tool_calls=[bad]), Scripted(content="Done.")]) as server:
        reply = agent_on(make_agent, server.base_url).reply(ASK, "o3")
    assert reply.trace.repairs == 1 and reply.backend.startswith("openai:")
    assert reply.recommendations and all(c.price <= 40 for c in reply.recommendations)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Scripted(status=500), "Error code: 500"),
        (Scripted(delay=3.0), "Timeout"),
        (Scripted(garbage=True), "Error"),
    ],
)
def test_failing_server_falls_back_to_rules(make_agent, answer, reason):
    with FakeOpenAIServer([answer]) as server:
        agent = agent_on(make_agent, server.base_url, timeout=1.0)
        reply = agent.reply(ASK, "o4")
        assert reply.backend == "rules" and reason in reply.trace.fallback_reason
        assert reply.recommendations
        # The session goes on: the next turn is answered too.
        follow = agent.reply(
            [
                *ASK,
                Message(role="assistant", content=reply_markdown(reply)),
                Message(role="user", content="the first one"),
            ],
            "o4",
        )
        assert follow.recommendations[0].id == reply.recommendations[0].id


def test_unreachable_server_with_fallback_off_is_a_typed_503(make_agent):
    port = free_port()  # nobody listens there
    agent = agent_on(make_agent, f"http://127.0.0.1:{port}/v1", fallback="error")
    with pytest.raises(LLMUnavailableError) as caught:
        agent.reply(ASK, "o5")
    assert caught.value.status_code == 503 and "Connection error" in str(caught.value)


@pytest.mark.parametrize("stream", [False, True])
def test_retries_fit_in_the_turns_deadline(stream):
    import time

    from agent.reading.state import DialogueState
    from agent.tools.turn import Turn

    def ask(model, seconds):
        turn = Turn(DialogueState(), deadline=time.monotonic() + seconds)
        if stream:
            return list(model.stream(ASK, [], turn=turn))
        return model.complete(ASK, [], turn=turn)

    with FakeOpenAIServer([Scripted(status=502)]) as server:
        model = OpenAIChatModel(llm(server.base_url, max_retries=2))
        with pytest.raises(LLMUnavailableError, match="502"):
            ask(model, 20.0)
        assert len(server.requests) == 3  # time enough: every retry is made
    with FakeOpenAIServer([Scripted(status=502, delay=0.6)]) as server:
        model = OpenAIChatModel(llm(server.base_url, max_retries=5, timeout=10.0))
        started = time.monotonic()
        with pytest.raises(LLMUnavailableError):
            ask(model, 1.0)
        assert time.monotonic() - started < 1.5  # the deadline, not 6 attempts of 0.6 s
        assert 1 <= len(server.requests) <= 2
    with FakeOpenAIServer([Scripted(status=400)]) as server:
        model = OpenAIChatModel(llm(server.base_url, max_retries=3))
        with pytest.raises(LLMUnavailableError, match="400"):
            ask(model, 20.0)
        assert len(server.requests) == 1  # a client error is not retried
