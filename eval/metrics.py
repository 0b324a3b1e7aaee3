"""Recommendation metrics: accuracy of one list, popularity bias of one list, and the spread of
exposure over a set of lists. Pure functions over product ids; every formula is written out below.

Accuracy (binary relevance: an id is relevant when it is in `relevant`):
- recall@k   = |relevant ∩ top-k| / |relevant|
- ndcg@k     = DCG / ideal DCG, DCG = sum over hits at 1-based rank r <= k of 1 / log2(r + 1)
- mrr        = 1 / rank of the first relevant id within the top k (0 when none)
- hit@k      = 1 when any of the top k is relevant

Popularity (of one list):
- tail_share = share of the top k that are long-tail items (APLT, Abdollahpouri et al. 2019)
- arp        = mean popularity count of the top k (average recommendation popularity)
- novelty    = mean self-information -log2 p(i), p(i) = (count_i + 1) / (total count + n items)
- ild        = mean pairwise cosine distance (1 - cos) between the top k's vectors

Over a set of lists:
- coverage@k = distinct ids in all top-k lists / catalogue size
- gini       = Gini coefficient of how often each catalogue item appears in the top-k lists
               (items never shown count as zero): 0 is perfectly even, near 1 is one item for all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(set(relevant))


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    wanted = set(relevant)
    if not wanted:
        return 0.0
    dcg = sum(1 / math.log2(rank + 1) for rank, pid in enumerate(ranked[:k], 1) if pid in wanted)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


def mrr(ranked: Sequence[str], relevant: Collection[str], k: int | None = None) -> float:
    wanted = set(relevant)
    for rank, pid in enumerate(ranked[:k] if k else ranked, start=1):
        if pid in wanted:
            return 1 / rank
    return 0.0


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    return 1.0 if set(ranked[:k]) & set(relevant) else 0.0


def tail_share(ranked: Sequence[str], tail: Collection[str], k: int) -> float:
    top = ranked[:k]
    if not top:
        return 0.0
    return sum(pid in tail for pid in top) / len(top)


def average_popularity(ranked: Sequence[str], popularity: Mapping[str, float], k: int) -> float:
    top = ranked[:k]
    if not top:
        return 0.0
    return sum(popularity.get(pid, 0.0) for pid in top) / len(top)


def novelty(ranked: Sequence[str], popularity: Mapping[str, float], k: int) -> float:
    top = ranked[:k]
    if not top:
        return 0.0
    total = sum(popularity.values()) + len(popularity)
    return sum(-math.log2((popularity.get(pid, 0.0) + 1) / total) for pid in top) / len(top)


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise cosine distance between the rows of `vectors` (the top k, any norm)."""
    n = len(vectors)
    if n < 2:
        return 0.0
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    pairs = similarity[np.triu_indices(n, k=1)]
    return float(np.mean(1 - pairs))


def coverage(lists: Iterable[Sequence[str]], catalogue_size: int, k: int) -> float:
    if catalogue_size <= 0:
        return 0.0
    shown = {pid for ranked in lists for pid in ranked[:k]}
    return len(shown) / catalogue_size


def exposure_counts(lists: Iterable[Sequence[str]], k: int) -> Counter[str]:
    return Counter(pid for ranked in lists for pid in ranked[:k])


def gini(values: Iterable[float]) -> float:
    """Gini of non-negative values: sum_i (2i - n - 1) x_(i) / (n sum x), with x ascending."""
    x = np.sort(np.asarray(list(values), dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(np.sum((2 * ranks - n - 1) * x) / (n * x.sum()))


def exposure_gini(lists: Iterable[Sequence[str]], catalogue: Collection[str], k: int) -> float:
    counts = exposure_counts(lists, k)
    return gini(counts.get(pid, 0) for pid in catalogue)
