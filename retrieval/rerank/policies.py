"""Deterministic re-ranking policies: none, MMR, xQuAD and calibrated.

Each is a greedy list builder: at every position it takes the candidate with the best marginal
score given the items already chosen. `lam` trades relevance (0) against the policy's goal (1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from retrieval.popularity import Band
from retrieval.rerank.base import Candidate, RerankContext, normalized

# xQuAD's two aspects, as in Abdollahpouri, Burke and Mobasher, "Managing Popularity Bias in
# Recommender Systems with Personalized Re-ranking" (FLAIRS 2019): the popular items (head and
# torso here) and the tail band, the same tail that the tail-share metric counts.
_HEAD = "popular"
_LONG_TAIL = "tail"


def _aspect(candidate: Candidate) -> str:
    return _LONG_TAIL if candidate.band is Band.TAIL else _HEAD


def _best(remaining: set[int], values: Sequence[float] | np.ndarray) -> int:
    """The remaining index with the highest value; ties go to the more relevant (lower index)."""
    return max(remaining, key=lambda i: (values[i], -i))


class NoRerank:
    name = "none"

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        return [(c, 1.0) for c in sorted(candidates, key=lambda c: -c.score)[:k]]


class MMRRerank:
    """Maximal marginal relevance: (1 - lam) * relevance - lam * max similarity to those chosen."""

    name = "mmr"

    def __init__(self, lam: float = 0.3) -> None:
        self.lam = lam

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        if not candidates:
            return []
        relevance = normalized([c.score for c in candidates])
        vectors = np.stack([c.vector for c in candidates])
        similarity = vectors @ vectors.T
        chosen: list[int] = []
        closest = np.full(len(candidates), -np.inf)
        remaining = set(range(len(candidates)))
        while remaining and len(chosen) < k:
            penalty = np.where(np.isfinite(closest), closest, 0.0)
            pick = _best(remaining, (1 - self.lam) * relevance - self.lam * penalty)
            chosen.append(pick)
            remaining.discard(pick)
            closest = np.maximum(closest, similarity[pick])
        return [(candidates[i], 1.0) for i in chosen]


class XQuADRerank:
    """Popularity-aware xQuAD (smooth variant): at each step

        (1 - lam) * rel(i) + lam * sum_c P(c | u) * [i in c] * (1 - share of c among those chosen)

    with c in {popular (head and torso), tail}. P(c | u) is the shopper's own mix when known,
    else `tail_weight` for the tail and the rest for the popular items.
    """

    name = "xquad"

    def __init__(self, lam: float = 0.5, tail_weight: float = 0.5) -> None:
        self.lam = lam
        self.tail_weight = tail_weight

    def _preference(self, context: RerankContext) -> dict[str, float]:
        if context.profile:
            tail = context.profile.get(Band.TAIL, 0.0)
            total = sum(context.profile.values()) or 1.0
            return {_HEAD: 1 - tail / total, _LONG_TAIL: tail / total}
        return {_HEAD: 1 - self.tail_weight, _LONG_TAIL: self.tail_weight}

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        relevance = normalized([c.score for c in candidates])
        preference = self._preference(context)
        aspects = [_aspect(c) for c in candidates]
        chosen: list[int] = []
        shown = {_HEAD: 0, _LONG_TAIL: 0}
        remaining = set(range(len(candidates)))
        while remaining and len(chosen) < k:
            size = max(len(chosen), 1)
            coverage = np.array([preference[a] * (1 - shown[a] / size) for a in aspects])
            pick = _best(remaining, (1 - self.lam) * relevance + self.lam * coverage)
            chosen.append(pick)
            shown[aspects[pick]] += 1
            remaining.discard(pick)
        return [(candidates[i], 1.0) for i in chosen]


class CalibratedRerank:
    """Calibrated recommendations (Steck, RecSys 2018) over popularity bands: greedily maximise

        (1 - lam) * mean rel over the list - lam * KL(p || q~)

    where p is the shopper's band mix (their profile, else `default_mix`) and q~ = (1 - a) q + a p
    is the list's band mix, smoothed with a = 0.01 so the divergence stays finite. (Steck sums the
    relevance; the mean keeps both terms on one scale whatever k is.)
    """

    name = "calibrated"

    def __init__(self, lam: float = 0.5, default_mix: dict[Band, float] | None = None) -> None:
        self.lam = lam
        self.default_mix = default_mix or {Band.HEAD: 0.4, Band.TORSO: 0.3, Band.TAIL: 0.3}

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        target = context.profile or self.default_mix
        total = sum(target.values()) or 1.0
        p = {band: target.get(band, 0.0) / total for band in Band}
        relevance = normalized([c.score for c in candidates])
        chosen: list[int] = []
        counts = dict.fromkeys(Band, 0)
        rel_sum = 0.0
        remaining = set(range(len(candidates)))
        while remaining and len(chosen) < k:
            size = len(chosen) + 1
            # The divergence depends only on the band added, so compute it once per band.
            kl = {band: _kl(p, {**counts, band: counts[band] + 1}, size) for band in Band}
            values = [
                (1 - self.lam) * (rel_sum + relevance[i]) / size - self.lam * kl[c.band]
                for i, c in enumerate(candidates)
            ]
            pick = _best(remaining, values)
            chosen.append(pick)
            counts[candidates[pick].band] += 1
            rel_sum += relevance[pick]
            remaining.discard(pick)
        return [(candidates[i], 1.0) for i in chosen]


def _kl(p: dict[Band, float], counts: dict[Band, int], size: int) -> float:
    """KL(p || q~) with q~ = 0.99 * counts / size + 0.01 * p."""
    total = 0.0
    for band, share in p.items():
        if share > 0:
            q = 0.99 * counts[band] / size + 0.01 * share
            total += share * math.log(share / q)
    return total
