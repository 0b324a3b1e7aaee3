"""The same store and search against a Chroma server on loopback, chosen by configuration alone."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.config import RetrievalSettings
from retrieval.ingest import ingest
from retrieval.search import ChromaRetriever
from retrieval.store import ChromaStore
from retrieval.text import RECIPE
from retrieval.types import SearchFilters


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [
            chroma,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("chroma run did not start listening within 30 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_http_client_by_configuration(chroma_server, tmp_path, embedder, demo_products):
    settings = RetrievalSettings(chroma_host="127.0.0.1", chroma_port=chroma_server)
    local_folder = tmp_path / "must-stay-unused"
    store = ChromaStore.open(settings, local_folder, embedder.model_id, embedder.dim, RECIPE)
    report = ingest(demo_products[:60], store, embedder)
    assert report.embedded == 60
    assert not local_folder.exists()

    reopened = ChromaStore.open(settings, local_folder, embedder.model_id, embedder.dim, RECIPE)
    assert reopened.count() == 60
    retriever = ChromaRetriever(reopened, embedder)
    hits = retriever.search("moisturizer", SearchFilters(max_price=20), k=5)
    assert hits and all(h.product.price is not None and h.product.price <= 20 for h in hits)
    assert retriever.search("moisturizer", k=3)[0].product.id in {p.id for p in demo_products[:60]}
