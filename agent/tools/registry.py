"""The tools a model may call: one registry of name -> (arguments, handler, result), the OpenAI
function schemas made from it, and the Toolbox that runs a call with the shop's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from agent.tools.models import (
    CompareProductsArgs,
    ComparisonResult,
    CopyResult,
    DetailsResult,
    GetProductArgs,
    SearchProductsArgs,
    SearchResult,
    ToolError,
    ToolResult,
    WriteProductCopyArgs,
)
from agent.tools.products import compare_products, get_product, write_product_copy
from agent.tools.search import search_products
from agent.tools.turn import Turn

if TYPE_CHECKING:
    from agent.copywriting.copywriter import Copywriter
    from agent.log.copies import CopyStore
    from agent.shop import Shop
    from retrieval.types import Product

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R", bound=ToolResult)


@dataclass(frozen=True)
class Tool(Generic[A, R]):
    name: str
    description: str
    arguments: type[A]
    result: type[R]
    handler: Callable[[Toolbox, A, Turn], R]

    def spec(self) -> dict[str, Any]:
        """The OpenAI function-tool schema, generated from the argument model."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.arguments.model_json_schema(),
            },
        }


TOOLS: dict[str, Tool[Any, Any]] = {
    tool.name: tool
    for tool in (
        Tool(
            "search_products",
            "Search the shop's catalogue. Returns up to 10 products in the order to show them.",
            SearchProductsArgs,
            SearchResult,
            search_products,
        ),
        Tool(
            "get_product",
            "All catalogue facts about one product already shown.",
            GetProductArgs,
            DetailsResult,
            get_product,
        ),
        Tool(
            "compare_products",
            "Shown products side by side, with differences.",
            CompareProductsArgs,
            ComparisonResult,
            compare_products,
        ),
        Tool(
            "write_product_copy",
            "A short description of a shown product, written only from its catalogue facts.",
            WriteProductCopyArgs,
            CopyResult,
            write_product_copy,
        ),
    )
}


def tool_specs() -> list[dict[str, Any]]:
    return [tool.spec() for tool in TOOLS.values()]


class Toolbox:
    """Runs tool calls against the shop, the copywriter and the copy store."""

    def __init__(self, shop: Shop, copywriter: Copywriter, copies: CopyStore | None = None) -> None:
        self.shop = shop
        self.copywriter = copywriter
        self.copies = copies  # None keeps copy in the turn only

    def run(self, name: str, arguments: BaseModel, turn: Turn) -> ToolResult:
        tool = TOOLS.get(name)
        if tool is None:
            raise ToolError(f"unknown tool '{name}'; use one of {', '.join(TOOLS)}")
        if not isinstance(arguments, tool.arguments):
            raise ToolError(f"{name} takes {tool.arguments.__name__} arguments")
        result: ToolResult = tool.handler(self, arguments, turn)
        return result

    def search(self, arguments: SearchProductsArgs, turn: Turn) -> SearchResult:
        return search_products(self, arguments, turn)

    def stored_copy(self, product: Product) -> str | None:
        return self.copies.text(product.id, product) if self.copies is not None else None
