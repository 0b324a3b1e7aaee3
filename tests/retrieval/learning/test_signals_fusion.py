"""Signals and their fusion, with every expected number worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.errors import ConfigError
from retrieval.learning.fusion import Examples, LinearFusion, fit_fusion, hand_weights
from retrieval.learning.signals import (
    ProductTerms,
    SessionItems,
    Signal,
    SignalInputs,
    attribute_signal,
    brand_signal,
    demand_prior,
    folded,
    fuzzy_signal,
    signal_matrix,
    title_signal,
)
from retrieval.popularity import Band
from retrieval.types import Product

SERUM = Product(
    id="p1",
    title="Glow Vitamin C Serum",
    brand="Acme",
    attributes={"Skin Type": "Dry, Sensitive", "Scent": "Unscented", "Brand": "Acme"},
)
TONER = Product(id="p2", title="Rose Toner", brand="Bloom", attributes={"Item Form": "Liquid"})


class TwoItems:
    """A collaborative model that knows sim(p9, p1) = 0.6 and sim(p9, p2) = 0.2."""

    def scores(self, anchors, candidates):
        sims = {("p9", "p1"): 0.6, ("p9", "p2"): 0.2}
        return np.array([sum(sims.get((a, c), 0.0) for a in anchors) for c in candidates])


def test_word_signals():
    query = folded("The Glow Vitamin C Serum by ACME, for sensitive skin, unscented please")
    serum = ProductTerms.of(SERUM)
    assert title_signal(query, serum) == 1.0
    assert brand_signal(query, serum) == 1.0
    # "Sensitive" (a part of "Dry, Sensitive") and "Unscented" are named; Brand is not counted.
    assert attribute_signal(query, serum) == 1.0
    assert attribute_signal(folded("for sensitive skin"), serum) == 0.5
    toner = ProductTerms.of(TONER)
    assert title_signal(query, toner) == 0.0 and brand_signal(query, toner) == 0.0
    # Whole words only: "rose" inside "roses" is not the brand-free title "rose toner".
    assert title_signal(folded("roses toner"), toner) == 0.0
    assert fuzzy_signal(folded("rose toner"), toner) == 1.0  # partial_ratio 100 -> 1
    assert fuzzy_signal(folded("xyz"), toner) == 0.0  # below 60 -> 0


def test_demand_prior_is_log_scaled_to_the_largest_count():
    # log(1+0)=0, log(1+e-1)=1, log(1+e^2-1)=2 -> 0, 0.5, 1
    values = demand_prior([0.0, np.e - 1, np.e**2 - 1])
    assert values == pytest.approx([0.0, 0.5, 1.0])
    assert demand_prior([0.0, 0.0]).tolist() == [0.0, 0.0]


def test_signal_matrix_and_hand_set_fusion():
    vector = np.array([1.0, 0.0])
    vectors = np.array([[0.8, 0.6], [-0.6, 0.8]])  # cosines 0.8 and -0.6 (clipped to 0)
    inputs = SignalInputs(
        query="glow vitamin c serum",
        vector=vector,
        lexical=np.array([3.0, 1.5, 6.0]),  # the catalogue's best is row 2's 6.0
        demand=np.array([0.5, 1.0, 0.0]),
        session=SessionItems(liked=("p9",), mentioned=("p2",)),
        collaborative=TwoItems(),
        profile={Band.TAIL: 0.25},
    )
    features = signal_matrix(
        inputs, np.array([0, 1]), [SERUM, TONER], vectors, [Band.TAIL, Band.HEAD]
    )
    col = {s: i for i, s in enumerate(Signal.ALL)}
    serum, toner = features
    assert serum[col[Signal.DENSE]] == pytest.approx(0.8)
    assert toner[col[Signal.DENSE]] == 0.0
    assert serum[col[Signal.LEXICAL]] == pytest.approx(3.0 / 6.0)
    assert toner[col[Signal.LEXICAL]] == pytest.approx(1.5 / 6.0)
    assert serum[col[Signal.TITLE]] == 1.0 and toner[col[Signal.TITLE]] == 0.0
    assert serum[col[Signal.DEMAND]] == 0.5 and toner[col[Signal.DEMAND]] == 1.0
    # Anchors p9 (liked) and p2 (mentioned): sums 0.6 and 0.2, divided by the best (0.6).
    assert serum[col[Signal.COLLAB]] == pytest.approx(1.0)
    assert toner[col[Signal.COLLAB]] == pytest.approx(0.2 / 0.6)
    assert serum[col[Signal.MENTIONED]] == 0.0 and toner[col[Signal.MENTIONED]] == 1.0
    assert serum[col[Signal.PROFILE]] == 0.25 and toner[col[Signal.PROFILE]] == 0.0
    fusion = LinearFusion()
    # 0.5*0.8 + 0.3*0.5 + 0.15*1 + 0.2*fuzzy(1) + 0.05*brand(0) + 0.25*attr(0) + 0.1*0.5
    # + 0.3*1 = 0.4 + 0.15 + 0.15 + 0.2 + 0.05 + 0.3
    assert fusion.score(features)[0] == pytest.approx(1.25)


def test_hand_weights_follow_the_lexical_weight():
    assert hand_weights(0.0)[Signal.DENSE] == 1.0 and hand_weights(0.0)[Signal.LEXICAL] == 0.0
    assert hand_weights(0.5)[Signal.LEXICAL] == pytest.approx(0.3)
    with pytest.raises(ConfigError, match="unknown relevance signal"):
        LinearFusion({"magic": 1.0})


def test_fit_fusion_learns_the_signal_that_separates_and_keeps_the_scale():
    rng = np.random.default_rng(0)
    n = 400
    features = rng.random((n, len(Signal.ALL))) * 0.2
    labels = (rng.random(n) < 0.3).astype(float)
    lexical = Signal.ALL.index(Signal.LEXICAL)
    features[:, lexical] = labels * 0.8 + rng.random(n) * 0.2  # only lexical tells them apart
    examples = Examples(features, labels, np.ones(n), np.arange(n) // 10)
    learned = fit_fusion(examples)
    weights = learned.weights
    assert max(weights, key=lambda s: abs(weights[s])) == Signal.LEXICAL
    total = sum(abs(w) for w in LinearFusion().weights.values())
    assert sum(abs(w) for w in weights.values()) == pytest.approx(total)
    with pytest.raises(ConfigError, match="both wanted and unwanted"):
        fit_fusion(Examples(features, np.zeros(n), np.ones(n), np.zeros(n, dtype=np.int64)))


def test_ips_weights_are_inverse_propensities_clipped_at_ten():
    examples = Examples(
        np.zeros((3, len(Signal.ALL))), np.ones(3), np.array([1.0, 0.25, 0.01]), np.arange(3)
    )
    assert examples.ips_weights().tolist() == pytest.approx([1.0, 4.0, 10.0])
