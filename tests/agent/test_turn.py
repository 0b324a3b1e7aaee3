"""One agent turn end to end on the demo catalogue: what kind of answer it is (the outcome), what
a later turn reads back from structure, input checked once, memory that stays bounded."""

from __future__ import annotations

import pytest

from agent import Agent, Message, Outcome, RequestError, Shown
from agent.copywriting import TemplateCopywriter
from agent.models.base import ModelOutput
from agent.settings import AgentSettings, LLMSettings
from tests.fakes import ScriptedChatModel


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def test_outcomes_of_the_kinds_of_answer(make_agent):
    agent = make_agent()
    hello = agent.reply([user("hi")])
    assert hello.outcome is Outcome.CLARIFY and hello.clarifying_question == hello.text
    listing = agent.reply([user("a yoga mat under $70")])
    assert listing.outcome is Outcome.RESULTS and listing.list_kind == "results"
    assert listing.recommendations and all(c.price <= 70 for c in listing.recommendations)
    shown = Message(role="assistant", content=listing.text, shown=listing.shown())
    details = agent.reply([user("a yoga mat under $70"), shown, user("the second one")])
    assert details.outcome is Outcome.DETAILS and details.list_kind == "featured"
    assert [c.id for c in details.recommendations] == [listing.recommendations[1].id]
    compared = agent.reply([user("a yoga mat under $70"), shown, user("compare the first two")])
    assert compared.outcome is Outcome.COMPARE
    assert {c.id for c in compared.recommendations} == {c.id for c in listing.recommendations[:2]}
    thanks = agent.reply([user("a yoga mat under $70"), shown, user("thanks!")])
    assert thanks.outcome is Outcome.CHAT and thanks.clarifying_question is None
    nothing = agent.reply([user("a yoga mat under $2")])
    assert nothing.outcome is Outcome.NO_RESULTS and not nothing.recommendations


def test_what_was_shown_is_read_from_structure_before_text(make_agent):
    agent = make_agent()
    listing = agent.reply([user("a desk lamp")])
    ids = tuple(c.id for c in listing.recommendations)
    assert len(ids) >= 2
    # The text names no product; the structure says what was shown, in order.
    bare = Message(role="assistant", content="Here are some lamps.", shown=Shown(product_ids=ids))
    details = agent.reply([user("a desk lamp"), bare, user("the second one")])
    assert [c.id for c in details.recommendations] == [ids[1]]


def test_after_a_question_the_next_request_is_searched_whatever_the_model_says(make_agent):
    asks_again = ScriptedChatModel([ModelOutput(text="And what kind of product?")])
    agent = make_agent(asks_again)
    # The last answer was a clarifying question by its structure (its text has no '?').
    asked = Message(role="assistant", content="Tell me more.", shown=Shown(outcome="clarify"))
    reply = agent.reply([user("hi"), asked, user("something for my dog")])
    assert reply.recommendations and reply.outcome is Outcome.RESULTS
    assert reply.trace.tools[0].name == "search_products"
    assert reply.clarifying_question is None


def test_dicts_and_messages_alike_and_one_message_per_problem(make_agent):
    agent = make_agent(max_message_chars=200)
    assert agent.reply([user("a dog leash")]).recommendations
    content_parts = {"role": "user", "content": [{"type": "text", "text": "a dog leash"}]}
    assert agent.reply([content_parts]).recommendations
    cases = [
        ([{"role": "wizard", "content": "hi"}], "messages[0].role"),
        (
            [user("hi"), {"role": "assistant", "content": "x" * 201}, user("ok")],
            "messages[1].content",
        ),
        ([user("hi"), {"role": "assistant", "content": "Hello"}], "messages"),
        ([user("   ")], "messages"),
        ([], "messages"),
        (["just a string"], "messages[0]"),
    ]
    for messages, param in cases:
        with pytest.raises(RequestError) as caught:
            agent.reply(messages)
        assert caught.value.param == param, (messages, str(caught.value))


def test_without_a_log_memory_is_bounded(make_agent, monkeypatch):
    import agent.agent as agent_module

    shop = make_agent().shop
    agent = Agent(shop, None, TemplateCopywriter(), AgentSettings(), LLMSettings(), log=None)
    monkeypatch.setattr(agent_module, "MEMORY_SESSIONS", 2)
    first = agent.respond("a", "a desk lamp")
    agent.respond("b", "a dog leash")
    details = agent.respond("a", "the first one")  # still remembered
    assert details.recommendations[0].id == first.recommendations[0].id
    agent.respond("c", "a yoga mat")  # a third session: the least recently used ("b") goes
    assert set(agent._memory) == {"a", "c"}
    forgotten = agent.respond("b", "the first one")
    assert forgotten.outcome is Outcome.CLARIFY and not forgotten.recommendations
