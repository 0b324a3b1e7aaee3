"""The model registry's atomic switch, a live search picking up a new version without a restart,
and `learn` refusing a model trained on too little data."""

from __future__ import annotations

import threading

import pytest

from retrieval.errors import ConfigError
from retrieval.learning.collaborative import ItemKNN, WeightedEvent
from retrieval.learning.fusion import LinearFusion
from retrieval.learning.interactions import Interaction
from retrieval.learning.registry import LearnedModel, ModelRegistry
from retrieval.learning.relevance import FusedRelevance
from retrieval.learning.signals import Signal
from retrieval.learning.train import TrainingTurn, learn
from retrieval.popularity import PopularityBands
from retrieval.rerank.policies import NoRerank


def writer(model: LearnedModel):
    def write(folder):
        model.save(folder)
        return model

    return write


def model_weighing(signal: str, usable: bool = True, demand=None) -> LearnedModel:
    return LearnedModel("", LinearFusion({signal: 1.0}), None, {"usable": usable}, demand or {})


def test_versions_pointer_and_rollback(tmp_path):
    registry = ModelRegistry(tmp_path / "models", poll_seconds=0)
    assert registry.current() is None and registry.versions() == []
    assert registry.publish(writer(model_weighing(Signal.DENSE))) == "v0001"
    assert registry.current_version() == "v0001"
    assert registry.current().fusion.weights == {Signal.DENSE: 1.0}
    # An unusable model is written for inspection, never pointed at.
    assert registry.publish(writer(model_weighing(Signal.LEXICAL, usable=False))) == "v0002"
    assert registry.current_version() == "v0001"
    assert registry.publish(writer(model_weighing(Signal.DEMAND))) == "v0003"
    assert registry.current().version == "v0003"
    registry.activate("v0001")  # roll back
    assert registry.current().version == "v0001"
    with pytest.raises(ConfigError, match="no model version 'v0009'"):
        registry.activate("v0009")
    # Nothing half-written is left behind.
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == [
        "CURRENT",
        "v0001",
        "v0002",
        "v0003",
    ]


def test_publishing_from_threads_gives_distinct_versions(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    names: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: names.append(registry.publish(writer(model_weighing(Signal.DENSE))))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(names) == ["v0001", "v0002", "v0003", "v0004"]


def test_a_live_search_switches_model_without_a_restart(demo_index, tmp_path):
    from retrieval.pipeline import TailSearch

    registry = ModelRegistry(tmp_path / "models", poll_seconds=0)
    search = TailSearch(
        demo_index,
        PopularityBands({}, {}),
        NoRerank(),
        floor=2.0,
        relevance=FusedRelevance(registry=registry),
    )
    before = search.search("yoga mat", k=3, record=False)
    assert before[0].candidate.signals[Signal.DENSE] > 0.3  # hand-set: a yoga mat leads
    assert search.relevance.model()[2] == "hand-set"
    # A model that only knows demand, nearly all of it on one product that is no yoga mat.
    products = demo_index.index.products
    far = next(p for p in reversed(products) if "yoga" not in p.title.casefold())
    registry.publish(writer(model_weighing(Signal.DEMAND, demand={far.id: 1e9})))
    after = search.search("yoga mat", k=3, record=False)
    assert after[0].candidate.product.id == far.id
    assert after[0].candidate.score == pytest.approx(1.0)  # the largest demand: prior 1
    assert search.relevance.model()[2] == "v0001"


def test_learn_refuses_too_little_data(demo_index, tmp_path):
    from retrieval.pipeline import TailSearch

    search = TailSearch(demo_index, PopularityBands({}, {}), NoRerank())
    products = demo_index.index.products
    turns = [TrainingTurn("s1", "yoga mat", (products[0].id,))]
    interactions = [Interaction("u1", products[1].id, "click", 0.0, 1.0)]
    model, report = learn(turns, interactions, search)
    assert not report.usable and not model.usable
    assert any("too little for the collaborative model" in r for r in report.reasons)
    assert any("too few to learn fusion weights" in r for r in report.reasons)
    assert "NOT USED" in report.summary()
    registry = ModelRegistry(tmp_path / "models")
    registry.publish(writer(model))
    assert registry.current_version() is None and registry.current() is None


def test_learn_with_enough_interactions_fits_the_collaborative_model(demo_index):
    from retrieval.pipeline import TailSearch

    search = TailSearch(demo_index, PopularityBands({}, {}), NoRerank())
    ids = [p.id for p in demo_index.index.products[:10]]
    # 30 shoppers each buy a pair (i, i+1): neighbours are the pair partners.
    interactions = [
        Interaction(f"u{u}", ids[(u % 9) + j], "purchase", 0.0, 4.0)
        for u in range(30)
        for j in (0, 1)
    ]
    model, report = learn([], interactions, search)
    assert report.usable and model.collaborative is not None
    assert report.fusion == "hand-set"  # no logged turns: weights stay hand-set
    (best, _), *_ = model.collaborative.neighbours([ids[0]], 1)
    assert best == ids[1]
    assert model.demand[ids[1]] > model.demand[ids[0]]  # ids[1] is in two pairs


def test_item_knn_events_ignore_dislikes():
    model = ItemKNN.fit([WeightedEvent("u", "A", 0.0), WeightedEvent("u", "B", 1.0)])
    assert len(model) == 1
