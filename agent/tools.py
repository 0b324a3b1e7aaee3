"""The four tools a model may call, their argument models, and what each one does.

Arguments are pydantic models; the JSON schema a model sees comes from them. The policy is fixed
here, whatever the model asks: search always goes through the configured re-ranker and always
keeps the shopper's own hard constraints (the stricter of the model's filters and the parsed
ones wins); products already shown or rejected are not shown again unless the shopper asks; and
get/compare/copy work only on products this shopper has been shown or named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent.copywriter import Copywriter
from agent.dialogue import DialogueState
from agent.explain import card
from agent.safety import neutralise
from agent.shop import Shop
from agent.types import ProductCard, Trace
from agent.understand import Intent
from agent.vocabulary import TYPE_KEY, Kind, Vocabulary, words
from retrieval.rerank.base import RerankContext
from retrieval.types import Product, SearchFilters


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


class SearchProductsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=300, description="what the shopper wants")
    filters: FilterArgs = Field(default_factory=FilterArgs)
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


TOOLS: dict[str, tuple[type[BaseModel], str]] = {
    "search_products": (
        SearchProductsArgs,
        "Search the shop's catalogue. Returns up to 10 products in the order to show them.",
    ),
    "get_product": (GetProductArgs, "All catalogue facts about one product already shown."),
    "compare_products": (CompareProductsArgs, "Shown products side by side, with differences."),
    "write_product_copy": (
        WriteProductCopyArgs,
        "A short description of a shown product, written only from its catalogue facts.",
    ),
}


def tool_specs() -> list[dict[str, Any]]:
    """OpenAI function-tool schemas, generated from the argument models."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": model.model_json_schema(),
            },
        }
        for name, (model, description) in TOOLS.items()
    ]


class ToolError(Exception):
    """A tool call that cannot be done as asked; the message goes back to the model."""


@dataclass
class Turn:
    """What one shopper turn knows and has gathered so far."""

    state: DialogueState
    session_id: str = ""
    k: int = 5
    context: RerankContext = field(default_factory=RerankContext)
    results: dict[str, ProductCard] = field(default_factory=dict)  # all a tool returned
    listed: list[ProductCard] | None = None  # the last search's list: what is shown
    featured: list[ProductCard] = field(default_factory=list)  # from get/compare/copy
    copies: dict[str, str] = field(default_factory=dict)
    trace: Trace = field(default_factory=Trace)

    @property
    def recommendations(self) -> list[ProductCard]:
        return self.listed if self.listed is not None else self.featured

    def allowed_ids(self) -> set[str]:
        """Products this shopper may ask about: shown before, returned this turn, referred to in
        their latest message, or named by title in the dialogue."""
        state = self.state
        return {*state.shown, *self.results, *state.targets, *state.mentioned}


class Toolbox:
    def __init__(self, shop: Shop, copywriter: Copywriter, copies: Any = None) -> None:
        self.shop = shop
        self.copywriter = copywriter
        self.copies = copies  # a CopyStore, or None to keep copy in the turn only

    def run(self, name: str, arguments: BaseModel, turn: Turn) -> dict[str, Any]:
        if isinstance(arguments, SearchProductsArgs):
            return self.search(arguments, turn)
        if isinstance(arguments, GetProductArgs):
            return self.get_product(arguments.id, turn)
        if isinstance(arguments, CompareProductsArgs):
            return self.compare(arguments.ids, turn)
        if isinstance(arguments, WriteProductCopyArgs):
            return self.write_copy(arguments.id, turn)
        raise ToolError(f"unknown tool '{name}'; use one of {', '.join(TOOLS)}")

    def search(self, args: SearchProductsArgs, turn: Turn) -> dict[str, Any]:
        prefs = turn.state.preferences
        vocab = self.shop.vocabulary
        asked, notes, extra_query = canonical_filters(args.filters, vocab)
        shown = turn.state.shown if turn.state.intent is not Intent.AGAIN else []
        # Products already shown or named are not recommended back (the shopper knows them).
        own = prefs.filters(exclude_ids=frozenset([*shown, *turn.state.mentioned]))
        allowed = turn.allowed_ids()
        like = [pid for pid in args.similar_to if pid in allowed]
        if len(like) < len(args.similar_to):
            notes.append(
                "similar_to may only name products the shopper saw or named; others ignored"
            )
        filters = stricter(asked, own)
        query = " ".join([args.query, *extra_query]).strip()
        clean_query, cut = neutralise(query)
        turn.trace.injections += cut
        ranked = self.shop.search(clean_query or query, filters, turn.k, turn.context, like)
        relaxed = None
        if not ranked and prefs.product_types and TYPE_KEY in filters.attributes:
            # No product of that kind meets the rest: show what does, and say so. The product
            # kind is the one constraint loosened; budgets, brands and exclusions never are.
            attributes = {k: v for k, v in filters.attributes.items() if k != TYPE_KEY}
            filters = filters.model_copy(update={"attributes": attributes})
            ranked = self.shop.search(clean_query or query, filters, turn.k, turn.context, like)
            relaxed = "product type" if ranked else None
        cards = [
            card(
                r.candidate.product,
                r.candidate.band,
                prefs,
                rank=r.rank,
                score=r.candidate.score,
                propensity=r.propensity,
                copy_text=self._stored_copy(r.candidate.product),
            )
            for r in ranked
        ]
        turn.listed = cards
        turn.results.update({c.id: c for c in cards})
        return {
            "count": len(cards),
            "products": [_summary(c) for c in cards],
            "applied_filters": filters.model_dump(exclude_defaults=True, mode="json"),
            "relaxed": relaxed,
            "notes": notes,
        }

    def get_product(self, product_id: str, turn: Turn) -> dict[str, Any]:
        product = self._allowed(product_id, turn)
        item = self._feature(product, turn)
        return {"product": _details(product, item, turn)}

    def compare(self, ids: Sequence[str], turn: Turn) -> dict[str, Any]:
        products = [self._allowed(pid, turn) for pid in dict.fromkeys(ids)]
        if len(products) < 2:
            raise ToolError("compare_products needs two different product ids")
        items = [self._feature(p, turn) for p in products]
        return {
            "products": [_details(p, c, turn) for p, c in zip(products, items, strict=True)],
            "differences": differences(products),
        }

    def write_copy(self, product_id: str, turn: Turn) -> dict[str, Any]:
        product = self._allowed(product_id, turn)
        text = self._stored_copy(product)
        if text is None:
            copy = self.copywriter.write(product)
            text = copy.text
            if copy.prompt_hash:
                turn.trace.prompts["product_copy"] = copy.prompt_hash
            if self.copies is not None:
                self.copies.put(product, copy)
        turn.copies[product.id] = text
        item = self._feature(product, turn)
        turn.featured[-1] = item.model_copy(update={"copy_text": text})
        return {"id": product.id, "title": product.title, "copy": text}

    def _allowed(self, product_id: str, turn: Turn) -> Product:
        product = self.shop.get(product_id)
        if product is None:
            raise ToolError(f"there is no product with id '{product_id}'")
        if product_id not in turn.allowed_ids():
            raise ToolError(
                f"product '{product_id}' has not been shown to this shopper; call "
                "search_products first and use the ids it returns"
            )
        return product

    def _feature(self, product: Product, turn: Turn) -> ProductCard:
        existing = turn.results.get(product.id)
        item = existing or card(
            product,
            self.shop.band(product.id),
            turn.state.preferences,
            copy_text=self._stored_copy(product),
        )
        turn.results[product.id] = item
        turn.featured = [c for c in turn.featured if c.id != item.id] + [item]
        return item

    def _stored_copy(self, product: Product) -> str | None:
        return self.copies.text(product.id, product) if self.copies is not None else None


def canonical_filters(
    args: FilterArgs, vocab: Vocabulary
) -> tuple[SearchFilters, list[str], list[str]]:
    """The model's filters in the catalogue's own names. Names the catalogue does not know are
    not filtered on (a typo must not empty the list); they become search words, with a note."""
    notes: list[str] = []
    extra: list[str] = []
    categories: list[str] = []
    for name in args.categories:
        known = _lookup(name, vocab, Kind.CATEGORY) or _lookup(name, vocab, Kind.TYPE)
        if known and known.kind is Kind.CATEGORY:
            categories.append(known.name)
        else:
            extra.append(name)
            notes.append(f"'{name}' is not a catalogue category; searched for it as words")
    attributes: dict[str, tuple[str, ...]] = {}
    avoided: dict[str, tuple[str, ...]] = {}
    for source, target in ((args.attributes, attributes), (args.exclude_attributes, avoided)):
        for key, values in source.items():
            canonical_key = _canonical_key(key, vocab)
            known_values = [v for v in (_canonical_value(canonical_key, v, vocab) for v in values)]
            if canonical_key is None or not all(known_values):
                if target is attributes:
                    extra += list(values)
                notes.append(f"attribute '{key}' = {values} is not in the catalogue; not filtered")
                continue
            target[canonical_key] = tuple(v for v in known_values if v)
    filters = (
        SearchFilters(
            min_price=args.min_price,
            max_price=args.max_price,
            categories=tuple(categories),
            brands=tuple(_brand(b, vocab) for b in args.brands),
            exclude_brands=tuple(_brand(b, vocab) for b in args.exclude_brands),
            attributes=attributes,
            exclude_attributes=avoided,
            min_rating=args.min_rating,
        )
        if not _reversed(args)
        else SearchFilters()
    )
    if _reversed(args):
        notes.append("min_price was above max_price; price filters ignored")
    return filters, notes, extra


def stricter(a: SearchFilters, b: SearchFilters) -> SearchFilters:
    """Both sets of constraints at once: the higher floor, the lower cap, every exclusion."""

    def tighter(x: float | None, y: float | None, pick: Any) -> float | None:
        return y if x is None else x if y is None else pick(x, y)

    low = tighter(a.min_price, b.min_price, max)
    high = tighter(a.max_price, b.max_price, min)
    if low is not None and high is not None and low > high:
        low = None  # the shopper's own words (b) keep their cap; an impossible floor goes
    attributes = {**a.attributes, **b.attributes}
    avoided = {
        k: tuple({*a.exclude_attributes.get(k, ()), *b.exclude_attributes.get(k, ())})
        for k in {*a.exclude_attributes, *b.exclude_attributes}
    }
    return SearchFilters(
        min_price=low,
        max_price=high,
        categories=b.categories or a.categories,
        brands=b.brands or a.brands,
        exclude_brands=tuple(dict.fromkeys([*a.exclude_brands, *b.exclude_brands])),
        attributes=attributes,
        exclude_attributes=avoided,
        min_rating=tighter(a.min_rating, b.min_rating, max),
        exclude_ids=a.exclude_ids | b.exclude_ids,
    )


def differences(products: Sequence[Product]) -> dict[str, Any]:
    priced = [p for p in products if p.price is not None]
    rated = [p for p in products if p.average_rating is not None]
    keys = dict.fromkeys(k for p in products for k in p.attributes)
    differing = {
        key: {p.id: p.attributes.get(key, "-") for p in products}
        for key in keys
        if len({p.attributes.get(key) for p in products}) > 1
    }
    return {
        "cheapest": min(priced, key=lambda p: p.price or 0).id if priced else None,
        "highest_rated": max(rated, key=lambda p: p.average_rating or 0).id if rated else None,
        "attributes_that_differ": differing,
    }


def _summary(item: ProductCard) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "brand": item.brand,
        "price": item.price,
        "rating": item.rating,
        "rating_count": item.rating_count,
        "long_tail": item.is_long_tail,
        "attributes": item.attributes,
        "why": item.why,
    }


def _details(product: Product, item: ProductCard, turn: Turn) -> dict[str, Any]:
    description, cut_d = neutralise(product.description[:600])
    features = [neutralise(f)[0] for f in product.features[:8]]
    turn.trace.injections += cut_d + sum(1 for f in product.features[:8] if neutralise(f)[1])
    return {
        **_summary(item),
        "category": " > ".join(product.category_path),
        "description": description,
        "features": [f for f in features if f],
        "copy": item.copy_text,
    }


def _lookup(name: str, vocab: Vocabulary, kind: Kind) -> Any:
    for entry in vocab.phrases.get(tuple(words(name)), []):
        if entry.kind is kind:
            return entry
    return None


def _brand(name: str, vocab: Vocabulary) -> str:
    entry = _lookup(name, vocab, Kind.BRAND)
    return entry.name if entry else name


def _canonical_key(key: str, vocab: Vocabulary) -> str | None:
    folded = words(key)
    return next((k for k in vocab.values if words(k) == folded), None)


def _canonical_value(key: str | None, value: str, vocab: Vocabulary) -> str | None:
    if key is None:
        return None
    folded = words(value)
    return next((v for v in vocab.values.get(key, ()) if words(v) == folded), None)


def _reversed(args: FilterArgs) -> bool:
    return (
        args.min_price is not None
        and args.max_price is not None
        and args.min_price > args.max_price
    )
