"""Search: embed the query, take the best products that pass the hard filters.

Relevance is hybrid: (1 - w) * cosine(query, product) + w * LEXICAL_SCALE * bm25 / best bm25, with w
the lexical weight (0 turns it into dense-only search). The dense side of unfiltered queries goes to
Chroma's HNSW index; filtered queries are scored exactly over the rows the in-memory snapshot allows
(see index.py), which keeps them as fast as unfiltered ones. The lexical side scores every row with
BM25 (lexical.py). The best k of each side are merged and scored exactly on both.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import CatalogError, IndexEmptyError
from retrieval.index import ProductIndex
from retrieval.store import ChromaStore
from retrieval.types import Product, ProductHit, SearchFilters

# BM25 divided by the catalogue's best score for the query lies in [0, 1]; scaled to 0.6, about the
# cosine of a good MiniLM match, the two halves of a hybrid score weigh alike.
LEXICAL_SCALE = 0.6


class Retriever(Protocol):
    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[ProductHit]: ...

    def get(self, product_id: str) -> Product | None: ...


class ChromaRetriever:
    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        refresh_seconds: float = 5.0,
        lexical_weight: float = 0.5,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.refresh_seconds = refresh_seconds
        self.lexical_weight = lexical_weight
        self._index = ProductIndex.load(store)
        self._checked_at = time.monotonic()
        self._reload_lock = threading.Lock()

    @property
    def index(self) -> ProductIndex:
        self._maybe_reload()
        return self._index

    def reload(self) -> None:
        """Rebuilds the snapshot from Chroma, e.g. after an ingest in this process."""
        with self._reload_lock:
            self._index = ProductIndex.load(self.store)
            self._checked_at = time.monotonic()

    def _maybe_reload(self) -> None:
        # Another process may have re-ingested; a cheap revision check, at most every few seconds.
        if time.monotonic() - self._checked_at < self.refresh_seconds:
            return
        self._checked_at = time.monotonic()
        if self.store.revision() != self._index.revision:
            self.reload()

    def get(self, product_id: str) -> Product | None:
        index = self.index
        row = index.row_of.get(product_id)
        return None if row is None else index.products[row]

    def embed_query(self, query: str) -> np.ndarray:
        if not query.strip():
            raise CatalogError(
                "the search query is empty; describe the product you are looking for"
            )
        return self.embedder.embed([query])[0]

    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[ProductHit]:
        return self.search_vector(self.embed_query(query), filters, k, text=query)

    def search_vector(
        self,
        vector: np.ndarray,
        filters: SearchFilters | None = None,
        k: int = 10,
        index: ProductIndex | None = None,
        text: str | None = None,
    ) -> list[ProductHit]:
        """Hits for a query vector, hybrid when the query `text` is given and the lexical weight
        is above 0. Pass `index` (a snapshot taken from .index) when the caller reads rows of the
        same snapshot afterwards, so a reload in between cannot misalign them."""
        index = self.index if index is None else index
        if len(index) == 0:
            raise IndexEmptyError(
                "the product index is empty; run `tailtalk ingest PATH` "
                "(or `make run` for the demo catalogue)"
            )
        mask = index.mask(filters or SearchFilters())
        if mask is None:
            dense = [
                (index.row_of[pid], score)
                for pid, score in self.store.query(vector, k)
                if pid in index.row_of
            ]
        else:
            dense = index.top(vector, mask, k)
        scored = dense
        if text and self.lexical_weight > 0:
            scored = self._hybrid(index, vector, text, mask, [row for row, _ in dense], k)
        return [
            ProductHit(product=index.products[row], score=score, rank=rank)
            for rank, (row, score) in enumerate(scored, start=1)
        ]

    def _hybrid(
        self,
        index: ProductIndex,
        vector: np.ndarray,
        text: str,
        mask: np.ndarray | None,
        dense_rows: list[int],
        k: int,
    ) -> list[tuple[int, float]]:
        lexical = index.lexical.scores(text)
        # Normalised by the whole catalogue's best, so a product's score does not depend on the
        # filters (filtered and unfiltered searches rank shared products alike).
        best = float(lexical.max()) if len(lexical) else 0.0
        allowed = lexical if mask is None else np.where(mask, lexical, 0.0)
        n = min(k, int(np.count_nonzero(allowed)))
        lexical_rows = np.argpartition(-allowed, n - 1)[:n] if n > 0 else np.zeros(0, np.int64)
        rows = np.unique(np.concatenate([np.asarray(dense_rows, np.int64), lexical_rows]))
        if len(rows) == 0:
            return []
        w = self.lexical_weight
        fused = (1 - w) * (index.vectors[rows] @ vector)
        if best > 0:
            fused += w * LEXICAL_SCALE * lexical[rows] / best
        order = np.argsort(-fused, kind="stable")[:k]
        return [(int(rows[i]), float(fused[i])) for i in order]
