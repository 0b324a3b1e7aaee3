"""Interaction files: the two formats, malformed rows named by file:line, nothing stored on error,
and a file imported twice adds nothing."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retrieval.errors import RowError
from retrieval.learning.interactions import InteractionStore, read_interactions


def test_generic_csv_and_parquet(tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "user_id,item_id,event,timestamp\n"
        "u1,A,purchase,1700000000\n"
        "u1,B,click,1700000000000\n"  # milliseconds
        "u2,A,Like,2024-01-02T03:04:05+00:00\n"
        "u2,C,cart,\n"
    )
    rows = read_interactions(csv)
    assert [(r.user_id, r.item_id, r.event, r.weight) for r in rows] == [
        ("u1", "A", "purchase", 4.0),
        ("u1", "B", "click", 1.0),
        ("u2", "A", "like", 2.0),
        ("u2", "C", "cart", 3.0),
    ]
    assert rows[0].timestamp == rows[1].timestamp == 1_700_000_000
    assert rows[2].timestamp == 1704164645 and rows[3].timestamp == 0.0
    table = pa.table({"user_id": ["u1"], "item_id": ["A"], "event": ["view"], "timestamp": [5]})
    pq.write_table(table, tmp_path / "events.parquet")
    (row,) = read_interactions(tmp_path / "events.parquet")
    assert (row.event, row.weight, row.timestamp) == ("view", 0.5, 5.0)


def test_amazon_reviews_weigh_by_rating(tmp_path):
    path = tmp_path / "All_Beauty.jsonl"
    reviews = [
        {"user_id": "AG1", "parent_asin": "B01", "rating": 5.0, "timestamp": 1588687728923},
        {"user_id": "AG1", "parent_asin": "B02", "rating": 2.0, "timestamp": 1588687728923},
    ]
    path.write_text("\n".join(json.dumps(r) for r in reviews) + "\n")
    first, second = read_interactions(path)
    assert (first.item_id, first.event, first.weight) == ("B01", "review", 4.0)
    assert second.weight == pytest.approx(4.0 * 2 / 5)
    assert first.timestamp == pytest.approx(1588687728.923)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("user_id,item_id,event\nu1,A,buy\n", "orders.csv:2: field 'event': unknown event"),
        ("user_id,item_id,event\nu1,A,click\n,B,click\n", "orders.csv:3: field 'user_id'"),
        (
            "user_id,item_id,event,timestamp\nu1,A,click,yesterday\n",
            "orders.csv:2: field 'timestamp'",
        ),
        ("user,item_id,event\nu1,A,click\n", "orders.csv:1: field 'user_id': missing column"),
    ],
)
def test_malformed_csv_rows_name_file_and_line(tmp_path, text, where):
    path = tmp_path / "orders.csv"
    path.write_text(text)
    with pytest.raises(RowError) as caught:
        read_interactions(path)
    assert str(caught.value).startswith(where)


def test_malformed_review_lines(tmp_path):
    path = tmp_path / "reviews.jsonl"
    good = json.dumps({"user_id": "u", "parent_asin": "B1", "rating": 4, "timestamp": 1})
    path.write_text(good + "\n{not json\n")
    with pytest.raises(RowError, match=r"^reviews.jsonl:2: field 'line': not JSON"):
        read_interactions(path)
    path.write_text(good + "\n" + json.dumps({"user_id": "u", "parent_asin": "B1", "rating": "x"}))
    with pytest.raises(RowError, match=r"^reviews.jsonl:2: field 'rating'"):
        read_interactions(path)


def test_store_adds_a_file_once(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("user_id,item_id,event\nu1,A,click\nu2,A,cart\n")
    store = InteractionStore(tmp_path / "interactions.sqlite")
    assert store.add(path, read_interactions(path)) == 2
    assert store.add(path, read_interactions(path)) == 0
    assert store.count() == 2
    assert {(i.user_id, i.weight) for i in store.all()} == {("u1", 1.0), ("u2", 3.0)}
