"""Amortized exposure: a ledger of how much attention each product has received across sessions,
and a policy that lets relevant but under-exposed products catch up.

Exposure of one impression is position-weighted like DCG, 1 / log2(rank + 1), so the first slot
counts 1.0 and the tenth about 0.29. The ledger is a SQL store (retrieval/database.py): a SQLite
file per machine by default, or the PostgreSQL database every machine shares. Each write is one
transaction of `exposure = exposure + ?` upserts, so several processes can write at once and no
count is lost (SQLite serialises the writers; PostgreSQL locks each updated row until commit, and
the rows are taken in product order so two writers never wait on each other in a cycle).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from retrieval.database import Database, Migration, migrate
from retrieval.popularity import Band
from retrieval.rerank.base import Candidate, RerankContext
from retrieval.sqlite import SQLiteFile

SCHEMA = "tailtalk_exposure"  # the ledger's tables on PostgreSQL
MIGRATIONS = (
    Migration(
        "001_exposure",
        (
            # IF NOT EXISTS: ledgers written before migrations were recorded adopt this step.
            "CREATE TABLE IF NOT EXISTS exposure ("
            " product_id TEXT PRIMARY KEY,"
            " exposure DOUBLE PRECISION NOT NULL DEFAULT 0,"
            " impressions INTEGER NOT NULL DEFAULT 0)",
        ),
    ),
)


def position_weight(rank: int) -> float:
    return 1 / math.log2(rank + 1)


class ExposureLedger:
    """Exposure per product, in `db` (a path: a SQLite file there)."""

    def __init__(self, db: Database | Path) -> None:
        self.db: Database = SQLiteFile(db) if isinstance(db, Path) else db
        migrate(self.db, MIGRATIONS)

    def record(self, shown: Iterable[tuple[str, int]]) -> None:
        """Adds one impression of each (product id, 1-based rank)."""
        rows = sorted((pid, position_weight(rank)) for pid, rank in shown)
        if not rows:
            return
        with self.db.write() as db:
            db.executemany(
                "INSERT INTO exposure (product_id, exposure, impressions) VALUES (?, ?, 1) "
                "ON CONFLICT(product_id) DO UPDATE SET "
                "exposure = exposure.exposure + excluded.exposure, "
                "impressions = exposure.impressions + 1",
                rows,
            )

    def exposure(self, product_ids: Sequence[str]) -> dict[str, float]:
        out = dict.fromkeys(product_ids, 0.0)
        for start in range(0, len(product_ids), 500):
            chunk = list(product_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.db.fetchall(
                f"SELECT product_id, exposure FROM exposure WHERE product_id IN ({marks})",
                chunk,
            )
            out.update({pid: float(value) for pid, value in rows})
        return out

    def totals(self) -> dict[str, tuple[float, int]]:
        rows = self.db.fetchall("SELECT product_id, exposure, impressions FROM exposure")
        return {pid: (float(e), int(n)) for pid, e, n in rows}


class ExposureRerank:
    """Amortized exposure with a tail boost: relevant products the shop has shown least, and
    long-tail products, catch up with the bestsellers, while the best matches still lead.

    With rel(i) the candidate's relevance and fresh(i) = 1 / (1 + exposure(i)) (1 for a product
    never shown, 1/2 after one impression in first place):

    - the first `lead` slots go to the most relevant candidates by rel(i) * (1 + lead_freshness *
      fresh(i)): a shopper always sees the best matches first, and near-equal bestsellers take
      turns instead of one of them holding the top slot for every shopper;
    - every later slot goes by rel(i) * (1 + tail_boost * [i is tail] + freshness * fresh(i))
      / (1 + wear * ln(1 + exposure(i))).

    The boosts multiply relevance, so a product twice as relevant needs a lot of freshness to be
    overtaken; the relevance floor (rank_with) bounds how far down promotion may reach. Once every
    candidate has been shown many times the freshness term fades and relevance with the tail
    boost decides; that is why the wear term divides: freshness stops telling apart a product shown
    five times from one shown five hundred times, wear keeps wearing the bestsellers' claim on
    the later slots down, so the exposure they hold spreads over more of the relevant candidates
    (exposure Gini). Exposure is read from the ledger; the caller records what was finally shown.
    Defaults are the benchmark's (README, "Long tail").
    """

    name = "exposure"

    def __init__(
        self,
        ledger: ExposureLedger | Mapping[str, float],
        freshness: float = 2.4,
        tail_boost: float = 1.05,
        lead: int = 2,
        lead_freshness: float = 0.4,
        wear: float = 0.3,
    ) -> None:
        self.ledger = ledger
        self.freshness = freshness
        self.tail_boost = tail_boost
        self.lead = lead
        self.lead_freshness = lead_freshness
        self.wear = wear

    def _exposure(self, ids: Sequence[str]) -> dict[str, float]:
        if isinstance(self.ledger, ExposureLedger):
            return self.ledger.exposure(ids)
        return {pid: float(self.ledger.get(pid, 0.0)) for pid in ids}

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        if not candidates:
            return []
        # Boosts multiply relevance, so it must not be negative (a boost would push it down);
        # candidates arrive best first and ties keep that order.
        relevance = np.maximum(np.array([c.score for c in candidates]), 0.0)
        seen = self._exposure([c.product.id for c in candidates])
        exposure = np.array([seen[c.product.id] for c in candidates])
        fresh = 1 / (1 + exposure)
        tail = np.array([c.band is Band.TAIL for c in candidates], dtype=float)
        leading = _top(relevance * (1 + self.lead_freshness * fresh), min(self.lead, k))
        value = relevance * (1 + self.tail_boost * tail + self.freshness * fresh)
        value /= 1 + self.wear * np.log1p(exposure)
        value[leading] = np.inf
        rest = [i for i in _top(value, k) if i not in leading]
        return [(candidates[i], 1.0) for i in [*leading, *rest][:k]]


def _top(values: np.ndarray, n: int) -> list[int]:
    """Indices of the n highest values, best first; ties go to the earlier (more relevant) one."""
    return [int(i) for i in np.argsort(-values, kind="stable")[:n]]
