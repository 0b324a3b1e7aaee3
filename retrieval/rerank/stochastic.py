"""Plackett-Luce sampling over another policy's order, with the exact propensity of every position.

Slot by slot, an item is drawn with probability exp(v_i / T) / sum over the items not yet placed of
exp(v_j / T), where v is the base policy's preference (its order turned into a score: the first
of n gets 1, the last 0, blended with relevance). The probability each shown item had at its slot,
given the items above it, is returned as its propensity; their product is the probability of the
whole list. Logged with the impressions, these make off-policy estimates (IPS, SNIPS) possible.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from retrieval.rerank.base import Candidate, RerankContext, Reranker, normalized


class PlackettLuceRerank:
    def __init__(self, base: Reranker, temperature: float = 0.1, relevance_weight: float = 0.5):
        if temperature <= 0:
            raise ValueError("temperature must be positive; use the base policy for a fixed order")
        self.base = base
        self.temperature = temperature
        self.relevance_weight = relevance_weight
        self.name = f"stochastic-{base.name}"

    def preferences(self, candidates: Sequence[Candidate], context: RerankContext) -> np.ndarray:
        order = self.base.order(candidates, len(candidates), context)
        n = len(candidates)
        position = {id(c): i for i, (c, _) in enumerate(order)}
        by_order = np.array([1 - position[id(c)] / max(n - 1, 1) for c in candidates])
        relevance = normalized([c.score for c in candidates])
        w = self.relevance_weight
        return (1 - w) * by_order + w * relevance

    def order(
        self, candidates: Sequence[Candidate], k: int, context: RerankContext
    ) -> list[tuple[Candidate, float]]:
        if not candidates:
            return []
        logits = self.preferences(candidates, context) / self.temperature
        rng = np.random.default_rng(_seed(context))
        remaining = list(range(len(candidates)))
        out: list[tuple[Candidate, float]] = []
        while remaining and len(out) < k:
            scores = logits[remaining]
            weights = np.exp(scores - scores.max())
            probabilities = weights / weights.sum()
            slot = int(rng.choice(len(remaining), p=probabilities))
            out.append((candidates[remaining[slot]], float(probabilities[slot])))
            remaining.pop(slot)
        return out


def _seed(context: RerankContext) -> int | None:
    if context.seed is not None:
        return context.seed
    if context.session_id:
        return int.from_bytes(hashlib.sha256(context.session_id.encode()).digest()[:8], "big")
    return None
