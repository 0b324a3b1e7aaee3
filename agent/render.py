"""Text shown to shoppers and read back from the dialogue: prices, the product list.

Each product line ends with the product id in backticks. Later turns (and stateless clients that
send the whole conversation back) recover what was shown from these lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.types import ProductCard

_LISTED = re.compile(r"^\s*\d+\.\s.*`([^`\s]+)`\s*$", re.MULTILINE)
_FEATURED = re.compile(r"^\s*-\s.*`([^`\s]+)`\s*$", re.MULTILINE)


def format_price(price: float | None, currency: str | None = "USD") -> str:
    if price is None:
        return "-"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "USD")
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


def listed_ids(text: str) -> list[str]:
    """The product ids of a numbered list written by product_list, in order."""
    return _LISTED.findall(text)


def featured_ids(text: str) -> list[str]:
    """The product ids of featured (bulleted) products written by product_list."""
    return _FEATURED.findall(text)
