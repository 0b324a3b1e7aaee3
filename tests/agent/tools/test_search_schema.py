"""What an LLM can say through search_products, end to end: the schema vLLM is sent, and
scripted vLLM-shaped tool calls for hard vs soft constraints, relax hints and the shopper's
language, answered from the real demo index."""

from __future__ import annotations

import json

from agent.models.openai import OpenAIChatModel
from agent.settings import LLMSettings
from agent.types import Message
from tests.agent.conftest import assert_grounded
from tests.fakes import FakeOpenAIServer, Scripted


def reply_to(make_agent, message: str, arguments: dict, relaxed: bool = False):
    """The agent's reply to one shopper message when the model calls search_products once
    with `arguments`, then writes one sentence; and the requests the fake vLLM received.
    Every card meets the hard constraints unless the search had to relax one."""
    script = [
        Scripted(tool_calls=[("search_products", json.dumps(arguments))]),
        Scripted(content="Here are some."),
    ]
    with FakeOpenAIServer(script) as server:
        settings = LLMSettings(base_url=server.base_url, timeout=5.0, max_retries=0)
        agent = make_agent(OpenAIChatModel(settings), llm=settings)
        reply = agent.reply([Message(role="user", content=message)], "schema")
    assert reply.backend.startswith("openai:")
    if relaxed:
        assert all(agent.shop.get(c.id) is not None for c in reply.recommendations)
    else:
        assert_grounded(agent, reply)
    return reply, server.requests


def search_result(requests) -> dict:
    """The search_products result the model read back (the tool message of the 2nd request)."""
    return json.loads(requests[1]["messages"][-1]["content"])


def test_the_schema_vllm_receives_can_say_soft_relax_and_language(make_agent):
    _, requests = reply_to(make_agent, "a desk lamp", {"query": "desk lamp"})
    tool = next(t for t in requests[0]["tools"] if t["function"]["name"] == "search_products")
    params = tool["function"]["parameters"]
    props = params["properties"]
    assert {"query", "filters", "prefer", "relax_first", "never_relax", "language"} <= set(props)
    defs = params.get("$defs", {})
    filters = defs["FilterArgs"]["properties"]
    assert {"exclude_brands", "exclude_attributes", "max_price", "min_rating"} <= set(filters)
    assert set(defs["PreferArgs"]["properties"]) == {"brands", "attributes"}
    relaxable = props["relax_first"]["items"]
    relaxable = defs[relaxable["$ref"].rsplit("/", 1)[-1]] if "$ref" in relaxable else relaxable
    assert "max_price" in relaxable["enum"] and "brands" in relaxable["enum"]
    assert set(props["language"]["anyOf"][0]["enum"]) == {"en", "es", "zh"}
    system = requests[0]["messages"][0]["content"]
    assert "prefer" in system and "relax_first" in system and "never_relax" in system


def test_a_soft_preference_ranks_but_never_filters(make_agent):
    asked = {"query": "desk lamp", "prefer": {"attributes": {"Style": ["Industrial"]}}}
    reply, requests = reply_to(make_agent, "a desk lamp, ideally industrial", asked)
    styles = [c.attributes.get("Style") for c in reply.recommendations]
    assert "Industrial" in styles, styles  # preferred ones come up
    assert any(s != "Industrial" for s in styles), styles  # and the others still show
    assert not search_result(requests)["applied_filters"].get("attributes", {}).get("Style")
    industrial = next(c for c in reply.recommendations if c.attributes.get("Style") == "Industrial")
    assert "Industrial" in industrial.why  # a preference met is a true, relevant reason


def test_a_hard_filter_from_the_model_filters(make_agent):
    asked = {"query": "desk lamp", "filters": {"attributes": {"Style": ["Industrial"]}}}
    reply, _ = reply_to(make_agent, "a desk lamp, industrial only", asked)
    assert reply.recommendations
    assert {c.attributes.get("Style") for c in reply.recommendations} == {"Industrial"}


# No Luminary desk lamp costs under $15 (the cheapest is $21.99); Brightwell and Ambra do.
IMPOSSIBLE = {
    "query": "desk lamp",
    "filters": {"brands": ["Luminary"], "max_price": 15},
}


def test_by_default_the_brand_goes_before_the_budget(make_agent):
    reply, requests = reply_to(
        make_agent, "a Luminary desk lamp under $15", IMPOSSIBLE, relaxed=True
    )
    assert search_result(requests)["relaxed"] == "brands"
    assert reply.recommendations and all(c.price <= 15 for c in reply.recommendations)


def test_a_flexible_budget_is_loosened_first(make_agent):
    flexible = {**IMPOSSIBLE, "relax_first": ["max_price"]}
    reply, requests = reply_to(
        make_agent, "a Luminary desk lamp, under $15 but the budget can stretch", flexible, True
    )
    assert search_result(requests)["relaxed"] == "max_price"
    cards = reply.recommendations
    assert cards and {c.brand for c in cards} == {"Luminary"}
    assert cards[0].price == min(c.price for c in cards)  # the nearest to the budget first


def test_what_the_shopper_insists_on_is_never_loosened(make_agent):
    strict = {**IMPOSSIBLE, "never_relax": ["brands", "max_price"]}
    reply, requests = reply_to(
        make_agent, "a Luminary desk lamp, must be Luminary and under $15", strict, True
    )
    result = search_result(requests)
    assert result["relaxed"] not in {"brands", "max_price"}
    assert all(c.brand == "Luminary" and c.price <= 15 for c in reply.recommendations)


def test_the_reasons_are_written_in_the_language_the_model_names(make_agent):
    asked = {"query": "lámpara de escritorio", "filters": {"max_price": 50}, "language": "es"}
    reply, _ = reply_to(make_agent, "una lámpara de escritorio de menos de 50 dólares", asked)
    assert reply.recommendations
    assert all("presupuesto" in c.why for c in reply.recommendations), [
        c.why for c in reply.recommendations
    ]
