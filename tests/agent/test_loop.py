"""The tool loop with a scripted model: repairs, observations, fallback, guardrail in action."""

from __future__ import annotations

import pytest

from agent.errors import LLMUnavailableError
from agent.models.base import ModelOutput
from agent.settings import LLMSettings
from agent.types import EventKind, Message
from tests.agent.conftest import assert_grounded
from tests.fakes import ScriptedChatModel, call

ASK = [Message(role="user", content="I need a moisturizer under $40")]


def search(arguments):
    return ModelOutput(tool_calls=[call("search_products", arguments)], finish_reason="tool_calls")


def say(text):
    return ModelOutput(text=text)


def test_search_then_answer(make_agent):
    model = ScriptedChatModel(
        [
            search({"query": "moisturizer", "filters": {"max_price": 40}}),
            say("These moisturizers fit your budget."),
        ]
    )
    agent = make_agent(model)
    reply = agent.reply(ASK, "t1")
    assert reply.backend == "scripted" and reply.text == "These moisturizers fit your budget."
    assert reply.recommendations and all(c.price <= 40 for c in reply.recommendations)
    assert_grounded(agent, reply)
    # The model saw the policy, the tools, and the tool's result as a tool message.
    system, *_ = model.seen[0]
    assert system.role == "system" and "search_products" in system.content
    assert model.tools_seen[0] == 4
    assert model.seen[1][-1].role == "tool" and '"products"' in model.seen[1][-1].content
    assert reply.trace.prompts["system"]


def test_malformed_arguments_are_repaired(make_agent):
    model = ScriptedChatModel(
        [search("{'query': 'moisturizer', 'max_price': '$40',}"), say("Here you go.")]
    )
    reply = make_agent(model).reply(ASK, "t2")
    assert reply.trace.repairs == 1 and reply.trace.failed_calls == 0
    assert reply.recommendations and all(c.price <= 40 for c in reply.recommendations)


def test_unknown_tool_goes_back_as_an_observation(make_agent):
    model = ScriptedChatModel(
        [
            ModelOutput(tool_calls=[call("buy_now", {"id": "demo-00001"})]),
            search({"query": "moisturizer"}),
            say("Found some."),
        ]
    )
    reply = make_agent(model).reply(ASK, "t3")
    assert reply.trace.failed_calls == 1 and reply.backend == "scripted"
    assert "unknown tool 'buy_now'" in model.seen[1][-1].content
    assert reply.recommendations


def test_hopeless_model_falls_back_to_rules(make_agent):
    model = ScriptedChatModel([ModelOutput(tool_calls=[call("search_products", "{{{{")])])
    agent = make_agent(model, max_failed_calls=1)
    events = list(agent.stream_reply(ASK, "t4"))
    reply = events[-1].reply
    assert reply.backend == "rules"
    assert "malformed tool calls" in reply.trace.fallback_reason
    assert any(e.kind is EventKind.STATUS for e in events)
    assert reply.recommendations and all(c.price <= 40 for c in reply.recommendations)
    assert_grounded(agent, reply)


def test_unreachable_model_falls_back_or_fails_as_configured(make_agent):
    def down(messages):
        raise LLMUnavailableError("connection refused")

    reply = make_agent(ScriptedChatModel([down])).reply(ASK, "t5")
    assert reply.backend == "rules" and "connection refused" in reply.trace.fallback_reason
    strict = make_agent(ScriptedChatModel([down]), llm=LLMSettings(fallback="error"))
    with pytest.raises(LLMUnavailableError) as caught:
        strict.reply(ASK, "t6")
    assert caught.value.status_code == 503


def test_guardrail_cleans_the_answer(make_agent):
    agent = make_agent()

    def answer(messages):
        other = next(
            p
            for p in agent.shop.search_pipeline.retriever.index.products
            if p.id not in messages[-1].content
        )
        return say(
            f"These are lovely. Also consider {other.id}, it is great. Everything here costs $1.11."
        )

    agent.model = ScriptedChatModel([search({"query": "moisturizer"}), answer])
    reply = agent.reply(ASK, "t7")
    assert reply.text == "These are lovely."
    assert reply.trace.guardrail.out_of_results == 1
    assert reply.trace.guardrail.price_mismatch == 1


def test_products_not_shown_cannot_be_fetched(make_agent):
    agent = make_agent()
    real = agent.shop.search_pipeline.retriever.index.products[-1].id
    agent.model = ScriptedChatModel(
        [
            ModelOutput(tool_calls=[call("get_product", {"id": real})]),
            say("Sorry."),
        ]
    )
    reply = agent.reply(ASK, "t8")
    assert not reply.recommendations
    (record,) = reply.trace.tools
    assert not record.ok and "has not been shown" in record.error


def test_tool_call_written_as_text_is_run_not_shown(make_agent):
    written = (
        '<tool_call>{"name": "search_products", "arguments": '
        '{"query": "moisturizer", "filters": {"max_price": 40}}}</tool_call>'
    )
    agent = make_agent(ScriptedChatModel([say(written), say("Here are a few.")]))
    events = list(agent.stream_reply(ASK, "t9"))
    shown_text = " ".join(e.text for e in events if e.kind is EventKind.TEXT)
    assert "tool_call" not in shown_text and "Here are a few." in shown_text
    assert events[-1].reply.recommendations


def test_no_second_clarifying_question_in_a_row(make_agent):
    agent = make_agent(ScriptedChatModel([say("What kind of product would you like?")]))
    history = [
        Message(role="user", content="hi"),
        Message(role="assistant", content="What are you shopping for?"),
        Message(role="user", content="something for my skin"),
    ]
    reply = agent.reply(history, "t10")
    assert reply.clarifying_question is None and reply.recommendations


def test_streamed_text_is_what_the_reply_says(make_agent):
    agent = make_agent(
        ScriptedChatModel(
            [search({"query": "moisturizer"}), say("First sentence. Second one here.")]
        )
    )
    events = list(agent.stream_reply(ASK, "t11"))
    texts = [e.text for e in events if e.kind is EventKind.TEXT]
    assert texts == ["First sentence.", "Second one here."]
    assert events[-1].reply.text == " ".join(texts)
    kinds = [e.kind for e in events]
    assert kinds.index(EventKind.TOOL_CALL) < kinds.index(EventKind.TOOL_RESULT)
    assert kinds[-1] is EventKind.REPLY
    # The call is announced before the search runs (a screen says "searching..." meanwhile).
    call = next(e for e in events if e.kind is EventKind.TOOL_CALL)
    result = next(e for e in events if e.kind is EventKind.TOOL_RESULT)
    assert call.tool.name == "search_products" and call.tool.product_ids == ()
    assert result.tool.product_ids


def test_tools_as_langchain_tools_keep_the_policy(make_agent):
    import json

    from agent.langchain_adapter import langchain_tools

    agent = make_agent()
    tools = {t.name: t for t in langchain_tools(agent, "bot-1")}
    assert set(tools) == {
        "search_products",
        "get_product",
        "compare_products",
        "write_product_copy",
    }
    found = json.loads(
        tools["search_products"].invoke({"query": "moisturizer", "filters": {"max_price": 40}})
    )
    ids = [p["id"] for p in found["products"]]
    assert ids and all(p["price"] <= 40 for p in found["products"])
    details = json.loads(tools["get_product"].invoke({"id": ids[0]}))
    assert details["product"]["id"] == ids[0]
    unseen = next(
        p.id for p in agent.shop.search_pipeline.retriever.index.products if p.id not in ids
    )
    refused = json.loads(tools["get_product"].invoke({"id": unseen}))
    assert "has not been shown" in refused["error"]
