"""Every expected value here was computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import numpy as np
import pytest

from eval import metrics as m

RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = {"b", "e", "z"}  # z is relevant but never recommended
POPULARITY = {"a": 10, "b": 0, "c": 5, "d": 1, "e": 4}


def test_recall():
    assert m.recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)
    assert m.recall_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 3)
    assert m.recall_at_k(RANKED, RELEVANT, 1) == 0.0
    assert m.recall_at_k(RANKED, set(), 5) == 0.0


def test_ndcg():
    # DCG@5 = 1/log2(3) + 1/log2(6) = 0.630930 + 0.386853 = 1.017783
    # IDCG@5 (3 relevant) = 1 + 1/log2(3) + 1/log2(4) = 2.130930
    assert m.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(1.017783 / 2.130930, abs=1e-6)
    # @2: DCG = 0.630930, IDCG = 1 + 0.630930
    assert m.ndcg_at_k(RANKED, RELEVANT, 2) == pytest.approx(0.630930 / 1.630930, abs=1e-6)
    assert m.ndcg_at_k(["b", "e", "z"], RELEVANT, 3) == pytest.approx(1.0)


def test_mrr_and_hit():
    assert m.mrr(RANKED, RELEVANT) == 0.5
    assert m.mrr(RANKED, RELEVANT, k=1) == 0.0
    assert m.hit_at_k(RANKED, RELEVANT, 1) == 0.0
    assert m.hit_at_k(RANKED, RELEVANT, 2) == 1.0


def test_popularity_metrics():
    tail = {"a", "c", "x"}
    assert m.tail_share(RANKED, tail, 5) == pytest.approx(2 / 5)
    assert m.tail_share(RANKED, tail, 2) == pytest.approx(1 / 2)
    assert m.average_popularity(RANKED, POPULARITY, 5) == pytest.approx(20 / 5)
    assert m.average_popularity(RANKED, POPULARITY, 2) == pytest.approx(5.0)
    # total = 20 counts + 5 items = 25; p(a) = 11/25, p(b) = 1/25
    # -log2(0.44) = 1.184425, -log2(0.04) = 4.643856, mean = 2.914141
    assert m.novelty(RANKED, POPULARITY, 2) == pytest.approx(2.914141, abs=1e-6)


def test_intra_list_diversity():
    # cosines: (1,0)-(0,1) = 0, (1,0)-(1,1) = (0,1)-(1,1) = 1/sqrt(2)
    # distances 1, 0.292893, 0.292893 -> mean 0.528595
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    assert m.intra_list_diversity(vectors) == pytest.approx(0.528595, abs=1e-6)
    assert m.intra_list_diversity(vectors[:1]) == 0.0


def test_coverage_and_gini():
    assert m.coverage([["a", "b"], ["b", "c"]], 10, 2) == pytest.approx(0.3)
    assert m.coverage([["a", "b"], ["b", "c"]], 10, 1) == pytest.approx(0.2)
    # sorted [0,0,0,4]: sum (2i-5) x = 3*4 = 12; / (4 * 4) = 0.75
    assert m.gini([4, 0, 0, 0]) == pytest.approx(0.75)
    assert m.gini([1, 1, 1, 1]) == 0.0
    # sorted [1,2,3]: (-2)(1) + 0(2) + 2(3) = 4; / (3 * 6) = 0.222222
    assert m.gini([3, 1, 2]) == pytest.approx(4 / 18)
    # exposure a2 b1 c1 d0 -> sorted [0,1,1,2]: -3*0 - 1*1 + 1*1 + 3*2 = 6; / (4 * 4) = 0.375
    assert m.exposure_gini([["a", "b"], ["a", "c"]], ["a", "b", "c", "d"], 2) == pytest.approx(
        0.375
    )
