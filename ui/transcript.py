"""The conversation as HTML, for the chat UI: each assistant turn with its own products.

A turn of results is a strip of cards (image, short title with the full one on hover, price,
rating, long-tail badge, why-line, link, feedback icons); one featured product is a detail card;
several featured products (a comparison) are a table. Earlier turns keep their products, so "the
second one" points at something still on screen. While a turn is under way its bubble shows what
the agent is doing. Everything the shopper or the catalogue wrote is escaped here, once; catalogue
text is also put on one bounded line and links and images keep to http(s) and this site
(agent/render.py); the answer's markdown renders without raw HTML, links or images (a product
link is the card's own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Literal

from markdown_it import MarkdownIt
from pydantic import BaseModel, Field

from agent.render import COPY_CHARS, TITLE_CHARS, format_price, plain, web_url
from agent.types import FeedbackKind, Preferences, ProductCard
from ui.placeholder import placeholder_path

SHORT_TITLE = 64  # characters of a title on a card; the whole title is on hover
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": False})
    .enable("table")
    .disable(["link", "image", "autolink", "reference"])
)

ICONS = {
    "like": '<path d="M12 20.5s-7.5-4.6-7.5-10.1A4.3 4.3 0 0 1 12 7.8a4.3 4.3 0 0 1 7.5 2.6'
    'c0 5.5-7.5 10.1-7.5 10.1z"/>',
    "dislike": '<path d="M10 15.5v3.6a2 2 0 0 0 2 1.9l3.2-7.3V4H7.6a2 2 0 0 0-2 1.7L4.4 12.5'
    'a2 2 0 0 0 2 2.3H10zM15.2 4h2.6A1.9 1.9 0 0 1 19.7 5.7v6.4a1.9 1.9 0 0 1-1.9 1.6h-2.6"/>',
    "cart": '<path d="M3 4h2.2l2.3 11.2a1.6 1.6 0 0 0 1.6 1.3h8.1a1.6 1.6 0 0 0 1.6-1.2L20.5 8'
    'H6.1"/><circle cx="9.5" cy="20" r="1.3"/><circle cx="17" cy="20" r="1.3"/>',
    "link": '<path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7'
    'a1 1 0 0 1 1-1h5"/>',
}
FEEDBACK = (
    (FeedbackKind.LIKE.value, "Like"),
    (FeedbackKind.DISLIKE.value, "Not for me"),
    (FeedbackKind.CART.value, "Add to cart"),
)
# What the agent is doing while a tool runs, by tool.
TOOL_STATUS = {
    "search_products": "Searching the catalogue…",
    "get_product": "Looking up the product…",
    "compare_products": "Comparing the products…",
    "write_product_copy": "Writing a description…",
}


class ChatTurn(BaseModel):
    """One turn on screen: the shopper's message, or an answer with the products it showed."""

    role: Literal["user", "assistant"]
    text: str = ""
    cards: list[ProductCard] = Field(default_factory=list)
    list_kind: Literal["results", "featured"] = "results"
    outcome: str = "results"  # agent.types.Outcome: "compare" is a table, "details" one card
    pending: bool = False  # the answer is still coming
    status: str = ""  # what the agent is doing, while pending
    notice: str = ""  # e.g. the fallback to the rules backend
    understood: list[str] = Field(default_factory=list)  # the preferences, as short chips
    backend: str = ""
    failed: bool = False


def icon(name: str) -> str:
    return (
        '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" '
        'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
        f'stroke-linejoin="round">{ICONS[name]}</svg>'
    )


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    """The name before the first comma (Amazon titles pile specs after it), cut at a word."""
    name = title.split(",")[0].strip() or title
    if len(name) <= limit:
        return name
    cut = name[:limit].rsplit(" ", 1)[0].rstrip(" -–,;:(")
    return (cut or name[:limit]) + "…"


def understood(prefs: Preferences) -> list[str]:
    """What the agent took from the dialogue, as chips: types, budget, brands, attributes."""
    chips = list(prefs.product_types or prefs.categories)
    low, high = prefs.min_price, prefs.max_price
    if low is not None and high is not None:
        chips.append(f"{format_price(min(low, high))} – {format_price(max(low, high))}")
    elif high is not None:
        chips.append(f"up to {format_price(high)}")
    elif low is not None:
        chips.append(f"from {format_price(low)}")
    chips += list(prefs.brands)
    chips += [f"not {b}" for b in prefs.exclude_brands]
    chips += [v for values in prefs.attributes.values() for v in values]
    chips += [f"no {v}" for values in prefs.exclude_attributes.values() for v in values]
    if prefs.min_rating is not None:
        chips.append(f"★ {prefs.min_rating:g}+")
    return chips


def shown(card: ProductCard) -> ProductCard:
    """The card as it goes on screen: catalogue text on one bounded line, safe links only."""
    return card.model_copy(
        update={
            "title": plain(card.title, TITLE_CHARS),
            "brand": plain(card.brand) or None,
            "why": plain(card.why),
            "copy_text": plain(card.copy_text, COPY_CHARS) or None,
            "url": web_url(card.url),
            "image_url": web_url(card.image_url),
            "attributes": {plain(k): plain(v) for k, v in card.attributes.items() if plain(k)},
        }
    )


def image_tag(card: ProductCard, css: str = "tt-img") -> str:
    fallback = placeholder_path(card.id)
    src = web_url(card.image_url) or fallback
    alt = escape(short_title(card.title))
    return (
        f'<img class="{css}" src="{escape(src)}" data-fallback="{escape(fallback)}" alt="{alt}" '
        'decoding="async" referrerpolicy="no-referrer">'
    )


def stars(rating: float | None, count: int) -> str:
    if rating is None:
        return ""
    label = f"Rated {rating:.1f} out of 5 by {count} shoppers"
    width = max(0.0, min(rating, 5.0)) / 5 * 100
    return (
        f'<div class="tt-rating" title="{label}" aria-label="{label}">'
        '<span class="tt-stars" aria-hidden="true">'
        f'<span class="tt-stars-on" style="width:{width:.0f}%">★★★★★</span>★★★★★</span>'
        f'<span class="tt-score">{rating:.1f}</span>'
        f'<span class="tt-count">({count:,})</span></div>'
    )


def feedback_buttons(card: ProductCard, compact: bool = False) -> str:
    parts = []
    for kind, label in FEEDBACK:
        text = "" if compact or kind != "cart" else '<span class="tt-fb-text">Add</span>'
        parts.append(
            f'<button type="button" class="tt-fb tt-fb-{kind}" data-kind="{kind}" '
            f'aria-pressed="false" aria-label="{label}" title="{label}">{icon(kind)}{text}</button>'
        )
    return f'<div class="tt-actions">{"".join(parts)}</div>'


def link_open(card: ProductCard, css: str) -> tuple[str, str]:
    url = web_url(card.url)
    if not url:
        return f'<div class="{css}">', "</div>"
    return (
        f'<a class="{css}" href="{escape(url)}" target="_blank" rel="noopener noreferrer" '
        'data-click="1">',
        "</a>",
    )


def badge(card: ProductCard) -> str:
    if not card.is_long_tail:
        return ""
    return (
        '<span class="tt-badge" title="Relevant, and few shoppers have found it yet">'
        "Long-tail pick</span>"
    )


def card_html(card: ProductCard, position: int | None) -> str:
    e = escape
    media_open, media_close = link_open(card, "tt-media")
    title_open, title_close = link_open(card, "tt-title-link")
    rank = f'<span class="tt-rank">{position}</span>' if position is not None else ""
    price = format_price(card.price, card.currency) if card.price is not None else ""
    brand = f'<div class="tt-brand">{e(card.brand)}</div>' if card.brand else ""
    why = f'<p class="tt-why" title="{e(card.why)}">{e(card.why)}</p>' if card.why else ""
    return (
        f'<article class="tt-card" data-product="{e(card.id)}" role="listitem">'
        f"{media_open}{image_tag(card)}{rank}{badge(card)}{media_close}"
        '<div class="tt-info">'
        f'<h4 class="tt-title" title="{e(card.title)}">{title_open}'
        f"{e(short_title(card.title))}{title_close}</h4>"
        f"{brand}"
        f'<div class="tt-price">{e(price)}</div>'
        f"{stars(card.rating, card.rating_count)}{why}</div>"
        f"{feedback_buttons(card)}</article>"
    )


def strip_html(cards: Sequence[ProductCard], numbered: bool) -> str:
    items = "".join(card_html(c, i if numbered else None) for i, c in enumerate(cards, start=1))
    nav = (
        '<button type="button" class="tt-nav tt-prev" data-dir="-1" aria-label="Scroll left">'
        '‹</button><button type="button" class="tt-nav tt-next" data-dir="1" '
        'aria-label="Scroll right">›</button>'
        if len(cards) > 2
        else ""
    )
    return f'<div class="tt-shelf">{nav}<div class="tt-strip" role="list">{items}</div></div>'


def detail_html(card: ProductCard) -> str:
    e = escape
    media_open, media_close = link_open(card, "tt-media")
    price = format_price(card.price, card.currency) if card.price is not None else ""
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in list(card.attributes.items())[:8])
    url = web_url(card.url)
    link = (
        f'<a class="tt-view" href="{e(url)}" target="_blank" rel="noopener noreferrer" '
        f'data-click="1">View product {icon("link")}</a>'
        if url
        else ""
    )
    copy = f'<p class="tt-copy">{e(card.copy_text)}</p>' if card.copy_text else ""
    return (
        f'<article class="tt-detail" data-product="{e(card.id)}">'
        f"{media_open}{image_tag(card)}{badge(card)}{media_close}"
        '<div class="tt-info">'
        f'<h4 class="tt-title">{e(card.title)}</h4>'
        + (f'<div class="tt-brand">{e(card.brand)}</div>' if card.brand else "")
        + f'<div class="tt-price">{e(price)}</div>{stars(card.rating, card.rating_count)}'
        + (f"<dl>{facts}</dl>" if facts else "")
        + copy
        + (f'<p class="tt-why">{e(card.why)}</p>' if card.why else "")
        + f'<div class="tt-row">{feedback_buttons(card)}{link}</div></div></article>'
    )


def compare_html(cards: Sequence[ProductCard]) -> str:
    """Products side by side; a row whose values differ is marked, the best price and rating too."""
    e = escape
    head = "".join(
        f'<th scope="col" class="tt-col" data-product="{e(c.id)}">{image_tag(c, "tt-thumb")}'
        f'<div class="tt-title" title="{e(c.title)}">{e(short_title(c.title, 48))}</div>'
        f"{badge(c)}{feedback_buttons(c, compact=True)}</th>"
        for c in cards
    )
    prices = [c.price for c in cards if c.price is not None]
    ratings = [c.rating for c in cards if c.rating is not None]
    rows: list[tuple[str, list[str], set[int]]] = [
        (
            "Price",
            [format_price(c.price, c.currency) if c.price is not None else "–" for c in cards],
            {i for i, c in enumerate(cards) if len(prices) > 1 and c.price == min(prices)},
        ),
        (
            "Rating",
            [
                f"★ {c.rating:.1f} ({c.rating_count:,})" if c.rating is not None else "–"
                for c in cards
            ],
            {i for i, c in enumerate(cards) if len(ratings) > 1 and c.rating == max(ratings)},
        ),
        ("Brand", [c.brand or "–" for c in cards], set()),
    ]
    keys = list(dict.fromkeys(k for c in cards for k in c.attributes))
    rows += [(k, [c.attributes.get(k, "–") for c in cards], set()) for k in keys[:8]]
    body = []
    for label, values, best in rows:
        differs = len({v.casefold() for v in values}) > 1 and label not in ("Price", "Rating")
        cells = "".join(
            f'<td class="{"tt-best" if i in best else ""}">{e(v)}</td>'
            for i, v in enumerate(values)
        )
        css = ' class="tt-differs"' if differs else ""
        body.append(f'<tr{css}><th scope="row">{e(label)}</th>{cells}</tr>')
    return (
        '<div class="tt-compare-wrap"><table class="tt-compare">'
        f'<thead><tr><th scope="col" class="tt-corner">Compare</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def products_html(turn: ChatTurn) -> str:
    if not turn.cards:
        return ""
    cards = [shown(c) for c in turn.cards]
    featured = turn.list_kind == "featured"
    if len(cards) > 1 and (turn.outcome == "compare" or featured):
        return compare_html(cards)
    if turn.outcome == "details" or featured:
        return detail_html(cards[0])
    return strip_html(cards, numbered=True)


def assistant_html(turn: ChatTurn) -> str:
    e = escape
    prose = _MARKDOWN.render(turn.text) if turn.text else ""
    waiting = ""
    if turn.pending:
        status = e(turn.status or "Thinking…")
        waiting = (
            '<div class="tt-waiting" role="status" aria-live="polite">'
            f'<span class="tt-dots"><i></i><i></i><i></i></span><span class="tt-status">{status}'
            "</span></div>"
        )
    css = (
        "tt-bubble"
        + (" tt-failed" if turn.failed else "")
        + (" tt-streaming" if turn.pending else "")
    )
    bubble = f'<div class="{css}">{prose}{waiting}</div>' if prose or waiting else ""
    notice = f'<div class="tt-notice" role="note">{e(turn.notice)}</div>' if turn.notice else ""
    meta = ""
    if not turn.pending and (turn.understood or turn.backend):
        chips = "".join(f'<span class="tt-chip">{e(c)}</span>' for c in turn.understood)
        said = f'<span class="tt-label">Looking for</span>{chips}' if chips else ""
        by = (
            f'<span class="tt-backend">answered by {e(turn.backend)}</span>' if turn.backend else ""
        )
        meta = f'<div class="tt-meta">{said}{by}</div>'
    return (
        '<div class="tt-turn tt-assistant"><div class="tt-avatar" aria-hidden="true">TT</div>'
        f'<div class="tt-body">{notice}{bubble}{products_html(turn)}{meta}</div></div>'
    )


def user_html(turn: ChatTurn) -> str:
    return f'<div class="tt-turn tt-user"><div class="tt-bubble">{escape(turn.text)}</div></div>'


def welcome_html(suggestions: Iterable[str]) -> str:
    chips = "".join(
        f'<button type="button" class="tt-suggest" data-ask="{escape(s)}">{escape(s)}</button>'
        for s in suggestions
    )
    return (
        '<div class="tt-welcome"><h2>What are you shopping for?</h2>'
        "<p>Describe it in your own words: the kind of product, a budget, what you like or want "
        "to avoid. Besides the favourites, I show relevant products few shoppers have found "
        "yet.</p>"
        f'<div class="tt-suggestions">{chips}</div></div>'
    )


def render(turns: Sequence[ChatTurn], session_id: str, suggestions: Iterable[str] = ()) -> str:
    body = "".join(user_html(t) if t.role == "user" else assistant_html(t) for t in turns)
    if not turns:
        body = welcome_html(suggestions)
    return f'<div class="tt-root tt-chat" data-session="{escape(session_id)}">{body}</div>'
