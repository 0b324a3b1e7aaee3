"""Readers for each catalogue format. Each yields (line, raw_row) pairs, and a row mapper turns one
raw row into a dict of Product fields. Validation happens in catalog.py, once for all formats.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from retrieval.errors import CatalogError, RowError
from retrieval.types import Fields

FORMATS = ("auto", "csv", "jsonl", "parquet", "amazon2023", "redial")

Row = dict[str, Any]

# Separators for list-valued fields in flat files (CSV and Parquet string columns).
LIST_SEPARATOR = "|"
PATH_SEPARATOR = ">"
ATTRIBUTE_PREFIX = "attr:"


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".json":
        return "redial"
    if suffix == ".jsonl":
        if path.name.startswith("meta_"):
            return "amazon2023"
        with path.open(encoding="utf-8") as handle:
            first = handle.readline()
        try:
            return "amazon2023" if "parent_asin" in json.loads(first) else "jsonl"
        except (json.JSONDecodeError, TypeError):
            return "jsonl"
    raise CatalogError(
        f"cannot tell the format of {path} from its name; pass --format ({', '.join(FORMATS[1:])})"
    )


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, Row | RowError]]:
    """(line number, raw row) for every row; line numbers are what an editor shows. A row that
    cannot even be parsed comes as a RowError in place of the row, so the caller may skip it."""
    if fmt == "csv":
        yield from _read_csv(path)
    elif fmt in ("jsonl", "amazon2023"):
        yield from _read_jsonl(path)
    elif fmt == "parquet":
        yield from _read_parquet(path)
    elif fmt == "redial":
        yield from _read_redial(path)
    else:
        raise CatalogError(f"unknown catalogue format '{fmt}'; use one of {', '.join(FORMATS)}")


def _read_csv(path: Path) -> Iterator[tuple[int, Row | RowError]]:
    with path.open(newline="", encoding="utf-8") as handle:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        for row in reader:
            if None in row:
                error = RowError(str(path), reader.line_num, "<row>", "more cells than the header")
                yield reader.line_num, error
                continue
            yield reader.line_num, dict(row)


def _read_jsonl(path: Path) -> Iterator[tuple[int, Row | RowError]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, RowError(str(path), number, "<json>", f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                yield number, RowError(str(path), number, "<json>", "expected a JSON object")
                continue
            yield number, row


def _read_parquet(path: Path) -> Iterator[tuple[int, Row | RowError]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise CatalogError("reading Parquet needs pyarrow; run `make setup`") from exc
    table = pq.read_table(path)
    yield from enumerate(table.to_pylist(), start=1)


def _read_redial(path: Path) -> Iterator[tuple[int, Row | RowError]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: a ReDial id2info.json is one JSON object keyed by movie id")
    for number, (movie_id, info) in enumerate(data.items(), start=1):
        if not isinstance(info, dict):
            yield (
                number,
                RowError(str(path), number, "<json>", f"entry {movie_id} is not an object"),
            )
            continue
        yield number, {"_id": movie_id, **info}


# --- row mappers: raw row -> dict of Product fields -------------------------------------------


def map_generic(row: Row, mapping: Mapping[str, str]) -> Row:
    """Generic CSV/JSONL/Parquet: `mapping` names the source column of each Product field that is
    not under its own name. List fields may be lists or strings split on '|' (category path on '>');
    attributes may be a dict, a JSON object string, or columns named 'attr:<name>'."""
    out: Row = {}
    for field in Fields.ALL:
        column = mapping.get(field, field)
        if column in row and row[column] not in (None, ""):
            out[field] = row[column]
    for key in (Fields.FEATURES, Fields.CATEGORY_PATH):
        if isinstance(out.get(key), str):
            sep = PATH_SEPARATOR if key == Fields.CATEGORY_PATH else LIST_SEPARATOR
            out[key] = [part.strip() for part in out[key].split(sep)]
    attributes = out.get(Fields.ATTRIBUTES)
    if isinstance(attributes, str):
        try:
            out[Fields.ATTRIBUTES] = json.loads(attributes)
        except json.JSONDecodeError:
            out[Fields.ATTRIBUTES] = attributes  # left for validation to name
    extra = {
        k[len(ATTRIBUTE_PREFIX) :]: str(v)
        for k, v in row.items()
        if k.startswith(ATTRIBUTE_PREFIX) and v not in (None, "")
    }
    if extra:
        base = out.get(Fields.ATTRIBUTES) or {}
        out[Fields.ATTRIBUTES] = {**base, **extra} if isinstance(base, dict) else base
    if isinstance(out.get(Fields.ID), int):
        out[Fields.ID] = str(out[Fields.ID])  # numeric ids in CSV/Parquet stay strings from here on
    return out


def map_amazon2023(row: Row) -> Row:
    """Amazon Reviews 2023 `meta_<Category>.jsonl`: parent_asin, title, features, description,
    price, store, categories, details, average_rating, rating_number, images."""
    details = row.get("details") or {}
    if not isinstance(details, dict):
        details = {"details": details}
    attributes = {str(k): _flat(v) for k, v in details.items() if isinstance(v, str | int | float)}
    brand = details.get("Brand") or row.get("store")
    categories = row.get("categories") or []
    if not categories and row.get("main_category"):
        categories = [row["main_category"]]
    description = row.get("description") or []
    rating_number = row.get("rating_number")
    out: Row = {
        Fields.ID: row.get("parent_asin"),
        Fields.TITLE: row.get("title"),
        Fields.DESCRIPTION: " ".join(description) if isinstance(description, list) else description,
        Fields.FEATURES: row.get("features") or [],
        Fields.CATEGORY_PATH: categories,
        Fields.BRAND: brand,
        Fields.PRICE: _amazon_price(row.get("price")),
        Fields.ATTRIBUTES: attributes,
        Fields.AVERAGE_RATING: row.get("average_rating"),
        Fields.RATING_COUNT: rating_number if rating_number is not None else 0,
        Fields.POPULARITY: rating_number if rating_number is not None else 0,
    }
    images = row.get("images") or []
    if images and isinstance(images[0], dict):
        out[Fields.IMAGE_URL] = images[0].get("large") or images[0].get("thumb")
    return out


def map_redial(row: Row) -> Row:
    """ReDial `id2info.json`: name "Title (Year)", genre, plot, director, writer, star."""
    name = str(row.get("name") or "")
    genres = [g.strip().title() for g in row.get("genre") or [] if g]
    attributes: dict[str, str] = {}
    if genres:
        attributes["Genre"] = ", ".join(genres)
    year = re.search(r"\((\d{4})\)\s*$", name)
    if year:
        attributes["Year"] = year.group(1)
    for key, label in (("director", "Director"), ("writer", "Writer"), ("star", "Starring")):
        people = row.get(key) or []
        if people:
            attributes[label] = ", ".join(people)
    return {
        Fields.ID: row["_id"],
        Fields.TITLE: name,
        Fields.DESCRIPTION: row.get("plot") or "",
        # Genres stay attributes and searchable text, not a category: a film is often several
        # genres, and a category is a hard filter.
        Fields.CATEGORY_PATH: ["Movies"],
        Fields.ATTRIBUTES: attributes,
        Fields.URL: f"https://www.imdb.com/title/{row['imdb_id']}/" if row.get("imdb_id") else None,
    }


def _flat(value: Any) -> str:
    return str(value).strip()


def _amazon_price(value: Any) -> Any:
    # The 2023 corpus mostly has floats, but some dumps carry strings such as "$12.99" or "None".
    if isinstance(value, str):
        cleaned = value.strip().lstrip("$").replace(",", "")
        if cleaned in ("", "None", "—", "-"):
            return None
        return cleaned
    return value
