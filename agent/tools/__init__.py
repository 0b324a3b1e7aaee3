"""The tools a model may call and the policy they keep, whatever the model asks.

- models.py: argument and result models of every tool (the JSON schemas come from them)
- registry.py: name -> (arguments, handler, result), the OpenAI schemas, the Toolbox
- search.py: search_products (hard constraints always hold, the re-ranker always runs)
- products.py: get_product, compare_products, write_product_copy (only on shown products)
- repair.py: putting right the tool calls small models get almost right
- turn.py: what one turn knows and has gathered
"""

from agent.tools.models import (
    ComparisonResult,
    CopyResult,
    DetailsResult,
    FilterArgs,
    SearchProductsArgs,
    SearchResult,
    ToolError,
    ToolFailure,
    ToolResult,
)
from agent.tools.registry import TOOLS, Tool, Toolbox, tool_specs
from agent.tools.turn import Turn

__all__ = [
    "TOOLS",
    "ComparisonResult",
    "CopyResult",
    "DetailsResult",
    "FilterArgs",
    "SearchProductsArgs",
    "SearchResult",
    "Tool",
    "ToolError",
    "ToolFailure",
    "ToolResult",
    "Toolbox",
    "Turn",
    "tool_specs",
]
