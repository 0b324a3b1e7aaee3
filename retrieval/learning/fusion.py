"""Fusing the signals of a candidate into one relevance score: a weighted sum.

    relevance = sum over signals s of weight[s] * signal[s]

The hand-set weights (HAND_WEIGHTS) are the default when no model is trained. With only dense and
lexical evidence they give exactly the hybrid score that search used before (0.5 * cosine +
0.5 * 0.6 * BM25 / best BM25); the other signals add on top: a title or brand named in the query,
attributes named, a light demand prior, and the collaborative similarity to what the session
liked or named.

`fit_fusion` learns the weights from labelled candidates by logistic regression (scikit-learn),
each example weighted by the inverse of the propensity with which it was logged (IPS), clipped so
a few rare impressions cannot dominate. The learned weights are rescaled to the hand-set weights'
total (a positive factor does not change any ranking), so the relevance floor of the re-rankers
keeps its meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.errors import ConfigError
from retrieval.learning.signals import Signal

HAND_WEIGHTS: dict[str, float] = {
    Signal.DENSE: 0.5,
    Signal.LEXICAL: 0.3,
    Signal.TITLE: 0.15,
    Signal.FUZZY: 0.05,
    Signal.BRAND: 0.05,
    Signal.ATTRIBUTE: 0.05,
    Signal.DEMAND: 0.1,
    Signal.COLLAB: 0.3,
    Signal.MENTIONED: 0.0,
    Signal.PROFILE: 0.0,
}
MAX_IPS_WEIGHT = 10.0  # 1 / propensity is clipped here
_LEXICAL_SCALE = 0.6  # as in retrieval/search.py: BM25 / best, scaled to a good cosine


def hand_weights(lexical_weight: float = 0.5) -> dict[str, float]:
    """HAND_WEIGHTS with the dense/lexical split of the retriever's lexical weight w:
    dense 1 - w, lexical 0.6 * w (w = 0.5 gives HAND_WEIGHTS itself)."""
    return {
        **HAND_WEIGHTS,
        Signal.DENSE: 1 - lexical_weight,
        Signal.LEXICAL: _LEXICAL_SCALE * lexical_weight,
    }


@dataclass(frozen=True)
class LinearFusion:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(HAND_WEIGHTS))
    source: str = "hand-set"

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(Signal.ALL)
        if unknown:
            raise ConfigError(
                f"unknown relevance signal(s) {sorted(unknown)}; known: {', '.join(Signal.ALL)}"
            )

    def vector(self) -> np.ndarray:
        return np.array([float(self.weights.get(s, 0.0)) for s in Signal.ALL])

    def score(self, features: np.ndarray) -> np.ndarray:
        """One relevance per row of a signal matrix (columns in Signal.ALL order)."""
        if features.size == 0:
            return np.zeros(len(features))
        return features @ self.vector()


@dataclass(frozen=True)
class Examples:
    """Labelled candidates: features (rows x Signal.ALL), label 1 for a product the shopper
    wanted, the propensity with which it was logged (1 when not sampled), and the group (search)
    each row belongs to."""

    features: np.ndarray
    labels: np.ndarray
    propensities: np.ndarray
    groups: np.ndarray

    @classmethod
    def stack(cls, parts: Sequence[Examples]) -> Examples:
        if not parts:
            empty = np.zeros((0, len(Signal.ALL)))
            return cls(empty, np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64))
        return cls(
            np.concatenate([p.features for p in parts]),
            np.concatenate([p.labels for p in parts]),
            np.concatenate([p.propensities for p in parts]),
            np.concatenate([p.groups for p in parts]),
        )

    def ips_weights(self) -> np.ndarray:
        p = np.clip(self.propensities, 1 / MAX_IPS_WEIGHT, 1.0)
        return 1.0 / p


def fit_fusion(examples: Examples, c: float = 1.0, seed: int = 0) -> LinearFusion:
    """Logistic regression on the signals, IPS-weighted, negatives down-weighted so each search
    counts its positives and its negatives alike. Raises ConfigError without both labels."""
    from sklearn.linear_model import LogisticRegression

    labels = examples.labels
    if labels.sum() == 0 or labels.sum() == len(labels):
        raise ConfigError(
            "learning relevance needs searches with both wanted and unwanted products; log more "
            "sessions with feedback (like, cart, purchase) first"
        )
    weights = examples.ips_weights()
    # Balance per search: a search with 1 positive among 150 candidates weighs its negatives
    # 1/149 each, so long candidate lists do not drown the positives.
    for group in np.unique(examples.groups):
        rows = examples.groups == group
        negatives = rows & (labels == 0)
        if negatives.any() and (rows & (labels == 1)).any():
            weights[negatives] *= (labels[rows].sum()) / negatives.sum()
    model = LogisticRegression(C=c, max_iter=1000, random_state=seed)
    model.fit(examples.features, labels, sample_weight=weights)
    learned = model.coef_[0]
    scale = float(np.abs(LinearFusion().vector()).sum()) / max(float(np.abs(learned).sum()), 1e-12)
    return LinearFusion(
        {s: float(w * scale) for s, w in zip(Signal.ALL, learned, strict=True)}, source="learned"
    )
