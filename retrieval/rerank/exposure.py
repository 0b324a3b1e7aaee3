"""Amortized exposure: a ledger of how much attention each product has received across sessions,
and a policy that lets relevant but under-exposed products catch up.

Exposure of one impression is position-weighted like DCG, 1 / log2(rank + 1), so the first slot
counts 1.0 and the tenth about 0.29. The ledger is SQLite in WAL mode; each write is one
transaction of `exposure = exposure + ?` upserts, so several processes can write at once and no
count is lost (SQLite serialises the writers; busy_timeout makes them wait instead of failing).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from retrieval.rerank.base import Candidate, RerankContext, normalized


def position_weight(rank: int) -> float:
    return 1 / math.log2(rank + 1)


class ExposureLedger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        with self._transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS exposure ("
                " product_id TEXT PRIMARY KEY,"
                " exposure REAL NOT NULL DEFAULT 0,"
                " impressions INTEGER NOT NULL DEFAULT 0)"
            )

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread: sqlite3 connections must not be shared across threads.
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    def _transaction(self) -> _Transaction:
        return _Transaction(self._connection())

    def record(self, shown: Iterable[tuple[str, int]]) -> None:
        """Adds one impression of each (product id, 1-based rank)."""
        rows = [(pid, position_weight(rank)) for pid, rank in shown]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO exposure (product_id, exposure, impressions) VALUES (?, ?, 1) "
                "ON CONFLICT(product_id) DO UPDATE SET "
                "exposure = exposure + excluded.exposure, impressions = impressions + 1",
                rows,
            )

    def exposure(self, product_ids: Sequence[str]) -> dict[str, float]:
        out = dict.fromkeys(product_ids, 0.0)
        db = self._connection()  # reads take no write lock: in WAL they never block the writers
        for start in range(0, len(product_ids), 500):
            chunk = list(product_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT product_id, exposure FROM exposure WHERE product_id IN ({marks})",
                chunk,
            )
            out.update({pid: float(value) for pid, value in rows})
        return out

    def totals(self) -> dict[str, tuple[float, int]]:
        rows = self._connection().execute("SELECT product_id, exposure, impressions FROM exposure")
        return {pid: (float(e), int(n)) for pid, e, n in rows}


class _Transaction:
    """`with` block = one IMMEDIATE transaction on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class ExposureRerank:
    """Scores (1 - lam) * rel(i) + lam * (1 - exposure(i) / max exposure among the candidates):
    among comparably relevant products, the ones the shop has shown least come first. Exposure is
    read from the ledger, and the caller records what was finally shown (ledger.record)."""

    name = "exposure"

    def __init__(self, ledger: ExposureLedger | Mapping[str, float], lam: float = 0.5) -> None:
        self.ledger = ledger
        self.lam = lam

    def _exposure(self, ids: Sequence[str]) -> dict[str, float]:
        if isinstance(self.ledger, ExposureLedger):
            return self.ledger.exposure(ids)
        return {pid: float(self.ledger.get(pid, 0.0)) for pid in ids}

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        if not candidates:
            return []
        relevance = normalized([c.score for c in candidates])
        seen = self._exposure([c.product.id for c in candidates])
        exposure = np.array([seen[c.product.id] for c in candidates])
        top = exposure.max()
        freshness = 1 - exposure / top if top > 0 else np.ones_like(exposure)
        value = (1 - self.lam) * relevance + self.lam * freshness
        order = sorted(range(len(candidates)), key=lambda i: (-value[i], i))[:k]
        return [(candidates[i], 1.0) for i in order]
