"""Grounded "why" lines and product cards.

A why-line cites only the product's own catalogue facts that match what the shopper asked for:
attribute values they wanted, the brand, the price against their budget, the rating, their own
words found in the product's text. Nothing is paraphrased, so nothing can be invented.
"""

from __future__ import annotations

from agent.reading.vocabulary import attribute_phrase, words
from agent.render import format_price
from agent.types import Preferences, ProductCard
from retrieval.popularity import Band
from retrieval.types import Product, attribute_values

_MAX_REASONS = 4


def why(product: Product, band: Band, prefs: Preferences) -> str:
    reasons: list[str] = []
    own = {k.casefold(): v for k, v in product.attributes.items()}
    for key, values in prefs.attributes.items():
        have = own.get(key.casefold())
        if have is None:
            continue
        matched = [v for v in values if v.casefold() in attribute_values(have)]
        if matched:
            reasons.append(attribute_phrase(key, matched[0] if ", " in have else have))
    if product.brand and product.brand.casefold() in {b.casefold() for b in prefs.brands}:
        reasons.append(f"from {product.brand}")
    # The price itself is on the card; the why-line says how it meets the budget.
    if product.price is not None and prefs.max_price is not None:
        reasons.append(f"within your {format_price(prefs.max_price, product.currency)} budget")
    elif product.price is not None and prefs.min_price is not None:
        reasons.append(f"above {format_price(prefs.min_price, product.currency)}")
    if product.average_rating is not None and (
        prefs.min_rating is not None or product.average_rating >= 4.5
    ):
        reasons.append(f"rated {product.average_rating:.1f} by {product.rating_count}")
    found = _needs_found(product, prefs)
    if found:
        reasons.append("mentions " + ", ".join(f'"{n}"' for n in found))
    reasons = reasons[:_MAX_REASONS]
    if band is Band.TAIL:
        reasons.append("long-tail pick: few shoppers have found it yet")
    line = "; ".join(reasons)
    return line[:1].upper() + line[1:]


def _needs_found(product: Product, prefs: Preferences) -> list[str]:
    text = set(words(" ".join([product.title, product.description, *product.features])))
    text |= set(words(" ".join(product.attributes.values())))
    return [n for n in prefs.needs if words(n) and set(words(n)) <= text][:2]


def card(
    product: Product,
    band: Band,
    prefs: Preferences,
    rank: int = 1,
    score: float = 0.0,
    propensity: float = 1.0,
    copy_text: str | None = None,
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
        why=why(product, band, prefs),
        copy_text=copy_text,
        url=product.url,
        image_url=product.image_url,
        attributes=dict(product.attributes),
    )
