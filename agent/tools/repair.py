"""Repairing tool calls from small open models.

Small models often call tools almost right: a near-miss tool name, JSON with single quotes or a
trailing comma, a price as "$30", a filter at the top level instead of under "filters", a list
given as a comma-separated string, or the whole call written into the text instead of as a tool
call. What can be put right is; what cannot becomes a RepairError whose message tells the model
what to fix (the loop feeds it back as an observation).
"""

from __future__ import annotations

import difflib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.tools.models import FilterArgs
from agent.tools.registry import TOOLS
from agent.types import ToolCall

_ALIASES = {
    "search": "search_products",
    "product_search": "search_products",
    "find_products": "search_products",
    "search_product": "search_products",
    "get": "get_product",
    "product_details": "get_product",
    "get_product_details": "get_product",
    "compare": "compare_products",
    "write_copy": "write_product_copy",
    "product_copy": "write_product_copy",
    "describe_product": "write_product_copy",
}
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)
_IN_TEXT = re.compile(
    r"<tool_call>\s*(\{.*?\})\s*</tool_call>|```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL
)
_PRICE = re.compile(r"^\s*[$€£]?\s*(\d+(?:\.\d+)?)\s*(?:dollars|usd)?\s*$", re.IGNORECASE)
_FILTER_FIELDS = set(FilterArgs.model_fields)


class RepairError(Exception):
    """A tool call that could not be put right; the message is written for the model."""


@dataclass
class Repaired:
    name: str
    arguments: BaseModel
    repaired: bool = False
    notes: list[str] = field(default_factory=list)


def repair(call: ToolCall) -> Repaired:
    notes: list[str] = []
    name = _tool_name(call.name, notes)
    model = TOOLS[name].arguments
    raw = _arguments(call.arguments, name, notes)
    try:
        return Repaired(name, model.model_validate(raw), bool(notes), notes)
    except ValidationError:
        pass
    fixed = _coerce(name, raw, notes)
    try:
        return Repaired(name, model.model_validate(fixed), True, notes)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()
        )
        raise RepairError(f"invalid arguments for {name}: {problems}") from exc


def tool_calls_in_text(text: str) -> list[ToolCall]:
    """Tool calls a model wrote as text (<tool_call>{...}</tool_call> or a fenced JSON block)."""
    calls: list[ToolCall] = []
    candidates = [a or b for a, b in _IN_TEXT.findall(text)]
    stripped = text.strip()
    if not candidates and stripped.startswith("{") and stripped.endswith("}"):
        candidates = [stripped]
    for block in candidates:
        data = _loads(block)
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            arguments = data.get("arguments", data.get("parameters", {}))
            text_args = arguments if isinstance(arguments, str) else json.dumps(arguments)
            calls.append(
                ToolCall(id=f"text-{uuid.uuid4().hex[:8]}", name=data["name"], arguments=text_args)
            )
    return calls


def _tool_name(name: str, notes: list[str]) -> str:
    if name in TOOLS:
        return name
    folded = re.sub(r"[\s\-.]+", "_", name.strip().casefold()).removeprefix("functions_")
    guess = _ALIASES.get(folded) or (folded if folded in TOOLS else None)
    if guess is None:
        close = difflib.get_close_matches(folded, list(TOOLS), n=1, cutoff=0.6)
        guess = close[0] if close else None
    if guess is None:
        raise RepairError(f"unknown tool '{name}'; the tools are {', '.join(TOOLS)}")
    notes.append(f"tool name '{name}' read as '{guess}'")
    return guess


def _arguments(text: str, name: str, notes: list[str]) -> dict[str, Any]:
    data = _loads(text)
    if isinstance(data, str):  # double-encoded JSON
        data = _loads(data)
    if isinstance(data, dict) and isinstance(data.get("arguments"), dict) and data.get("name"):
        notes.append("arguments were wrapped in a call object")
        data = data["arguments"]
    if isinstance(data, dict):
        if text.strip() and _strict_loads(text) is None:
            notes.append("arguments were not valid JSON")
        return data
    if name == "search_products" and text.strip() and not text.strip().startswith(("{", "[")):
        notes.append("arguments were plain text; used as the query")
        return {"query": text.strip()}
    raise RepairError(
        f"the arguments of {name} are not a JSON object: {text[:120]!r}; send an object like "
        f"{_example(name)}"
    )


def _strict_loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None


def _loads(text: str) -> Any:
    """JSON, or the JSON a model meant: fences, single quotes, Python literals, trailing commas
    and missing closing brackets put right."""
    if not isinstance(text, str):
        return text
    attempt = _FENCE.sub("", text.strip())
    for fix in (
        lambda s: s,
        lambda s: re.sub(r",\s*([}\]])", r"\1", s),
        lambda s: re.sub(
            r"\bTrue\b", "true", re.sub(r"\bFalse\b", "false", re.sub(r"\bNone\b", "null", s))
        ),
        lambda s: s.replace("'", '"') if '"' not in s else s,
        _close_brackets,
    ):
        attempt = fix(attempt)
        value = _strict_loads(attempt)
        if value is not None:
            return value
    start, end = attempt.find("{"), attempt.rfind("}")
    return _strict_loads(attempt[start : end + 1]) if 0 <= start < end else None


def _close_brackets(text: str) -> str:
    missing_braces = text.count("{") - text.count("}")
    missing_lists = text.count("[") - text.count("]")
    return text + "]" * max(missing_lists, 0) + "}" * max(missing_braces, 0)


def _coerce(name: str, raw: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    fields = set(TOOLS[name].arguments.model_fields)
    out = {k: v for k, v in raw.items() if k in fields}
    if name == "search_products":
        filters = out.get("filters", {})
        if isinstance(filters, str):
            filters = _loads(filters) or {}
        filters = dict(filters) if isinstance(filters, dict) else {}
        for key in _FILTER_FIELDS & set(raw):  # filters given at the top level
            filters.setdefault(key, raw[key])
            notes.append(f"'{key}' moved under 'filters'")
        out["filters"] = _coerce_filters(filters, notes)
        if not out.get("query"):
            out["query"] = raw.get("q") or raw.get("text") or raw.get("search") or ""
    if name in ("get_product", "write_product_copy") and "id" not in out:
        out["id"] = raw.get("product_id") or raw.get("ids", [None])[0]
    if "id" in out and out["id"] is not None and not isinstance(out["id"], str):
        out["id"] = str(out["id"])
    if name == "compare_products":
        ids = out.get("ids", raw.get("product_ids"))
        if isinstance(ids, str):
            ids = [i.strip() for i in ids.split(",") if i.strip()]
        out["ids"] = [str(i) for i in ids] if isinstance(ids, list) else ids
    dropped = set(raw) - fields - _FILTER_FIELDS - {"product_id", "product_ids", "q", "text"}
    if dropped:
        notes.append(f"unknown fields dropped: {', '.join(sorted(dropped))}")
    return out


def _coerce_filters(filters: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if key not in _FILTER_FIELDS:
            notes.append(f"unknown filter '{key}' dropped")
            continue
        if key in ("min_price", "max_price", "min_rating"):
            value = _number(value)
        elif key in ("categories", "brands", "exclude_brands"):
            value = [value] if isinstance(value, str) else value
        elif key in ("attributes", "exclude_attributes") and isinstance(value, dict):
            value = {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        out[key] = value
    return out


def _number(value: Any) -> Any:
    if isinstance(value, str):
        match = _PRICE.match(value)
        return float(match.group(1)) if match else None
    return value


def _example(name: str) -> str:
    return {
        "search_products": '{"query": "moisturizer", "filters": {"max_price": 30}}',
        "get_product": '{"id": "<a product id>"}',
        "compare_products": '{"ids": ["<id>", "<id>"]}',
        "write_product_copy": '{"id": "<a product id>"}',
    }[name]
