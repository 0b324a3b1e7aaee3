"""What the agent knows of the shop: products, their vocabulary and bands, tail-aware search.

A thin layer over retrieval's TailSearch that keeps the reader's views of the catalogue
(vocabulary, titles, product families, the "do we carry it" floor) in step with the index
snapshot: when a re-ingest publishes a new snapshot, they are rebuilt once. The popularity bands
are the search's own (TailSearch redraws them per snapshot).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from agent.carried import calibrated_floor, foreign_kinds
from agent.reading.catalogue import families, family_of
from agent.reading.state import ReadingOptions
from agent.reading.titles import TitleIndex
from agent.reading.vocabulary import Vocabulary
from retrieval.pipeline import TailSearch
from retrieval.popularity import Band, PopularityBands
from retrieval.rerank.base import Ranked, RerankContext
from retrieval.types import Product, SearchFilters


class Shop:
    def __init__(
        self,
        search: TailSearch,
        reading_options: ReadingOptions | None = None,
    ) -> None:
        self.search_pipeline = search
        self.reading_options = reading_options or ReadingOptions()
        self._lock = threading.Lock()
        self._seen_index: object = None
        self._vocabulary = Vocabulary()
        self._title_index = TitleIndex(())
        self._families: dict[tuple[str, str], list[str]] = {}
        self._floor: float | None = None
        self._foreign: tuple[tuple[str, ...], ...] = ()
        self._floor_lock = threading.Lock()

    def _refresh(self) -> None:
        index = self.search_pipeline.retriever.index
        with self._lock:
            if index is self._seen_index:
                return
            self._vocabulary = Vocabulary.from_products(index.products)
            self._title_index = TitleIndex(
                index.products,
                self._vocabulary.generic_words(),
                frozenset(self._vocabulary.type_words),
            )
            self._families = families(index.products)
            self._foreign = foreign_kinds(index.products)
            self._floor = None
            self._seen_index = index

    @property
    def vocabulary(self) -> Vocabulary:
        self._refresh()
        return self._vocabulary

    @property
    def foreign_kinds(self) -> tuple[tuple[str, ...], ...]:
        """Kinds other shops sell that none of this shop's titles name (agent/carried.py)."""
        self._refresh()
        return self._foreign

    @property
    def bands(self) -> PopularityBands:
        return self.search_pipeline.bands

    def band(self, product_id: str) -> Band:
        return self.bands.band(product_id)

    def get(self, product_id: str) -> Product | None:
        return self.search_pipeline.retriever.get(product_id)

    def title_id(self, title: str) -> str | None:
        """The id of the product with exactly this title (ignoring case and punctuation)."""
        self._refresh()
        return self._title_index.exact(title)

    def named_in(self, text: str) -> list[str]:
        """Products named by their title somewhere in `text`."""
        self._refresh()
        return self._title_index.find(text)

    def siblings(self, product: Product) -> list[str]:
        """Products of the same brand and kind (the sizes of one product are among them)."""
        self._refresh()
        return self._families.get(family_of(product), [])

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        found = (self.get(pid) for pid in product_ids)
        return [p for p in found if p is not None]

    def categories(self) -> list[str]:
        return self.vocabulary.categories

    def products(self) -> list[Product]:
        """Every product of the current snapshot."""
        return list(self.search_pipeline.retriever.index.products)

    def size(self) -> int:
        return len(self.search_pipeline.retriever.index)

    def search(
        self,
        query: str,
        filters: SearchFilters,
        k: int,
        context: RerankContext,
        like: Sequence[str] = (),
    ) -> list[Ranked]:
        """Tail-aware search under the configured policy; nothing is recorded as shown. `like`:
        products the results should resemble (their vectors join the query's)."""
        self._refresh()
        return self.search_pipeline.search(query, filters, k, context, record=False, like=like)

    def match_floor(self) -> float:
        """How well a search must match for the shop to carry what was asked: between how
        well the catalogue's own kinds find their products and how well products of other
        shops' kinds (laptops, tyres, ...) find anything here. Calibrated once per snapshot."""
        self._refresh()
        with self._floor_lock:  # its own lock: calibrating reads the vocabulary (self._lock)
            if self._floor is None:
                self._floor = calibrated_floor(self)
            return self._floor

    def best_score(self, query: str) -> float:
        """The relevance of the best product for `query`, with no filter and no policy."""
        hits = self.search_pipeline.retriever.search(query, None, 1)
        return hits[0].score if hits else 0.0

    def closest_categories(self, query: str, n: int = 3) -> list[str]:
        """The categories of the products nearest to `query`, nearest first."""
        hits = self.search_pipeline.retriever.search(query, None, 20)
        names = [h.product.category for h in hits if h.product.category]
        return list(dict.fromkeys(names))[:n]

    def record_shown(self, shown: Sequence[tuple[str, int]]) -> None:
        """What the shopper finally saw (id, rank), for the exposure policy's ledger."""
        if self.search_pipeline.ledger is not None:
            self.search_pipeline.ledger.record(shown)
