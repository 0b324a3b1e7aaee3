"""Where agent values become text for the surfaces: prices, product lines, a reply as markdown
(the words of the answers themselves are wording.py's and the reply templates').

Each product line ends with the product id in backticks: clients that send the conversation back
as plain text (the OpenAI protocol without TailTalk's extension) are understood from these lines
(agent/reading/state.py reads them); everyone else passes what was shown as structure
(`Message.shown`).

Catalogue text is data, never markup, here too (ingest strips markup once; a snapshot made
before, or a value that slipped through, must still not become a link, an image or a list line):
`plain` drops control characters and line breaks and bounds the length, `markdown_text` also
escapes what markdown or HTML would act on, `web_url` keeps only http(s) and site paths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from agent.types import ProductCard, Reply

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥"}
TITLE_CHARS = 300  # a title as shown; the catalogue's own limit is wider
LINE_CHARS = 400  # a why-line, a brand, an attribute value
COPY_CHARS = 2000  # generated product copy
# What makes markdown a link, an image, code, bold or raw HTML (emphasis with _ or ~ is harmless,
# and | makes no table on a line of its own).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>])")
_SPACES = re.compile(r"\s+")


def plain(text: str | None, limit: int = LINE_CHARS) -> str:
    """One line of text: no control or format characters, no line breaks, at most `limit`
    characters (cut at a word, with an ellipsis)."""
    if not text:
        return ""
    kept = "".join(
        " " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c)[0] != "C"
    )
    line = _SPACES.sub(" ", kept).strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip() + "…"


def markdown_text(text: str | None, limit: int = LINE_CHARS) -> str:
    """`plain` text that markdown renders as itself: no link, image, emphasis or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text, limit))


def web_url(url: str | None) -> str | None:
    """A catalogue URL fit for a link or an image: http(s), or a path on this site; never
    `javascript:`, `data:` or a protocol-relative `//elsewhere`."""
    if not url:
        return None
    clean = url.strip()
    if any(c.isspace() or unicodedata.category(c)[0] == "C" for c in clean):
        return None
    lowered = clean.lower()
    if lowered.startswith(("https://", "http://")):
        return clean
    if clean.startswith("/") and not clean.startswith(("//", "/\\")):
        return clean
    return None


def format_price(price: float | None, currency: str | None = "USD") -> str:
    if price is None:
        return "-"
    symbol = _SYMBOLS.get(currency or "USD")
    return f"{symbol}{price:,.2f}" if symbol else f"{price:,.2f} {currency}"


def product_line(position: int | None, card: ProductCard) -> str:
    """One product: numbered when it is part of a ranked list, a bullet when it is featured."""
    title = markdown_text(card.title.replace("`", "'").replace("*", ""), TITLE_CHARS)
    marker = f"{position}." if position is not None else "-"
    parts = [f"{marker} **{title}**", format_price(card.price, card.currency)]
    if card.rating is not None:
        parts.append(f"★{card.rating:.1f} ({card.rating_count})")
    line = " — ".join(parts[:2]) + (f", {parts[2]}" if len(parts) > 2 else "")
    if card.why:
        line += f". {markdown_text(card.why)}"
    return f"{line} `{plain(card.id).replace('`', '')}`"


def product_list(cards: Sequence[ProductCard], numbered: bool = True) -> str:
    return "\n".join(
        product_line(i if numbered else None, card) for i, card in enumerate(cards, start=1)
    )


def reply_markdown(reply: Reply) -> str:
    """The reply's prose followed by its products as a short markdown list."""
    listed = product_list(reply.recommendations, numbered=reply.list_kind == "results")
    return f"{reply.text}\n\n{listed}" if listed else reply.text
