"""The relevance signals of one candidate product for one search, each in [0, 1].

A search hands over its query text, the query vector, the candidate rows of the index snapshot and
what the session knows (products liked, named, carted). Every signal is computed here, in one
place, so the hand-set fusion, the learned fusion, `tailtalk search --json` and the training
features all see the same numbers:

- dense       cosine(query vector, product vector), clipped to [0, 1]
- lexical     BM25(query, product text) / the catalogue's best BM25 for the query
- title       1 when the product's whole title appears in the query (as words), else 0
- title_words the share of the query's words that the title has, each word weighted by its idf
              (BM25's words, stemmed alike): a product whose name says what was asked ("body
              wash") leads one whose description only mentions it
- fuzzy       rapidfuzz partial_ratio(query, title) mapped from [60, 100] to [0, 1] (typos,
              partial titles); 0 below 60
- brand       1 when the product's brand appears in the query (as words), else 0
- attribute   min(number of the product's attribute values named in the query, 2) / 2
- demand      log(1 + popularity count) / log(1 + the catalogue's largest count)
- collab      sum over the session's items a of sim(a, product) (collaborative model), divided by
              the largest such sum among the candidates; 0 without a model or session items
- mentioned   1 when the session already liked, named or carted the product, else 0
- profile     the shopper's share of the product's popularity band (calibration profile)

Dense and lexical are recomputed here from the index snapshot (the catalogue-wide BM25 is needed
for the normalisation), so the fusion works on any list of hits, whatever else they carry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from retrieval.lexical import query_words
from retrieval.popularity import Band
from retrieval.types import Product


class Signal:
    """Signal names: the columns of a feature matrix, in this order, and the keys of the
    `signals` dict that `tailtalk search --json` prints."""

    DENSE = "dense"
    LEXICAL = "lexical"
    TITLE = "title"
    TITLE_WORDS = "title_words"
    FUZZY = "fuzzy"
    BRAND = "brand"
    ATTRIBUTE = "attribute"
    DEMAND = "demand"
    COLLAB = "collab"
    MENTIONED = "mentioned"
    PROFILE = "profile"

    ALL = (
        DENSE,
        LEXICAL,
        TITLE,
        TITLE_WORDS,
        FUZZY,
        BRAND,
        ATTRIBUTE,
        DEMAND,
        COLLAB,
        MENTIONED,
        PROFILE,
    )


@dataclass(frozen=True)
class SessionItems:
    """Products the session has shown interest in. The agent fills it from the dialogue and the
    session's feedback; everything defaults to empty (a first search knows nothing)."""

    liked: tuple[str, ...] = ()  # liked or clicked in this session, or named as wanted ("like X")
    mentioned: tuple[str, ...] = ()  # named by title anywhere in the dialogue
    carted: tuple[str, ...] = ()  # added to the cart or bought
    disliked: tuple[str, ...] = ()  # never used as an anchor

    def anchors(self) -> tuple[str, ...]:
        """Every product the session is about, each once, disliked ones left out."""
        skip = set(self.disliked)
        return tuple(
            pid
            for pid in dict.fromkeys([*self.carted, *self.liked, *self.mentioned])
            if pid not in skip
        )


class Similarity(Protocol):
    """A collaborative model: for anchor products, a similarity to each candidate product."""

    def scores(self, anchors: Sequence[str], candidates: Sequence[str]) -> np.ndarray: ...


_WORD = re.compile(r"[a-z0-9]+")
_FUZZY_FROM = 60.0
_MAX_VALUE_CHARS = 30


def folded(text: str) -> str:
    """Lower-cased words joined by single spaces, padded with one space on each side, so that
    `f" {phrase} " in folded(text)` tests for whole words."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def contains_words(haystack: str, phrase: str) -> bool:
    """Whether `phrase` appears in `haystack` as whole words (`haystack` already folded)."""
    needle = folded(phrase)
    return needle.strip() != "" and needle in haystack


@dataclass(frozen=True)
class ProductTerms:
    """A product's title, brand and attribute values, folded once (they are matched against
    every query that retrieves the product)."""

    title: str
    brand: str
    values: tuple[str, ...]  # one entry per attribute: its whole value and its comma parts
    title_words: frozenset[str] = frozenset()  # as the lexical index has them (stemmed)

    @classmethod
    def of(cls, product: Product) -> ProductTerms:
        values = []
        for key, value in product.attributes.items():
            if key.casefold() == "brand":
                continue  # the brand signal owns it
            parts = [
                folded(p)
                for p in {value, *value.split(",")}
                if 2 < len(p.strip()) <= _MAX_VALUE_CHARS
            ]
            values.append("\x1f".join(p for p in parts if p.strip()))
        return cls(
            folded(product.title),
            folded(product.brand or ""),
            tuple(values),
            frozenset(query_words(product.title)),
        )


def _has(query: str, phrase: str) -> bool:
    return phrase.strip() != "" and phrase in query


def title_signal(query: str, terms: ProductTerms) -> float:
    return 1.0 if _has(query, terms.title) else 0.0


def fuzzy_signal(query: str, terms: ProductTerms) -> float:
    from rapidfuzz import fuzz

    ratio = fuzz.partial_ratio(query.strip(), terms.title.strip())
    return max(0.0, (ratio - _FUZZY_FROM) / (100 - _FUZZY_FROM))


def brand_signal(query: str, terms: ProductTerms) -> float:
    return 1.0 if _has(query, terms.brand) else 0.0


def title_words_signal(idf: Mapping[str, float], terms: ProductTerms) -> float:
    total = sum(idf.values())
    if total <= 0:
        return 0.0
    return sum(w for word, w in idf.items() if word in terms.title_words) / total


def attribute_signal(query: str, terms: ProductTerms) -> float:
    named = sum(1 for value in terms.values if any(_has(query, p) for p in value.split("\x1f")))
    return min(named, 2) / 2


def demand_prior(counts: Sequence[float]) -> np.ndarray:
    """log(1 + count) / log(1 + largest count), per row; all zeros when nothing has a count."""
    values = np.log1p(np.maximum(np.asarray(counts, dtype=float), 0.0))
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


@dataclass(frozen=True)
class SignalInputs:
    """Everything the signals of one search depend on, beside the candidates themselves."""

    query: str
    vector: np.ndarray
    lexical: np.ndarray  # BM25 of every catalogue row for the query
    demand: np.ndarray  # demand prior of every catalogue row
    session: SessionItems = SessionItems()
    collaborative: Similarity | None = None
    profile: Mapping[Band, float] | None = None
    query_idf: Mapping[str, float] | None = None  # the query's words the catalogue has


def signal_matrix(
    inputs: SignalInputs,
    rows: np.ndarray,
    products: Sequence[Product],
    vectors: np.ndarray,
    bands: Sequence[Band],
    terms: Sequence[ProductTerms] | None = None,
) -> np.ndarray:
    """One row per candidate (`rows` of the catalogue, with their products, vectors, bands and,
    when the caller caches them, folded terms), one column per Signal.ALL entry."""
    n = len(rows)
    out = np.zeros((n, len(Signal.ALL)), dtype=np.float64)
    if n == 0:
        return out
    col = {name: i for i, name in enumerate(Signal.ALL)}
    out[:, col[Signal.DENSE]] = np.clip(vectors @ inputs.vector, 0.0, 1.0)
    best = float(inputs.lexical.max()) if len(inputs.lexical) else 0.0
    if best > 0:
        out[:, col[Signal.LEXICAL]] = inputs.lexical[rows] / best
    query = folded(inputs.query)
    terms = terms if terms is not None else [ProductTerms.of(p) for p in products]
    idf = inputs.query_idf or {}
    for i, t in enumerate(terms):
        out[i, col[Signal.TITLE]] = title_signal(query, t)
        out[i, col[Signal.TITLE_WORDS]] = title_words_signal(idf, t)
        out[i, col[Signal.FUZZY]] = fuzzy_signal(query, t)
        out[i, col[Signal.BRAND]] = brand_signal(query, t)
        out[i, col[Signal.ATTRIBUTE]] = attribute_signal(query, t)
    out[:, col[Signal.DEMAND]] = inputs.demand[rows]
    anchors = inputs.session.anchors()
    ids = [p.id for p in products]
    if anchors and inputs.collaborative is not None:
        sums = np.asarray(inputs.collaborative.scores(anchors, ids), dtype=float)
        top = float(sums.max()) if len(sums) else 0.0
        if top > 0:
            out[:, col[Signal.COLLAB]] = np.maximum(sums, 0.0) / top
    known = set(anchors)
    out[:, col[Signal.MENTIONED]] = [1.0 if pid in known else 0.0 for pid in ids]
    if inputs.profile:
        out[:, col[Signal.PROFILE]] = [float(inputs.profile.get(b, 0.0)) for b in bands]
    return out


def as_dict(row: np.ndarray) -> dict[str, float]:
    return {name: round(float(v), 6) for name, v in zip(Signal.ALL, row, strict=True)}
