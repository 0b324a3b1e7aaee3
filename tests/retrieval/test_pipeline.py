"""Tail-aware search end to end on the demo index: filters hold, the ledger fills."""

from __future__ import annotations

import pytest

from retrieval.config import RerankSettings
from retrieval.errors import ConfigError
from retrieval.pipeline import TailSearch
from retrieval.popularity import Band, PopularityBands, catalogue_counts
from retrieval.rerank import ExposureLedger, NoRerank, PlackettLuceRerank
from retrieval.rerank.factory import build_reranker
from retrieval.types import SearchFilters


@pytest.fixture
def bands(demo_products):
    return PopularityBands.from_counts(catalogue_counts(demo_products))


def test_xquad_raises_tail_share_without_breaking_filters(demo_index, bands, tmp_path):
    ledger = ExposureLedger(tmp_path / "ledger.sqlite")
    plain = TailSearch(demo_index, bands, NoRerank(), floor=0.2)
    tail_aware = TailSearch(
        demo_index, bands, build_reranker(RerankSettings(), None, "xquad", 0.9), 0.2, ledger=ledger
    )
    filters = SearchFilters(max_price=60)
    tail_plain = tail_aware_count = 0
    for query in ("moisturizer", "running shoes", "desk lamp", "dog bed", "backpack", "coffee"):
        shown = tail_aware.search(query, filters, k=10)
        tail_aware_count += sum(r.candidate.band is Band.TAIL for r in shown)
        tail_plain += sum(r.candidate.band is Band.TAIL for r in plain.search(query, filters, 10))
        assert all(r.candidate.product.price <= 60 for r in shown)
    assert tail_aware_count > tail_plain
    assert sum(n for _, n in ledger.totals().values()) == 60


def test_factory_builds_each_policy_and_refuses_unknown_ones(tmp_path):
    settings = RerankSettings()
    ledger = ExposureLedger(tmp_path / "l.sqlite")
    for name in ("none", "mmr", "xquad", "calibrated", "exposure"):
        assert build_reranker(settings, ledger, name).name == name
    sampled = build_reranker(RerankSettings(temperature=0.2), ledger, "xquad")
    assert isinstance(sampled, PlackettLuceRerank) and sampled.name == "stochastic-xquad"
    with pytest.raises(ConfigError, match="unknown re-ranking policy 'random'"):
        build_reranker(settings, ledger, "random")
    with pytest.raises(ConfigError, match="needs an exposure ledger"):
        build_reranker(settings, None, "exposure")
