"""Tail-aware search: hard-filtered hits -> fused relevance over a widened pool (signals:
retrieval/learning/) -> top-N candidates -> the configured re-ranker -> top-k.

This is the only way the agent reaches products, so the exposure policy cannot be bypassed. What is
shown is recorded in the exposure ledger (when there is one), which the exposure policy reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from retrieval.config import RerankSettings
from retrieval.learning.fusion import LinearFusion, hand_weights
from retrieval.learning.relevance import FusedRelevance
from retrieval.learning.signals import as_dict
from retrieval.popularity import PopularityBands
from retrieval.rerank.base import Candidate, Ranked, RerankContext, Reranker, rank_with
from retrieval.rerank.exposure import ExposureLedger
from retrieval.rerank.factory import build_reranker
from retrieval.search import ChromaRetriever
from retrieval.types import SearchFilters


class TailSearch:
    def __init__(
        self,
        retriever: ChromaRetriever,
        bands: PopularityBands,
        policy: Reranker,
        floor: float = 0.1,
        candidates: int = 100,
        ledger: ExposureLedger | None = None,
        relevance: FusedRelevance | None = None,
    ) -> None:
        self.retriever = retriever
        self.bands = bands
        self.policy = policy
        self.floor = floor
        self.n_candidates = candidates
        self.ledger = ledger
        # The hand-set fusion (today's hybrid weights plus the other signals) unless given one.
        self.relevance = relevance or FusedRelevance(
            LinearFusion(hand_weights(retriever.lexical_weight))
        )

    @classmethod
    def configured(
        cls,
        retriever: ChromaRetriever,
        settings: RerankSettings,
        ledger: ExposureLedger,
        bands: PopularityBands | None = None,
        relevance: FusedRelevance | None = None,
    ) -> TailSearch:
        """The search the settings describe: their policy (fed by `ledger`), floor and
        candidate count. Without `bands`, whoever owns the search (the agent's Shop) sets them.
        `relevance` with a ModelRegistry picks up learned models as they are published."""
        return cls(
            retriever,
            bands or PopularityBands({}, {}),
            build_reranker(settings, ledger),
            settings.floor,
            settings.candidates,
            ledger,
            relevance,
        )

    def candidates(
        self,
        query: str,
        vector: np.ndarray,
        filters: SearchFilters,
        context: RerankContext | None = None,
    ) -> list[Candidate]:
        """The top-N hard-filtered products by fused relevance (`query` is the text that
        `vector` embeds), with the signals behind each score and what the re-rankers need."""
        index = self.retriever.index
        hits = self.retriever.search_vector(vector, filters, self.n_candidates, index, text=query)
        context = context or RerankContext()
        scored = self.relevance.score(
            index, query, vector, hits, filters, self.bands, context.session, context.profile
        )
        return [
            Candidate(
                product=index.products[s.row],
                score=s.score,
                vector=index.vectors[s.row],
                band=self.bands.band(index.products[s.row].id),
                signals=as_dict(s.signals),
            )
            for s in scored[: self.n_candidates]
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

    def query_vector(self, vector: np.ndarray, like: Sequence[str] = ()) -> np.ndarray:
        """The query's vector averaged with those of the products it should resemble."""
        anchors = [self.retriever.index.row_of.get(pid) for pid in like]
        rows = [r for r in anchors if r is not None]
        if not rows:
            return vector
        blended = vector + self.retriever.index.vectors[rows].mean(axis=0)
        return blended / max(float(np.linalg.norm(blended)), 1e-9)

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
        vector = self.query_vector(self.retriever.embed_query(query), like)
        context = context or RerankContext()
        if like:  # the products named as wanted are anchors of the collaborative signal too
            session = context.session
            liked = tuple(dict.fromkeys([*like, *session.liked]))
            context = replace(context, session=replace(session, liked=liked))
        candidates = self.candidates(query, vector, filters, context)
        ranked = self.rank(candidates, filters, k, context)
        if record and self.ledger is not None:
            self.ledger.record((r.candidate.product.id, r.rank) for r in ranked)
        return ranked
