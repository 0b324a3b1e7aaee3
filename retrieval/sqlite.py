"""SQLite the way TailTalk's ledgers and logs use it: WAL, one connection per thread (sqlite3
connections must not cross threads), writers that wait for each other instead of failing, and
short IMMEDIATE write transactions, so several threads and processes can write at once and a
committed write survives a crash. Schemas change by named, ordered migrations (`migrate`), the
one mechanism the session log and the exposure ledger share."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class SQLiteFile:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection; reads on it never block the writers (WAL)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives a crash
            self._local.db = db
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed when the block ends, rolled back on an error."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


@dataclass(frozen=True)
class Migration:
    """One named step of a schema's history. Statements are plain SQL run in order, each on its
    own (never a script split on ';'), inside one transaction with the record that it ran."""

    name: str
    statements: tuple[str, ...]


def migrate(db: SQLiteFile, migrations: Sequence[Migration]) -> list[str]:
    """Applies the migrations not yet recorded in the file's `migrations` table, in order, each
    in one IMMEDIATE transaction (so two processes opening a new file at once run each step
    once). Returns the names applied now."""
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise ValueError(f"migration names must be unique: {names}")
    applied: list[str] = []
    with db.write() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)"
        )
    for migration in migrations:
        with db.write() as conn:
            done = conn.execute(
                "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
            ).fetchone()
            if done:
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?)", (migration.name, time.time()))
            applied.append(migration.name)
    return applied


def applied_migrations(db: SQLiteFile) -> list[str]:
    rows = db.connection().execute("SELECT name FROM migrations ORDER BY name")
    return [row[0] for row in rows]
