"""Repairing small models' tool calls; what cannot be repaired says what to fix."""

from __future__ import annotations

import pytest

from agent.tools.repair import RepairError, repair, tool_calls_in_text
from tests.fakes import call


def test_valid_call_is_untouched():
    fixed = repair(call("search_products", {"query": "tea", "filters": {"max_price": 10}}))
    assert fixed.name == "search_products" and not fixed.repaired
    assert fixed.arguments.model_dump(exclude_defaults=True) == {
        "query": "tea",
        "filters": {"max_price": 10.0},
    }


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        (
            "search",
            "{'query': 'tea', 'max_price': '$30',}",
            {"query": "tea", "filters": {"max_price": 30.0}},
        ),
        (
            "Search Products",
            '{"query": "soap", "filters": {"brands": "Hydrova"}',
            {"query": "soap", "filters": {"brands": ["Hydrova"]}},
        ),
        ("search_products", "red shoes", {"query": "red shoes"}),
        (
            "search_products",
            '```json\n{"query": "mat", "filters": {"min_rating": "4"}}\n```',
            {"query": "mat", "filters": {"min_rating": 4.0}},
        ),
        ("search_products", '{"query": "x", "policy": "none", "k": 100}', {"query": "x"}),
        ("get_product", '{"product_id": 123}', {"id": "123"}),
        ("compare", '{"ids": "demo-1, demo-2"}', {"ids": ["demo-1", "demo-2"]}),
        ("describe_product", '{"id": "demo-1"}', {"id": "demo-1"}),
    ],
)
def test_repairs(name, arguments, expected):
    fixed = repair(call(name, arguments))
    assert fixed.repaired
    assert fixed.arguments.model_dump(exclude_defaults=True) == expected


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("fly_to_moon", "{}", "unknown tool 'fly_to_moon'"),
        ("get_product", '{"id": ""}', "id: String should have at least 1 character"),
        ("compare_products", '{"ids": ["only-one"]}', "ids: List should have at least 2"),
        ("get_product", "[1, 2", "not a JSON object"),
    ],
)
def test_unrepairable_calls_say_what_to_fix(name, arguments, message):
    with pytest.raises(RepairError, match=message):
        repair(call(name, arguments))


def test_calls_written_as_text():
    (found,) = tool_calls_in_text(
        '<tool_call>{"name": "search_products", "arguments": {"query": "tea"}}</tool_call>'
    )
    assert (found.name, found.arguments) == ("search_products", '{"query": "tea"}')
    (found,) = tool_calls_in_text(
        '```json\n{"name": "get_product", "parameters": {"id": "x"}}\n```'
    )
    assert found.name == "get_product"
    assert tool_calls_in_text("Here are some teas you may like.") == []
