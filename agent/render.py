"""Where agent values become text for the surfaces: prices, product lines, a reply as markdown
(the words of the answers themselves are wording.py's and the reply templates').

Each product line ends with the product id in backticks: clients that send the conversation back
as plain text (the OpenAI protocol without TailTalk's extension) are understood from these lines
(agent/reading/state.py reads them); everyone else passes what was shown as structure
(`Message.shown`).
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.types import ProductCard, Reply

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥"}


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
