"""BM25 scoring and hybrid search: exact words a shopper types count, filters still hold."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from retrieval.lexical import LexicalColumns, query_words, write_lexical
from retrieval.types import SearchFilters
from tests.conftest import retriever_on


def lexical(tmp_path, texts):
    write_lexical(tmp_path, texts)
    return LexicalColumns(tmp_path, len(texts))


def test_bm25_scores_rows_in_order_and_folds_plurals(tmp_path):
    index = lexical(
        tmp_path, ["red matte lipstick", "shampoo for dry hair", "lipstick and gloss", "x"]
    )
    scores = index.scores("matte lipsticks")
    assert scores.shape == (4,)
    assert scores[0] > scores[2] > 0  # both words beat one word
    assert scores[1] == 0 and scores[3] == 0
    assert not index.scores("the and for").any()  # stop words only
    assert not index.scores("unheard-of").any()
    rows, _ = index.scored_rows("matte lipsticks")
    assert rows.tolist() == [0, 2]


def test_an_empty_catalogue_scores_nothing(tmp_path):
    assert lexical(tmp_path, []).scores("lipstick").shape == (0,)


def test_postings_give_bm25s_own_scores(tmp_path, demo_products):
    # The reference: bm25s scoring the same texts itself (its get_scores over its own matrix).
    from retrieval.text import product_text

    texts = [product_text(p) for p in demo_products]
    index = lexical(tmp_path, texts)
    from retrieval.lexical import _stem

    reference = bm25s.BM25()
    reference.index(bm25s.tokenize(texts, stopwords="en", stemmer=_stem, show_progress=False))
    for query in ("fragrance free moisturizer", "cast iron skillets", "dog dog harness"):
        expected = reference.get_scores(query_words(query))
        assert np.allclose(index.scores(query), expected, rtol=1e-5, atol=1e-6), query


def test_hybrid_finds_every_product_of_a_brand_the_encoder_blurs(demo_index, demo_products):
    # MiniLM reads "Northshore Botanics" as "botanical things" and mixes in other brands' herbal
    # products; the exact brand words put all of the brand's products first.
    brand = "Northshore Botanics"
    brand_size = sum(p.brand == brand for p in demo_products)
    dense = retriever_on(demo_index.live.folder, demo_index.embedder, lexical_weight=0.0)
    hybrid = retriever_on(demo_index.live.folder, demo_index.embedder, lexical_weight=0.5)
    dense_hits = dense.search(brand, k=brand_size)
    hybrid_hits = hybrid.search(brand, k=brand_size)
    assert len(hybrid_hits) == brand_size
    assert all(h.product.brand == brand for h in hybrid_hits)
    assert sum(h.product.brand == brand for h in dense_hits) < brand_size


def test_hybrid_scores_do_not_depend_on_the_filters(demo_index):
    free = {h.product.id: h.score for h in demo_index.search("dry shampoo", k=40)}
    kept = demo_index.search("dry shampoo", SearchFilters(max_price=25), k=40)
    assert kept and all(h.product.price <= 25 for h in kept)
    shared = [h for h in kept if h.product.id in free]
    assert shared
    for hit in shared:
        assert hit.score == pytest.approx(free[hit.product.id], abs=1e-5)
