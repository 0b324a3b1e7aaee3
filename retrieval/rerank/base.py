"""The re-ranking interface shared by every tail-exposure policy.

A policy reorders the top-N candidates that already passed the hard filters. Every policy works
under one relevance floor: only candidates within `floor` of the best one's relevance may be
moved up; the rest follow in relevance order and can never overtake an eligible one. `rank_with`
applies the floor, runs the policy and re-checks the hard filters on the result, so no policy can
return an item that breaks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from retrieval.learning.signals import SessionItems
from retrieval.popularity import Band
from retrieval.types import Product, SearchFilters


@dataclass(frozen=True)
class Candidate:
    product: Product
    score: float  # relevance: the fused score of its signals (retrieval/learning/fusion.py)
    vector: np.ndarray
    band: Band
    signals: dict[str, float] = field(default_factory=dict)  # what the score was made of


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    rank: int
    # Probability that this item was put at this rank given the items above it; 1.0 for
    # deterministic policies, the Plackett-Luce probability for the stochastic one.
    propensity: float = 1.0


@dataclass(frozen=True)
class RerankContext:
    """What a policy may know about the shopper and the session."""

    session_id: str = ""
    # The shopper's own band mix, from products they liked or bought (calibrated re-ranking).
    profile: dict[Band, float] = field(default_factory=dict)
    seed: int | None = None
    # Products the session liked, named or carted: anchors of the collaborative signal.
    session: SessionItems = field(default_factory=SessionItems)


class Reranker(Protocol):
    name: str

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        """The first k of `candidates` in the policy's order, each with its propensity."""
        ...


def normalized(scores: Sequence[float]) -> np.ndarray:
    """Min-max scaled to [0, 1]; all equal -> all ones."""
    values = np.asarray(scores, dtype=float)
    if len(values) == 0:
        return values
    low, high = values.min(), values.max()
    if high - low < 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)


def rank_with(
    policy: Reranker,
    candidates: Sequence[Candidate],
    filters: SearchFilters,
    k: int,
    floor: float,
    context: RerankContext | None = None,
) -> list[Ranked]:
    context = context or RerankContext()
    allowed = sorted((c for c in candidates if filters.admits(c.product)), key=lambda c: -c.score)
    if not allowed:
        return []
    best = allowed[0].score
    eligible = [c for c in allowed if c.score >= best - floor]
    rest = allowed[len(eligible) :]
    ordered = policy.order(eligible, min(k, len(eligible)), context)
    ordered += [(c, 1.0) for c in rest[: k - len(ordered)]]
    # Re-check after the policy: a policy bug must not surface as a broken constraint.
    return [
        Ranked(candidate=c, rank=rank, propensity=p)
        for rank, (c, p) in enumerate(
            ((c, p) for c, p in ordered if filters.admits(c.product)), start=1
        )
    ]
