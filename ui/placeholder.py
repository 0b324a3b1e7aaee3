"""Placeholder product images: an SVG drawn from the product itself, for products with no image.

The colour comes from the product's category (a stable hash into a small palette, so a shelf of
cookware looks like one shelf), the large letters from the product's name in its title (the words
before the first comma, the brand left out), the caption from its type or category. Nothing is
fetched: the SVG is text, made per request and cached by the browser.
"""

from __future__ import annotations

import re
import zlib
from html import escape

from retrieval.types import Product

# (background, deeper shade for the wash, ink): muted, print-like colours that sit well beside
# real product photos and keep the dark letters readable.
PALETTE = (
    ("#e6f4f1", "#c9e8e1", "#0f5e55"),
    ("#fdf0e6", "#f8dcc4", "#8a4514"),
    ("#eef1fb", "#d7defa", "#2c3f8f"),
    ("#f9ecf1", "#f1d1de", "#8b2250"),
    ("#f0f6e6", "#dcebc6", "#41621a"),
    ("#f4eefb", "#e2d5f5", "#5b2f91"),
    ("#fbf5e1", "#f3e6b5", "#775c0c"),
    ("#e8f3fa", "#cbe3f3", "#155c85"),
    ("#f6efe9", "#e8d9cc", "#6b4228"),
    ("#eef3f3", "#d6e2e3", "#344f52"),
)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', sans-serif"
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
URL_PREFIX = "/images/placeholder/"


def placeholder_path(product_id: str) -> str:
    """Where `tailtalk serve` serves a product's placeholder (the id is URL-quoted)."""
    from urllib.parse import quote

    return f"{URL_PREFIX}{quote(product_id, safe='')}.svg"


def shelf(product: Product) -> str:
    """The category the colour follows: the most specific level of the category path."""
    return product.category_path[-1] if product.category_path else (product.brand or "")


def colours(category: str) -> tuple[str, str, str]:
    return PALETTE[zlib.crc32(category.casefold().encode()) % len(PALETTE)]


def initials(title: str, brand: str | None = None) -> str:
    """Two letters for the product's noun: "Sonance Compact Sport Earbuds, Bluetooth" -> "SE"."""
    name = title.split(",")[0].strip()
    if brand and name.casefold().startswith(brand.casefold()) and len(name) > len(brand):
        name = name[len(brand) :]
    found = _WORD.findall(name) or _WORD.findall(title)
    if not found:
        return "?"
    picked = found[-2:] if len(found) >= 2 else found
    letters = "".join(w[0] for w in picked)
    return letters.upper()


def placeholder_svg(product: Product) -> str:
    category = shelf(product)
    background, wash, ink = colours(category)
    letters = escape(initials(product.title, product.brand))
    seed = zlib.crc32(product.id.encode())  # the shapes differ per product, the colour per shelf
    caption = escape((product.attributes.get("Type") or category or "").upper()[:28])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300" '
        f'role="img" aria-label="{escape(product.title[:120])}">'
        f'<rect width="400" height="300" fill="{background}"/>'
        f'<circle cx="{270 + seed % 110}" cy="{10 + (seed >> 7) % 70}" '
        f'r="{120 + (seed >> 14) % 50}" fill="{wash}" opacity="0.75"/>'
        f'<circle cx="{20 + (seed >> 20) % 90}" cy="{260 + (seed >> 4) % 50}" '
        f'r="{70 + (seed >> 10) % 40}" fill="{wash}" opacity="0.5"/>'
        f'<text x="200" y="168" text-anchor="middle" font-family="{FONT}" font-size="104" '
        f'font-weight="600" letter-spacing="4" fill="{ink}">{letters}</text>'
        f'<text x="200" y="232" text-anchor="middle" font-family="{FONT}" font-size="17" '
        f'letter-spacing="3" fill="{ink}" opacity="0.72">{caption}</text>'
        "</svg>"
    )
