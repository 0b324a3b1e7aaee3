"""The non-conversational baselines, on the same index and sessions as the agent: popularity,
BM25 (bm25s), dense retrieval without re-ranking, and item-kNN (the collaborative model alone:
neighbours of the products the dialogue named, then the most popular). Each sees the shopper's
turns as one query and the same hard constraints the agent parsed from the dialogue (a shop's
plain search has filters too)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from retrieval.learning.collaborative import ItemKNN
from retrieval.search import Retriever
from retrieval.types import SearchFilters


def popularity_scores(retriever: Retriever, counts: Mapping[str, float]) -> np.ndarray:
    return np.array([counts.get(p.id, 0.0) for p in retriever.index.products])


def popularity(
    retriever: Retriever,
    scores: np.ndarray,
    filters: SearchFilters,
    k: int,
    unseen: Mapping[str, float] | None = None,
) -> list[str]:
    """The most popular products that pass the filters. `unseen`: counts to take away (a
    session's own interactions)."""
    index = retriever.index
    score = scores.copy()
    for pid, n in (unseen or {}).items():
        if pid in index.row_of:
            score[index.row_of[pid]] -= n
    return _best(retriever, score, filters, k)


def bm25(retriever: Retriever, text: str, filters: SearchFilters, k: int) -> list[str]:
    return _best(retriever, retriever.index.lexical.scores(text).astype(float), filters, k)


def _best(retriever: Retriever, score: np.ndarray, filters: SearchFilters, k: int) -> list[str]:
    """The k best-scored products among those the filters allow."""
    index = retriever.index
    mask = index.mask(filters)
    if mask is not None:
        score = np.where(mask, score, -np.inf)
    order = np.argsort(-score, kind="stable")[:k]
    return [index.products[i].id for i in order if np.isfinite(score[i])]


def dense(retriever: Retriever, text: str, filters: SearchFilters, k: int) -> list[str]:
    vector = retriever.embed_query(text or "products")
    hits = retriever.search_vector(vector, filters, k)  # no text: dense only
    return [h.product.id for h in hits]


def itemknn(
    retriever: Retriever,
    model: ItemKNN | None,
    anchors: list[str],
    fallback: np.ndarray,
    filters: SearchFilters,
    k: int,
) -> list[str]:
    """The anchors' nearest collaborative neighbours that pass the filters, then the products
    with the highest `fallback` score (popularity from the same training data)."""
    index = retriever.index
    mask = index.mask(filters)
    picked: list[str] = []
    if model is not None and anchors:
        for pid, _ in model.neighbours(anchors, 10 * k):
            row = index.row_of.get(pid)
            if row is not None and (mask is None or mask[row]):
                picked.append(pid)
            if len(picked) >= k:
                return picked
    rest = [pid for pid in _best(retriever, fallback, filters, 2 * k) if pid not in picked]
    return (picked + rest)[:k]
