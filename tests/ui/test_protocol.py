"""The wire types on their own: requests become agent messages one for one, and what the server
sends validates against the official openai client's own types."""

from __future__ import annotations

import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import ValidationError

from agent.types import Outcome, ProductCard, Reply, Shown
from ui import protocol


def request(*messages):
    return protocol.ChatCompletionRequest.model_validate(
        {"model": "tailtalk", "messages": list(messages)}
    )


def test_requests_become_agent_messages_one_for_one():
    body = request(
        {"role": "developer", "content": "be brief"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "a "}, {"type": "text", "text": "lamp"}],
        },
        {
            "role": "assistant",
            "content": "Here.",
            "tailtalk": {"recommendations": [{"id": "p1"}, {"id": "p2"}], "outcome": "results"},
        },
        {"role": "assistant", "content": "Hm.", "tailtalk": {"recommendations": "nonsense"}},
        {"role": "user", "content": "the second one"},
    )
    messages = protocol.to_messages(body)
    assert [m.role for m in messages] == ["system", "user", "assistant", "assistant", "user"]
    assert messages[1].content == "a lamp"
    assert messages[2].shown == Shown(product_ids=("p1", "p2"), outcome=Outcome.RESULTS)
    assert messages[3].shown is None  # not TailTalk's data: the text is read instead


def test_feedback_kinds_are_checked_on_the_wire():
    ok = protocol.FeedbackRequest(session_id="s", product_id="p", kind="cart")
    assert ok.kind.value == "cart"
    with pytest.raises(ValidationError):
        protocol.FeedbackRequest(session_id="s", product_id="p", kind="love")


def test_what_the_server_sends_is_what_openai_clients_read():
    card = ProductCard(id="p1", title="Lamp", price=12.5, band="tail", why="Within budget")
    reply = Reply(text="Here is one.", recommendations=[card], outcome=Outcome.RESULTS)
    whole = protocol.completion(reply, "tailtalk", "s-1").model_dump(mode="json")
    parsed = ChatCompletion.model_validate(whole)
    assert parsed.choices[0].message.content.endswith("`p1`")
    extension = whole["tailtalk"]
    assert extension["outcome"] == "results" and extension["recommendations"][0]["long_tail"]
    piece = protocol.chunk("c-1", "tailtalk", protocol.Delta(content="Here"))
    streamed = ChatCompletionChunk.model_validate(piece.model_dump(mode="json"))
    assert streamed.choices[0].delta.content == "Here"
    failure = protocol.error("bad", "invalid_request_error", "messages", "invalid_value")
    assert failure.model_dump() == {
        "error": {
            "message": "bad",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "invalid_value",
        }
    }
