"""The conversation as HTML (ui/transcript.py) and the chat UI's reading of agent events
(ui/web.py), without a browser: what each kind of answer turns into, and that catalogue and
shopper text is escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from agent.types import AgentEvent, EventKind, Preferences, ProductCard, ToolRecord
from ui.transcript import ChatTurn, card_html, products_html, render, short_title, understood
from ui.web import progress


class Elements(HTMLParser):
    """Start tags with their attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def having(self, css: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if css in (a.get("class") or "").split()]


def card(pid: str, **fields) -> ProductCard:
    base = {"title": f"Product {pid}", "price": 10.0, "currency": "USD", "band": "head"}
    return ProductCard(id=pid, **{**base, **fields})


def test_short_titles_keep_the_name_before_the_specs():
    amazon = (
        "Sonance Compact Sport Earbuds, Bluetooth, Silver, with Charging Case and 30 Hour Battery"
    )
    assert short_title(amazon) == "Sonance Compact Sport Earbuds"
    long_name = "Extra Gentle Hydrating Facial Cleanser for Sensitive and Very Dry Skin Types Daily"
    # 64 characters end inside "Types"; the cut goes back to the last whole word.
    cut = "Extra Gentle Hydrating Facial Cleanser for Sensitive and Very…"
    assert short_title(long_name) == cut
    assert short_title("Kettle") == "Kettle"


def test_a_card_shows_price_rating_badge_link_and_escapes_the_catalogue():
    tail = card(
        "p-1",
        title='Tent <script>alert(1)</script>, 2 person, "ultralight"',
        price=129.5,
        rating=4.26,
        rating_count=1234,
        band="tail",
        why="Within your $150.00 budget",
        url="https://shop.example/p-1",
        brand="Trailhead",
    )
    html = card_html(tail, 2)
    assert "<script>" not in html and "&lt;script&gt;" in html
    tags = Elements(html)
    (article,) = tags.having("tt-card")
    assert article["data-product"] == "p-1"
    (title,) = tags.having("tt-title")
    assert title["title"] == 'Tent <script>alert(1)</script>, 2 person, "ultralight"'  # on hover
    (image,) = tags.having("tt-img")
    assert image["src"] == "/images/placeholder/p-1.svg"
    assert [a["href"] for a in tags.having("tt-media")] == ["https://shop.example/p-1"]
    assert "$129.50" in html and ">4.3<" in html and "(1,234)" in html
    assert "Long-tail pick" in html and ">2<" in html  # the badge and the rank
    assert [b["data-kind"] for b in tags.having("tt-fb")] == ["like", "dislike", "cart"]
    assert all(b["aria-pressed"] == "false" for b in tags.having("tt-fb"))
    head = card_html(card("p-2", image_url="https://img.example/p-2.jpg"), 1)
    plain = Elements(head)
    (image,) = plain.having("tt-img")
    assert image["src"] == "https://img.example/p-2.jpg"
    assert image["data-fallback"] == "/images/placeholder/p-2.svg"
    assert "Long-tail pick" not in head
    sneaky = card("p-3", url="javascript:alert(1)", image_url="javascript:alert(2)")
    assert "javascript:" not in card_html(sneaky, 1)  # no link, the placeholder image
    assert plain.having("tt-media") and "a" not in [tag for tag, _ in plain.tags]  # no url


def test_results_are_a_strip_one_featured_product_a_detail_card_two_a_table():
    a = card("a", price=30.0, rating=4.0, attributes={"Color": "Black", "Size": "M"})
    b = card("b", price=20.0, rating=4.5, attributes={"Color": "Blue", "Size": "M"})
    results = ChatTurn(role="assistant", cards=[a, b, a], list_kind="results")
    strip = Elements(products_html(results))
    assert len(strip.having("tt-strip")) == 1 and len(strip.having("tt-card")) == 3
    assert len(strip.having("tt-nav")) == 2  # arrows once there are more than two cards
    detail = Elements(products_html(ChatTurn(role="assistant", cards=[a], list_kind="featured")))
    assert len(detail.having("tt-detail")) == 1 and not detail.having("tt-card")
    html = products_html(ChatTurn(role="assistant", cards=[a, b], outcome="compare"))
    table = Elements(html)
    assert [c["data-product"] for c in table.having("tt-col")] == ["a", "b"]
    # b is cheaper and better rated; only Color differs among the attributes.
    assert html.count('class="tt-best"') == 2
    assert '<td class="tt-best">$20.00</td>' in html
    assert '<td class="tt-best">★ 4.5 (0)</td>' in html
    assert '<tr class="tt-differs"><th scope="row">Color</th>' in html
    assert '<tr><th scope="row">Size</th>' in html


def test_every_turn_keeps_its_own_products():
    first, second = card("first"), card("second")
    turns = [
        ChatTurn(role="user", text="a <b>tent</b>"),
        ChatTurn(role="assistant", text="Here are **two**.", cards=[first, second]),
        ChatTurn(role="user", text="something cheaper"),
        ChatTurn(role="assistant", text="I couldn't find any."),
        ChatTurn(role="assistant", pending=True, status="Searching the catalogue…"),
    ]
    html = render(turns, "s-1")
    tags = Elements(html)
    assert tags.having("tt-chat")[0]["data-session"] == "s-1"
    assert [c["data-product"] for c in tags.having("tt-card")] == ["first", "second"]
    assert "a &lt;b&gt;tent&lt;/b&gt;" in html and "<strong>two</strong>" in html
    assert len(tags.having("tt-streaming")) == 1 and "Searching the catalogue…" in html
    welcome = Elements(render([], "s-2", ["Show me tents"]))
    assert [s["data-ask"] for s in welcome.having("tt-suggest")] == ["Show me tents"]


def test_what_was_understood_as_chips():
    prefs = Preferences(
        product_types=("Moisturizer",),
        max_price=40,
        exclude_brands=("Acme",),
        attributes={"Fragrance": ("Fragrance-Free",)},
        exclude_attributes={"Color": ("Black",)},
        min_rating=4,
    )
    assert understood(prefs) == [
        "Moisturizer",
        "up to $40.00",
        "not Acme",
        "Fragrance-Free",
        "no Black",
        "★ 4+",
    ]
    assert understood(Preferences(min_price=50, max_price=20)) == ["$20.00 – $50.00"]


def test_the_pending_turn_says_what_the_agent_is_doing():
    turn, said = ChatTurn(role="assistant", pending=True), []
    search = ToolRecord(name="search_products")
    assert progress(turn, AgentEvent(kind=EventKind.TOOL_CALL, tool=search), True, said)
    assert turn.status == "Searching the catalogue…"
    found = AgentEvent(kind=EventKind.TOOL_RESULT, tool=search, text="12 products found")
    assert progress(turn, found, True, said)
    assert turn.status == "12 products found; asking the language model…"
    progress(turn, found, False, said)
    assert turn.status == "12 products found; writing the answer…"
    fallback = "The language model failed; answering with the rules backend instead."
    assert progress(turn, AgentEvent(kind=EventKind.STATUS, text=fallback), True, said)
    assert turn.notice == fallback
    progress(turn, AgentEvent(kind=EventKind.TEXT, text="Here are two."), True, said)
    progress(turn, AgentEvent(kind=EventKind.TEXT, text="Both are cheap."), True, said)
    assert turn.text == "Here are two. Both are cheap."
