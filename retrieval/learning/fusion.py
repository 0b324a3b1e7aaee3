"""Fusing the signals of a candidate into one relevance score: a weighted sum.

    relevance = sum over signals s of weight[s] * signal[s]

The hand-set weights (HAND_WEIGHTS) are the default when no model is trained. With only dense and
lexical evidence they give exactly the hybrid score that search used before (0.5 * cosine +
0.5 * 0.6 * BM25 / best BM25); the other signals add on top: a title or brand named in the query,
attributes named, a light demand prior, and the collaborative similarity to what the session
liked or named.

`fit_fusion` learns the weights from labelled candidates by pairwise logistic regression
(scikit-learn) on signal differences between wanted and unwanted candidates of one search, each
pair weighted by the inverse of the propensity with which the wanted product was logged (IPS),
clipped so a few rare impressions cannot dominate. The learned weights are rescaled to the
hand-set weights' total (a positive factor does not change any ranking), so the relevance floor
of the re-rankers keeps its meaning.
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
    Signal.TITLE_WORDS: 0.0,
    Signal.FUZZY: 0.2,
    Signal.BRAND: 0.05,
    Signal.ATTRIBUTE: 0.25,
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


def fit_fusion(
    examples: Examples, c: float = 1.0, seed: int = 0, negatives: int = 20
) -> LinearFusion:
    """Pairwise logistic regression (a RankNet / RankSVM-style ranker): for each wanted product
    and up to `negatives` unwanted ones of the same search, the difference of their signals is
    a positive example (and its negation a negative one), weighted by the wanted product's
    inverse propensity. No intercept: only differences within a search matter. Raises
    ConfigError when no search has both a wanted and an unwanted product."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    weights = examples.ips_weights()
    diffs, pair_weights = [], []
    order = np.argsort(examples.groups, kind="stable")
    bounds = np.flatnonzero(np.diff(examples.groups[order])) + 1
    for rows in np.split(order, bounds):
        labels = examples.labels[rows]
        wanted, unwanted = rows[labels == 1], rows[labels == 0]
        if len(wanted) == 0 or len(unwanted) == 0:
            continue
        for row in wanted:
            sample = rng.choice(unwanted, min(negatives, len(unwanted)), replace=False)
            diffs.append(examples.features[row] - examples.features[sample])
            pair_weights.append(np.full(len(sample), weights[row] / len(sample)))
    if not diffs:
        raise ConfigError(
            "learning relevance needs searches with both wanted and unwanted products; log more "
            "sessions with feedback (like, cart, purchase) first"
        )
    x = np.concatenate(diffs)
    w = np.concatenate(pair_weights)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(np.concatenate([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))], np.r_[w, w])
    learned = model.coef_[0]
    scale = float(np.abs(LinearFusion().vector()).sum()) / max(float(np.abs(learned).sum()), 1e-12)
    return LinearFusion(
        {s: float(v * scale) for s, v in zip(Signal.ALL, learned, strict=True)}, source="learned"
    )
