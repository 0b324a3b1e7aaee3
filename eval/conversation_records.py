"""Conditions on a catalogue record, and the proof that the corpus asks nothing impossible.

`broken` says which conditions of a CardSpec a product's record breaks, each tagged with the
shopper constraint it expresses (so a relaxed reply can be excused exactly for what it relaxed).
`corpus_problems` runs every card expectation of the corpus against its whole catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from eval.conversations import (
    CONSTRAINT_OF,
    EMPTY_OUTCOMES,
    TYPE_KEY,
    CardSpec,
    Case,
    Expect,
    IdRef,
    MatchIn,
    literal_ids,
)
from retrieval.types import Product

# Conditions on a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """One condition a record does not meet."""

    condition: str  # the CardSpec field
    constraint: str | None  # the shopper constraint it expresses
    detail: str


# The product a reference in a card condition stands for, or None when it cannot be resolved.
Resolve = Callable[[IdRef], Product | None]


def broken(spec: CardSpec, product: Product, resolve: Resolve | None = None) -> list[Broken]:
    """The conditions of `spec` that `product`'s record breaks (empty: it meets them all).
    Conditions that refer to earlier turns need `resolve`; without it they are skipped."""
    out: list[Broken] = []

    def fail(condition: str, detail: str) -> None:
        out.append(Broken(condition, CONSTRAINT_OF[condition], detail))

    price = product.price
    if spec.max_price is not None and (price is None or price > spec.max_price):
        fail("max_price", f"price {_money(price)} is not at most {spec.max_price:g}")
    if spec.min_price is not None and (price is None or price < spec.min_price):
        fail("min_price", f"price {_money(price)} is not at least {spec.min_price:g}")
    brand = (product.brand or "").casefold()
    if spec.brand_in and brand not in _folded(spec.brand_in):
        fail("brand_in", f"brand {product.brand!r} is not one of {spec.brand_in}")
    if spec.brand_not_in and brand and brand in _folded(spec.brand_not_in):
        fail("brand_not_in", f"brand {product.brand!r} is excluded")
    kind = product.attributes.get(TYPE_KEY, "").casefold()
    if spec.type_in and kind not in _folded(spec.type_in):
        fail("type_in", f"type {product.attributes.get(TYPE_KEY)!r} is not one of {spec.type_in}")
    if spec.type_not_in and kind and kind in _folded(spec.type_not_in):
        fail("type_not_in", f"type {product.attributes.get(TYPE_KEY)!r} is excluded")
    path = _folded(product.category_path)
    if spec.category_in and not path & _folded(spec.category_in):
        fail("category_in", f"category {' > '.join(product.category_path)!r} is not wanted")
    attributes = {k.casefold(): v for k, v in product.attributes.items()}
    for key, values in spec.attributes.items():
        value = attributes.get(key.casefold())
        if value is None or value.casefold() not in _folded(values):
            fail("attributes", f"{key} is {value!r}, not one of {values}")
    for key, parts in spec.attribute_contains.items():
        value = attributes.get(key.casefold())
        if value is None or not _contains_any(value, parts):
            fail("attribute_contains", f"{key} is {value!r}, containing none of {parts}")
    for key, parts in spec.attribute_not_contains.items():
        value = attributes.get(key.casefold())
        if value is not None and _contains_any(value, parts):
            fail("attribute_not_contains", f"{key} is {value!r}")
    if spec.title_contains_any and not _contains_any(product.title, spec.title_contains_any):
        fail("title_contains_any", f"title has none of {spec.title_contains_any}")
    if spec.title_not_contains and _contains_any(product.title, spec.title_not_contains):
        hit = next(w for w in spec.title_not_contains if _contains_any(product.title, [w]))
        fail("title_not_contains", f"title contains {hit!r}")
    rating = product.average_rating
    if spec.min_rating is not None and (rating is None or rating < spec.min_rating):
        fail("min_rating", f"rating {rating} is below {spec.min_rating:g}")
    if resolve is not None:
        out += _relative(spec, product, resolve)
    return out


def _relative(spec: CardSpec, product: Product, resolve: Resolve) -> list[Broken]:
    out: list[Broken] = []
    if spec.cheaper_than is not None:
        other = resolve(spec.cheaper_than)
        if other is None or other.price is None:
            out.append(Broken("cheaper_than", "max_price", "the product to undercut is unknown"))
        elif product.price is None or product.price >= other.price:
            detail = f"price {_money(product.price)} is not below {_money(other.price)}"
            out.append(Broken("cheaper_than", "max_price", detail))
    if spec.same_as is not None:
        other = resolve(spec.same_as.of)
        for key in spec.same_as.keys:
            mine, theirs = _field(product, key), _field(other, key)
            if other is None:
                out.append(Broken("same_as", None, "the product to match is unknown"))
                break
            if mine is None or mine.casefold() != (theirs or "").casefold():
                out.append(Broken("same_as", None, f"{key} is {mine!r}, not {theirs!r}"))
    if spec.larger_than is not None:
        other = resolve(spec.larger_than.of)
        key = spec.larger_than.key
        size, bound = _number(_field(product, key)), _number(_field(other, key))
        if other is None:
            out.append(Broken("larger_than", None, "the product to outgrow is unknown"))
        elif size is None or bound is None or size <= bound:
            detail = f"{key} {_field(product, key)!r} is not larger than {_field(other, key)!r}"
            out.append(Broken("larger_than", None, detail))
    return out


def _field(product: Product | None, key: str) -> str | None:
    if product is None:
        return None
    if key == "brand":
        return product.brand
    if key == "category":
        return product.category
    return {k.casefold(): v for k, v in product.attributes.items()}.get(key.casefold())


def _number(text: str | None) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", text or "")
    return float(match.group()) if match else None


def _folded(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values}


def _contains_any(text: str, parts: Iterable[str]) -> bool:
    """Whether one of `parts` starts a word of `text` ("lip" is in "lips", not in "clip");
    Chinese has no words to start, so there any occurrence counts."""
    return _pattern(tuple(parts)).search(text) is not None


@cache
def _pattern(parts: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [
        ("" if part[:1] > "\u2e7f" else r"(?<![^\W_])") + re.escape(part) for part in parts
    ]
    return re.compile("|".join(alternatives) or "(?!)", re.IGNORECASE)


def _money(price: float | None) -> str:
    return "none" if price is None else f"${price:.2f}"


def matching(spec: CardSpec, products: Iterable[Product]) -> list[Product]:
    """The products whose records meet every reference-free condition of `spec`."""
    return [p for p in products if not broken(spec, p)]


def catalogue_index(products: Iterable[Product]) -> Mapping[str, Product]:
    return {p.id: p for p in products}


# Proving the corpus possible -------------------------------------------------------------------


def corpus_problems(
    cases: Sequence[Case], catalogues: Mapping[str, Sequence[Product]]
) -> list[str]:
    """What no correct agent could do on these catalogues: an id that is not in the catalogue,
    a card condition no record meets (or fewer records than the turn needs), a brand, type,
    category or attribute the catalogue does not have, a `catalog_has_none` that some record
    meets. Cases whose catalogue is not given are not checked."""
    problems: list[str] = []
    known_by = {name: _Known.of(products) for name, products in catalogues.items()}
    for case in cases:
        products = catalogues.get(case.catalog)
        if products is None:
            continue
        known = known_by[case.catalog]
        for number, turn in enumerate(case.turns, start=1):
            where = f"{case.id} turn {number}"
            problems += [f"{where}: {p}" for p in _turn_problems(turn.expect, products, known)]
    return problems


@dataclass(frozen=True)
class _Known:
    ids: frozenset[str]
    brands: frozenset[str]
    types: frozenset[str]
    categories: frozenset[str]
    attributes: frozenset[str]

    @classmethod
    def of(cls, products: Sequence[Product]) -> _Known:
        return cls(
            ids=frozenset(p.id for p in products),
            brands=frozenset(p.brand.casefold() for p in products if p.brand),
            types=frozenset(
                p.attributes[TYPE_KEY].casefold() for p in products if TYPE_KEY in p.attributes
            ),
            categories=frozenset(c.casefold() for p in products for c in p.category_path),
            attributes=frozenset(k.casefold() for p in products for k in p.attributes),
        )


def _turn_problems(expect: Expect, products: Sequence[Product], known: _Known) -> list[str]:
    problems: list[str] = []
    for ref in expect.refs():
        problems += [
            f"id {i} is not in the catalogue" for i in literal_ids(ref) if i not in known.ids
        ]
    specs = [s for s in (expect.all_cards, expect.any_card, expect.catalog_has_none) if s]
    specs += [r.where for r in expect.refs() if isinstance(r, MatchIn)]
    for spec in specs:
        problems += _vocabulary_problems(spec, known)
    # A reply that may be empty need not show a card meeting all_cards; one that relaxed may
    # break what it relaxed; any other reply must be possible in full.
    allowed = expect.outcomes
    may_be_empty = allowed is not None and allowed <= EMPTY_OUTCOMES
    waived = expect.may_relax if may_be_empty else []
    min_cards = expect.cards.min if expect.cards else 0
    if expect.all_cards is not None and (not may_be_empty or min_cards >= 1):
        problems += _too_few("all_cards", expect.all_cards, waived, max(1, min_cards), products)
    if expect.any_card is not None:
        problems += _too_few("any_card", expect.any_card, waived, 1, products)
    if expect.catalog_has_none is not None:
        found = matching(expect.catalog_has_none, products)
        if found:
            problems.append(f"catalog_has_none is met by {len(found)} products, e.g. {found[0].id}")
    return problems


def _too_few(
    name: str, spec: CardSpec, may_relax: Sequence[str], need: int, products: Sequence[Product]
) -> list[str]:
    static = spec.static()
    checked = static.without(may_relax) if static is not None else None
    if checked is None:
        return []
    found = len(matching(checked, products))
    if found >= need:
        return []
    return [f"{name} is met by {found} products; the turn needs {need}"]


def _vocabulary_problems(spec: CardSpec, known: _Known) -> list[str]:
    problems = [
        f"brand {b!r} is not in the catalogue"
        for b in [*spec.brand_in, *spec.brand_not_in]
        if b.casefold() not in known.brands
    ]
    problems += [
        f"type {t!r} is not in the catalogue"
        for t in [*spec.type_in, *spec.type_not_in]
        if t.casefold() not in known.types
    ]
    problems += [
        f"category {c!r} is not in the catalogue"
        for c in spec.category_in
        if c.casefold() not in known.categories
    ]
    keys = [*spec.attributes, *spec.attribute_contains, *spec.attribute_not_contains]
    if spec.same_as is not None:
        keys += [k for k in spec.same_as.keys if k not in ("brand", "category")]
    if spec.larger_than is not None:
        keys.append(spec.larger_than.key)
    problems += [
        f"attribute {k!r} is not in the catalogue"
        for k in keys
        if k.casefold() not in known.attributes
    ]
    return problems
