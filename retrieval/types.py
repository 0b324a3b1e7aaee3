"""Domain values of the retrieval layer: products, search filters and search hits.

Product ids are external strings end to end; nothing here re-keys by position.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NonEmptyStr = Annotated[str, Field(min_length=1)]


class Fields:
    """Names of product fields used in several places (loaders, store metadata, CLI)."""

    ID = "id"
    TITLE = "title"
    DESCRIPTION = "description"
    FEATURES = "features"
    CATEGORY_PATH = "category_path"
    BRAND = "brand"
    PRICE = "price"
    CURRENCY = "currency"
    ATTRIBUTES = "attributes"
    AVERAGE_RATING = "average_rating"
    RATING_COUNT = "rating_count"
    POPULARITY = "popularity"
    URL = "url"
    IMAGE_URL = "image_url"

    ALL = (
        ID,
        TITLE,
        DESCRIPTION,
        FEATURES,
        CATEGORY_PATH,
        BRAND,
        PRICE,
        CURRENCY,
        ATTRIBUTES,
        AVERAGE_RATING,
        RATING_COUNT,
        POPULARITY,
        URL,
        IMAGE_URL,
    )


class Product(BaseModel):
    """One catalogue item as TailTalk understands it, whatever format it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: NonEmptyStr
    title: NonEmptyStr
    description: str = ""
    features: tuple[str, ...] = ()
    category_path: tuple[str, ...] = ()
    brand: str | None = None
    price: float | None = Field(default=None, ge=0)
    currency: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    average_rating: float | None = Field(default=None, ge=0, le=5)
    rating_count: int = Field(default=0, ge=0)
    popularity: float = Field(default=0.0, ge=0)
    url: str | None = None
    image_url: str | None = None

    @field_validator("price", "average_rating", "popularity", mode="after")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("brand", "currency", "url", "image_url", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("features", "category_path", mode="after")
    @classmethod
    def _drop_blanks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.strip() for v in value if v and v.strip())

    @field_validator("attributes", mode="after")
    @classmethod
    def _clean_attributes(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.strip(): v.strip() for k, v in value.items() if k.strip() and v.strip()}

    @model_validator(mode="after")
    def _currency_needs_price(self) -> Product:
        if self.price is not None and self.currency is None:
            # Prices without a currency are read as USD, the currency of every bundled dataset.
            object.__setattr__(self, "currency", "USD")
        return self

    @property
    def category(self) -> str | None:
        """The most specific category, or None when the product has no category path."""
        return self.category_path[-1] if self.category_path else None


class SearchFilters(BaseModel):
    """Hard constraints: a product that fails any of them is never returned.

    Text comparisons (categories, brands, attribute values) ignore case. A product whose price or
    rating is unknown fails a price or rating constraint, because it cannot be shown to meet it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    categories: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    exclude_brands: tuple[str, ...] = ()
    attributes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    exclude_attributes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    min_rating: float | None = Field(default=None, ge=0, le=5)
    exclude_ids: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _price_range_ordered(self) -> SearchFilters:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise ValueError(
                f"min_price {self.min_price} is above max_price {self.max_price}; swap them"
            )
        return self

    def is_empty(self) -> bool:
        return self == SearchFilters()

    def admits(self, product: Product) -> bool:
        """Whether one product meets every constraint (the reference the fast index must match)."""
        if product.id in self.exclude_ids:
            return False
        if self.min_price is not None or self.max_price is not None:
            if product.price is None:
                return False
            if self.min_price is not None and product.price < self.min_price:
                return False
            if self.max_price is not None and product.price > self.max_price:
                return False
        if self.min_rating is not None and (
            product.average_rating is None or product.average_rating < self.min_rating
        ):
            return False
        if self.categories:
            path = {c.casefold() for c in product.category_path}
            if not path & {c.casefold() for c in self.categories}:
                return False
        brand = (product.brand or "").casefold()
        if self.brands and brand not in {b.casefold() for b in self.brands}:
            return False
        if brand and brand in {b.casefold() for b in self.exclude_brands}:
            return False
        attrs = {k.casefold(): attribute_values(v) for k, v in product.attributes.items()}
        for key, values in self.attributes.items():
            if not attrs.get(key.casefold(), set()) & {v.casefold() for v in values}:
                return False
        for key, values in self.exclude_attributes.items():
            if attrs.get(key.casefold(), set()) & {v.casefold() for v in values}:
                return False
        return True


def attribute_values(value: str) -> set[str]:
    """What an attribute value matches, case-folded: the whole value and, for a list written
    "Horror, Thriller", each item of it (a comma inside a number, "1,000", is not a separator)."""
    whole = value.casefold().strip()
    return {whole, *(part.strip() for part in whole.split(", ") if part.strip())}


class Signals:
    """Names of the per-signal scores behind a hit's relevance (ProductHit.signals)."""

    DENSE = "dense"  # cosine similarity of query and product vectors
    LEXICAL = "lexical"  # BM25 divided by the catalogue's best BM25 for the query, in [0, 1]
    BM25 = "bm25"  # the raw BM25 score


class ProductHit(BaseModel):
    """A search result: the product, its relevance (hybrid: see retrieval/search.py), its rank
    (1-based) and the per-signal scores the relevance was fused from (keys from `Signals`; the
    lexical ones only when the search had query text)."""

    model_config = ConfigDict(frozen=True)

    product: Product
    score: float
    rank: int = Field(ge=1)
    signals: dict[str, float] = Field(default_factory=dict)
