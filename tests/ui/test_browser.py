"""The chat UI and the widget in headless Chromium (Debian's chromium, driven by Playwright), on a
real server with the demo catalogue and the rules backend (a scripted model where the test is
about waiting for a language model).

Desktop (1280 px) and phone (390 px): several turns, each keeping its own products; images load
(generated placeholders served by the server); feedback icons change state and reach the session
log; no sideways scrolling on a phone, and the message box stays on screen. The widget is put on a
plain page served from another port and completes streamed turns with cards. Screenshots go to
docs/ (desktop.png, phone.png, widget.png), which the README shows. The `browser` and `shop_site`
fixtures are in conftest.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agent.errors import LLMUnavailableError
from agent.log import SessionLog
from agent.models import ModelOutput
from tests.fakes import ScriptedChatModel, call

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs"
ANSWERED = (
    "n => document.querySelectorAll('#chat .tt-assistant').length >= n && "
    "!document.querySelector('#chat .tt-streaming')"
)
WIDGET_ANSWERED = (
    "n => { const r = document.querySelector('#tailtalk-widget').shadowRoot; "
    "return r.querySelectorAll('.tt-assistant').length >= n + 1 && "
    "!r.querySelector('.tt-streaming'); }"
)
# Every image of the conversation has arrived and decoded (a broken one has naturalWidth 0).
IMAGES = (
    "root => Array.from(root.querySelectorAll('img')).map(i => [i.currentSrc, i.complete, "
    "i.naturalWidth])"
)


def open_chat(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url + "/", wait_until="domcontentloaded")
    page.locator("#ask textarea").wait_for(timeout=60_000)
    page.locator("#chat .tt-welcome").wait_for(timeout=30_000)
    return page


def ask(page, text: str, turn: int) -> None:
    page.locator("#ask textarea").fill(text)
    page.locator("#send").click()
    page.wait_for_function(ANSWERED, arg=turn, timeout=30_000)


def ids(locator) -> list[str]:
    return [e.get_attribute("data-product") for e in locator.all()]


def assert_images_loaded(page, root, server_url: str) -> int:
    page.wait_for_function(
        "root => Array.from(root.querySelectorAll('img')).every(i => i.complete)",
        arg=root.element_handle(),
        timeout=15_000,
    )
    images = page.evaluate(IMAGES, root.element_handle())
    assert images, "no product images"
    for src, complete, width in images:
        assert src.startswith(server_url + "/images/placeholder/"), src
        assert complete and width > 0, f"{src} did not load"
    return len(images)


def feedback_in_log(settings, count: int) -> list:
    log = SessionLog(settings.log_path)
    deadline = time.monotonic() + 15
    while len(log.feedback_events()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return log.feedback_events()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width


def on_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_desktop_every_answer_keeps_its_products(start_server, browser):
    running = start_server(ui=True)
    page = open_chat(browser, running.url, 1280, 900)
    answers = page.locator("#chat .tt-assistant")

    ask(page, "a yoga mat under $40", 1)
    shown = ids(answers.nth(0).locator(".tt-card"))
    assert len(shown) >= 2
    first_card = answers.nth(0).locator(".tt-card").first
    assert "Yoga Mat" in first_card.locator(".tt-title").inner_text()
    assert first_card.locator(".tt-price").inner_text().startswith("$")
    full_title = first_card.locator(".tt-title").get_attribute("title")
    assert full_title == running.agent.shop.get(shown[0]).title  # the whole title on hover

    ask(page, "compare the first two", 2)
    assert ids(answers.nth(1).locator(".tt-compare .tt-col")) == shown[:2]
    assert answers.nth(1).locator(".tt-compare tbody th").first.inner_text() == "Price"

    ask(page, "tell me more about the second one", 3)
    assert ids(answers.nth(2).locator(".tt-detail")) == [shown[1]]
    assert ids(answers.nth(0).locator(".tt-card")) == shown  # earlier turns keep their cards

    chat = page.locator("#chat")
    assert assert_images_loaded(page, chat, running.url) == len(shown) + 2 + 1

    like = answers.nth(0).locator(".tt-card").nth(0).locator("[data-kind=like]")
    cart = answers.nth(0).locator(".tt-card").nth(1).locator("[data-kind=cart]")
    assert like.get_attribute("aria-pressed") == "false"
    like.click()
    cart.click()
    page.wait_for_function(
        "b => b.getAttribute('aria-pressed') === 'true'", arg=like.element_handle()
    )
    assert cart.get_attribute("aria-pressed") == "true" and cart.inner_text().strip() == "Added"
    # The same product elsewhere on screen shows the same state.
    compared = answers.nth(1).locator(f".tt-col[data-product='{shown[0]}'] [data-kind=like]")
    assert compared.get_attribute("aria-pressed") == "true"

    events = feedback_in_log(running.settings, 2)
    assert [(e.product_id, e.kind) for e in events] == [
        (shown[0], "like"),
        (shown[1], "cart"),
    ]
    sessions = SessionLog(running.settings.log_path).sessions()
    assert [s.session_id for s in sessions] == [events[0].session_id]
    assert "answered by rules" in answers.nth(0).inner_text()
    no_sideways_scroll(page)
    assert on_screen(page, "#ask textarea")
    DOCS.mkdir(exist_ok=True)
    # The whole conversation in one picture, with the message box where it sits on screen.
    page.set_viewport_size({"width": 1280, "height": page.evaluate("document.body.scrollHeight")})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "desktop.png"))


def test_phone_no_sideways_scroll_and_the_message_box_stays(start_server, browser):
    running = start_server(ui=True)
    page = open_chat(browser, running.url, 390, 844)
    answers = page.locator("#chat .tt-assistant")
    assert on_screen(page, "#ask textarea") and on_screen(page, "#send")

    ask(page, "wireless earbuds under $100, not black", 1)
    ask(page, "something like the second one but cheaper", 2)
    ask(page, '<img src=x onerror="window.injected=1"> a leash', 3)
    counts = [answers.nth(i).locator(".tt-card").count() for i in range(3)]
    assert all(counts), counts
    assert page.evaluate("window.injected") is None  # shopper text is shown, never run
    assert "<img src=x" in page.locator("#chat .tt-user").nth(2).inner_text()
    assert_images_loaded(page, page.locator("#chat"), running.url)

    no_sideways_scroll(page)
    assert on_screen(page, "#ask textarea")
    page.evaluate("window.scrollTo(0, 0)")
    assert on_screen(page, "#ask textarea") and on_screen(page, "#send")
    no_sideways_scroll(page)

    # The strip of the first answer is wider than the phone and swipes sideways on its own.
    strip = answers.nth(0).locator(".tt-strip")
    strip.scroll_into_view_if_needed()
    assert strip.evaluate("s => s.scrollWidth > s.clientWidth")
    assert "x" in strip.evaluate("s => getComputedStyle(s).scrollSnapType")
    box = strip.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(300, 0)
    page.wait_for_function("s => s.scrollLeft > 0", arg=strip.element_handle())
    no_sideways_scroll(page)

    card = answers.nth(2).locator(".tt-card").first
    card.locator("[data-kind=dislike]").click()
    page.wait_for_function("c => c.classList.contains('tt-rejected')", arg=card.element_handle())
    assert card.locator("[data-kind=dislike]").get_attribute("aria-pressed") == "true"
    events = feedback_in_log(running.settings, 1)
    assert [(e.product_id, e.kind) for e in events] == [
        (card.get_attribute("data-product"), "dislike")
    ]
    strip.evaluate("s => { s.scrollLeft = 0; }")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "phone.png"))


def test_status_while_a_slow_language_model_works_and_the_fallback_notice(start_server, browser):
    def slowly(output: ModelOutput, seconds: float = 1.5):
        def step(messages):
            time.sleep(seconds)
            return output

        return step

    def down(messages):
        raise LLMUnavailableError("connection refused")

    search = call("search_products", {"query": "yoga mat", "filters": {"max_price": 40}})
    model = ScriptedChatModel(
        [
            slowly(ModelOutput(tool_calls=[search])),
            slowly(ModelOutput(text="These yoga mats fit your budget.")),
            down,
        ],
        name="slow-llm",
    )
    running = start_server(ui=True, model=model)
    page = open_chat(browser, running.url, 1280, 900)
    page.locator("#ask textarea").fill("a yoga mat under $40")
    page.locator("#send").click()
    status = page.locator("#chat .tt-status")
    status.get_by_text("Asking the language model…").wait_for(timeout=10_000)
    status.get_by_text("products found; asking the language model…").wait_for(timeout=10_000)
    page.wait_for_function(ANSWERED, arg=1, timeout=30_000)
    answer = page.locator("#chat .tt-assistant").nth(0)
    assert answer.locator(".tt-bubble").inner_text() == "These yoga mats fit your budget."
    assert answer.locator(".tt-card").count() >= 1 and "answered by slow-llm" in answer.inner_text()

    ask(page, "a yoga mat under $30", 2)
    second = page.locator("#chat .tt-assistant").nth(1)
    notice = second.locator(".tt-notice").inner_text()
    assert notice == "The language model failed; answering with the rules backend instead."
    assert "answered by rules" in second.inner_text() and second.locator(".tt-card").count()


SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Outdoor</title>
<style>body {{ font-family: Georgia, serif; margin: 0; background: #faf7f2; color: #333; }}
header {{ background: #2d3b2d; color: #fff; padding: 18px 32px; font-size: 22px; }}
main {{ padding: 24px 32px; }} .grid {{ display: grid; gap: 16px;
grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); }}
.tile {{ background: #fff; border: 1px solid #e5dfd3; height: 150px; border-radius: 6px; }}</style>
</head><body><header>Acme Outdoor &amp; Home</header><main><h1>Spring collection</h1>
<p>Hand-picked gear for the season.</p><div class="grid"><div class="tile"></div>
<div class="tile"></div><div class="tile"></div><div class="tile"></div></div></main>
<script src="{server}/widget.js" data-api-key="widget-key" data-title="Acme shopping assistant"
 data-color="#2d3b2d" data-lang="en" defer></script></body></html>"""


def test_the_widget_on_another_origin_streams_turns_with_cards(start_server, browser, shop_site):
    folder, shop = shop_site
    running = start_server(client_keys=["widget-key"], cors_origins=[shop])
    (folder / "index.html").write_text(SHOP_PAGE.format(server=running.url))
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    replies = []
    page.on(
        "response",
        lambda r: (
            r.url.endswith("/v1/chat/completions")
            and r.request.method == "POST"
            and replies.append(
                (r.status, r.headers.get("content-type"), r.request.headers, r.headers)
            )
        ),
    )
    page.goto(shop + "/", wait_until="load")
    widget = page.locator("#tailtalk-widget")
    panel = widget.locator(".tt-panel")
    assert not panel.is_visible()
    widget.locator(".tt-launcher").click()
    assert panel.is_visible() and widget.locator(".tt-head-title").inner_text() == (
        "Acme shopping assistant"
    )
    box = widget.locator("textarea")
    box.fill("a yoga mat under $40")
    box.press("Enter")
    page.wait_for_function(WIDGET_ANSWERED, arg=1, timeout=30_000)
    answers = widget.locator(".tt-assistant")
    shown = ids(answers.nth(1).locator(".tt-card"))  # answer 0 is the greeting
    assert len(shown) >= 2
    assert answers.nth(1).locator(".tt-bubble").inner_text().startswith("Here are")
    assert "`" not in answers.nth(1).inner_text()  # the product lines became cards
    status, content_type, sent, answered = replies[0]
    assert status == 200 and content_type.startswith("text/event-stream")
    assert sent["authorization"] == "Bearer widget-key"
    # The server issues the session: none is sent first, the answer's goes with every later call.
    issued = answered["x-session-id"]
    assert "x-session-id" not in sent and issued.startswith("s_")

    box.fill("compare the first two")
    box.press("Enter")
    page.wait_for_function(WIDGET_ANSWERED, arg=2, timeout=30_000)
    assert ids(answers.nth(2).locator(".tt-col")) == shown[:2]  # the history went with it
    assert replies[1][2]["x-session-id"] == issued
    assert ids(answers.nth(1).locator(".tt-card")) == shown
    assert_images_loaded(page, widget.locator(".tt-chat"), running.url)

    like = answers.nth(1).locator(".tt-card").first.locator("[data-kind=like]")
    like.click()
    page.wait_for_function(
        "b => b.getAttribute('aria-pressed') === 'true'", arg=like.element_handle()
    )
    events = feedback_in_log(running.settings, 1)
    assert [(e.product_id, e.kind) for e in events] == [(shown[0], "like")]
    assert events[0].session_id == issued
    widget.locator(".tt-log").evaluate(
        "log => { log.scrollTop = log.querySelector('.tt-user').offsetTop - 8; }"
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "widget.png"))

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(shop + "/", wait_until="load")
    phone.locator("#tailtalk-widget .tt-launcher").click()
    panel_box = phone.locator("#tailtalk-widget .tt-panel").bounding_box()
    assert (panel_box["width"], panel_box["height"]) == (390, 844)  # the whole screen
    phone.locator("#tailtalk-widget textarea").fill("a leash under $25")
    phone.locator("#tailtalk-widget textarea").press("Enter")
    phone.wait_for_function(WIDGET_ANSWERED, arg=1, timeout=30_000)
    assert phone.locator("#tailtalk-widget .tt-card").count() >= 1
    no_sideways_scroll(phone)
    assert on_screen(phone, "#tailtalk-widget textarea")


def test_behind_keys_the_chat_ui_signs_in_and_keeps_to_its_session(start_server, browser):
    running = start_server(client_keys=["ui-client-key"], service_keys=["ui-service-key"], ui=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(running.url + "/", wait_until="domcontentloaded")
    assert "/login" in page.url and page.locator("#key").is_visible()
    page.locator("#key").fill("not-a-key")
    page.locator("button[type=submit]").click()
    page.get_by_role("alert").wait_for(timeout=10_000)
    assert "not valid" in page.get_by_role("alert").inner_text()
    page.locator("#key").fill("ui-client-key")
    page.locator("button[type=submit]").click()
    page.locator("#ask textarea").wait_for(timeout=60_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == "tailtalk_ui")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # not readable by scripts
    page.locator("#chat .tt-welcome").wait_for(timeout=30_000)
    ask(page, "a yoga mat under $40", 1)
    card = page.locator("#chat .tt-assistant").nth(0).locator(".tt-card").first
    card.locator("[data-kind=like]").click()
    (event,) = feedback_in_log(running.settings, 1)
    assert event.product_id == card.get_attribute("data-product")
    assert event.session_id.startswith("s_")  # issued by the server, to this key
    # A client key names a returning shopper only by a token, not by a bare id.
    page.locator("#tt-shopper").click()
    page.locator("#shopper input").fill("ann")
    page.get_by_role("button", name="Show my profile").click()
    page.locator("#profile").get_by_text("token").wait_for(timeout=10_000)
    assert "client key" in page.locator("#profile").inner_text()
