"""Snapshots from the store of record (Chroma, embedded or a server), and keeping one in step.

The ingest that wrote the store builds the new snapshot itself. A machine that reads a Chroma
server others write to runs a `RemoteSync` instead: every `refresh_seconds` it compares the
collection's revision with its snapshot's and, when they differ and no ingest is under way,
builds a new version (one process per machine at a time, under the build lock) for every worker
there to switch to.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable

from retrieval.errors import SnapshotError
from retrieval.snapshot_writer import IVF_MIN_ROWS, SnapshotWriter
from retrieval.store import ChromaStore
from retrieval.versions import SnapshotFolder

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


def build_snapshot(
    store: ChromaStore,
    folder: SnapshotFolder,
    ivf_min_rows: int = IVF_MIN_ROWS,
    on_progress: Progress | None = None,
) -> str | None:
    """Writes and publishes a snapshot of everything the store holds; returns its version, or
    None when the store changed while it was read (the caller tries again later)."""
    revision = store.revision()
    with folder.lock("build"):
        build = folder.new_build()
        try:
            writer = SnapshotWriter(
                build, store.dim, store.model_id, store.recipe, revision, ivf_min_rows
            )
            for ids, records, texts, vectors in store.snapshot_pages():
                writer.add(ids, records, texts, vectors)
                if on_progress:
                    on_progress(len(ids))
            writer.finish()
            if store.revision() != revision or store.ingesting():
                log.info("the product store changed while its snapshot was built; not published")
                shutil.rmtree(build, ignore_errors=True)
                return None
            return folder.publish(build)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise


def snapshot_is_current(store: ChromaStore, folder: SnapshotFolder) -> bool:
    name = folder.current_name()
    if name is None:
        return False
    try:
        snapshot = folder.open_current()
    except SnapshotError:
        return False
    return snapshot is not None and snapshot.revision == store.revision()


def sync_snapshot(
    store: ChromaStore,
    folder: SnapshotFolder,
    ivf_min_rows: int = IVF_MIN_ROWS,
    on_progress: Progress | None = None,
) -> str | None:
    """Publishes a new snapshot when the current one is not of the store's revision."""
    if snapshot_is_current(store, folder):
        return folder.current_name()
    return build_snapshot(store, folder, ivf_min_rows, on_progress)


class RemoteSync:
    """Background rebuilds of this machine's snapshot when a shared Chroma server changes."""

    def __init__(
        self,
        store: ChromaStore,
        folder: SnapshotFolder,
        refresh_seconds: float,
        on_published: Callable[[], None],
        ivf_min_rows: int = IVF_MIN_ROWS,
    ) -> None:
        self.store = store
        self.folder = folder
        self.refresh_seconds = max(refresh_seconds, 0.5)
        self.on_published = on_published
        self.ivf_min_rows = ivf_min_rows
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="snapshot-sync", daemon=True)

    def start(self) -> RemoteSync:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> None:
        """One round: rebuild if the store moved on and nobody on this machine is at it."""
        if self.store.ingesting() or snapshot_is_current(self.store, self.folder):
            return
        with self.folder.lock("remote", wait=False) as held:
            if held and not snapshot_is_current(self.store, self.folder):
                build_snapshot(self.store, self.folder, self.ivf_min_rows)
        self.on_published()

    def _run(self) -> None:
        while not self._stop.wait(self.refresh_seconds):
            try:
                self.check()
            except Exception:  # a flaky server must not end the loop; searches go on meanwhile
                log.exception("could not refresh the search snapshot from the Chroma server")
