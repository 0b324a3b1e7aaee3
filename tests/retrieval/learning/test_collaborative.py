"""Item-kNN on a tiny interaction set, neighbours and similarities computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrieval.learning.collaborative import ItemKNN, WeightedEvent

# Users x items (weights): u1 bought A and B, u2 A, B and C, u3 C and D.
EVENTS = [
    WeightedEvent("u1", "A"),
    WeightedEvent("u1", "B"),
    WeightedEvent("u2", "A"),
    WeightedEvent("u2", "B"),
    WeightedEvent("u2", "C"),
    WeightedEvent("u3", "C"),
    WeightedEvent("u3", "D"),
]


def test_cosine_neighbours_by_hand(tmp_path):
    model = ItemKNN.fit(EVENTS)
    # Columns: A = (1,1,0), B = (1,1,0), C = (0,1,1), D = (0,0,1).
    # cos(A,B) = 2/2 = 1; cos(A,C) = 1/2; cos(C,D) = 1/sqrt(2); cos(A,D) = 0.
    assert model.scores(["A"], ["B", "C", "D", "A"]) == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert model.neighbours(["A"], 5) == [("B", pytest.approx(1.0)), ("C", pytest.approx(0.5))]
    # Two anchors add up: C scores cos(A,C) + cos(D,C) = 0.5 + 0.7071.
    (best, score), *_ = model.neighbours(["A", "D"], 1)
    assert best == "C" and score == pytest.approx(0.5 + 1 / math.sqrt(2))
    # A product nobody touched (cold start) scores 0 and has no neighbours.
    assert model.scores(["A"], ["NEW"]).tolist() == [0.0]
    assert model.neighbours(["NEW"], 3) == []
    model.save(tmp_path / "m")
    again = ItemKNN.load(tmp_path / "m")
    assert again.scores(["C"], ["D"]) == pytest.approx([1 / math.sqrt(2)])
    assert (again.n_users, again.n_events, len(again)) == (3, 7, 4)


def test_repeated_events_add_up_and_zero_weights_are_ignored():
    events = [
        WeightedEvent("u1", "A", 2.0),
        WeightedEvent("u1", "A", 2.0),  # (u1, A) = 4
        WeightedEvent("u1", "B", 3.0),
        WeightedEvent("u2", "B", 4.0),
        WeightedEvent("u2", "A", 0.0),  # a dislike: not interest
    ]
    model = ItemKNN.fit(events)
    # A = (4, 0), B = (3, 4): cos = 12 / (4 * 5) = 0.6
    assert model.scores(["A"], ["B"]) == pytest.approx(np.array([0.6]))
