"""`tailtalk search --json`, `ingest-interactions` and `learn` through the real CLI."""

from __future__ import annotations

import io
import json

import pytest

from retrieval.learning.fusion import hand_weights
from ui.cli import main

ROWS = [
    {"id": "k1", "title": "Cast Iron Skillet", "brand": "Forge", "price": 39.99},
    {"id": "k2", "title": "Carbon Steel Wok", "brand": "Forge", "price": 24.5},
    {"id": "k3", "title": "Copper Saucepan", "brand": "Ruby", "price": 55.0},
]


@pytest.fixture
def shop(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    catalog = tmp_path / "kitchen.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    assert main(["ingest", str(catalog)]) == 0
    capsys.readouterr()
    return tmp_path


def hits(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_search_json_shows_the_signals_behind_each_score(shop, capsys):
    assert main(["search", "forge carbon steel wok", "--json", "-k", "3"]) == 0
    first, *rest = hits(capsys.readouterr().out)
    assert first["id"] == "k2" and first["rank"] == 1 and first["model"] == "hand-set"
    signals = first["signals"]
    assert signals["title"] == 1.0 and signals["brand"] == 1.0
    weights = hand_weights(0.5)
    assert first["score"] == pytest.approx(sum(weights[s] * v for s, v in signals.items()), 1e-5)
    assert [h["rank"] for h in rest] == [2, 3]


def test_interactive_json_reads_one_query_per_line(shop, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("wok\n\nsaucepan\n"))
    assert main(["search", "--json", "-k", "1"]) == 0
    out = hits(capsys.readouterr().out)
    assert [(h["query"], h["id"]) for h in out] == [("wok", "k2"), ("saucepan", "k3")]


def test_ingest_interactions_then_learn(shop, capsys):
    bad = shop / "orders.csv"
    bad.write_text("user_id,item_id,event,timestamp\nu1,k1,purchase,1\nu2,k2,bought,2\n")
    assert main(["ingest-interactions", str(bad)]) == 2
    assert "orders.csv:3: field 'event': unknown event 'bought'" in capsys.readouterr().err
    # Too little: refused, and the shop keeps the hand-set relevance.
    few = shop / "few.csv"
    few.write_text("user_id,item_id,event\nu1,k1,purchase\nu1,k2,purchase\n")
    assert main(["ingest-interactions", str(few)]) == 0
    assert "imported 2 interactions (1 users, 2 products)" in capsys.readouterr().out
    assert main(["learn"]) == 1
    captured = capsys.readouterr()
    assert "NOT USED" in captured.out and "is NOT used" in captured.err
    # Enough: 30 shoppers who bought the skillet and the wok together.
    lines = ["user_id,item_id,event"] + [
        f"s{u},{item},purchase" for u in range(30) for item in ("k1", "k2")
    ]
    (shop / "many.csv").write_text("\n".join(lines) + "\n")
    assert main(["ingest-interactions", str(shop / "many.csv")]) == 0
    assert "imported 60 interactions (30 users, 2 products)" in capsys.readouterr().out
    assert main(["ingest-interactions", str(shop / "many.csv")]) == 0
    assert "imported before; nothing added" in capsys.readouterr().out
    assert main(["learn"]) == 0
    assert "model v0002 is now in use" in capsys.readouterr().out
    assert main(["search", "a pan", "--like", "k1", "--json", "-k", "3"]) == 0
    by_id = {h["id"]: h for h in hits(capsys.readouterr().out)}
    assert by_id["k2"]["model"] == "v0002"
    assert by_id["k2"]["signals"]["collab"] == 1.0  # bought with the skillet
    assert by_id["k3"]["signals"]["collab"] == 0.0  # nobody bought the saucepan: cold start
    assert by_id["k1"]["signals"]["mentioned"] == 1.0
    assert main(["learn", "--activate", "v0009"]) == 2
