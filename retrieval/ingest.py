"""Ingest: validated products -> embedded text -> Chroma, doing only the work that changed.

Each stored product keeps a hash of its record and of its embedded text. Unchanged products are
skipped, products whose text is unchanged get their record updated without embedding, and only new
or re-worded products are embedded. Batches are written as they are embedded, so an interrupted
ingest resumes where it stopped. Existing products are never deleted unless `replace` is asked
for, and then only after every batch has been written.

Searches never read the store while it is written: `update_index` holds the data folder's ingest
lock, writes the store, then publishes a new snapshot version (snapshot_build.py) that every
searcher switches to at once. Until then they answer from the previous version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from retrieval.embedder import Embedder
from retrieval.snapshot_build import sync_snapshot
from retrieval.snapshot_writer import IVF_MIN_ROWS
from retrieval.store import ChromaStore
from retrieval.text import product_text, record_hash, text_hash
from retrieval.types import Product
from retrieval.versions import SnapshotFolder

Progress = Callable[[int], None]


@dataclass(frozen=True)
class IngestReport:
    total: int
    embedded: int
    updated: int
    unchanged: int
    pruned: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.total} products: {self.embedded} embedded, {self.updated} updated without "
            f"re-embedding, {self.unchanged} unchanged, {self.pruned} removed "
            f"({self.seconds:.1f} s)"
        )


def ingest(
    products: Sequence[Product],
    store: ChromaStore,
    embedder: Embedder,
    batch_size: int = 512,
    replace: bool = False,
    on_progress: Progress | None = None,
    extra_text: Mapping[str, str] | None = None,
) -> IngestReport:
    """Writes `products` into the store. `replace`: afterwards remove every stored product that
    `products` does not have. `extra_text` (product id -> text) is indexed after a product's own
    text: generated copy, when the shop indexes it. A product whose extra text changed is
    re-embedded."""
    started = time.perf_counter()
    extra_text = extra_text or {}
    stored = store.hashes()
    to_embed: list[tuple[Product, str, str, str]] = []
    to_update: list[tuple[Product, str, str]] = []
    unchanged = 0
    for product in products:
        text = product_text(product, extra_text.get(product.id, ""))
        r_hash, t_hash = record_hash(product), text_hash(text)
        have = stored.get(product.id)
        if have == (r_hash, t_hash):
            unchanged += 1
        elif have is not None and have[1] == t_hash:
            to_update.append((product, r_hash, t_hash))
        else:
            to_embed.append((product, text, r_hash, t_hash))
    if on_progress and unchanged:
        on_progress(unchanged)

    keep = {p.id for p in products}
    gone = [pid for pid in stored if pid not in keep] if replace else []
    changes = bool(to_embed or to_update or gone)
    if changes:
        # Until the revision moves on, what the store holds is not a catalogue anyone should
        # build a snapshot of (a server machine reading a shared Chroma checks this).
        store.set_ingesting(True)
    # Similar lengths in one batch waste less of the encoder on padding.
    to_embed.sort(key=lambda item: len(item[1]))
    _embed_and_write(to_embed, store, embedder, batch_size, on_progress)
    for start in range(0, len(to_update), batch_size):
        chunk = to_update[start : start + batch_size]
        store.update_records([c[0] for c in chunk], [c[1] for c in chunk], [c[2] for c in chunk])
        if on_progress:
            on_progress(len(chunk))

    if gone:
        store.delete(gone)
    if changes:
        store.bump_revision()
        store.set_ingesting(False)
    return IngestReport(
        total=len(products),
        embedded=len(to_embed),
        updated=len(to_update),
        unchanged=unchanged,
        pruned=len(gone),
        seconds=time.perf_counter() - started,
    )


def _embed_and_write(
    items: list[tuple[Product, str, str, str]],
    store: ChromaStore,
    embedder: Embedder,
    batch_size: int,
    on_progress: Progress | None,
) -> None:
    # Writing batch i to Chroma overlaps with embedding batch i+1; at most one write is pending.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-writer") as writer:
        pending: Future[None] | None = None
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            texts = [c[1] for c in chunk]
            vectors = embedder.embed(texts)
            if pending is not None:
                pending.result()
            pending = writer.submit(
                store.upsert,
                [c[0] for c in chunk],
                vectors,
                texts,
                [c[2] for c in chunk],
                [c[3] for c in chunk],
            )
            if on_progress:
                on_progress(len(chunk))
        if pending is not None:
            pending.result()


def update_index(
    products: Sequence[Product],
    store: ChromaStore,
    embedder: Embedder,
    folder: SnapshotFolder,
    batch_size: int = 512,
    replace: bool = False,
    on_progress: Progress | None = None,
    extra_text: Mapping[str, str] | None = None,
    ivf_min_rows: int = IVF_MIN_ROWS,
) -> tuple[IngestReport, str | None]:
    """Ingest, then publish the snapshot searches switch to; returns the report and the snapshot
    version now current. One ingest per data folder at a time (IngestBusyError otherwise)."""
    with folder.ingest_lock():
        report = ingest(products, store, embedder, batch_size, replace, on_progress, extra_text)
        version = sync_snapshot(store, folder, ivf_min_rows)
    return report, version
