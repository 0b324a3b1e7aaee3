"""BM25 over the same product text that is embedded, for hybrid (lexical + dense) search.

Shoppers name product types, brands and attribute values ("fragrance-free", "matte", "argan oil")
that a small sentence encoder blurs; on the beauty benchmark BM25 alone finds the wanted product
far more often than MiniLM alone, and the two together beat both (README, "Hybrid search").
Tokens are lower-cased words of two or more characters, English stop words dropped, with a light
plural folding ("lipsticks" -> "lipstick") so a shopper's plural matches a product's singular.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np


def _fold_plural(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem(words: list[str]) -> list[str]:
    return [_fold_plural(w) for w in words]


class LexicalIndex:
    """BM25 (Lucene variant, k1 1.5, b 0.75) scores of every row for a query."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG: every index build would land in the server log.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._bm25s = bm25s
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stem, show_progress=False)
            self._bm25.index(tokens, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One non-negative score per row, in row order; all zeros when no query word is known."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        (words,) = self._bm25s.tokenize(
            [query], stopwords="en", stemmer=_stem, show_progress=False, return_ids=False
        )
        if not words:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(words), dtype=np.float32)
