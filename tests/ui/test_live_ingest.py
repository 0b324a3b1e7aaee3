"""Ingest into a running shop, through real processes: `tailtalk serve` in one, `tailtalk ingest`
in another, a burst of chat turns and health checks all the while.

Searches answer from the old snapshot until the new one is published, then from the new one: no
request fails, the catalogue size a request sees is the old one or the new one (never between),
and the new products are found within the documented delay (TAILTALK_RETRIEVAL__REFRESH_SECONDS).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time

import httpx
import pytest

from tests.conftest import cli, serve_process

REFRESH_S = 1.0
CAPTURE = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
DEMO_SIZE = 600


def new_catalogue(path, n=40):
    rows = [
        {
            "id": f"zorb-{i:03d}",
            "title": f"Zorblax Cedar Shampoo No. {i}",
            "brand": "Zorblax",
            "category_path": ["Beauty", "Hair Care"],
            "price": 9.0 + i,
            "attributes": {"Type": "Shampoo", "Hair Type": "Dry"},
            "description": "A cedar and sage shampoo for dry hair.",
        }
        for i in range(n)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return {r["id"] for r in rows}


class Burst:
    """Chat turns and /health calls in a loop until stopped; keeps every status and size."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: list[int] = []
        self.sizes: set[int] = set()
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Burst:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(60)

    def _run(self) -> None:
        body = {"model": "tailtalk", "messages": [{"role": "user", "content": "a shampoo"}]}
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while not self._stop.is_set():
                for response in (
                    client.post("/v1/chat/completions", json=body),
                    client.get("/health"),
                ):
                    self.statuses.append(response.status_code)
                    if response.status_code != 200:
                        self.failures.append(response.text[:300])
                    elif response.url.path == "/health":
                        self.sizes.add(response.json()["products"])


def wait_for_size(url: str, size: int, within_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if httpx.get(f"{url}/health", timeout=10).json()["products"] == size:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"the server did not reach {size} products within {within_s} s")


def listed_ids(url: str, text: str) -> list[str]:
    body = {"model": "tailtalk", "messages": [{"role": "user", "content": text}]}
    reply = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return [r["id"] for r in reply.json()["tailtalk"]["recommendations"]]


@pytest.mark.slow
def test_ingest_and_replace_into_a_serving_process(tmp_path):
    data = tmp_path / "data"
    env = {"TAILTALK_RETRIEVAL__REFRESH_SECONDS": str(REFRESH_S)}
    server, url = serve_process(data, tmp_path / "serve.log", "--no-ui", extra_env=env)
    catalogue = tmp_path / "zorblax.jsonl"
    new_ids = new_catalogue(catalogue)
    try:
        assert httpx.get(f"{url}/health", timeout=10).json()["products"] == DEMO_SIZE
        assert not set(listed_ids(url, "a Zorblax shampoo")) & new_ids

        with Burst(url) as burst:
            ingest = cli(data, "ingest", str(catalogue), extra_env=env, **CAPTURE)
            out, _ = ingest.communicate(timeout=600)
            assert ingest.returncode == 0, out
            delay = wait_for_size(url, DEMO_SIZE + len(new_ids), REFRESH_S + 5)
            time.sleep(0.5)  # a few more turns on the new snapshot
        assert burst.statuses and not burst.failures, burst.failures[:3]
        assert burst.sizes <= {DEMO_SIZE, DEMO_SIZE + len(new_ids)}
        assert delay <= REFRESH_S + 5
        found = listed_ids(url, "a Zorblax shampoo")
        assert found and set(found) <= new_ids

        # A clean switch: the demo products leave only once the new catalogue is published.
        with Burst(url) as burst:
            replace = cli(data, "ingest", str(catalogue), "--replace", extra_env=env, **CAPTURE)
            out, _ = replace.communicate(timeout=600)
            assert replace.returncode == 0, out
            wait_for_size(url, len(new_ids), REFRESH_S + 5)
        assert not burst.failures, burst.failures[:3]
        assert burst.sizes <= {DEMO_SIZE + len(new_ids), len(new_ids)}
        after = listed_ids(url, "a shampoo for dry hair")
        assert after and set(after) <= new_ids
    finally:
        server.terminate()
        server.wait(30)
