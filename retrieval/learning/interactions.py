"""Interactions from outside the session log: reading interaction files, and the store they go to.

Two formats:
- generic CSV or Parquet with the columns `user_id, item_id, event, timestamp` (`event` one of
  EVENT_WEIGHTS; `timestamp` seconds or milliseconds since 1970, or an ISO 8601 date-time);
- Amazon Reviews 2023 review files (`<Category>.jsonl`, one review per line: `user_id`,
  `parent_asin`, `rating`, `timestamp` in milliseconds); a review is a purchase weighed by its
  rating (rating / 5).

A file is read whole and checked before anything is stored: the first malformed row stops the
import with its place (`orders.csv:3: field 'event': ...`) and nothing is written. The store is
SQLite (WAL) under the data folder; importing the same file content twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from retrieval.errors import CatalogError, RowError
from retrieval.sqlite import SQLiteFile

# How much one event says about a shopper wanting the item; dislikes are kept for the record but
# never count as interest.
EVENT_WEIGHTS: dict[str, float] = {
    "view": 0.5,
    "click": 1.0,
    "like": 2.0,
    "cart": 3.0,
    "purchase": 4.0,
    "review": 4.0,
    "dislike": 0.0,
}
COLUMNS = ("user_id", "item_id", "event", "timestamp")
INTERACTION_FORMATS = ("auto", "csv", "parquet", "amazon-reviews")


@dataclass(frozen=True)
class Interaction:
    user_id: str
    item_id: str
    event: str
    timestamp: float  # seconds since 1970; 0 when unknown
    weight: float


def read_interactions(path: Path, fmt: str = "auto") -> list[Interaction]:
    """Every row of the file as an Interaction, or a RowError naming the first bad row."""
    if not path.is_file():
        raise CatalogError(f"{path} does not exist; give the path of an interaction file")
    fmt = _detect(path) if fmt == "auto" else fmt
    if fmt == "csv":
        rows: Iterator[tuple[int, dict[str, Any]]] = _csv_rows(path)
    elif fmt == "parquet":
        rows = _parquet_rows(path)
    elif fmt == "amazon-reviews":
        return [_review(path.name, n, row) for n, row in _jsonl_rows(path)]
    else:
        raise CatalogError(
            f"unknown interaction format '{fmt}'; use {', '.join(INTERACTION_FORMATS)}"
        )
    return [_generic(path.name, n, row) for n, row in rows]


def _detect(path: Path) -> str:
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".json"):
        return "amazon-reviews"
    raise CatalogError(
        f"cannot tell the format of {path.name} from its extension; pass --format "
        f"({', '.join(INTERACTION_FORMATS[1:])})"
    )


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("user_id", "item_id", "event") if c not in (reader.fieldnames or ())]
        if missing:
            raise RowError(
                path.name, 1, missing[0], f"missing column; the header needs {', '.join(COLUMNS)}"
            )
        for row in reader:
            yield reader.line_num, row


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    missing = [c for c in ("user_id", "item_id", "event") if c not in table.column_names]
    if missing:
        raise RowError(
            path.name, 0, missing[0], f"missing column; the table needs {', '.join(COLUMNS)}"
        )
    yield from enumerate(table.to_pylist(), start=1)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RowError(path.name, number, "line", f"not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise RowError(path.name, number, "line", "a review must be a JSON object")
            yield number, row


def _text(name: str, line: int, row: dict[str, Any], field: str) -> str:
    value = row.get(field)
    text = "" if value is None else str(value).strip()
    if not text:
        raise RowError(name, line, field, "is empty")
    return text


def _timestamp(name: str, line: int, value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        number = float(value)
    except (TypeError, ValueError):
        try:
            return datetime.fromisoformat(str(value).strip()).timestamp()
        except ValueError:
            raise RowError(
                name,
                line,
                "timestamp",
                f"not a number of seconds or an ISO date-time (got {value!r})",
            ) from None
    if not math.isfinite(number) or number < 0:
        raise RowError(name, line, "timestamp", f"must be a time after 1970 (got {value!r})")
    return number / 1000 if number > 1e11 else number  # milliseconds, as in Amazon's files


def _generic(name: str, line: int, row: dict[str, Any]) -> Interaction:
    event = _text(name, line, row, "event").casefold()
    if event not in EVENT_WEIGHTS:
        raise RowError(
            name, line, "event", f"unknown event '{event}'; use {', '.join(EVENT_WEIGHTS)}"
        )
    return Interaction(
        user_id=_text(name, line, row, "user_id"),
        item_id=_text(name, line, row, "item_id"),
        event=event,
        timestamp=_timestamp(name, line, row.get("timestamp")),
        weight=EVENT_WEIGHTS[event],
    )


def _review(name: str, line: int, row: dict[str, Any]) -> Interaction:
    raw = row.get("rating")
    try:
        rating = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RowError(
            name, line, "rating", f"must be a number from 1 to 5 (got {raw!r})"
        ) from None
    if not 0 <= rating <= 5:
        raise RowError(name, line, "rating", f"must be a number from 1 to 5 (got {raw!r})")
    return Interaction(
        user_id=_text(name, line, row, "user_id"),
        item_id=_text(name, line, row, "parent_asin"),
        event="review",
        timestamp=_timestamp(name, line, row.get("timestamp")),
        weight=EVENT_WEIGHTS["review"] * rating / 5,
    )


class InteractionStore:
    """Imported interactions in SQLite (<data_dir>/interactions.sqlite)."""

    def __init__(self, path: Path) -> None:
        self._db = SQLiteFile(path)
        with self._db.write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS interactions (user_id TEXT NOT NULL, item_id TEXT "
                "NOT NULL, event TEXT NOT NULL, timestamp REAL NOT NULL, weight REAL NOT NULL, "
                "source TEXT NOT NULL)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS imports (content_hash TEXT PRIMARY KEY, "
                "source TEXT NOT NULL, rows INTEGER NOT NULL, imported_at REAL NOT NULL)"
            )

    def add(self, path: Path, interactions: list[Interaction]) -> int:
        """Stores the file's interactions in one transaction; returns how many were added (0 when
        this content was imported before)."""
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self._db.write() as db:
            if db.execute("SELECT 1 FROM imports WHERE content_hash = ?", (digest,)).fetchone():
                return 0
            db.executemany(
                "INSERT INTO interactions VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (i.user_id, i.item_id, i.event, i.timestamp, i.weight, path.name)
                    for i in interactions
                ],
            )
            db.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?)",
                (digest, str(path), len(interactions), time.time()),
            )
        return len(interactions)

    def all(self) -> Iterator[Interaction]:
        rows = self._db.connection().execute(
            "SELECT user_id, item_id, event, timestamp, weight FROM interactions"
        )
        for user, item, event, ts, weight in rows:
            yield Interaction(user, item, event, float(ts), float(weight))

    def count(self) -> int:
        (n,) = self._db.connection().execute("SELECT COUNT(*) FROM interactions").fetchone()
        return int(n)
