"""`tailtalk chat`, `tailtalk export-sessions`, and `tailtalk serve` on a fresh data folder."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import serve_process
from ui.cli import main


def test_chat_in_the_terminal_then_export(tmp_path, monkeypatch, capsys, demo_index):
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    catalog = tmp_path / "shop.jsonl"
    from retrieval.demo import demo_products

    rows = [p.model_dump(mode="json") for p in demo_products()[:120]]  # skin and hair care
    catalog.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["ingest", str(catalog)]) == 0
    answers = iter(["a shampoo under $30", "tell me more about the first one", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["chat", "--session", "term-1"]) == 0
    out = capsys.readouterr().out
    assert "TailTalk (rules backend), session term-1" in out
    assert "shampoos (up to $30.00)" in out and "1. **" in out and "- **" in out
    out_file = tmp_path / "sessions.jsonl"
    assert main(["export-sessions", "--out", str(out_file)]) == 0
    assert "wrote 2 turns (0 with liked, carted or bought products)" in capsys.readouterr().out
    first, second = (json.loads(line) for line in out_file.read_text().splitlines())
    assert first["session_id"] == "term-1-0" and len(second["turns"]) == 3
    assert second["turns"][-1] == {"role": "user", "content": "tell me more about the first one"}


@pytest.mark.slow
def test_serve_indexes_the_demo_catalogue_on_a_fresh_data_folder(tmp_path):
    log = tmp_path / "serve.log"
    server, url = serve_process(tmp_path / "fresh", log)
    try:
        health = httpx.get(f"{url}/health", timeout=10)
        assert health.json() == {"status": "ok", "backend": "rules", "products": 600}
        assert "<html" in httpx.get(f"{url}/", timeout=10).text.casefold()
        printed = log.read_text()
        assert "indexing the demo catalogue first" in printed and "600 embedded" in printed
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_the_product_on_a_chroma_server_by_configuration_alone(chroma_server, tmp_path):
    chroma = {
        "TAILTALK_RETRIEVAL__CHROMA_HOST": "127.0.0.1",
        "TAILTALK_RETRIEVAL__CHROMA_PORT": str(chroma_server),
    }
    data = tmp_path / "data"
    server, url = serve_process(data, tmp_path / "serve.log", "--no-ui", extra_env=chroma)
    try:
        body = {"model": "tailtalk", "messages": [{"role": "user", "content": "a wok"}]}
        answer = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60).json()
        assert answer["tailtalk"]["recommendations"]
        assert not (data / "chroma").exists()  # nothing went to a local folder
    finally:
        server.terminate()
        server.wait(30)
