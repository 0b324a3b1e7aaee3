"""What the server hands to browsers besides the API (ui/assets.py): the widget's files, generated
placeholder images, and the CORS policy for shop pages; on a real server over HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from agent.settings import Settings
from ui.placeholder import colours, initials, placeholder_path

SVG = "{http://www.w3.org/2000/svg}"
SHOP = "http://shop.test:8080"


@pytest.fixture
def server(start_server):
    def start(cors_origins=(), keys=()):
        running = start_server(keys=keys, cors_origins=cors_origins)
        return running.url, running.agent

    return start


def test_initials_name_the_product_not_the_brand():
    assert initials("Lumen & Leaf Calming Gentle Cleanser, 1 fl oz", "Lumen & Leaf") == "GC"
    assert initials("Sonance Compact Sport Earbuds, Bluetooth", "Sonance") == "SE"
    assert initials("Kettle") == "K"
    assert initials("12 345, 678") == "?"
    assert placeholder_path("a/b c") == "/images/placeholder/a%2Fb%20c.svg"


def test_placeholders_are_drawn_from_the_product(server, demo_products):
    url, _ = server(keys=["secret"])  # images need no key: an <img> tag cannot send one
    first = demo_products[0]  # Lumen & Leaf Calming Gentle Cleanser, in Beauty > Skin Care
    answer = httpx.get(url + placeholder_path(first.id), timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert "max-age" in answer.headers["cache-control"]
    svg = ET.fromstring(answer.text)
    assert svg.get("aria-label") == first.title
    assert [t.text for t in svg.iter(SVG + "text")] == ["GC", "GENTLE CLEANSER"]
    assert svg.find(SVG + "rect").get("fill") == colours("Skin Care")[0]
    same_shelf = next(p for p in demo_products[1:] if p.category_path[-1] == "Skin Care")
    other = ET.fromstring(httpx.get(url + placeholder_path(same_shelf.id), timeout=10).text)
    assert other.find(SVG + "rect").get("fill") == colours("Skin Care")[0]
    missing = httpx.get(url + "/images/placeholder/no-such-product.svg", timeout=10)
    assert missing.status_code == 404
    assert "no-such-product" in missing.json()["error"]["message"]


def test_the_widget_files_are_served_without_a_key(server):
    url, _ = server(keys=["secret"])
    script = httpx.get(url + "/widget.js", timeout=10)
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "attachShadow" in script.text and "/v1/chat/completions" in script.text
    for name in ("cards.css", "widget.css"):
        sheet = httpx.get(f"{url}/tailtalk/{name}", timeout=10)
        assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert httpx.get(url + "/v1/models", timeout=10).status_code == 401  # the API still needs it


def preflight(url: str, origin: str) -> httpx.Response:
    return httpx.options(
        url + "/v1/chat/completions",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-session-id",
        },
        timeout=10,
    )


def test_shop_pages_may_call_the_api_only_from_listed_origins(server):
    url, _ = server(cors_origins=[SHOP], keys=["secret"])
    allowed = preflight(url, SHOP)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "authorization" in allowed.headers["access-control-allow-headers"].casefold()
    refused = preflight(url, "http://elsewhere.test")
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    body = {"model": "tailtalk", "messages": [{"role": "user", "content": "a yoga mat"}]}
    answer = httpx.post(
        url + "/v1/chat/completions",
        json=body,
        headers={"Origin": SHOP, "Authorization": "Bearer secret", "X-Session-Id": "cors-1"},
        timeout=60,
    )
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == SHOP
    assert answer.headers["access-control-expose-headers"].casefold() == "x-session-id"
    # An error envelope reaches the page too (else the browser hides it behind a CORS error).
    wrong_key = httpx.post(
        url + "/v1/chat/completions",
        json=body,
        headers={"Origin": SHOP, "Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert wrong_key.status_code == 401
    assert wrong_key.headers["access-control-allow-origin"] == SHOP


def test_no_origin_is_allowed_unless_configured(server, monkeypatch):
    url, _ = server()
    assert "access-control-allow-origin" not in preflight(url, SHOP).headers
    monkeypatch.setenv("TAILTALK_API__CORS_ORIGINS", '["https://shop.example", "http://a.test"]')
    assert Settings().api.cors_origins == ["https://shop.example", "http://a.test"]
