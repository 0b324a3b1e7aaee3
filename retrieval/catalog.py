"""Loading a catalogue file into validated Products, whatever its format.

Validation lives here, once for every format: a malformed row becomes a RowError naming file, line
and field. With on_error="fail" the first one is raised before anything is written anywhere; with
"skip" rejected rows are collected (and written to a report by the caller). A repeated id is a
rejected row too: the first occurrence wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from retrieval.errors import CatalogError, RowError
from retrieval.formats import (
    FORMATS,
    detect_format,
    map_amazon2023,
    map_generic,
    map_redial,
    read_rows,
)
from retrieval.types import Product

OnError = Literal["fail", "skip"]


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str
    row: Mapping[str, Any]


@dataclass
class LoadedCatalog:
    path: Path
    format: str
    products: list[Product] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)


def load_catalog(
    path: str | Path,
    fmt: str = "auto",
    mapping: Mapping[str, str] | None = None,
    on_error: OnError = "fail",
) -> LoadedCatalog:
    path = Path(path)
    if not path.is_file():
        raise CatalogError(f"catalogue file {path} does not exist")
    if fmt not in FORMATS:
        raise CatalogError(f"unknown catalogue format '{fmt}'; use one of {', '.join(FORMATS)}")
    if on_error not in ("fail", "skip"):
        raise CatalogError(f"on_error must be 'fail' or 'skip', not '{on_error}'")
    fmt = detect_format(path) if fmt == "auto" else fmt
    result = LoadedCatalog(path=path, format=fmt)
    first_seen: dict[str, int] = {}
    for line, raw in read_rows(path, fmt):
        try:
            if isinstance(raw, RowError):
                raise raw
            product = _to_product(path, line, raw, fmt, mapping or {})
            if product.id in first_seen:
                result.duplicate_ids.append(product.id)
                raise RowError(
                    str(path),
                    line,
                    "id",
                    f"duplicate id '{product.id}' (first seen at line {first_seen[product.id]})",
                )
        except RowError as exc:
            if on_error == "fail":
                raise
            row = raw if isinstance(raw, dict) else {}
            result.rejected.append(Rejection(exc.line, exc.field, exc.reason, row))
            continue
        first_seen[product.id] = line
        result.products.append(product)
    return result


def _to_product(
    path: Path, line: int, raw: dict[str, Any], fmt: str, mapping: Mapping[str, str]
) -> Product:
    try:
        if fmt == "amazon2023":
            fields = map_amazon2023(raw)
        elif fmt == "redial":
            fields = map_redial(raw)
        else:
            fields = map_generic(raw, mapping)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise RowError(str(path), line, "<row>", f"cannot be read as a product ({exc})") from None
    try:
        return Product.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field_name = ".".join(str(part) for part in error["loc"]) or "<row>"
        reason = error["msg"]
        if field_name in fields:
            reason += f" (got {fields[field_name]!r:.60})"
        raise RowError(str(path), line, field_name, reason) from None


def write_rejections(rejected: list[Rejection], report: Path) -> None:
    """One JSON object per rejected row: line, field, reason and the row as read."""
    report.parent.mkdir(parents=True, exist_ok=True)
    with report.open("w", encoding="utf-8") as handle:
        for rejection in rejected:
            record = {
                "line": rejection.line,
                "field": rejection.field,
                "reason": rejection.reason,
                "row": rejection.row,
            }
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
