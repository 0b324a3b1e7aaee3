"""Loading a catalogue file into validated Products, whatever its format.

Validation lives here, once for every format: a malformed row becomes a RowError naming file, line
and field. With on_error="fail" the first one is raised before anything is written anywhere; with
"skip" rejected rows are collected (and written to a report by the caller). A repeated id is a
rejected row too: the first occurrence wins. Every text field is cleaned of markup and control
characters first (clean.py) and then held to the CatalogSettings limits; a url that is not http(s)
is dropped from its product and reported, the product kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from retrieval.clean import clean_text, has_invisible, safe_url
from retrieval.config import CatalogSettings
from retrieval.errors import CatalogError, RowError
from retrieval.formats import (
    FORMATS,
    detect_encoding,
    detect_format,
    map_amazon2023,
    map_generic,
    map_redial,
    read_rows,
)
from retrieval.types import Fields, Product

OnError = Literal["fail", "skip"]


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str
    row: Mapping[str, Any]


@dataclass(frozen=True)
class Dropped:
    """A value left out of a product that was kept (a url that is not http(s))."""

    line: int
    id: str
    field: str
    reason: str


@dataclass
class LoadedCatalog:
    path: Path
    format: str
    encoding: str = "utf-8"
    products: list[Product] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def load_catalog(
    path: str | Path,
    fmt: str = "auto",
    mapping: Mapping[str, str] | None = None,
    on_error: OnError = "fail",
    encoding: str | None = None,
    limits: CatalogSettings | None = None,
) -> LoadedCatalog:
    """`encoding`: the file's text encoding; None detects it (BOMs, UTF-8, UTF-16, else the
    best guess of charset-normalizer, cp1252 for Western text)."""
    path = Path(path)
    if not path.is_file():
        raise CatalogError(f"catalogue file {path} does not exist")
    if fmt not in FORMATS:
        raise CatalogError(f"unknown catalogue format '{fmt}'; use one of {', '.join(FORMATS)}")
    if on_error not in ("fail", "skip"):
        raise CatalogError(f"on_error must be 'fail' or 'skip', not '{on_error}'")
    encoding = encoding or detect_encoding(path)
    fmt = detect_format(path, encoding) if fmt == "auto" else fmt
    result = LoadedCatalog(path=path, format=fmt, encoding=encoding)
    limits = limits or CatalogSettings()
    first_seen: dict[str, int] = {}
    for line, raw in read_rows(path, fmt, encoding):
        try:
            if isinstance(raw, RowError):
                raise raw
            product = _to_product(path, line, raw, fmt, mapping or {}, limits, result.dropped)
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
    path: Path,
    line: int,
    raw: dict[str, Any],
    fmt: str,
    mapping: Mapping[str, str],
    limits: CatalogSettings,
    dropped: list[Dropped],
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
    fields = _clean(path, line, fields, dropped)
    product = _validate(path, line, fields)
    problem = _over_limit(product, limits)
    if problem:
        raise RowError(str(path), line, *problem)
    return product


def _clean(path: Path, line: int, fields: dict[str, Any], dropped: list[Dropped]) -> dict[str, Any]:
    out = dict(fields)
    pid = out.get(Fields.ID)
    if isinstance(pid, str) and has_invisible(pid):
        raise RowError(str(path), line, Fields.ID, "contains control characters")
    for name, value in fields.items():
        if name in (Fields.ID, Fields.URL, Fields.IMAGE_URL):
            continue
        if isinstance(value, str):
            out[name] = clean_text(value)
        elif isinstance(value, list | tuple):
            out[name] = [clean_text(v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, dict):
            out[name] = {
                clean_text(k) if isinstance(k, str) else k: clean_text(v)
                if isinstance(v, str)
                else v
                for k, v in value.items()
            }
    for name in (Fields.URL, Fields.IMAGE_URL):
        value = out.get(name)
        if value is None or value == "":
            continue
        url = safe_url(value) if isinstance(value, str) else None
        if url is None:
            out.pop(name)
            reason = f"not an http(s) or site-relative url (got {str(value)!r:.60}); left out"
            dropped.append(Dropped(line, str(pid), name, reason))
        else:
            out[name] = url
    return out


def _over_limit(product: Product, limits: CatalogSettings) -> tuple[str, str] | None:
    """(field, reason) for the first field over its limit, or None."""
    checks: list[tuple[str, int, int, str]] = [
        (Fields.ID, len(product.id), limits.max_id_chars, "MAX_ID_CHARS"),
        (Fields.TITLE, len(product.title), limits.max_title_chars, "MAX_TITLE_CHARS"),
        (Fields.BRAND, len(product.brand or ""), limits.max_brand_chars, "MAX_BRAND_CHARS"),
        (
            Fields.DESCRIPTION,
            len(product.description),
            limits.max_description_chars,
            "MAX_DESCRIPTION_CHARS",
        ),
        (Fields.FEATURES, len(product.features), limits.max_features, "MAX_FEATURES"),
        (
            Fields.FEATURES,
            max(map(len, product.features), default=0),
            limits.max_feature_chars,
            "MAX_FEATURE_CHARS",
        ),
        (
            Fields.CATEGORY_PATH,
            len(product.category_path),
            limits.max_category_depth,
            "MAX_CATEGORY_DEPTH",
        ),
        (
            Fields.CATEGORY_PATH,
            max(map(len, product.category_path), default=0),
            limits.max_category_chars,
            "MAX_CATEGORY_CHARS",
        ),
        (Fields.ATTRIBUTES, len(product.attributes), limits.max_attributes, "MAX_ATTRIBUTES"),
        (
            Fields.ATTRIBUTES,
            max((max(len(k), len(v)) for k, v in product.attributes.items()), default=0),
            limits.max_attribute_chars,
            "MAX_ATTRIBUTE_CHARS",
        ),
        (Fields.URL, len(product.url or ""), limits.max_url_chars, "MAX_URL_CHARS"),
        (Fields.IMAGE_URL, len(product.image_url or ""), limits.max_url_chars, "MAX_URL_CHARS"),
    ]
    for name, size, limit, setting in checks:
        if size > limit:
            return name, (
                f"{size:,} over the limit of {limit:,} (shorten it, or raise "
                f"TAILTALK_CATALOG__{setting})"
            )
    return None


def _validate(path: Path, line: int, fields: dict[str, Any]) -> Product:
    try:
        return Product.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field_name = ".".join(str(part) for part in error["loc"]) or "<row>"
        reason = error["msg"]
        if field_name in fields:
            reason += f" (got {fields[field_name]!r:.60})"
        raise RowError(str(path), line, field_name, reason) from None


def write_rejections(
    rejected: list[Rejection], report: Path, dropped: list[Dropped] | None = None
) -> None:
    """One JSON object per line: each rejected row (line, field, reason, the row as read; rows
    are cut to 2,000 characters per value), then each dropped value (line, id, field, reason,
    "kept": true)."""
    report.parent.mkdir(parents=True, exist_ok=True)
    with report.open("w", encoding="utf-8") as handle:
        for rejection in rejected:
            record = {
                "line": rejection.line,
                "field": rejection.field,
                "reason": rejection.reason,
                "row": {k: _short(v) for k, v in rejection.row.items()},
            }
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        for item in dropped or []:
            record = {
                "line": item.line,
                "id": item.id,
                "field": item.field,
                "reason": item.reason,
                "kept": True,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _short(value: Any) -> Any:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= 2_000:
        return value
    return text[:2_000] + f"... ({len(text):,} characters)"
