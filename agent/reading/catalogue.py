"""What the reader needs to know of the shop: its vocabulary, its products by id, products named
by title in a text, and a product's siblings (same brand and kind: its other sizes).

The agent's Shop is one (over the live index); `StaticCatalogue` is one over a list of products,
for tests and offline tools.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from agent.reading.titles import TitleIndex
from agent.reading.vocabulary import Vocabulary
from agent.types import TYPE_KEY
from retrieval.types import Product


class Catalogue(Protocol):
    @property
    def vocabulary(self) -> Vocabulary: ...

    def get(self, product_id: str) -> Product | None: ...

    def named_in(self, text: str) -> list[str]: ...

    def siblings(self, product: Product) -> list[str]: ...


def family_of(product: Product) -> tuple[str, str]:
    """Products that may be one product in several sizes share a brand and a kind."""
    return ((product.brand or "").casefold(), product.attributes.get(TYPE_KEY, "").casefold())


def families(products: Iterable[Product]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for product in products:
        if product.brand:
            out[family_of(product)].append(product.id)
    return dict(out)


class StaticCatalogue:
    def __init__(self, products: Iterable[Product], vocabulary: Vocabulary | None = None) -> None:
        items = list(products)
        self.by_id = {p.id: p for p in items}
        self._vocabulary = vocabulary if vocabulary is not None else Vocabulary.from_products(items)
        self.titles = TitleIndex(
            items, self._vocabulary.generic_words(), frozenset(self._vocabulary.type_words)
        )
        self._families = families(items)

    @property
    def vocabulary(self) -> Vocabulary:
        return self._vocabulary

    def get(self, product_id: str) -> Product | None:
        return self.by_id.get(product_id)

    def named_in(self, text: str) -> list[str]:
        return self.titles.find(text)

    def siblings(self, product: Product) -> list[str]:
        return self._families.get(family_of(product), [])
