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
    def __init__(self, products: Iterable[Product]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._exact: dict[tuple[str, ...], str] = {}  # every title, for `exact`
        for product in products:
            key = tuple(sys.intern(w) for w in words(product.title))
            self._exact[key] = product.id
            if MIN_WORDS <= len(key) <= MAX_WORDS:
                self._by_first[key[0]].append((key, product.id))
        for bucket in self._by_first.values():
            bucket.sort(key=lambda item: -len(item[0]))  # the longest title wins at a position

    def exact(self, title: str) -> str | None:
        """The id of the product with exactly this title (ignoring case and punctuation)."""
        return self._exact.get(tuple(words(title)))

    def find(self, text: str) -> list[str]:
        """Ids of the products whose titles appear in `text`, in order, without overlaps."""
        tokens = words(text)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            match = next(
                (
                    (key, pid)
                    for key, pid in self._by_first.get(tokens[i], ())
                    if tuple(tokens[i : i + len(key)]) == key
                ),
                None,
            )
            if match is None:
                i += 1
                continue
            if match[1] not in found:
                found.append(match[1])
            i += len(match[0])
        return found
