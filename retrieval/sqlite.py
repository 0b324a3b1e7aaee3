"""SQLite the way TailTalk's ledgers and logs use it (the embedded store, database.py): WAL, one
connection per thread (sqlite3 connections must not cross threads), writers that wait for each
other instead of failing, and short IMMEDIATE write transactions, so several threads and
processes can write at once and a committed write survives a crash."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any


def _wal(db: sqlite3.Connection, tries: int = 100) -> None:
    """WAL mode. Switching a new file to it needs the file to itself, and SQLite answers
    "database is locked" at once (no busy wait) when another process opens it at the same
    moment: try again for a few seconds."""
    for attempt in range(tries):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05)


class SQLiteFile:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.where = str(path)
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection; reads on it never block the writers (WAL)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA busy_timeout=30000")
            _wal(db)
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives a crash
            self._local.db = db
        return db

    def fetchone(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.connection().execute(sql, args).fetchone()
        return tuple(row) if row is not None else None

    def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.connection().execute(sql, args)]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed when the block ends, rolled back on an error.
        IMMEDIATE takes the file's write lock at BEGIN, so writers run one after another."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def exclusive(self) -> AbstractContextManager[sqlite3.Connection]:
        return self.write()  # every write transaction here is already exclusive

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
