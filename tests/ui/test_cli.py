from __future__ import annotations

import json

import pytest

from retrieval.types import Product, ProductHit
from ui.cli import format_price, format_table, main

ROWS = [
    {
        "id": "k1",
        "title": "Cast Iron Skillet 12 inch",
        "price": 39.99,
        "category_path": ["Kitchen"],
    },
    {"id": "k2", "title": "Carbon Steel Wok", "price": 24.5, "category_path": ["Kitchen"]},
    {"id": "k3", "title": "Copper Saucepan", "category_path": ["Kitchen"]},
    {"id": "k4", "title": "Oak Cutting Board", "price": "cheap"},
]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_ingest_skip_then_search_with_price_cap(tmp_path, data_dir, capsys):
    catalog = tmp_path / "kitchen.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")

    assert main(["ingest", str(catalog)]) == 2
    err = capsys.readouterr().err
    assert f"error: {catalog}:4: field 'price'" in err

    assert main(["ingest", str(catalog), "--on-error", "skip"]) == 0
    out = capsys.readouterr().out
    report = data_dir / "kitchen.rejected.jsonl"
    assert f"skipped 1 malformed rows; reasons in {report}" in out
    assert json.loads(report.read_text())["line"] == 4
    assert "index now holds 3 products" in out

    assert main(["search", "skillet for searing steak", "--max-price", "30", "-k", "5"]) == 0
    out = capsys.readouterr().out
    assert "k2" in out and "$24.50" in out
    assert "k1" not in out  # $39.99 is over the cap
    assert "k3" not in out  # unknown price cannot be shown to be under the cap


def test_interactive_search_reads_queries_until_empty_line(data_dir, tmp_path, monkeypatch, capsys):
    catalog = tmp_path / "kitchen.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in ROWS[:3]) + "\n")
    assert main(["ingest", str(catalog)]) == 0
    answers = iter(["wok", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["search"]) == 0
    out = capsys.readouterr().out
    assert "3 products indexed" in out
    assert "Carbon Steel Wok" in out


def test_bad_flags_and_settings_give_clear_errors(data_dir, monkeypatch, capsys):
    assert main(["search", "x", "--attr", "novalue"]) == 2
    assert "--attr takes KEY=VALUE, got 'novalue'" in capsys.readouterr().err
    monkeypatch.setenv("TAILTALK_RETRIEVAL__UPSERT_BATCH", "0")
    assert main(["search", "x"]) == 2
    assert "upsert_batch" in capsys.readouterr().err


def test_table_formatting():
    assert format_price(12.339) == "$12.34"
    assert format_price(None) == "-"
    assert format_price(1234.5, "EUR") == "€1,234.50"
    hit = ProductHit(
        product=Product(id="a", title="T" * 60, category_path=("Home", "Lighting"), rating_count=7),
        score=0.51234,
        rank=1,
    )
    lines = format_table([hit]).splitlines()
    assert lines[0].split() == ["id", "title", "price", "category", "ratings", "score"]
    assert lines[2].split() == ["a", "T" * 47 + "…", "-", "Lighting", "7", "0.512"]
    assert format_table([]) == "no products match"


def test_settings_nest_and_keep_state_under_the_data_dir(monkeypatch, tmp_path):
    from agent.settings import Settings

    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TAILTALK_RERANK__POLICY", "xquad")
    monkeypatch.setenv("TAILTALK_RERANK__LAM", "0.25")
    settings = Settings()
    assert settings.rerank.policy == "xquad" and settings.rerank.lam == 0.25
    assert settings.chroma_path == tmp_path / "chroma"
    assert settings.ledger_path == tmp_path / "exposure.sqlite"
    monkeypatch.setenv("TAILTALK_RETRIEVAL__CHROMA_PATH", str(tmp_path / "elsewhere"))
    assert Settings().chroma_path == tmp_path / "elsewhere"
    monkeypatch.setenv("TAILTALK_RERANK__POLICY", "loudest")
    with pytest.raises(ValueError, match="policy"):
        Settings()
