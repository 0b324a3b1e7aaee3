"""BM25 scoring and hybrid search: exact words a shopper types count, filters still hold."""

from __future__ import annotations

import pytest

from retrieval.lexical import LexicalIndex
from retrieval.search import ChromaRetriever
from retrieval.types import SearchFilters


def test_bm25_scores_rows_in_order_and_folds_plurals():
    index = LexicalIndex(["red matte lipstick", "shampoo for dry hair", "lipstick and gloss", "x"])
    scores = index.scores("matte lipsticks")
    assert scores.shape == (4,)
    assert scores[0] > scores[2] > 0  # both words beat one word
    assert scores[1] == 0 and scores[3] == 0
    assert not index.scores("the and for").any()  # stop words only
    assert not index.scores("unheard-of").any()
    assert LexicalIndex([]).scores("lipstick").shape == (0,)


def test_hybrid_finds_every_product_of_a_brand_the_encoder_blurs(demo_index, demo_products):
    # MiniLM reads "Northshore Botanics" as "botanical things" and mixes in other brands' herbal
    # products; the exact brand words put all of the brand's products first.
    brand = "Northshore Botanics"
    brand_size = sum(p.brand == brand for p in demo_products)
    dense = ChromaRetriever(demo_index.store, demo_index.embedder, 0, lexical_weight=0.0)
    hybrid = ChromaRetriever(demo_index.store, demo_index.embedder, 0, lexical_weight=0.5)
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
