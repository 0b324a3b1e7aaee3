"""The one place where agent values become shopper-facing text: prices, product lines, the
shopper's constraints in words, a reply as markdown.

Each product line ends with the product id in backticks: clients that send the conversation back
as plain text (the OpenAI protocol without TailTalk's extension) are understood from these lines
(agent/reading/state.py reads them); everyone else passes what was shown as structure
(`Message.shown`).
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.reading.vocabulary import attribute_phrase, words
from agent.types import Preferences, ProductCard, Reply

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_price(price: float | None, currency: str | None = "USD") -> str:
    if price is None:
        return "-"
    symbol = _SYMBOLS.get(currency or "USD")
    return f"{symbol}{price:,.2f}" if symbol else f"{price:,.2f} {currency}"


def product_line(position: int | None, card: ProductCard) -> str:
    """One product: numbered when it is part of a ranked list, a bullet when it is featured."""
    title = card.title.replace("`", "'").replace("*", "")
    marker = f"{position}." if position is not None else "-"
    parts = [f"{marker} **{title}**", format_price(card.price, card.currency)]
    if card.rating is not None:
        parts.append(f"★{card.rating:.1f} ({card.rating_count})")
    line = " — ".join(parts[:2]) + (f", {parts[2]}" if len(parts) > 2 else "")
    if card.why:
        line += f". {card.why}"
    return f"{line} `{card.id}`"


def product_list(cards: Sequence[ProductCard], numbered: bool = True) -> str:
    return "\n".join(
        product_line(i if numbered else None, card) for i, card in enumerate(cards, start=1)
    )


def reply_markdown(reply: Reply) -> str:
    """The reply's prose followed by its products as a short markdown list."""
    listed = product_list(reply.recommendations, numbered=reply.list_kind == "results")
    return f"{reply.text}\n\n{listed}" if listed else reply.text


def what(prefs: Preferences, count: int = 2) -> str:
    """What the shopper is after, in words: "moisturizers", "running shoes", "products"."""
    if prefs.product_types:
        kind = prefs.product_types[0].casefold()
        return kind if count == 1 else _plural(kind)
    if prefs.categories:
        category = prefs.categories[0].casefold()
        return category if category.endswith("s") else f"{category} products"
    return "product" if count == 1 else "products"


def constraints(prefs: Preferences) -> str:
    """The shopper's hard constraints in words, e.g. "fragrance-free, under $30"."""
    parts: list[str] = []
    for key, values in prefs.attributes.items():
        phrase = " or ".join(attribute_phrase(key, v) for v in values)
        parts.append(phrase.casefold() if phrase.casefold().startswith(words(key)[0]) else phrase)
    if prefs.brands:
        parts.append("from " + " or ".join(prefs.brands))
    if prefs.exclude_brands:
        parts.append("not from " + " or ".join(prefs.exclude_brands))
    for key, values in prefs.exclude_attributes.items():
        parts.append(f"no {' or '.join(values)} {key.casefold()}")
    low, high = prefs.min_price, prefs.max_price
    if low is not None and high is not None:
        parts.append(f"between {format_price(low)} and {format_price(high)}")
    elif high is not None:
        parts.append(f"up to {format_price(high)}")
    elif low is not None:
        parts.append(f"from {format_price(low)}")
    if prefs.min_rating is not None:
        parts.append(f"rated {prefs.min_rating:g} or more")
    return ", ".join(parts)


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun if noun.endswith("s") else noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"
