"""Relevance between the retriever's hits and the re-ranker: widen the candidate pool, compute
every candidate's signals, fuse them into one score.

The pool is the retriever's hybrid hits plus, when the session is about some products, those
products and their nearest collaborative neighbours, plus the most demanded products that pass
the filters (so a demand prior can matter where the words say little). Every product in the pool
passed the hard filters. The fusion is the current learned model's when one is published in the
registry and usable, else the hand-set one; the collaborative model comes with the learned one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.learning.collaborative import ItemKNN
from retrieval.learning.fusion import LinearFusion
from retrieval.learning.registry import LearnedModel, ModelRegistry
from retrieval.learning.signals import (
    ProductTerms,
    SessionItems,
    SignalInputs,
    demand_prior,
    signal_matrix,
)
from retrieval.popularity import Band, PopularityBands
from retrieval.snapshot import Snapshot
from retrieval.types import ProductHit, SearchFilters

NEIGHBOURS = 100  # collaborative neighbours of the session's products added to the pool
DEMANDED = 50  # most demanded allowed products added to the pool


@dataclass(frozen=True)
class Scored:
    row: int
    score: float
    signals: np.ndarray  # in Signal.ALL order


class FusedRelevance:
    """`registry`: a learned model is used as soon as one is published (polled); `model`: one
    fixed learned model (offline evaluation); neither: the hand-set `fusion` alone, with the
    catalogue's own counts as demand."""

    def __init__(
        self,
        fusion: LinearFusion | None = None,
        registry: ModelRegistry | None = None,
        model: LearnedModel | None = None,
    ) -> None:
        self.fusion = fusion or LinearFusion()
        self.registry = registry
        self.fixed = model
        self._demand_key: tuple[int, int] | None = None
        self._demand = np.zeros(0)
        self._by_demand = np.zeros(0, dtype=np.int64)
        self._terms_index: int | None = None
        self._terms: dict[int, ProductTerms] = {}

    def _terms_of(self, index: Snapshot, rows: np.ndarray) -> list[ProductTerms]:
        if id(index) != self._terms_index:
            self._terms, self._terms_index = {}, id(index)
        cache = self._terms
        out = []
        for row in rows:
            terms = cache.get(int(row))
            if terms is None:
                terms = cache[int(row)] = ProductTerms.of(index.products[row])
            out.append(terms)
        return out

    def learned(self) -> LearnedModel | None:
        if self.registry is not None:
            current = self.registry.current()
            if current is not None:
                return current
        return self.fixed

    def model(self) -> tuple[LinearFusion, ItemKNN | None, str]:
        """The fusion and collaborative model in use now, and the version they come from."""
        learned = self.learned()
        if learned is not None:
            return learned.fusion, learned.collaborative, learned.version or "learned"
        return self.fusion, None, "hand-set"

    def _demand_of(self, index: Snapshot, learned: LearnedModel | None) -> np.ndarray:
        key = (id(index), id(learned))
        if key != self._demand_key:
            extra = learned.demand if learned is not None else {}
            counts = [
                float(p.popularity or p.rating_count) + extra.get(p.id, 0.0) for p in index.products
            ]
            self._demand = demand_prior(counts)
            self._by_demand = np.argsort(-self._demand, kind="stable")
            self._demand_key = key
        return self._demand

    def score(
        self,
        index: Snapshot,
        query: str,
        vector: np.ndarray,
        hits: Sequence[ProductHit],
        filters: SearchFilters,
        bands: PopularityBands,
        session: SessionItems | None = None,
        profile: Mapping[Band, float] | None = None,
    ) -> list[Scored]:
        """The pool, best fused relevance first (ties keep the retriever's order)."""
        learned = self.learned()  # once: a switch in the middle of a search must not mix models
        fusion = learned.fusion if learned is not None else self.fusion
        collaborative = learned.collaborative if learned is not None else None
        demand = self._demand_of(index, learned)
        rows = [index.row_of[h.product.id] for h in hits if h.product.id in index.row_of]
        rows += self._extra_rows(index, filters, session or SessionItems(), collaborative, demand)
        pool = np.fromiter(dict.fromkeys(rows), dtype=np.int64)
        if len(pool) == 0:
            return []
        session = session or SessionItems()
        inputs = SignalInputs(
            query=query,
            vector=vector,
            lexical=index.lexical.scores(query),
            demand=demand,
            session=session,
            collaborative=collaborative,
            profile=profile,
            query_idf=index.lexical.idf(query),
        )
        products = [index.products[r] for r in pool]
        features = signal_matrix(
            inputs,
            pool,
            products,
            index.vectors[pool],
            [bands.band(p.id) for p in products],
            self._terms_of(index, pool),
        )
        fused = fusion.score(features)
        order = np.argsort(-fused, kind="stable")
        return [Scored(int(pool[i]), float(fused[i]), features[i]) for i in order]

    def _extra_rows(
        self,
        index: Snapshot,
        filters: SearchFilters,
        session: SessionItems,
        collaborative: ItemKNN | None,
        demand: np.ndarray,
    ) -> list[int]:
        mask = index.mask(filters)

        def allowed(row: int | None) -> bool:
            return row is not None and (mask is None or bool(mask[row]))

        anchors = session.anchors()
        wanted: list[str] = list(anchors)
        if collaborative is not None and anchors:
            wanted += [pid for pid, _ in collaborative.neighbours(anchors, NEIGHBOURS)]
        extra = [r for r in (index.row_of.get(pid) for pid in wanted) if allowed(r)]
        demanded = self._by_demand if mask is None else self._by_demand[mask[self._by_demand]]
        extra += [int(r) for r in demanded[:DEMANDED] if demand[r] > 0]
        return [int(r) for r in extra if r is not None]
