"""The one place that wires the retrieval side from settings: embedder, product store, snapshot
retriever, popularity bands, re-ranker and exposure ledger (in SQLite, or in the PostgreSQL store
that TAILTALK_STORE__URL names: `open_ledger`).

Searching processes open only the snapshot folder (and, with a Chroma server, the server): never
the embedded Chroma folder, which the ingest process owns while it writes. `check_index` tells a
fresh data folder (the demo goes in) from one whose index vanished (a clear error), and rebuilds a
missing snapshot from the store when the store holds a finished catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from retrieval.config import EmbedderSettings, RerankSettings, RetrievalSettings, StoreSettings
from retrieval.database import open_database
from retrieval.embedder import Embedder
from retrieval.errors import IndexMissingError
from retrieval.learning.fusion import LinearFusion, hand_weights
from retrieval.learning.registry import ModelRegistry
from retrieval.learning.relevance import FusedRelevance
from retrieval.pipeline import BandRule, TailSearch
from retrieval.rerank import exposure
from retrieval.rerank.exposure import ExposureLedger
from retrieval.search import LiveSnapshot, Retriever, SnapshotRetriever
from retrieval.store import ChromaStore
from retrieval.types import Product
from retrieval.versions import SnapshotFolder

if TYPE_CHECKING:
    from retrieval.ingest import IngestReport

log = logging.getLogger(__name__)


class SearchConfig(Protocol):
    """The settings the retrieval side reads (agent.settings.Settings is one)."""

    @property
    def data_dir(self) -> Path: ...
    @property
    def embedder(self) -> EmbedderSettings: ...
    @property
    def retrieval(self) -> RetrievalSettings: ...
    @property
    def rerank(self) -> RerankSettings: ...
    @property
    def store(self) -> StoreSettings: ...
    @property
    def chroma_path(self) -> Path: ...
    @property
    def ledger_path(self) -> Path: ...


class IndexState(StrEnum):
    READY = "ready"  # a snapshot is published and opens
    FRESH = "fresh"  # nothing was ever stored here: the caller may index the demo catalogue
    REBUILT = "rebuilt"  # the snapshot was missing and was rebuilt from the store


def open_embedder(settings: EmbedderSettings, cache: Path = Path("data") / "models") -> Embedder:
    """The configured encoder; `cache` holds exported ONNX models (`<data_dir>/models`)."""
    if settings.backend == "onnx-int8":
        from retrieval.onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(settings, cache)
    from retrieval.embedder import HFEmbedder

    return HFEmbedder(settings)


def config_embedder(config: SearchConfig) -> Embedder:
    return open_embedder(config.embedder, config.data_dir / "models")


def snapshot_folder(config: SearchConfig) -> SnapshotFolder:
    return SnapshotFolder(config.retrieval.snapshot_path or config.data_dir / "snapshots")


def open_store(config: SearchConfig, embedder: Embedder) -> ChromaStore:
    """The store of record: the embedded Chroma folder, or the Chroma server when configured."""
    from retrieval.text import RECIPE

    return ChromaStore.open(
        config.retrieval, config.chroma_path, embedder.model_id, embedder.dim, RECIPE
    )


def open_retriever(config: SearchConfig, embedder: Embedder | None = None) -> SnapshotRetriever:
    """Hybrid search over the current snapshot, switching to each newly published one. With a
    Chroma server, a background thread also rebuilds this machine's snapshot when the server's
    catalogue changes (snapshot_build.RemoteSync)."""
    embedder = embedder or config_embedder(config)
    settings = config.retrieval
    folder = snapshot_folder(config)
    retriever = retriever_for(folder, embedder, settings)
    if settings.chroma_host:
        from retrieval.snapshot_build import RemoteSync

        RemoteSync(
            open_store(config, embedder),
            folder,
            settings.refresh_seconds,
            retriever.reload,
            settings.ivf_min_rows,
        ).start()
    return retriever


def retriever_for(
    folder: SnapshotFolder,
    embedder: Embedder,
    settings: RetrievalSettings | None = None,
) -> SnapshotRetriever:
    """A retriever on one snapshot folder (no background sync), e.g. for evaluation."""
    settings = settings or RetrievalSettings()
    live = LiveSnapshot(folder, settings.refresh_seconds, settings.probe_lists)
    return SnapshotRetriever(live, embedder, settings.lexical_weight)


def local_index(
    path: Path,
    embedder: Embedder,
    products: Sequence[Product],
    settings: RetrievalSettings | None = None,
    extra_text: Mapping[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[SnapshotFolder, IngestReport]:
    """`products` ingested into the Chroma folder `path` (re-used when up to date), with its
    snapshots beside it in `<path>-snapshots`: for benchmarks and offline evaluation."""
    from retrieval.ingest import update_index
    from retrieval.text import RECIPE

    settings = (settings or RetrievalSettings()).model_copy(update={"chroma_host": None})
    store = ChromaStore.open(settings, path, embedder.model_id, embedder.dim, RECIPE)
    folder = SnapshotFolder(path.with_name(f"{path.name}-snapshots"))
    report, _ = update_index(
        products,
        store,
        embedder,
        folder,
        settings.upsert_batch,
        on_progress=on_progress,
        extra_text=extra_text,
        ivf_min_rows=settings.ivf_min_rows,
    )
    return folder, report


def open_ledger(config: SearchConfig) -> ExposureLedger:
    """The exposure ledger: <data_dir>/exposure.sqlite (or TAILTALK_RERANK__LEDGER_PATH), or
    schema tailtalk_exposure of the PostgreSQL store when TAILTALK_STORE__URL is set."""
    return ExposureLedger(open_database(config.store, config.ledger_path, exposure.SCHEMA))


def open_search(
    config: SearchConfig,
    logged: Mapping[str, float] | None = None,
    retriever: Retriever | None = None,
    rerank: RerankSettings | None = None,
    ledger: ExposureLedger | None = None,
    relevance: FusedRelevance | None = None,
) -> TailSearch:
    """Tail-aware search as configured: retriever, popularity bands from the catalogue and the
    `logged` interactions, the re-ranking policy and its exposure ledger, the fused relevance
    (by default the hand-set fusion, replaced by the learned model `tailtalk learn`
    publishes)."""
    retriever = retriever or open_retriever(config)
    rerank = rerank or config.rerank
    bands = BandRule(rerank.head_share, rerank.torso_share, dict(logged or {}))
    ledger = ledger or open_ledger(config)
    # Relevance fuses the signals with the hand-set weights until `tailtalk learn` publishes a
    # model under <data_dir>/models; a running search picks a new version up by itself.
    relevance = relevance or FusedRelevance(
        LinearFusion(hand_weights(config.retrieval.lexical_weight)),
        ModelRegistry(config.data_dir / "models", config.retrieval.refresh_seconds),
    )
    return TailSearch.configured(retriever, rerank, ledger, bands, relevance)


def is_fresh(config: SearchConfig, count_store: bool = True) -> bool:
    """Nothing of an index was ever written here (a new data folder), as opposed to an index
    that vanished from a data folder in use (its session log or ledger remain). Without
    `count_store`, an empty Chroma folder does not count as use."""
    used = [snapshot_folder(config).root, config.data_dir / "sessions.sqlite", config.ledger_path]
    if count_store and not config.retrieval.chroma_host:
        used.append(config.chroma_path)
    return not any(_has_content(path) for path in used)


def _has_content(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists()


def check_index(config: SearchConfig, embedder: Embedder | None = None) -> IndexState:
    """Whether a server may start on this data folder, rebuilding a missing snapshot from the
    store of record. Raises IndexMissingError (saying what to run) when there is no catalogue to
    serve, SnapshotError when the published snapshot is damaged."""
    folder = snapshot_folder(config)
    if folder.current_name() is not None:
        folder.open_current()  # raises SnapshotError, with what to run, when it is damaged
        return IndexState.READY
    where = config.retrieval.chroma_host or config.chroma_path
    if is_fresh(config) and not config.retrieval.chroma_host:
        return IndexState.FRESH
    store = open_store(config, embedder or config_embedder(config))
    if store.count() == 0:
        if is_fresh(config, count_store=False):
            return IndexState.FRESH
        raise IndexMissingError(
            f"the product index is gone: {where} holds no products, but {config.data_dir} was "
            "used before. Run `tailtalk ingest PATH` for your catalogue (or `tailtalk demo` for "
            "the demo one), then start the server again"
        )
    if store.ingesting():
        raise IndexMissingError(
            f"an ingest into {where} did not finish, so there is no complete catalogue to serve; "
            "run the same `tailtalk ingest PATH` again (it resumes where it stopped)"
        )
    from retrieval.snapshot_build import build_snapshot

    log.info("no search snapshot under %s: building it from %s", folder.root, where)
    print(f"building the search snapshot from {where} ({store.count()} products)", flush=True)
    build_snapshot(store, folder, config.retrieval.ivf_min_rows)
    return IndexState.REBUILT
