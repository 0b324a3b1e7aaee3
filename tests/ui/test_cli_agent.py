"""`tailtalk chat`, `tailtalk export-sessions`, and `tailtalk serve` on a fresh data folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from agent.log import SessionLog
from tests.conftest import ROOT, serve_process
from tests.fakes import FakeOpenAIServer, Scripted
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
    assert "shampoos (up to $30.00)" in out and "**" not in out  # markdown is rendered
    log = SessionLog(tmp_path / "data" / "sessions.sqlite")
    listed = [i.product_id for i in log.turns("term-1")[0].impressions]
    assert listed and all(pid in out for pid in listed)  # the table names every product
    table = out[out.index("shampoos (up to $30.00)") :]
    assert [table.index(pid) for pid in listed] == sorted(table.index(pid) for pid in listed)
    titles = {p.id: p.title for p in demo_products()}
    assert f"╭─ {titles[listed[0]]}" in out  # "the first one" as a panel with its whole title
    out_file = tmp_path / "sessions.jsonl"
    assert main(["export-sessions", "--out", str(out_file)]) == 0
    assert "wrote 2 turns (0 with liked, carted or bought products)" in capsys.readouterr().out
    first, second = (json.loads(line) for line in out_file.read_text().splitlines())
    assert first["session_id"] == "term-1-0" and len(second["turns"]) == 3
    assert second["turns"][-1] == {"role": "user", "content": "tell me more about the first one"}


def test_ctrl_d_and_ctrl_c_at_the_prompt_leave_without_a_traceback(
    tmp_path, monkeypatch, capsys, demo_index
):
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(tmp_path / "data"))
    for key in (EOFError, KeyboardInterrupt):

        def pressed(prompt, key=key):
            raise key()

        monkeypatch.setattr("builtins.input", pressed)
        assert main(["chat"]) == 0
        assert capsys.readouterr().out.rstrip().endswith("Bye.")


class Output:
    """Everything a process writes to a pipe, read as it comes (a prompt ends without a newline)."""

    def __init__(self, stream) -> None:
        self.text = ""
        self._stream = stream
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while piece := self._stream.read(1):
            self.text += piece

    def wait_for(self, needle: str, count: int = 1, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.text.count(needle) < count:
            assert time.monotonic() < deadline, f"no {needle!r} in:\n{self.text[-2000:]}"
            time.sleep(0.05)


@pytest.mark.slow
def test_ctrl_c_stops_a_slow_answer_then_leaves_cleanly(tmp_path, monkeypatch, demo_index):
    """A real `tailtalk chat` process waiting on a slow LLM server gets SIGINT twice."""
    data = tmp_path / "data"
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(data))
    catalog = tmp_path / "shop.jsonl"
    from retrieval.demo import demo_products

    rows = [p.model_dump(mode="json") for p in demo_products()[:60]]
    catalog.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["ingest", str(catalog)]) == 0
    with FakeOpenAIServer([Scripted(content="Here you go.", delay=30)]) as llm:
        env = {
            **os.environ,
            "TAILTALK_DATA_DIR": str(data),
            "TAILTALK_LLM__BASE_URL": llm.base_url,
            "TAILTALK_LLM__MODEL": llm.model,
            "TAILTALK_LLM__TIMEOUT": "60",
            # A loaded machine can spend most of the default 20 s deadline before the request
            # leaves (loading the encoder); the fallback must not beat Ctrl-C to it.
            "TAILTALK_LLM__TURN_DEADLINE": "120",
        }
        chat = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "chat"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = Output(chat.stdout), Output(chat.stderr)
        try:
            out.wait_for("you> ")
            chat.stdin.write("a cleanser\n")
            chat.stdin.flush()
            deadline = time.monotonic() + 60
            while not llm.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert llm.requests, "the question never reached the LLM server"
            chat.send_signal(signal.SIGINT)  # while the server keeps it waiting
            out.wait_for("(stopped)")
            out.wait_for("you> ", count=2)
            chat.send_signal(signal.SIGINT)  # at the prompt
            assert chat.wait(30) == 0
        finally:
            if chat.poll() is None:
                chat.kill()
        out.wait_for("Bye.", timeout=5)
        assert "Traceback" not in err.text and "KeyboardInterrupt" not in err.text, err.text


@pytest.mark.slow
def test_serve_indexes_the_demo_catalogue_on_a_fresh_data_folder(tmp_path):
    log = tmp_path / "serve.log"
    server, url = serve_process(tmp_path / "fresh", log)
    try:
        health = httpx.get(f"{url}/health", timeout=10)
        assert health.json() == {"status": "ok", "backend": "rules", "products": 600, "llm": None}
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
