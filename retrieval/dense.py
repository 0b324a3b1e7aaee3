"""Dense scoring over a snapshot's unit vectors: exact where that is cheap, an inverted file where
a large catalogue would make it slow.

A matrix-vector product over memory-mapped float32 rows runs at memory speed: about 35 ms for a
million 384-d rows on a 2-core machine, 3 ms for 100,000 (benchmarks/results/scale.md). So:

- catalogues below `ivf_min_rows` (200,000 by default) are always scored exactly;
- at or above it, the snapshot writer clusters the rows (spherical k-means, about sqrt(n) lists)
  and stores them list by list, so a list is one contiguous slice of the vector file. A query
  scores the lists nearest to it, in order, until it has seen at least `probe_lists` lists and
  `_SEEN_PER_HIT` allowed rows per wanted hit; filters are a mask applied to each slice;
- a filter that allows at most `_GATHER_MAX` rows is scored exactly over just those rows, whatever
  the size (gathering 30,000 rows costs about what probing costs).

A searching process runs numpy's BLAS on one thread: a query is dozens of small matrix-vector
products, and OpenBLAS's thread hand-offs on each of them cost far more than they save once the
cores are busy (measured at 1M rows on a loaded 2-core machine: 130 ms a query with 2 threads,
2 ms with 1). A server gets its parallelism from concurrent requests and worker processes.
"""

from __future__ import annotations

import threading

import numpy as np

_GATHER_MAX = 30_000
# Below this share of the catalogue, gathering the allowed rows beats scoring every row and masking.
_GATHER_BELOW = 0.1
# An IVF query scans lists until it has seen this many allowed rows per wanted hit: a filter that
# allows a share s of rows needs hits from about 1/s times deeper, and scanning by allowed rows
# seen keeps the depth right for any s.
_SEEN_PER_HIT = 20


_blas_limited = threading.Event()


def single_threaded_blas() -> None:
    """Limits numpy's BLAS to one thread in this process, once (see the module docstring)."""
    if _blas_limited.is_set():
        return
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # without it, BLAS keeps its default threads: slower, still correct
        return
    ThreadpoolController().limit(limits=1, user_api="blas")
    _blas_limited.set()


def lists_for(rows: int) -> int:
    return max(1, round(rows**0.5))


def train_centroids(
    vectors: np.ndarray, lists: int, seed: int = 0, iterations: int = 10
) -> np.ndarray:
    """Spherical k-means on a sample of rows (about 40 rows per list)."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    sample_size = min(n, 40 * lists)
    sample = np.asarray(vectors[np.sort(rng.choice(n, sample_size, replace=False))], np.float32)
    centroids = sample[rng.choice(sample_size, lists, replace=False)].copy()
    for _ in range(iterations):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        empty = np.bincount(nearest, minlength=lists) == 0
        # An empty list restarts at a random sample row instead of dying.
        sums[empty] = sample[rng.choice(sample_size, int(empty.sum()))]
        centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return centroids.astype(np.float32)


def assign(vectors: np.ndarray, centroids: np.ndarray, batch: int = 16_384) -> np.ndarray:
    """The nearest centroid of every row."""
    out = np.zeros(len(vectors), np.int32)
    for start in range(0, len(vectors), batch):
        block = np.asarray(vectors[start : start + batch], np.float32)
        out[start : start + len(block)] = np.argmax(block @ centroids.T, axis=1)
    return out


def _best(rows: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    n = min(n, len(scores))
    if n <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    best = np.argpartition(-scores, n - 1)[:n]
    best = best[np.argsort(-scores[best], kind="stable")]
    return rows[best].astype(np.int64), scores[best]


class DenseIndex:
    """Top rows by cosine similarity to a unit query vector, within a mask."""

    def __init__(
        self,
        vectors: np.ndarray,
        centroids: np.ndarray | None = None,
        list_ptr: np.ndarray | None = None,
        probe_lists: int = 32,
        gather_max: int = _GATHER_MAX,
    ) -> None:
        self.vectors = vectors
        self.centroids = centroids
        self.list_ptr = list_ptr
        self.probe_lists = probe_lists
        self.gather_max = gather_max
        single_threaded_blas()

    def top(
        self, vector: np.ndarray, mask: np.ndarray | None, n: int, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosine similarities) of the n best rows that `mask` allows, best first.
        `exact` scores every allowed row even where the index would probe."""
        total = len(self.vectors)
        allowed = total if mask is None else int(np.count_nonzero(mask))
        if allowed == 0 or n <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        vector = np.asarray(vector, np.float32)
        if exact or self.centroids is None or allowed <= self.gather_max:
            return self._exact(vector, mask, n, allowed)
        return self._probe(vector, mask, n)

    def _exact(
        self, vector: np.ndarray, mask: np.ndarray | None, n: int, allowed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if mask is not None and allowed < _GATHER_BELOW * len(self.vectors):
            rows = np.flatnonzero(mask)
            return _best(rows, self.vectors[rows] @ vector, n)
        scores = self.vectors @ vector
        if mask is None:
            return _best(np.arange(len(scores)), scores, n)
        rows = np.flatnonzero(mask)
        return _best(rows, scores[rows], n)

    def _probe(
        self, vector: np.ndarray, mask: np.ndarray | None, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        assert self.centroids is not None and self.list_ptr is not None
        order = np.argsort(-(self.centroids @ vector), kind="stable")
        want = _SEEN_PER_HIT * n
        rows: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        seen = 0
        for probed, list_id in enumerate(order, start=1):
            start, stop = int(self.list_ptr[list_id]), int(self.list_ptr[list_id + 1])
            if stop > start:
                part = self.vectors[start:stop] @ vector
                if mask is None:
                    seen += stop - start
                else:
                    allowed = mask[start:stop]
                    seen += int(np.count_nonzero(allowed))
                    part[~allowed] = -np.inf
                rows.append(np.arange(start, stop))
                scores.append(part)
            if probed >= self.probe_lists and seen >= want:
                break
        all_rows, all_scores = np.concatenate(rows), np.concatenate(scores)
        if mask is not None:
            keep = np.isfinite(all_scores)
            all_rows, all_scores = all_rows[keep], all_scores[keep]
        return _best(all_rows, all_scores, n)
