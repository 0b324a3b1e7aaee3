"""Tail-aware search: hard-filtered hits -> fused relevance over a widened pool (signals:
retrieval/learning/) -> top-N candidates -> the configured re-ranker -> top-k.

This is the only way the agent reaches products, so the exposure policy cannot be bypassed. What is
shown is recorded in the exposure ledger (when there is one), which the exposure policy reads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from retrieval.config import RerankSettings
from retrieval.learning.fusion import LinearFusion, hand_weights
from retrieval.learning.relevance import FusedRelevance
from retrieval.learning.signals import as_dict
from retrieval.popularity import PopularityBands, combined_counts
from retrieval.rerank.base import Candidate, Ranked, RerankContext, Reranker, rank_with
from retrieval.rerank.exposure import ExposureLedger
from retrieval.rerank.factory import build_reranker
from retrieval.search import Retriever
from retrieval.snapshot import Snapshot
from retrieval.types import SearchFilters


@dataclass(frozen=True)
class BandRule:
    """How popularity bands are drawn from a snapshot: the catalogue's own counts plus the
    logged interactions, cut at these shares (popularity.py)."""

    head_share: float = 0.8
    torso_share: float = 0.15
    logged: Mapping[str, float] = field(default_factory=dict)

    def bands_of(self, index: Snapshot) -> PopularityBands:
        counts = combined_counts(index.popularity_counts(), self.logged)
        return PopularityBands.from_counts(counts, self.head_share, self.torso_share)


class TailSearch:
    def __init__(
        self,
        retriever: Retriever,
        bands: PopularityBands | BandRule,
        policy: Reranker,
        floor: float = 0.1,
        candidates: int = 100,
        ledger: ExposureLedger | None = None,
        relevance: FusedRelevance | None = None,
    ) -> None:
        """`bands`: fixed bands, or the rule that draws them again whenever the snapshot
        changes (a re-ingest brings new products and new counts)."""
        self.retriever = retriever
        self._rule = bands if isinstance(bands, BandRule) else None
        self._bands = bands if isinstance(bands, PopularityBands) else PopularityBands({}, {})
        self._bands_of: object = None
        self._bands_lock = threading.Lock()
        self.policy = policy
        self.floor = floor
        self.n_candidates = candidates
        self.ledger = ledger
        # The hand-set fusion (today's hybrid weights plus the other signals) unless given one.
        self.relevance = relevance or FusedRelevance(
            LinearFusion(hand_weights(retriever.lexical_weight))
        )

    @property
    def bands(self) -> PopularityBands:
        """The popularity bands of the current snapshot."""
        if self._rule is None:
            return self._bands
        index = self.retriever.index
        with self._bands_lock:
            if index is not self._bands_of:
                self._bands, self._bands_of = self._rule.bands_of(index), index
            return self._bands

    @classmethod
    def configured(
        cls,
        retriever: Retriever,
        settings: RerankSettings,
        ledger: ExposureLedger,
        bands: PopularityBands | BandRule | None = None,
        relevance: FusedRelevance | None = None,
    ) -> TailSearch:
        """The search the settings describe: their policy (fed by `ledger`), floor and
        candidate count; `bands` (fixed, or a rule), by default the rule of the settings' shares
        over the catalogue's own counts.
        `relevance` with a ModelRegistry picks up learned models as they are published."""
        return cls(
            retriever,
            bands or BandRule(settings.head_share, settings.torso_share),
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
        index: Snapshot | None = None,
    ) -> list[Candidate]:
        """The top-N hard-filtered products by fused relevance (`query` is the text that
        `vector` embeds), with the signals behind each score and what the re-rankers need.
        `index`: the snapshot to read, when the caller already took one."""
        index = self.retriever.index if index is None else index
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

    def query_vector(
        self, vector: np.ndarray, like: Sequence[str] = (), index: Snapshot | None = None
    ) -> np.ndarray:
        """The query's vector averaged with those of the products it should resemble."""
        index = self.retriever.index if index is None else index
        anchors = [index.row_of.get(pid) for pid in like]
        rows = [r for r in anchors if r is not None]
        if not rows:
            return vector
        blended = vector + index.vectors[rows].mean(axis=0)
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
        index = self.retriever.index  # one snapshot for the whole search
        vector = self.query_vector(self.retriever.embed_query(query), like, index)
        context = context or RerankContext()
        if like:  # the products named as wanted are anchors of the collaborative signal too
            session = context.session
            liked = tuple(dict.fromkeys([*like, *session.liked]))
            context = replace(context, session=replace(session, liked=liked))
        candidates = self.candidates(query, vector, filters, context, index)
        ranked = self.rank(candidates, filters, k, context)
        if record and self.ledger is not None:
            self.ledger.record((r.candidate.product.id, r.rank) for r in ranked)
        return ranked
