"""Tail-aware search: hard-filtered top-N candidates -> the configured re-ranker -> top-k.

This is the only way the agent reaches products, so the exposure policy cannot be bypassed. What is
shown is recorded in the exposure ledger (when there is one), which the exposure policy reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.config import RerankSettings
from retrieval.popularity import PopularityBands
from retrieval.rerank.base import Candidate, Ranked, RerankContext, Reranker, rank_with
from retrieval.rerank.exposure import ExposureLedger
from retrieval.rerank.factory import build_reranker
from retrieval.search import Retriever
from retrieval.snapshot import Snapshot
from retrieval.types import SearchFilters


class TailSearch:
    def __init__(
        self,
        retriever: Retriever,
        bands: PopularityBands,
        policy: Reranker,
        floor: float = 0.1,
        candidates: int = 100,
        ledger: ExposureLedger | None = None,
    ) -> None:
        self.retriever = retriever
        self.bands = bands
        self.policy = policy
        self.floor = floor
        self.n_candidates = candidates
        self.ledger = ledger

    @classmethod
    def configured(
        cls,
        retriever: Retriever,
        settings: RerankSettings,
        ledger: ExposureLedger,
        bands: PopularityBands | None = None,
    ) -> TailSearch:
        """The search the settings describe: their policy (fed by `ledger`), floor and
        candidate count. Without `bands`, whoever owns the search (the agent's Shop) sets them."""
        return cls(
            retriever,
            bands or PopularityBands({}, {}),
            build_reranker(settings, ledger),
            settings.floor,
            settings.candidates,
            ledger,
        )

    def candidates(
        self,
        query: str,
        vector: np.ndarray,
        filters: SearchFilters,
        index: Snapshot | None = None,
    ) -> list[Candidate]:
        """The top-N hard-filtered products by relevance (hybrid: `query` is the text that
        `vector` embeds), with what the re-rankers need to know about each. `index`: the
        snapshot to read, when the caller already took one."""
        index = self.retriever.index if index is None else index
        hits = self.retriever.search_vector(vector, filters, self.n_candidates, index, text=query)
        return [
            Candidate(
                product=hit.product,
                score=hit.score,
                vector=index.vectors[index.row_of[hit.product.id]],
                band=self.bands.band(hit.product.id),
            )
            for hit in hits
        ]

    def rank(
        self,
        candidates: list[Candidate],
        filters: SearchFilters,
        k: int,
        context: RerankContext | None = None,
        policy: Reranker | None = None,
    ) -> list[Ranked]:
        return rank_with(policy or self.policy, candidates, filters, k, self.floor, context)

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        k: int = 10,
        context: RerankContext | None = None,
        record: bool = True,
        like: Sequence[str] = (),
    ) -> list[Ranked]:
        """The re-ranked top k. With `record`, the list is written to the exposure ledger as
        shown; a caller that shows something else (the agent, after its guardrail) records
        what it finally showed itself. `like` names products the results should resemble:
        the query vector is averaged with theirs ("something like that one")."""
        filters = filters or SearchFilters()
        vector = self.retriever.embed_query(query)
        index = self.retriever.index  # one snapshot for the whole search
        anchors = [index.row_of.get(pid) for pid in like]
        rows = [r for r in anchors if r is not None]
        if rows:
            blended = vector + index.vectors[rows].mean(axis=0)
            vector = blended / max(float(np.linalg.norm(blended)), 1e-9)
        candidates = self.candidates(query, vector, filters, index)
        ranked = self.rank(candidates, filters, k, context)
        if record and self.ledger is not None:
            self.ledger.record((r.candidate.product.id, r.rank) for r in ranked)
        return ranked
