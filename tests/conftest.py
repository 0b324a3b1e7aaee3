"""Shared fixtures. Everything here is real: the embedding model, Chroma in a temp folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is not here (it ships beside the repository, in ../shared/data)")
    return path


@pytest.fixture(scope="session")
def embedder():
    from retrieval.config import EmbedderSettings
    from retrieval.embedder import HFEmbedder

    return HFEmbedder(EmbedderSettings())


class CountingEmbedder:
    """The real embedder, counting how many texts it was asked to embed."""

    def __init__(self, inner, fail_after: int | None = None) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.texts = 0
        self.fail_after = fail_after

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and self.texts + len(texts) > self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.texts += len(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="session")
def demo_products():
    from retrieval.demo import demo_products as make

    return make()


def open_store(path: Path, embedder, model_id: str | None = None, recipe: str | None = None):
    from retrieval.config import RetrievalSettings
    from retrieval.store import ChromaStore
    from retrieval.text import RECIPE

    return ChromaStore.open(
        RetrievalSettings(),
        path,
        model_id or embedder.model_id,
        embedder.dim,
        recipe or RECIPE,
    )


def index_products(path: Path, embedder, products, **ingest_args):
    """`products` ingested into a real Chroma folder under `path` with a published snapshot;
    returns (store, snapshot folder)."""
    from retrieval.ingest import update_index
    from retrieval.versions import SnapshotFolder

    store = open_store(path / "chroma", embedder)
    folder = SnapshotFolder(path / "snapshots")
    update_index(products, store, embedder, folder, **ingest_args)
    return store, folder


def retriever_on(folder, embedder, lexical_weight: float = 0.5, refresh_seconds: float = 0.0):
    from retrieval.config import RetrievalSettings
    from retrieval.factory import retriever_for

    settings = RetrievalSettings(lexical_weight=lexical_weight, refresh_seconds=refresh_seconds)
    return retriever_for(folder, embedder, settings)


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory, embedder, demo_products):
    """The demo catalogue ingested once (Chroma + snapshot); tests must not write to it."""
    _, folder = index_products(tmp_path_factory.mktemp("demo-index"), embedder, demo_products)
    return folder


@pytest.fixture(scope="session")
def demo_index(demo_folder, embedder):
    """A hybrid retriever on the demo catalogue's snapshot."""
    return retriever_on(demo_folder, embedder)


# An agent on the real demo index, with a fresh exposure ledger and session log per test. The
# model is the rules backend unless a test passes a fake (tests/fakes.py).
@pytest.fixture
def make_agent(demo_index, tmp_path):
    from agent import build_agent
    from agent.settings import AgentSettings, LLMSettings, Settings
    from agent.shop import Shop
    from retrieval.config import RerankSettings
    from retrieval.pipeline import TailSearch
    from retrieval.rerank import ExposureLedger

    def make(
        model=None,
        llm: LLMSettings | None = None,
        rerank: RerankSettings | None = None,
        **agent_settings,
    ):
        settings = Settings(
            data_dir=tmp_path,
            agent=AgentSettings(**agent_settings),
            llm=llm or LLMSettings(),
            rerank=rerank or RerankSettings(),
        )
        ledger = ExposureLedger(tmp_path / "exposure.sqlite")
        search = TailSearch.configured(demo_index, settings.rerank, ledger)
        return build_agent(settings, model=model, shop=Shop(search))

    return make


@pytest.fixture
def vocab(demo_products):
    from agent.reading.vocabulary import Vocabulary

    return Vocabulary.from_products(demo_products)


def assert_grounded(agent, reply) -> None:
    """Every card is a catalogue product meeting the shopper's hard constraints."""
    hard = reply.preferences.model_copy(update={"product_types": ()}).filters()
    for card in reply.recommendations:
        product = agent.shop.get(card.id)
        assert product is not None, f"{card.id} is not in the catalogue"
        assert hard.admits(product), f"{card.id} breaks {hard}"
        assert card.title == product.title and card.price == product.price


def free_port() -> int:
    """A loopback port nobody listens on (the probe closes it again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(data_dir: Path, *args: str, extra_env=None, **popen) -> subprocess.Popen:
    """`tailtalk ARGS` in its own process on `data_dir`, with the rules backend."""
    env = {**os.environ, "TAILTALK_DATA_DIR": str(data_dir), **(extra_env or {})}
    env.pop("TAILTALK_LLM__BASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=env, **popen)


def serve_process(
    data_dir: Path, log: Path, *args: str, extra_env=None
) -> tuple[subprocess.Popen, str]:
    """`tailtalk serve ARGS` in its own process, returned once /health answers."""
    port = free_port()
    server = cli(
        data_dir,
        "serve",
        "--port",
        str(port),
        *args,
        extra_env=extra_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise AssertionError("the server did not start")


@pytest.fixture
def chroma_server(tmp_path):
    """A Chroma server (`chroma run`) on loopback; yields its port."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    port = free_port()
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


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the test session (tests/postgres.py); the tests that
    need it skip, saying why, where none can start."""
    from tests.postgres import TempPostgres, unavailable

    reason = unavailable()
    if reason:
        pytest.skip(reason)
    with TempPostgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The SQL store of the session log and the exposure ledger, once per backend: SQLite files
    in the test's folder, or a fresh database on the test PostgreSQL server."""
    from tests.stores import StoreUnderTest

    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").create_database()
    store = StoreUnderTest(request.param, tmp_path, url)
    yield store
    store.close()
