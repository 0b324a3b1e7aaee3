"""Search: embed the query, take the nearest products that pass the hard filters.

Unfiltered queries go to Chroma's HNSW index. Filtered queries are scored exactly over the rows the
in-memory snapshot allows (see index.py), which keeps them as fast as unfiltered ones.
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


class Retriever(Protocol):
    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[ProductHit]: ...

    def get(self, product_id: str) -> Product | None: ...


class ChromaRetriever:
    def __init__(
        self, store: ChromaStore, embedder: Embedder, refresh_seconds: float = 5.0
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.refresh_seconds = refresh_seconds
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
        return self.search_vector(self.embed_query(query), filters, k)

    def search_vector(
        self,
        vector: np.ndarray,
        filters: SearchFilters | None = None,
        k: int = 10,
        index: ProductIndex | None = None,
    ) -> list[ProductHit]:
        """Hits for a query vector. Pass `index` (a snapshot taken from .index) when the caller
        reads rows of the same snapshot afterwards, so a reload in between cannot misalign them."""
        index = self.index if index is None else index
        if len(index) == 0:
            raise IndexEmptyError(
                "the product index is empty; run `tailtalk ingest PATH` "
                "(or `make run` for the demo catalogue)"
            )
        filters = filters or SearchFilters()
        mask = index.mask(filters)
        if mask is None:
            scored = [
                (index.row_of[pid], score)
                for pid, score in self.store.query(vector, k)
                if pid in index.row_of
            ]
        else:
            scored = index.top(vector, mask, k)
        return [
            ProductHit(product=index.products[row], score=score, rank=rank)
            for rank, (row, score) in enumerate(scored, start=1)
        ]
