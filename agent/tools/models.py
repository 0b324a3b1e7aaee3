"""What a tool takes and what it gives back, as pydantic models.

The JSON schema a model sees comes from the argument models; the result models are what the loop
passes back (as JSON to an LLM, as values to the rules backend and the reply). Keys of the results
are the same ones an LLM has always seen.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.reading.safety import neutralise
from agent.types import ProductCard


class ToolError(Exception):
    """A tool call that cannot be done as asked; the message goes back to the model."""


# Arguments ---------------------------------------------------------------------------------


class FilterArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_price: float | None = Field(default=None, ge=0, description="lowest price wanted")
    max_price: float | None = Field(default=None, ge=0, description="highest price wanted")
    categories: list[str] = Field(default_factory=list, description="catalogue categories")
    brands: list[str] = Field(default_factory=list, description="only these brands")
    exclude_brands: list[str] = Field(default_factory=list, description="never these brands")
    attributes: dict[str, list[str]] = Field(
        default_factory=dict,
        description='attribute name -> acceptable values, e.g. {"Color": ["Red"]}',
    )
    exclude_attributes: dict[str, list[str]] = Field(
        default_factory=dict, description="attribute name -> values the shopper does not want"
    )
    min_rating: float | None = Field(default=None, ge=0, le=5, description="lowest star rating")


# The constraints a search may loosen when nothing meets them all (Preferences field names).
Relaxable = Literal["attributes", "min_rating", "brands", "max_price", "min_price", "product_types"]


class PreferArgs(BaseModel):
    """What the shopper would like but did not insist on: ranked higher, never filtered."""

    model_config = ConfigDict(extra="forbid")

    brands: list[str] = Field(default_factory=list, description="brands the shopper leans to")
    attributes: dict[str, list[str]] = Field(
        default_factory=dict,
        description='attribute name -> values the shopper would like, e.g. {"Color": ["Blue"]}',
    )


class SearchProductsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=300, description="what the shopper wants")
    filters: FilterArgs = Field(
        default_factory=FilterArgs,
        description="hard constraints: only what the shopper insisted on",
    )
    prefer: PreferArgs = Field(
        default_factory=PreferArgs,
        description='soft preferences ("ideally blue", "I like Acme"): ranked higher, not required',
    )
    relax_first: list[Relaxable] = Field(
        default_factory=list,
        description="constraints the shopper called flexible: loosened first when nothing fits",
    )
    never_relax: list[Relaxable] = Field(
        default_factory=list,
        description='constraints the shopper insists on ("must be under $50"): never loosened',
    )
    never_relax_attributes: list[str] = Field(
        default_factory=list,
        max_length=20,
        description='attribute keys the shopper insists on ("must be waterproof"): when nothing '
        "meets every wished attribute, the others give way first",
    )
    language: Literal["en", "es", "zh"] | None = Field(
        default=None, description="the shopper's language; product reasons are written in it"
    )
    similar_to: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="ids of products the results should resemble (shown or named by the shopper)",
    )


class GetProductArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="a product id from a shown list")


class CompareProductsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=2, max_length=5, description="2 to 5 shown product ids")


class WriteProductCopyArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="a product id from a shown list")


# Results -----------------------------------------------------------------------------------


class ToolResult(BaseModel):
    """What every tool result may carry: how the call was repaired before it ran."""

    repairs: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        """The result as the model reads it (`repairs` only when there were some)."""
        return self.for_model()[0]

    def for_model(self) -> tuple[str, int]:
        """The result as the model reads it, with instruction-like text cut from every
        catalogue field (title, brand, attribute names and values, description, ...), and how
        many pieces were cut: product data is data, whichever field it was planted in."""
        body = self.model_dump(
            mode="json", by_alias=True, exclude=None if self.repairs else {"repairs"}
        )
        cut = [0]
        return json.dumps(_guarded(body, cut), ensure_ascii=False), cut[0]


class ToolFailure(ToolResult):
    """A call that could not be done as asked; the message tells the model what to do."""

    error: str


class ProductSummary(BaseModel):
    id: str
    title: str
    brand: str | None = None
    price: float | None = None
    rating: float | None = None
    rating_count: int = 0
    long_tail: bool = False
    attributes: dict[str, str] = Field(default_factory=dict)
    why: str = ""

    @classmethod
    def of(cls, card: ProductCard) -> ProductSummary:
        return cls(
            id=card.id,
            title=card.title,
            brand=card.brand,
            price=card.price,
            rating=card.rating,
            rating_count=card.rating_count,
            long_tail=card.is_long_tail,
            attributes=card.attributes,
            why=card.why,
        )


class ProductDetails(ProductSummary):
    category: str = ""
    description: str = ""
    features: list[str] = Field(default_factory=list)
    copy_text: str | None = Field(default=None, serialization_alias="copy")


class SearchResult(ToolResult):
    count: int
    products: list[ProductSummary]
    applied_filters: dict[str, Any] = Field(default_factory=dict)
    # Nothing met every constraint: these products break only this one (a Preferences field
    # name: "attributes", "max_price", "brands", "product_types", ...).
    relaxed: str | None = None
    # Wished attributes no product lists, met by what the products' titles say ("Magnetic
    # Eyelashes" for "the magnetic kind"): the attribute keys.
    met_by_titles: list[str] = Field(default_factory=list)
    # The shop does not sell that kind of product; the categories nearest to what was asked.
    not_carried: bool = False
    closest: list[str] = Field(default_factory=list)
    requested: list[str] = Field(default_factory=list)  # shown because the shopper named them
    notes: list[str] = Field(default_factory=list)


class DetailsResult(ToolResult):
    product: ProductDetails


class Differences(BaseModel):
    cheapest: str | None = None
    highest_rated: str | None = None
    attributes_that_differ: dict[str, dict[str, str]] = Field(default_factory=dict)


class ComparisonResult(ToolResult):
    products: list[ProductDetails]
    differences: Differences


class CopyResult(ToolResult):
    id: str
    title: str
    copy_text: str = Field(serialization_alias="copy")


# The keys whose values are catalogue text (or hold it), wherever they appear in a result.
_CATALOGUE_TEXT = frozenset(
    {
        "title",
        "brand",
        "why",
        "description",
        "features",
        "category",
        "copy",
        "attributes",
        "closest",
    }
)
_BY_PRODUCT = "attributes_that_differ"  # attribute name -> {product id: value}


def _guarded(value: Any, cut: list[int], catalogue: bool = False, key: str = "") -> Any:
    if isinstance(value, str):
        if not catalogue:
            return value
        clean, pieces = neutralise(value)
        cut[0] += pieces
        return clean
    if isinstance(value, list):
        return [_guarded(v, cut, catalogue) for v in value]
    if not isinstance(value, dict):
        return value
    if key == _BY_PRODUCT:  # names are catalogue text; the inner keys are product ids
        return {
            _guarded(name, cut, True): {pid: _guarded(v, cut, True) for pid, v in by_id.items()}
            for name, by_id in value.items()
        }
    return {
        (_guarded(k, cut, True) if catalogue else k): _guarded(
            v, cut, catalogue or k in _CATALOGUE_TEXT, k
        )
        for k, v in value.items()
    }


ToolName = Literal["search_products", "get_product", "compare_products", "write_product_copy"]
