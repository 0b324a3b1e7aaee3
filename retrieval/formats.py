"""Readers for each catalogue format. Each yields (line, raw_row) pairs, and a row mapper turns one
raw row into a dict of Product fields. Validation happens in catalog.py, once for all formats.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from retrieval.errors import CatalogError, RowError
from retrieval.types import Fields

FORMATS = ("auto", "csv", "jsonl", "parquet", "amazon2023", "redial")

Row = dict[str, Any]

# Separators for list-valued fields in flat files (CSV and Parquet string columns).
LIST_SEPARATOR = "|"
PATH_SEPARATOR = ">"
ATTRIBUTE_PREFIX = "attr:"


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SAMPLE = 1 << 20


def detect_encoding(path: Path) -> str:
    """The text encoding of a catalogue file: a BOM if there is one; UTF-16 without a BOM by
    its zero bytes; UTF-8 if the whole file decodes as UTF-8 (read as utf-8-sig, so a BOM added
    later is harmless); else cp1252 (Western shops' usual, and a superset of latin-1's letters);
    else charset-normalizer's best guess for the first megabyte, checked against the whole file;
    else latin-1, which decodes anything. Parquet files carry their own encoding ("utf-8")."""
    if path.suffix.lower() == ".parquet":
        return "utf-8"
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    even, odd = head[0:4096:2], head[1:4096:2]
    if odd and odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even and even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    if _decodes(path, "utf-8"):
        return "utf-8-sig"
    # Latin-1 text never holds the C1 controls where it differs from cp1252, so cp1252 reads
    # both; it fails only on five unassigned bytes, which multi-byte encodings (Shift-JIS, GBK)
    # are full of: then charset-normalizer guesses.
    if _decodes(path, "cp1252"):
        return "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
        if best is not None and _decodes(path, best.encoding):
            return str(best.encoding)
    except ImportError:  # an optional helper: latin-1 still reads anything
        pass
    return "latin-1"


def _decodes(path: Path, encoding: str) -> bool:
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_SAMPLE):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_format(path: Path, encoding: str = "utf-8-sig") -> str:
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
        with path.open(encoding=encoding, errors="replace") as handle:
            first = handle.readline()
        try:
            return "amazon2023" if "parent_asin" in json.loads(first) else "jsonl"
        except (json.JSONDecodeError, TypeError):
            return "jsonl"
    raise CatalogError(
        f"cannot tell the format of {path} from its name; pass --format ({', '.join(FORMATS[1:])})"
    )


def read_rows(
    path: Path, fmt: str, encoding: str = "utf-8-sig"
) -> Iterator[tuple[int, Row | RowError]]:
    """(line number, raw row) for every row; line numbers are what an editor shows. A row that
    cannot even be parsed comes as a RowError in place of the row, so the caller may skip it."""
    if fmt == "csv":
        yield from _read_csv(path, encoding)
    elif fmt in ("jsonl", "amazon2023"):
        yield from _read_jsonl(path, encoding)
    elif fmt == "parquet":
        yield from _read_parquet(path)
    elif fmt == "redial":
        yield from _read_redial(path, encoding)
    else:
        raise CatalogError(f"unknown catalogue format '{fmt}'; use one of {', '.join(FORMATS)}")


def _open_text(path: Path, encoding: str, newline: str | None = None) -> IO[str]:
    # A BOM left in the text would glue itself to the first column's name ("\ufeffid").
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        return path.open(encoding=encoding, newline=newline)
    except LookupError:
        raise CatalogError(f"unknown text encoding '{encoding}'; use e.g. utf-8, cp1252") from None


def _read_csv(path: Path, encoding: str) -> Iterator[tuple[int, Row | RowError]]:
    with _open_text(path, encoding, newline="") as handle:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # csv's own limit, 131,072 characters per cell; the reader goes on after it.
                yield reader.line_num, RowError(str(path), reader.line_num, "<row>", str(exc))
                continue
            except UnicodeDecodeError as exc:
                raise CatalogError(
                    f"{path} is not {encoding} text ({exc.reason} at byte {exc.start}); "
                    "pass its encoding with --encoding (e.g. cp1252, latin-1, utf-16)"
                ) from None
            if None in row:
                error = RowError(str(path), reader.line_num, "<row>", "more cells than the header")
                yield reader.line_num, error
                continue
            yield reader.line_num, dict(row)


def _read_jsonl(path: Path, encoding: str) -> Iterator[tuple[int, Row | RowError]]:
    with _open_text(path, encoding) as handle:
        for number, line in enumerate(_decoded(handle, path, encoding), start=1):
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


def _decoded(handle: IO[str], path: Path, encoding: str) -> Iterator[str]:
    try:
        yield from handle
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"{path} is not {encoding} text ({exc.reason} at byte {exc.start}); "
            "pass its encoding with --encoding (e.g. cp1252, latin-1, utf-16)"
        ) from None


def _read_redial(path: Path, encoding: str) -> Iterator[tuple[int, Row | RowError]]:
    with _open_text(path, encoding) as handle:
        data = json.loads("".join(_decoded(handle, path, encoding)))
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
    image = _amazon_image(row.get("images"))
    if image:
        out[Fields.IMAGE_URL] = image
    return out


def _amazon_image(images: Any) -> str | None:
    """The best picture: the first image's hi_res, else large, else thumb. The 2023 corpus
    has a list of {thumb, large, variant, hi_res}; some dumps have {hi_res: [...], large: [...]}."""
    if isinstance(images, dict):
        images = [
            dict(zip(images, values, strict=False))
            for values in zip(*images.values(), strict=False)
        ]
    if not isinstance(images, list):
        return None
    for size in ("hi_res", "large", "thumb"):
        for image in images:
            if isinstance(image, dict) and isinstance(image.get(size), str) and image[size]:
                return str(image[size])
    return None


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
