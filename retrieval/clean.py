"""Product text is data, never markup: what ingest does to every catalogue field.

Catalogue files come from shops, suppliers and scrapers; a title can carry `<script>`, a markdown
image pointing anywhere, a newline that fakes a list line in an answer, or a `javascript:` link.
Every text field is cleaned once, at ingest, before validation (so what is stored, embedded,
searched and shown is the clean text):

- HTML entities are decoded, then tags, comments and script/style blocks removed;
- markdown images and links keep only their text (`![alt](u)` -> `alt`, `[text](u)` -> `text`),
  and reference definitions (`[1]: http://...`) go;
- control and format characters (C0, C1, zero-width, bidi overrides, lone surrogates) go, and all
  whitespace, newlines included, becomes single spaces;
- `url` and `image_url` must be http(s) with a host, or a site-relative path ("/p/123"); anything
  else is dropped (and reported by the caller), the product kept.

Length limits (CatalogSettings) then bound each field; a row over a limit is rejected, not cut.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
# A tag starts with a letter, "/" or "!" right after "<": "a < b" and "<3" stay text.
_TAGS = re.compile(r"</?[A-Za-z!][^<>]*>")
_IMAGES = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINKS = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINKS = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_DEFINITIONS = re.compile(r"(?m)^\s*\[[^\]]+\]:\s*\S+.*$")
_SPACES = re.compile(r"\s+")
# Markup that a first pass can reveal (an entity that decodes to a tag) is caught by a second.
_PASSES = 2


def _drop_invisible(text: str) -> str:
    return "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )


def clean_text(text: str) -> str:
    """The text with markup and control characters removed, on one line."""
    for _ in range(_PASSES):
        text = html.unescape(text)
        text = _BLOCKS.sub(" ", text)
        text = _COMMENTS.sub(" ", text)
        text = _TAGS.sub(" ", text)
        text = _DEFINITIONS.sub(" ", text)
        text = _IMAGES.sub(r"\1", text)
        text = _LINKS.sub(r"\1", text)
        text = _REFERENCE_LINKS.sub(r"\1", text)
    text = _drop_invisible(text)
    return _SPACES.sub(" ", text).strip()


def has_invisible(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def safe_url(value: str) -> str | None:
    """The URL when it is http(s) with a host or a site-relative path, else None."""
    url = value.strip()
    if not url or has_invisible(url) or any(ch.isspace() for ch in url):
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None
