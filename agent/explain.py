"""Grounded "why" lines and product cards.

A why-line cites only the product's own catalogue facts that match what the shopper asked for:
attribute values they wanted, the brand, the price against their budget, the rating, their own
words found in the product's text. Nothing is paraphrased, so nothing can be invented.
"""

from __future__ import annotations

from agent.prompts import phrases
from agent.reading.vocabulary import attribute_phrase, words
from agent.render import format_price
from agent.types import Preferences, ProductCard
from retrieval.popularity import Band
from retrieval.types import Product, attribute_values

_MAX_REASONS = 4


def why(product: Product, band: Band, prefs: Preferences, asked_for: bool = False) -> str:
    """Why this product, in the shopper's language, from its own record: only what is true of
    it and relevant to what they asked."""
    say = phrases(prefs.language).say
    reasons: list[str] = [say("why_asked")] if asked_for else []
    own = {k.casefold(): v for k, v in product.attributes.items()}
    # What they insisted on first, then what they would like (true of it, so worth saying).
    soft = {k: v for k, v in prefs.soft_attributes.items() if k not in prefs.attributes}
    for key, values in {**prefs.attributes, **soft}.items():
        have = own.get(key.casefold())
        if have is None:
            continue
        matched = [v for v in values if v.casefold() in attribute_values(have)]
        if matched:
            reasons.append(attribute_phrase(key, matched[0] if ", " in have else have))
    if product.brand and product.brand.casefold() in {b.casefold() for b in prefs.brands}:
        reasons.append(say("why_brand", product.brand))
    # The price itself is on the card; the why-line says how it meets the budget, and only
    # when it does (the closest results for an impossible budget do not).
    price = product.price
    if price is not None and prefs.max_price is not None and price <= prefs.max_price:
        reasons.append(say("why_budget", format_price(prefs.max_price, product.currency)))
    elif price is not None and prefs.min_price is not None and price >= prefs.min_price:
        reasons.append(say("why_floor", format_price(prefs.min_price, product.currency)))
    rating = product.average_rating
    if rating is not None and (
        (prefs.min_rating is not None and rating >= prefs.min_rating) or rating >= 4.5
    ):
        reasons.append(say("why_rating", f"{rating:.1f}", product.rating_count))
    found = _needs_found(product, prefs)
    if found:
        reasons.append(say("why_mentions", ", ".join(f'"{n}"' for n in found)))
    reasons = reasons[:_MAX_REASONS]
    if band is Band.TAIL:
        reasons.append(say("why_tail"))
    line = ("；" if prefs.language == "zh" else "; ").join(reasons)
    return line[:1].upper() + line[1:]


_NEGATIVE = frozenset({"none", "no", "false", "n/a", "not applicable", "without"})


def _needs_found(product: Product, prefs: Preferences) -> list[str]:
    """Needs in the shopper's words that the product's text says, except a need that names an
    attribute this product has as "None" ("noise cancelling" on "Noise Cancelling: None")."""
    text = set(words(" ".join([product.title, product.description, *product.features])))
    text |= set(words(" ".join(product.attributes.values())))
    denied = {
        tuple(words(key))
        for key, value in product.attributes.items()
        if value.casefold() in _NEGATIVE
    }
    return [
        n
        for n in prefs.needs
        if words(n) and set(words(n)) <= text and tuple(words(n)) not in denied
    ][:2]


def card(
    product: Product,
    band: Band,
    prefs: Preferences,
    rank: int = 1,
    score: float = 0.0,
    propensity: float = 1.0,
    copy_text: str | None = None,
    asked_for: bool = False,
) -> ProductCard:
    return ProductCard(
        id=product.id,
        title=product.title,
        price=product.price,
        currency=product.currency,
        rating=product.average_rating,
        rating_count=product.rating_count,
        brand=product.brand,
        category=product.category,
        band=band.value,
        rank=rank,
        score=round(score, 4),
        propensity=propensity,
        why=why(product, band, prefs, asked_for),
        copy_text=copy_text,
        url=product.url,
        image_url=product.image_url,
        attributes=dict(product.attributes),
    )
