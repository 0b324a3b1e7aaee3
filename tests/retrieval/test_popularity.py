from __future__ import annotations

import pytest

from retrieval.popularity import (
    Band,
    PopularityBands,
    catalogue_counts,
    combined_counts,
)
from retrieval.types import Product


def test_bands_by_cumulative_share():
    # total 100: a (0 before) and b (50 before) are head, c (80 before) and d (90 before) are
    # torso under 95, e (95 before) is tail, f has no count: tail.
    counts = {"c": 10, "a": 50, "f": 0, "b": 30, "e": 5, "d": 5}
    bands = PopularityBands.from_counts(counts)
    assert bands.members(Band.HEAD) == {"a", "b"}
    assert bands.members(Band.TORSO) == {"c", "d"}
    assert bands.members(Band.TAIL) == {"e", "f"}
    assert bands.band("never-seen") is Band.TAIL


def test_ties_are_broken_by_id_and_empty_counts_are_all_tail():
    bands = PopularityBands.from_counts({"y": 1, "x": 1}, head_share=0.5, torso_share=0.0)
    assert bands.band("x") is Band.HEAD and bands.band("y") is Band.TAIL
    assert PopularityBands.from_counts({"x": 0, "y": 0}).members(Band.TAIL) == {"x", "y"}


def test_shares_are_checked():
    with pytest.raises(ValueError, match="torso_share"):
        PopularityBands.from_counts({"x": 1}, head_share=0.9, torso_share=0.2)


def test_counts_from_catalogue_and_logs():
    products = [
        Product(id="p", title="P", popularity=7, rating_count=3),
        Product(id="q", title="Q", rating_count=3),
        Product(id="r", title="R"),
    ]
    counts = catalogue_counts(products)
    assert counts == {"p": 7.0, "q": 3.0, "r": 0.0}
    assert combined_counts(counts, {"r": 2, "new": 1}) == {"p": 7.0, "q": 3.0, "r": 2.0, "new": 1.0}


def test_demo_catalogue_has_a_small_head(demo_products):
    bands = PopularityBands.from_counts(catalogue_counts(demo_products))
    head = bands.members(Band.HEAD)
    assert 0 < len(head) < 0.25 * len(demo_products)
    cold = {p.id for p in demo_products if p.rating_count == 0}
    assert cold and cold <= bands.members(Band.TAIL)
