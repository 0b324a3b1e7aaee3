"""BM25 over the same product text that is embedded, for hybrid (lexical + dense) search.

Shoppers name product types, brands and attribute values ("fragrance-free", "matte", "argan oil")
that a small sentence encoder blurs; on the beauty benchmark BM25 alone finds the wanted product
far more often than MiniLM alone, and the two together beat both (README, "Hybrid search").
Tokens are lower-cased words of two or more characters, English stop words dropped, with a light
plural folding ("lipsticks" -> "lipstick") so a shopper's plural matches a product's singular.

bm25s (Lucene variant, k1 1.5, b 0.75) computes every (word, product) score once, when a snapshot
is written; the snapshot keeps them as postings (word -> rows and scores) on disk, and a query adds
up the postings of its words, reading only those.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.columns import StringTable, load_array, save_array, write_strings

_NAME = "bm25"


def _fold_plural(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem(words: list[str]) -> list[str]:
    return [_fold_plural(w) for w in words]


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    # bm25s sets its own logger to DEBUG: every index build would land in the server log.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def query_words(query: str) -> list[str]:
    """The words of a query as the index knows them (repeats kept: they count twice, as in
    bm25s)."""
    (words,) = _bm25s().tokenize(
        [query], stopwords="en", stemmer=_stem, show_progress=False, return_ids=False
    )
    return [w for w in words if w]


def write_lexical(folder: Path, texts: Sequence[str]) -> None:
    """BM25 scores of every (word, row) pair, as postings sorted by word."""
    bm25s = _bm25s()
    words: list[str] = []
    indptr = np.zeros(1, np.int64)
    rows = np.zeros(0, np.int32)
    weights = np.zeros(0, np.float32)
    if texts:
        tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stem, show_progress=False)
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        # Columns of bm25s's matrix by word; keep the words that have a column, sorted by bytes.
        columns = len(model.scores["indptr"]) - 1
        vocab = sorted(
            ((w, i) for w, i in model.vocab_dict.items() if w and i < columns),
            key=lambda item: item[0].encode("utf-8"),
        )
        words = [w for w, _ in vocab]
        order = np.asarray([i for _, i in vocab], np.int64)
        source_ptr = np.asarray(model.scores["indptr"], np.int64)
        lengths = source_ptr[order + 1] - source_ptr[order]
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        take = (
            np.concatenate([np.arange(source_ptr[i], source_ptr[i + 1]) for i in order])
            if len(order)
            else np.zeros(0, np.int64)
        )
        rows = np.asarray(model.scores["indices"], np.int32)[take]
        weights = np.asarray(model.scores["data"], np.float32)[take]
    write_strings(folder, f"{_NAME}.words", words)
    save_array(folder / f"{_NAME}.indptr.npy", indptr)
    save_array(folder / f"{_NAME}.rows.npy", rows)
    save_array(folder / f"{_NAME}.weights.npy", weights)


class LexicalColumns:
    """BM25 postings of a snapshot, memory-mapped."""

    def __init__(self, folder: Path, size: int) -> None:
        self.size = size
        self.words = StringTable(folder, f"{_NAME}.words")
        self.indptr = load_array(folder / f"{_NAME}.indptr.npy")
        self.rows = load_array(folder / f"{_NAME}.rows.npy")
        self.weights = load_array(folder / f"{_NAME}.weights.npy")

    def _postings(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        rows: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for word in query_words(query):
            at = self.words.find_sorted(word.encode("utf-8"))
            if at >= 0:
                start, stop = int(self.indptr[at]), int(self.indptr[at + 1])
                rows.append(self.rows[start:stop])
                weights.append(self.weights[start:stop])
        if not rows:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        return np.concatenate(rows), np.concatenate(weights)

    def idf(self, query: str) -> dict[str, float]:
        """Lucene's idf of each of the query's words that some product has (a word no product
        has tells no product apart)."""
        out = {}
        for word in query_words(query):
            at = self.words.find_sorted(word.encode("utf-8"))
            if at >= 0:
                df = int(self.indptr[at + 1] - self.indptr[at])
                out[word] = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
        return out

    def scores(self, query: str) -> np.ndarray:
        """One non-negative score per row (float64), in row order; all zeros when no query word
        is known."""
        return self.scored_rows(query)[1]

    def scored_rows(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """(the rows with a score above 0, in row order; every row's score), reading only the
        postings of the query's words (Lucene's idf is above 0, so a touched row scores > 0)."""
        rows, weights = self._postings(query)
        if len(rows) == 0:
            return np.zeros(0, np.int64), np.zeros(self.size)
        scores = np.bincount(rows, weights, minlength=self.size)
        return np.flatnonzero(scores), scores
