"""The chat UI in headless Chromium (Debian's chromium, driven by Playwright): ask for a product,
see cards, click a feedback button, find the event in the session log. A screenshot is saved
under test-output/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.log import SessionLog

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def test_ask_see_cards_give_feedback(start_server, browser):
    running = start_server(ui=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(running.url + "/", wait_until="domcontentloaded")
    page.locator("#ask textarea").wait_for(timeout=60_000)
    page.locator("#ask textarea").fill("a yoga mat under $40")
    page.locator("#send").click()
    first_card = page.locator("#card-0 .tt-card")
    first_card.wait_for(timeout=30_000)
    page.wait_for_function(
        "document.querySelector('#panel') && "
        "document.querySelector('#panel').innerText.includes('rules')",
        timeout=30_000,
    )
    title = first_card.locator("h4").inner_text()
    assert "Yoga Mat" in title
    assert "$" in first_card.locator(".tt-meta").inner_text()
    assert "Here are" in page.locator("#chat").inner_text()
    assert "max price" in page.locator("#panel").inner_text()
    product_id = first_card.get_attribute("data-product")

    page.locator("#like-0").click()
    page.locator("#status").get_by_text("Noted: you liked").wait_for(timeout=15_000)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "chat-ui.png"), full_page=True)

    events = SessionLog(running.settings.log_path).feedback_events()
    assert [(e.product_id, e.kind) for e in events] == [(product_id, "like")]
    sessions = SessionLog(running.settings.log_path).sessions()
    assert len(sessions) == 1 and events[0].session_id == sessions[0].session_id
