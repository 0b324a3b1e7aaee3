"""What the agent knows of the shop: products, their vocabulary and bands, tail-aware search.

A thin layer over retrieval's TailSearch that keeps the derived views (vocabulary, popularity
bands) in step with the index snapshot: when another process re-ingests and the snapshot reloads,
they are rebuilt once.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from agent.reading.catalogue import families, family_of
from agent.reading.state import ReadingOptions
from agent.reading.titles import TitleIndex
from agent.reading.vocabulary import Vocabulary
from retrieval.pipeline import TailSearch
from retrieval.popularity import Band, PopularityBands, catalogue_counts, combined_counts
from retrieval.rerank.base import Ranked, RerankContext
from retrieval.types import Product, SearchFilters


class Shop:
    def __init__(
        self,
        search: TailSearch,
        head_share: float = 0.8,
        torso_share: float = 0.15,
        logged_counts: Mapping[str, float] | None = None,
        reading_options: ReadingOptions | None = None,
    ) -> None:
        self.search_pipeline = search
        self.reading_options = reading_options or ReadingOptions()
        self.head_share = head_share
        self.torso_share = torso_share
        self.logged_counts = dict(logged_counts or {})
        self._lock = threading.Lock()
        self._seen_index: object = None
        self._vocabulary = Vocabulary()
        self._title_index = TitleIndex(())
        self._families: dict[tuple[str, str], list[str]] = {}

    def _refresh(self) -> None:
        index = self.search_pipeline.retriever.index
        with self._lock:
            if index is self._seen_index:
                return
            self._vocabulary = Vocabulary.from_products(index.products)
            self._title_index = TitleIndex(index.products)
            self._families = families(index.products)
            counts = combined_counts(catalogue_counts(index.products), self.logged_counts)
            self.search_pipeline.bands = PopularityBands.from_counts(
                counts, self.head_share, self.torso_share
            )
            self._seen_index = index

    @property
    def vocabulary(self) -> Vocabulary:
        self._refresh()
        return self._vocabulary

    @property
    def bands(self) -> PopularityBands:
        self._refresh()
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

    def record_shown(self, shown: Sequence[tuple[str, int]]) -> None:
        """What the shopper finally saw (id, rank), for the exposure policy's ledger."""
        if self.search_pipeline.ledger is not None:
            self.search_pipeline.ledger.record(shown)
