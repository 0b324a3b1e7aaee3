"""Finding catalogue products named by title in free text ("something like The Babadook (2014)").

Titles are matched as whole runs of folded words. Only titles of 2 to 8 words are indexed: people
type short titles (a film, a named product line), never a 20-word marketplace title, and this
keeps the index small for big catalogues.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable

from agent.reading.vocabulary import words
from retrieval.types import Product

MIN_WORDS, MAX_WORDS = 2, 8


class TitleIndex:
    """Titles of 2 to 8 words, and the "line" of a title (the part before its first comma,
    when it starts with the product's brand and has 3 to 8 words: "Motiv Studio Yoga Mat" for
    "Motiv Studio Yoga Mat, Natural Rubber, Purple"), which names every variant of the line."""

    def __init__(self, products: Iterable[Product]) -> None:
        self._by_first: dict[str, dict[tuple[str, ...], list[str]]] = defaultdict(dict)
        self._exact: dict[tuple[str, ...], str] = {}  # every title, for `exact`
        self._words: dict[str, frozenset[str]] = {}
        for product in products:
            key = tuple(sys.intern(w) for w in words(product.title))
            self._exact[key] = product.id
            if MIN_WORDS <= len(key) <= MAX_WORDS:
                self._by_first[key[0]].setdefault(key, []).append(product.id)
            line = _line(product)
            if line:
                self._by_first[line[0]].setdefault(line, []).append(product.id)
                self._words[product.id] = frozenset(key)

    def exact(self, title: str) -> str | None:
        """The id of the product with exactly this title (ignoring case and punctuation)."""
        return self._exact.get(tuple(words(title)))

    def find(self, text: str) -> list[str]:
        """Ids of the products whose titles (or lines) appear in `text`, in order, without
        overlaps; a line's variants come best first, by the other words of the text they
        share ("the Flexcore Extra-Thick Yoga Mat in teal")."""
        tokens = words(text)
        present = set(tokens)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            bucket = self._by_first.get(tokens[i], {})
            key = max(
                (k for k in bucket if tuple(tokens[i : i + len(k)]) == k), key=len, default=None
            )
            if key is None:
                i += 1
                continue
            ids = bucket[key]
            if len(ids) > 1:
                ids = sorted(ids, key=lambda pid: -len(self._words.get(pid, frozenset()) & present))
            found.extend(pid for pid in ids if pid not in found)
            i += len(key)
        return found


def _line(product: Product) -> tuple[str, ...] | None:
    head = product.title.split(",")[0]
    if head == product.title or not product.brand:
        return None
    key = tuple(sys.intern(w) for w in words(head))
    brand = tuple(words(product.brand))
    if not (3 <= len(key) <= MAX_WORDS) or key[: len(brand)] != brand:
        return None
    return key
