"""The tool registry and its handlers, called directly (no model, no loop): typed results, the
schemas a model sees, and the policy the tools keep whatever they are asked."""

from __future__ import annotations

import json

import pytest

from agent.reading.state import DialogueState
from agent.tools import TOOLS, SearchProductsArgs, SearchResult, ToolError, Turn, tool_specs
from agent.tools.models import (
    CompareProductsArgs,
    ComparisonResult,
    DetailsResult,
    FilterArgs,
    GetProductArgs,
)
from agent.types import Preferences


def test_schemas_come_from_the_argument_models():
    specs = {s["function"]["name"]: s["function"] for s in tool_specs()}
    assert set(specs) == set(TOOLS)
    names = {"search_products", "get_product", "compare_products", "write_product_copy"}
    assert set(specs) == names
    assert specs["search_products"]["parameters"] == SearchProductsArgs.model_json_schema()
    assert specs["search_products"]["parameters"]["required"] == ["query"]
    assert specs["compare_products"]["parameters"]["properties"]["ids"]["minItems"] == 2


def test_unknown_tools_and_mismatched_arguments_are_tool_errors(make_agent):
    toolbox, turn = make_agent().toolbox, Turn(DialogueState())
    with pytest.raises(ToolError, match="unknown tool 'buy_now'"):
        toolbox.run("buy_now", GetProductArgs(id="demo-00001"), turn)
    with pytest.raises(ToolError, match="takes GetProductArgs"):
        toolbox.run("get_product", SearchProductsArgs(query="lamp"), turn)


def test_search_is_typed_and_the_shoppers_own_cap_wins(make_agent):
    agent = make_agent()
    turn = Turn(DialogueState(preferences=Preferences(max_price=25.0)), k=4)
    asked = SearchProductsArgs(query="dog leash", filters=FilterArgs(max_price=80))
    result = agent.toolbox.run("search_products", asked, turn)
    assert isinstance(result, SearchResult)
    assert 1 <= result.count == len(result.products) == len(turn.listed or []) <= 4
    # The model asked for up to $80; the shopper said $25: the stricter one holds.
    assert result.applied_filters["max_price"] == 25.0
    for summary in result.products:
        record = agent.shop.get(summary.id)
        assert record is not None and record.price is not None and record.price <= 25
        assert (summary.title, summary.price) == (record.title, record.price)
    body = json.loads(result.to_json())
    assert {"count", "products", "applied_filters", "relaxed", "not_carried", "notes"} <= set(body)


def test_details_and_comparison_only_of_products_the_shopper_saw(make_agent):
    agent = make_agent()
    turn = Turn(DialogueState(), k=3)
    listing = agent.toolbox.run("search_products", SearchProductsArgs(query="yoga mat"), turn)
    assert isinstance(listing, SearchResult) and listing.count >= 2
    first, second = listing.products[0].id, listing.products[1].id
    details = agent.toolbox.run("get_product", GetProductArgs(id=first), turn)
    record = agent.shop.get(first)
    assert isinstance(details, DetailsResult) and record is not None
    assert (details.product.id, details.product.price) == (first, record.price)
    assert json.loads(details.to_json())["product"]["copy"] is None  # the key a model reads
    compared = agent.toolbox.run("compare_products", CompareProductsArgs(ids=[first, second]), turn)
    assert isinstance(compared, ComparisonResult)
    prices = {pid: agent.shop.get(pid).price for pid in (first, second)}
    assert compared.differences.cheapest == min(prices, key=lambda pid: prices[pid])
    with pytest.raises(ToolError, match="two different product ids"):
        agent.toolbox.run("compare_products", CompareProductsArgs(ids=[first, first]), turn)
    with pytest.raises(ToolError, match="there is no product with id 'nope'"):
        agent.toolbox.run("get_product", GetProductArgs(id="nope"), turn)
    fresh = Turn(DialogueState())  # another shopper: nothing shown yet
    with pytest.raises(ToolError, match="has not been shown to this shopper"):
        agent.toolbox.run("get_product", GetProductArgs(id=first), fresh)
