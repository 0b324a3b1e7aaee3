"""The same store and search against a Chroma server on loopback, chosen by configuration alone."""

from __future__ import annotations

from retrieval.config import RetrievalSettings
from retrieval.ingest import ingest
from retrieval.snapshot_build import build_snapshot
from retrieval.store import ChromaStore
from retrieval.text import RECIPE
from retrieval.types import SearchFilters
from retrieval.versions import SnapshotFolder
from tests.conftest import retriever_on


def test_http_client_by_configuration(chroma_server, tmp_path, embedder, demo_products):
    settings = RetrievalSettings(chroma_host="127.0.0.1", chroma_port=chroma_server)
    local_folder = tmp_path / "must-stay-unused"
    store = ChromaStore.open(settings, local_folder, embedder.model_id, embedder.dim, RECIPE)
    report = ingest(demo_products[:60], store, embedder)
    assert report.embedded == 60
    assert not local_folder.exists()

    reopened = ChromaStore.open(settings, local_folder, embedder.model_id, embedder.dim, RECIPE)
    assert reopened.count() == 60
    # A searching machine builds its own snapshot from the server (no local Chroma folder).
    folder = SnapshotFolder(tmp_path / "snapshots")
    assert build_snapshot(reopened, folder) is not None
    retriever = retriever_on(folder, embedder)
    hits = retriever.search("moisturizer", SearchFilters(max_price=20), k=5)
    assert hits and all(h.product.price is not None and h.product.price <= 20 for h in hits)
    assert retriever.search("moisturizer", k=3)[0].product.id in {p.id for p in demo_products[:60]}


def test_a_machine_follows_the_server_catalogue(chroma_server, tmp_path, embedder, demo_products):
    from retrieval.snapshot_build import RemoteSync

    settings = RetrievalSettings(chroma_host="127.0.0.1", chroma_port=chroma_server)
    store = ChromaStore.open(settings, tmp_path / "unused", embedder.model_id, embedder.dim, RECIPE)
    ingest(demo_products[:30], store, embedder)
    folder = SnapshotFolder(tmp_path / "machine-snapshots")
    switched = []
    sync = RemoteSync(store, folder, 1.0, lambda: switched.append(folder.current_name()))
    sync.check()  # no snapshot yet: built from the server
    retriever = retriever_on(folder, embedder)
    assert len(retriever.index) == 30

    store.set_ingesting(True)  # another machine is writing: its half catalogue is not built
    ingest(demo_products[30:40], store, embedder)
    store.set_ingesting(True)
    sync.check()
    assert len(retriever.index) == 30
    store.set_ingesting(False)
    sync.check()
    assert len(retriever.index) == 40 and switched[-1] == retriever.index.version
    versions = folder.versions()
    sync.check()  # nothing changed: nothing rebuilt
    assert folder.versions() == versions
