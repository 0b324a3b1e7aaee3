"""Versioned snapshot folders under the data folder, switched atomically.

    <data_dir>/snapshots/
        CURRENT                      the name of the version searches use, one line
        v<time>-<random>/            one finished snapshot each (snapshot.py)
        .building-<random>/          a build in progress (never read)
        build.lock, ingest.lock      advisory locks (flock)

Publishing is: write the version folder, flush every file, rename it into place, then replace
CURRENT through a flushed temporary file and `rename`, which is atomic on POSIX. A reader either
sees the old name or the new one, and both folders are complete. Old versions are removed only
once two newer ones exist; a process still mapping a removed version keeps its pages (Linux frees
them when the last mapping goes), and one that reads a name just removed reads CURRENT again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import IngestBusyError, SnapshotError
from retrieval.snapshot import MANIFEST, Snapshot

POINTER = "CURRENT"
BUILDING = ".building-"
_KEEP = 3  # versions kept: the current one and two before it
_STALE_BUILD_S = 24 * 3600


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SnapshotFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def exists(self) -> bool:
        return self.root.is_dir()

    def current_name(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.name.startswith("v") and p.is_dir())

    def open_current(self, probe_lists: int = 32) -> Snapshot | None:
        """The current snapshot, or None when none was ever published."""
        for _ in range(5):
            name = self.current_name()
            if name is None:
                return None
            try:
                return Snapshot(self.root / name, probe_lists)
            except FileNotFoundError:
                if self.current_name() != name:
                    continue  # replaced and removed while we opened it
                raise SnapshotError(
                    f"the search snapshot {self.root / name} named by {self.root / POINTER} is "
                    f"missing files; rebuild it with `tailtalk snapshot`"
                ) from None
        raise SnapshotError(f"{self.root / POINTER} keeps changing; try again")

    def new_build(self) -> Path:
        """An empty folder to write a snapshot into; `publish` gives it its version name."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"v{time.time_ns():020d}-{uuid.uuid4().hex[:6]}"
        path = self.root / f"{BUILDING}{name}"
        path.mkdir()
        return path

    def publish(self, build: Path) -> str:
        """Moves a finished build into place and points CURRENT at it."""
        if not (build / MANIFEST).is_file():
            raise SnapshotError(f"{build} is not a finished snapshot (no manifest)")
        name = build.name.removeprefix(BUILDING)
        final = self.root / name
        _fsync_dir(build)
        os.rename(build, final)
        pointer_tmp = self.root / f".{POINTER}.{uuid.uuid4().hex[:6]}"
        with pointer_tmp.open("w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer_tmp, self.root / POINTER)
        _fsync_dir(self.root)
        self.collect()
        return name

    def collect(self) -> None:
        """Removes versions older than the last _KEEP and builds abandoned long ago."""
        current = self.current_name()
        for name in self.versions()[:-_KEEP]:
            if name != current:
                shutil.rmtree(self.root / name, ignore_errors=True)
        for path in self.root.glob(f"{BUILDING}*"):
            with contextlib.suppress(FileNotFoundError):
                if time.time() - path.stat().st_mtime > _STALE_BUILD_S:
                    shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self, name: str, wait: bool = True) -> Iterator[bool]:
        """An advisory lock shared by every process on this machine. With wait=False, yields
        False at once when another process holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / f"{name}.lock").open("a+") as handle:
            flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(handle.fileno(), flags)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One writer at a time: a second ingest into the same data folder is refused."""
        with self.lock("ingest", wait=False) as held:
            if not held:
                raise IngestBusyError(
                    f"another `tailtalk ingest` is writing the index under {self.root.parent}; "
                    "wait for it to finish, then run this one again"
                )
            yield
