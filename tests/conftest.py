"""Shared fixtures. Everything here is real: the embedding model, Chroma in a temp folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


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


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory, embedder, demo_products):
    """The demo catalogue ingested once into a real Chroma folder; tests must not write to it."""
    from retrieval.ingest import ingest
    from retrieval.search import ChromaRetriever

    path = tmp_path_factory.mktemp("demo-chroma")
    store = open_store(path, embedder)
    ingest(demo_products, store, embedder)
    return ChromaRetriever(store, embedder, refresh_seconds=0)
