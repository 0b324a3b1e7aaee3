from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.errors import CatalogError, IndexEmptyError
from retrieval.snapshot import Snapshot
from retrieval.types import SearchFilters
from tests.conftest import index_products, retriever_on

QUERIES = [
    "fragrance-free moisturizer for sensitive skin",
    "cast iron skillet",
    "decaf coffee",
    "noise cancelling headphones for travel",
    "waterproof hiking backpack",
    "a gift",
]


def test_unfiltered_search_finds_the_obvious_product(demo_index):
    hits = demo_index.search("cast iron skillet", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert hits[0].product.category == "Cookware"
    assert all(a.score >= b.score for a, b in pairwise(hits))


@pytest.mark.parametrize("query", QUERIES)
def test_price_cap_is_never_exceeded(demo_index, query):
    hits = demo_index.search(query, SearchFilters(max_price=20), k=50)
    assert len(hits) == 50
    assert all(h.product.price is not None and h.product.price <= 20 for h in hits)


def test_category_brand_attribute_and_rating_filters(demo_index):
    filters = SearchFilters(
        categories=("skin care",),
        exclude_brands=("Dermaclair",),
        attributes={"Fragrance": ("fragrance-free",)},
        min_rating=4.0,
    )
    hits = demo_index.search("moisturizer", filters, k=20)
    assert hits
    for hit in hits:
        p = hit.product
        assert p.category == "Skin Care"
        assert p.brand != "Dermaclair"
        assert p.attributes["Fragrance"] == "Fragrance-Free"
        assert p.average_rating is not None and p.average_rating >= 4.0


def test_excluded_ids_and_brand_in(demo_index):
    first = demo_index.search("dog harness", k=3)
    excluded = frozenset(h.product.id for h in first)
    again = demo_index.search("dog harness", SearchFilters(exclude_ids=excluded), k=10)
    assert not excluded & {h.product.id for h in again}
    brand = first[0].product.brand
    only = demo_index.search("dog harness", SearchFilters(brands=(brand,)), k=10)
    assert only and all(h.product.brand == brand for h in only)


def test_unsatisfiable_filters_return_nothing(demo_index):
    assert demo_index.search("anything", SearchFilters(categories=("Spaceships",))) == []


def test_filtered_scores_match_unfiltered_scores(demo_index):
    free = {h.product.id: h.score for h in demo_index.search("yoga mat", k=30)}
    kept = demo_index.search("yoga mat", SearchFilters(min_price=0), k=30)
    for hit in kept:
        if hit.product.id in free:
            assert hit.score == pytest.approx(free[hit.product.id], abs=1e-4)


def test_empty_query_and_empty_index(tmp_path, embedder, demo_index):
    with pytest.raises(CatalogError, match="empty"):
        demo_index.search("   ")
    _, folder = index_products(tmp_path, embedder, [])
    empty = retriever_on(folder, embedder)
    with pytest.raises(IndexEmptyError, match="tailtalk ingest"):
        empty.search("shoes")


def test_min_price_above_max_price_is_rejected():
    with pytest.raises(ValueError, match="swap them"):
        SearchFilters(min_price=30, max_price=10)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_index_mask_agrees_with_reference_filter(demo_index, demo_products, data):
    index: Snapshot = demo_index.index
    categories = sorted({c for p in demo_products for c in p.category_path})
    brands = sorted({p.brand for p in demo_products if p.brand})
    pairs = sorted({(k, v) for p in demo_products for k, v in p.attributes.items()})
    ids = [p.id for p in demo_products]
    # Values taken from the catalogue itself hit the boundaries (<= vs <) that matter.
    prices = sorted({p.price for p in demo_products if p.price is not None})
    ratings = sorted({p.average_rating for p in demo_products if p.average_rating is not None})
    price = st.none() | st.sampled_from(prices) | st.floats(0, 250, allow_nan=False)
    low, high = data.draw(price), data.draw(price)
    if low is not None and high is not None and low > high:
        low, high = high, low
    attr = data.draw(st.lists(st.sampled_from(pairs), max_size=2))
    not_attr = data.draw(st.lists(st.sampled_from(pairs), max_size=2))
    filters = SearchFilters(
        min_price=low,
        max_price=high,
        categories=tuple(data.draw(st.lists(st.sampled_from(categories), max_size=2))),
        brands=tuple(data.draw(st.lists(st.sampled_from(brands), max_size=3))),
        exclude_brands=tuple(data.draw(st.lists(st.sampled_from(brands), max_size=3))),
        attributes={k: (v.upper(),) for k, v in attr},
        exclude_attributes={k: (v,) for k, v in not_attr},
        min_rating=data.draw(st.none() | st.sampled_from(ratings) | st.floats(0, 5)),
        exclude_ids=frozenset(data.draw(st.lists(st.sampled_from(ids), max_size=20))),
    )
    mask = index.mask(filters)
    expected = [filters.admits(p) for p in index.products]
    if filters.is_empty():
        assert mask is None
    else:
        assert mask is not None
        assert mask.tolist() == expected


def test_each_filter_alone_at_its_boundaries(demo_index, demo_products):
    # One constraint at a time, at values taken from the catalogue, so every boundary is exercised.
    index: Snapshot = demo_index.index
    p = demo_products[0]
    cases = [
        SearchFilters(min_rating=r) for r in {x.average_rating for x in demo_products[:40]} if r
    ]
    cases += [SearchFilters(max_price=x.price) for x in demo_products[:40]]
    cases += [SearchFilters(min_price=x.price) for x in demo_products[:40]]
    cases += [
        SearchFilters(categories=(p.category_path[0],)),
        SearchFilters(brands=(p.brand.upper(),)),
        SearchFilters(exclude_brands=(p.brand,)),
    ]
    cases += [SearchFilters(attributes={k: (v,)}) for k, v in p.attributes.items()]
    cases += [SearchFilters(exclude_attributes={k: (v,)}) for k, v in p.attributes.items()]
    for filters in cases:
        mask = index.mask(filters)
        assert mask is not None
        expected = [filters.admits(product) for product in index.products]
        assert mask.tolist() == expected, filters
        assert 0 < sum(expected) < len(expected), filters
