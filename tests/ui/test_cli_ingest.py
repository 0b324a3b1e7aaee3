"""`tailtalk ingest` on files as shops send them, and `tailtalk search --json`."""

from __future__ import annotations

import json

from ui.cli import main


def test_ingest_a_cp1252_csv_with_a_bad_link_then_search_as_json(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(data))
    catalog = tmp_path / "lamps.csv"
    catalog.write_bytes(
        (
            "id,title,price,url\n"
            "l1,Café <b>brass</b> desk lamp,45,javascript:alert(1)\n"
            "l2,Crème linen floor lamp,80,https://shop.example/l2\n"
        ).encode("cp1252")
    )
    assert main(["ingest", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "read 2 products" in out and "cp1252" in out
    report = data / "lamps.rejected.jsonl"
    assert f"left out 1 urls that are not http(s); listed in {report}" in out
    assert json.loads(report.read_text())["id"] == "l1"
    assert "search snapshot v" in out and "published" in out

    assert main(["search", "brass desk lamp", "-k", "2", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(hits) == 2 and hits[0]["id"] == "l1"
    assert hits[0]["title"] == "Café brass desk lamp"
    # The signals behind the fused relevance (retrieval/learning/signals.py), each in [0, 1].
    assert {"dense", "lexical", "title", "brand", "demand"} <= set(hits[0]["signals"])
    assert hits[0]["signals"]["lexical"] == 1.0  # the catalogue's best BM25 for the query

    assert main(["ingest", str(catalog), "--encoding", "utf-8"]) == 2
    assert "--encoding" in capsys.readouterr().err
