"""Re-rankers on small hand-worked cases, the relevance floor, the ledger, and a property test that
no policy ever returns a product breaking a hard filter."""

from __future__ import annotations

import math
import multiprocessing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.popularity import Band
from retrieval.rerank import (
    CalibratedRerank,
    Candidate,
    ExposureLedger,
    ExposureRerank,
    MMRRerank,
    NoRerank,
    PlackettLuceRerank,
    RerankContext,
    XQuADRerank,
    rank_with,
)
from retrieval.rerank.exposure import SCHEMA as LEDGER
from retrieval.types import Product, SearchFilters


def cand(pid: str, score: float, band: Band = Band.TAIL, vector=(1.0, 0.0), price=None):
    return Candidate(
        product=Product(id=pid, title=pid, price=price),
        score=score,
        vector=np.asarray(vector, dtype=np.float32),
        band=band,
    )


def ids(ordered) -> list[str]:
    return [c.product.id for c, _ in ordered]


CTX = RerankContext()


def test_none_orders_by_relevance():
    items = [cand("b", 0.5), cand("a", 0.9), cand("c", 0.7)]
    assert ids(NoRerank().order(items, 2, CTX)) == ["a", "c"]


def test_xquad_hand_worked():
    # rel normalised: A 1, B 2/3, C 1/3, D 0. lam 0.5, P(head) = P(tail) = 0.5.
    # 1: every coverage 0.5 -> A.  2: head coverage 0, tail 0.5: B .333, C .417, D .25 -> C.
    # 3: both coverages .25: B .458, D .125 -> B.  4: D.
    items = [
        cand("A", 0.9, Band.HEAD),
        cand("B", 0.8, Band.HEAD),
        cand("C", 0.7, Band.TAIL),
        cand("D", 0.6, Band.TAIL),
    ]
    assert ids(XQuADRerank(lam=0.5).order(items, 4, CTX)) == ["A", "C", "B", "D"]
    assert ids(XQuADRerank(lam=0.0).order(items, 4, CTX)) == ["A", "B", "C", "D"]


def test_mmr_hand_worked():
    # B duplicates A. rel: A 1, B .975, C 0. lam .5: A; then B .4875 - .5 = -.0125 < C 0 -> C.
    items = [
        cand("A", 0.9, vector=(1, 0)),
        cand("B", 0.89, vector=(1, 0)),
        cand("C", 0.5, vector=(0, 1)),
    ]
    assert ids(MMRRerank(lam=0.5).order(items, 3, CTX)) == ["A", "C", "B"]


def test_calibrated_follows_the_shoppers_profile():
    # Profile all tail. Adding the head item: q(tail) = 0.01, KL = ln 100 = 4.605,
    # value .5 * 1 - .5 * 4.605 < 0; adding the tail item: KL 0, value .5 * 0 = 0 -> tail first.
    items = [cand("head", 0.9, Band.HEAD), cand("tail", 0.85, Band.TAIL)]
    profile = RerankContext(profile={Band.TAIL: 1.0})
    assert ids(CalibratedRerank(lam=0.5).order(items, 2, profile)) == ["tail", "head"]
    head_lover = RerankContext(profile={Band.HEAD: 1.0})
    assert ids(CalibratedRerank(lam=0.5).order(items, 2, head_lover)) == ["head", "tail"]


def test_exposure_lets_the_unseen_catch_up():
    # No lead slot. fresh: A 1/(1+3) = .25, B 1. freshness 1: A .8 * 1.25 = 1.0, B .6 * 2 = 1.2.
    items = [cand("A", 0.8, Band.HEAD), cand("B", 0.6, Band.HEAD)]
    seen = {"A": 3.0}
    assert ids(ExposureRerank(seen, 1.0, 0.0, lead=0, wear=0.0).order(items, 2, CTX)) == ["B", "A"]
    # freshness .4: A .8 * 1.1 = .88, B .6 * 1.4 = .84.
    assert ids(ExposureRerank(seen, 0.4, 0.0, lead=0, wear=0.0).order(items, 2, CTX)) == ["A", "B"]
    # One lead slot: A is the best match (.8 * (1 + 0) vs .6 * (1 + 0)) and stays first.
    assert ids(
        ExposureRerank(seen, 1.0, 0.0, lead=1, lead_freshness=0, wear=0.0).order(items, 2, CTX)
    ) == [
        "A",
        "B",
    ]


def test_wear_keeps_telling_apart_the_most_shown():
    # A shown ~500 times' worth, B 5. Freshness barely sees the difference: A .8 * (1 + 1/501)
    # = .80, B .6 * (1 + 1/6) = .70, A first. Wear .3: A .8 / (1 + .3 ln 501) = .28, B .6 /
    # (1 + .3 ln 6) = .39, B first.
    items = [cand("A", 0.8, Band.HEAD), cand("B", 0.6, Band.HEAD)]
    seen = {"A": 500.0, "B": 5.0}
    assert ids(ExposureRerank(seen, 1.0, 0.0, lead=0, wear=0.0).order(items, 2, CTX)) == ["A", "B"]
    assert ids(ExposureRerank(seen, 1.0, 0.0, lead=0, wear=0.3).order(items, 2, CTX)) == ["B", "A"]
    # Wear leaves the lead slots alone: the best match still comes first.
    policy = ExposureRerank(seen, 1.0, 0.0, lead=1, lead_freshness=0.0, wear=0.3)
    assert ids(policy.order(items, 2, CTX)) == ["A", "B"]


def test_exposure_boosts_the_tail_after_the_lead_slots():
    # freshness 0, so only the tail boost moves things. One lead slot: H1, the best match.
    # Then tail_boost .5: H2 .8, T .6 * 1.5 = .9, T2 .5 * 1.5 = .75.
    items = [
        cand("H1", 0.9, Band.HEAD),
        cand("H2", 0.8, Band.HEAD),
        cand("T", 0.6, Band.TAIL),
        cand("T2", 0.5, Band.TAIL),
    ]
    policy = ExposureRerank({}, freshness=0.0, tail_boost=0.5, lead=1, lead_freshness=0.0, wear=0.0)
    assert ids(policy.order(items, 4, CTX)) == ["H1", "T", "H2", "T2"]
    # lead 0 and a larger boost: T .6 * 2 = 1.2 overtakes H1 .9.
    policy = ExposureRerank({}, freshness=0.0, tail_boost=1.0, lead=0, wear=0.0)
    assert ids(policy.order(items, 2, CTX)) == ["T", "T2"]


def test_relevance_floor_blocks_promotion():
    items = [cand("best", 0.9, Band.HEAD), cand("near", 0.85), cand("far", 0.5)]
    promote = ExposureRerank({"best": 5.0}, freshness=1.0, tail_boost=1.0, lead=0, wear=0.0)
    ranked = rank_with(promote, items, SearchFilters(), 3, floor=0.1)
    assert [r.candidate.product.id for r in ranked] == ["near", "best", "far"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    # "far" wins on boosts (.5 * 3 = 1.5 against best .9 * 1.17 = 1.05) when nothing bounds it,
    # but lies beyond a floor of .1.
    shown = {"best": 5.0, "near": 5.0}
    ranked = rank_with(
        ExposureRerank(shown, 1.0, 1.0, lead=0, wear=0.0), items, SearchFilters(), 2, 1.0
    )
    assert "far" in [r.candidate.product.id for r in ranked]
    ranked = rank_with(
        ExposureRerank(shown, 1.0, 1.0, lead=0, wear=0.0), items, SearchFilters(), 2, 0.1
    )
    assert "far" not in [r.candidate.product.id for r in ranked]


def test_plackett_luce_propensities_are_exact():
    # pref A 1, B 0; T 0.5 -> logits 2, 0; P(A first) = e^2 / (e^2 + 1) = 0.880797
    items = [cand("A", 0.9), cand("B", 0.5)]
    policy = PlackettLuceRerank(NoRerank(), temperature=0.5)
    first_a = 0
    for seed in range(2000):
        (first, p1), (_, p2) = policy.order(items, 2, RerankContext(seed=seed))
        expected = 0.880797 if first.product.id == "A" else 1 - 0.880797
        assert p1 == pytest.approx(expected, abs=1e-6)
        assert p2 == 1.0
        first_a += first.product.id == "A"
    assert first_a / 2000 == pytest.approx(0.8808, abs=0.03)
    same = policy.order(items, 2, RerankContext(session_id="s1"))
    assert ids(same) == ids(policy.order(items, 2, RerankContext(session_id="s1")))


def test_ledger_survives_restart(store):
    ExposureLedger(store.open(LEDGER)).record([("a", 1), ("b", 3)])
    again = ExposureLedger(store.open(LEDGER))
    again.record([("a", 1)])
    assert again.exposure(["a", "b", "c"]) == pytest.approx({"a": 2.0, "b": 0.5, "c": 0.0})
    assert again.totals()["a"] == (2.0, 2)
    assert again.totals()["b"] == (0.5, 1)


def _hammer(store, n: int, reverse: bool, start) -> None:
    ledger = ExposureLedger(store.open(LEDGER))
    start.wait()  # both processes write at the same time, not one after the other
    for _ in range(n):
        # The two writers list the products in opposite orders: on PostgreSQL, rows locked in
        # two orders would deadlock one of them.
        shown = [("shared", 1), ("shared-2", 3)]
        ledger.record(shown[::-1] if reverse else shown)


def test_ledger_two_processes_lose_no_counts(store):
    ExposureLedger(store.open(LEDGER))
    spawn = multiprocessing.get_context("spawn")  # fresh processes, their own connections
    start = spawn.Barrier(2)
    workers = [spawn.Process(target=_hammer, args=(store, 300, r, start)) for r in (False, True)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    totals = ExposureLedger(store.open(LEDGER)).totals()
    # 600 impressions each: "shared" first (1 / log2(2) = 1.0), "shared-2" third (1 / log2(4)).
    assert totals["shared"] == (600.0, 600)
    assert totals["shared-2"] == (pytest.approx(600 / math.log2(4)), 600)


POLICIES = [
    NoRerank(),
    MMRRerank(0.7),
    XQuADRerank(0.9),
    CalibratedRerank(0.9),
    ExposureRerank({}, 2.4, 0.9),
    ExposureRerank({"x": 1.0}, 2.4, 0.9, lead=0),
    PlackettLuceRerank(XQuADRerank(0.9), temperature=0.05),
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_policy_breaks_a_hard_filter(demo_products, data):
    chosen = data.draw(
        st.lists(st.integers(0, len(demo_products) - 1), min_size=1, max_size=60, unique=True)
    )
    chosen = [demo_products[i] for i in chosen]
    rng = np.random.default_rng(data.draw(st.integers(0, 10_000)))
    candidates = [
        Candidate(
            product=p,
            score=float(rng.uniform(0.2, 0.9)),
            vector=rng.standard_normal(8).astype(np.float32),
            band=data.draw(st.sampled_from(list(Band))),
        )
        for p in chosen
    ]
    brands = sorted({p.brand for p in chosen if p.brand})
    filters = SearchFilters(
        max_price=data.draw(st.none() | st.floats(5, 150)),
        exclude_brands=tuple(data.draw(st.lists(st.sampled_from(brands), max_size=2))),
        min_rating=data.draw(st.none() | st.floats(3, 4.8)),
        exclude_ids=frozenset(
            data.draw(st.lists(st.sampled_from([p.id for p in chosen]), max_size=5))
        ),
    )
    policy = data.draw(st.sampled_from(POLICIES))
    k = data.draw(st.integers(1, 20))
    ranked = rank_with(policy, candidates, filters, k, floor=data.draw(st.floats(0, 1)))
    allowed = [c for c in candidates if filters.admits(c.product)]
    assert len(ranked) == min(k, len(allowed))
    assert all(filters.admits(r.candidate.product) for r in ranked)
    assert len({r.candidate.product.id for r in ranked}) == len(ranked)
