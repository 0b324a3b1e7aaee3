"""Search: embed the query, take the best products that pass the hard filters.

Relevance is hybrid: (1 - w) * cosine(query, product) + w * LEXICAL_SCALE * bm25 / best bm25, with w
the lexical weight (0 turns it into dense-only search). Both sides run over the current snapshot
(snapshot.py): the hard filters are a mask over its columns, the dense side scores the allowed
rows (exactly, or through the inverted lists of a large catalogue, see dense.py), the lexical side
adds up the BM25 postings of the query's words. The best k of each side are merged and scored
exactly on both.

The snapshot in use switches atomically to a newly published version (`LiveSnapshot`): a search
runs wholly on the snapshot it started with, so an ingest elsewhere never shows it half a
catalogue.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import CatalogError, IndexEmptyError, SnapshotError
from retrieval.snapshot import Snapshot
from retrieval.types import Product, ProductHit, SearchFilters, Signals
from retrieval.versions import SnapshotFolder

log = logging.getLogger(__name__)

# BM25 divided by the catalogue's best score for the query lies in [0, 1]; scaled to 0.6, about the
# cosine of a good MiniLM match, the two halves of a hybrid score weigh alike.
LEXICAL_SCALE = 0.6


class Retriever(Protocol):
    """What the tail-aware pipeline and the agent need of a search backend."""

    embedder: Embedder  # embeds queries (learning embeds many at once)
    lexical_weight: float  # the lexical share of the hybrid score (the hand-set fusion's)

    @property
    def index(self) -> Snapshot:
        """The snapshot searches use now; read rows of one search from the same snapshot."""
        ...

    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[ProductHit]: ...

    def search_vector(
        self,
        vector: np.ndarray,
        filters: SearchFilters | None = None,
        k: int = 10,
        index: Snapshot | None = None,
        text: str | None = None,
    ) -> list[ProductHit]: ...

    def embed_query(self, query: str) -> np.ndarray: ...

    def get(self, product_id: str) -> Product | None: ...


class LiveSnapshot:
    """The current snapshot of a snapshot folder, re-checked at most every `refresh_seconds`.

    Reading the pointer is a tiny file read; opening a version only maps files, so the switch
    costs a search nothing noticeable. A version that fails to open is logged and skipped: the
    searches go on with the one they have."""

    def __init__(
        self, folder: SnapshotFolder, refresh_seconds: float = 2.0, probe_lists: int = 32
    ) -> None:
        self.folder = folder
        self.refresh_seconds = refresh_seconds
        self.probe_lists = probe_lists
        snapshot = folder.open_current(probe_lists)
        if snapshot is None:
            raise IndexEmptyError(
                f"no search snapshot under {folder.root}; run `tailtalk ingest PATH` (or "
                "`tailtalk demo`), or `tailtalk snapshot` to build one from the product store"
            )
        self._current = snapshot
        self._checked_at = time.monotonic()
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        if time.monotonic() - self._checked_at >= self.refresh_seconds:
            self.refresh()
        return self._current

    def refresh(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another thread is switching; this search uses the one it has
        try:
            self._checked_at = time.monotonic()
            name = self.folder.current_name()
            if name is None or name == self._current.version:
                return
            try:
                fresh = self.folder.open_current(self.probe_lists)
            except SnapshotError as exc:
                log.error("keeping snapshot %s: %s", self._current.version, exc)
                return
            if fresh is not None:
                self._current = fresh
                log.info("search snapshot %s (%d products)", fresh.version, len(fresh))
        finally:
            self._lock.release()


class SnapshotRetriever:
    def __init__(self, live: LiveSnapshot, embedder: Embedder, lexical_weight: float = 0.5):
        self.live = live
        self.embedder = embedder
        self.lexical_weight = lexical_weight

    @property
    def index(self) -> Snapshot:
        return self.live.current()

    def reload(self) -> None:
        """Switches to the newest published snapshot now, e.g. after an ingest in this process."""
        self.live.refresh()

    def get(self, product_id: str) -> Product | None:
        return self.index.get(product_id)

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
        index: Snapshot | None = None,
        text: str | None = None,
    ) -> list[ProductHit]:
        """Hits for a query vector, hybrid when the query `text` is given and the lexical weight
        is above 0 (with text, the lexical signals are reported either way). Pass `index` (a
        snapshot taken from .index) when the caller reads rows of the same snapshot afterwards."""
        index = self.index if index is None else index
        if len(index) == 0:
            raise IndexEmptyError(
                "the product index is empty; run `tailtalk ingest PATH` "
                "(or `make run` for the demo catalogue)"
            )
        vector = np.asarray(vector, np.float32)
        mask = index.mask(filters or SearchFilters())
        dense_rows, _ = index.dense.top(vector, mask, k)
        rows = dense_rows
        lexical: np.ndarray | None = None
        best = 0.0
        if text:
            scored, lexical = index.lexical.scored_rows(text)
            best = float(lexical[scored].max()) if len(scored) else 0.0
            if self.lexical_weight > 0:
                allowed = scored if mask is None else scored[mask[scored]]
                n = min(k, len(allowed))
                if n > 0:
                    picked = allowed[np.argpartition(-lexical[allowed], n - 1)[:n]]
                    rows = np.unique(np.concatenate([dense_rows, picked]))
        if len(rows) == 0:
            return []
        cosine = index.vectors[rows] @ vector
        fused = cosine.astype(np.float64)
        share = np.zeros(len(rows))
        if lexical is not None and best > 0:
            share = lexical[rows] / best
        if lexical is not None and self.lexical_weight > 0:
            w = self.lexical_weight
            fused = (1 - w) * cosine + w * LEXICAL_SCALE * share
        order = np.argsort(-fused, kind="stable")[:k]
        hits = []
        for rank, i in enumerate(order, start=1):
            signals = {Signals.DENSE: float(cosine[i])}
            if lexical is not None:
                signals[Signals.LEXICAL] = float(share[i])
                signals[Signals.BM25] = float(lexical[rows[i]])
            product = index.products[int(rows[i])]
            hits.append(
                ProductHit(product=product, score=float(fused[i]), rank=rank, signals=signals)
            )
        return hits
