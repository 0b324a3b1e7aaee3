"""The non-conversational baselines, on the same index and sessions as the agent: popularity,
BM25 (bm25s) and dense retrieval without re-ranking. Each sees the shopper's turns as one query
and the same hard constraints the agent parsed from the dialogue (a shop's plain search has
filters too), and never shows products the dialogue already named."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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
