"""Two machines, one store: two `tailtalk serve` processes, each on its own data folder (its own
snapshot of the catalogue), both writing the session log and the exposure ledger into one real
PostgreSQL database (TAILTALK_STORE__URL). Every turn is logged once, in order, whichever
machine answered it; every impression is counted once; feedback given on one machine shows in
the profile the other serves; either machine exports all of it."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from agent.log import SessionLog
from agent.log.schema import SCHEMA as LOG
from retrieval.config import StoreSettings
from retrieval.database import open_database
from retrieval.rerank.exposure import SCHEMA as LEDGER
from retrieval.rerank.exposure import ExposureLedger
from tests.conftest import cli, serve_process

pytestmark = pytest.mark.slow
SESSIONS, TURNS = 6, 4  # six conversations of four turns, each hopping between the machines
ASKS = ["wireless earbuds", "something cheaper", "a yoga mat", "a desk lamp under $50"]


def test_two_servers_share_one_postgresql_store(postgres, tmp_path):
    machine_a, machine_b = tmp_path / "machine-a", tmp_path / "machine-b"
    made = cli(machine_a, "demo", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert made.wait(300) == 0
    shutil.copytree(machine_a, machine_b)  # the second machine gets its own copy of the index
    url = postgres.create_database()
    env = {"TAILTALK_STORE__URL": url}
    running = [
        serve_process(machine_a, tmp_path / "a.log", "--no-ui", extra_env=env),
        serve_process(machine_b, tmp_path / "b.log", "--no-ui", extra_env=env),
    ]
    urls = [address for _, address in running]

    def conversation(n: int) -> int:
        messages: list[dict[str, str]] = []
        shown = 0
        for turn, ask in enumerate(ASKS[:TURNS]):
            messages.append({"role": "user", "content": ask})
            response = httpx.post(
                f"{urls[(n + turn) % 2]}/v1/chat/completions",  # the machines take turns
                json={"model": "tailtalk", "messages": messages},
                headers={"X-Session-Id": f"talk-{n}", "X-Shopper-Id": f"shopper-{n}"},
                timeout=60,
            )
            assert response.status_code == 200, response.text
            body = response.json()
            messages.append(body["choices"][0]["message"])
            shown += len(body["tailtalk"]["recommendations"])
            first = body["tailtalk"]["recommendations"][:1]
        if first:  # feedback on the other machine than the one that showed the product
            liked = httpx.post(
                f"{urls[(n + TURNS) % 2]}/v1/feedback",
                json={"session_id": f"talk-{n}", "product_id": first[0]["id"], "kind": "like"},
                timeout=30,
            )
            assert liked.status_code == 200
            profile = httpx.get(f"{urls[(n + TURNS + 1) % 2]}/v1/profile/shopper-{n}", timeout=30)
            assert profile.json()["liked"] == [first[0]["id"]]
        return shown

    try:
        with ThreadPoolExecutor(SESSIONS) as pool:
            shown = sum(pool.map(conversation, range(SESSIONS)))
    finally:
        for server, _ in running:
            server.terminate()
            server.wait(30)

    store = StoreSettings(url=url)
    log = SessionLog(open_database(store, tmp_path / "unused.sqlite", LOG))
    for n in range(SESSIONS):
        turns = log.turns(f"talk-{n}")
        assert [t.user for t in turns] == ASKS[:TURNS]
        assert [t.position for t in turns] == list(range(TURNS))
    ledger = ExposureLedger(open_database(store, tmp_path / "unused.sqlite", LEDGER))
    assert shown > 0
    assert sum(n for _, n in ledger.totals().values()) == shown  # each impression counted once
    # Either machine exports every machine's turns for offline evaluation.
    exported = tmp_path / "sessions.jsonl"
    export = cli(machine_b, "export-sessions", "--out", str(exported), extra_env=env)
    assert export.wait(120) == 0
    assert len(exported.read_text().splitlines()) == SESSIONS * TURNS
    for machine in (machine_a, machine_b):  # nothing of the store went to a local file
        assert not (machine / "sessions.sqlite").exists()
        assert not (machine / "exposure.sqlite").exists()
    assert not (tmp_path / "unused.sqlite").exists()
