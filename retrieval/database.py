"""The SQL store under the session log and the exposure ledger, whatever the database: SQLite
files under the data folder (sqlite.py, the embedded default, one per machine) or one PostgreSQL
database that every machine shares (postgres.py, `TAILTALK_STORE__URL`).

Both give the same small interface (`Database`): reads that see what is committed, and short
write transactions whose statements use `?` placeholders (translated at the PostgreSQL edge).
Schemas change by named, ordered migrations (`migrate`) written in SQL both databases accept
(DOUBLE PRECISION, not REAL, which is 4 bytes on PostgreSQL; `ON CONFLICT ... DO UPDATE` with
the table's own columns qualified), recorded in a `migrations` table of each store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from retrieval.config import StoreSettings
from retrieval.errors import ConfigError


class Rows(Protocol):
    """What a statement returns: sqlite3's and psycopg's cursors both are this."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Transaction(Protocol):
    """Statements inside one write transaction, with `?` placeholders."""

    def execute(self, sql: str, args: Sequence[Any] = (), /) -> Rows: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object: ...


class Database(Protocol):
    dialect: str  # "sqlite" or "postgresql"
    where: str  # for messages: the file, or the server and schema (never a password)

    def fetchone(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """One row of a read that sees every committed write."""
        ...

    def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def write(self) -> AbstractContextManager[Transaction]:
        """One transaction: committed when the block ends, rolled back on an error."""
        ...

    def exclusive(self) -> AbstractContextManager[Transaction]:
        """A write transaction that no other exclusive one of this store overlaps, in any
        process (for migrations)."""
        ...

    def close(self) -> None: ...


def open_database(store: StoreSettings, sqlite_path: Path, schema: str) -> Database:
    """The one place that picks the backend: the SQLite file `sqlite_path` when no store URL is
    set, else the PostgreSQL database at the URL, with this store's tables in `schema`."""
    if store.url is None:
        from retrieval.sqlite import SQLiteFile

        return SQLiteFile(sqlite_path)
    url = store.url.get_secret_value()
    scheme, sep, _ = url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres"):
        shown = scheme if sep else "none"  # never the rest: it may hold a password
        raise ConfigError(
            f"TAILTALK_STORE__URL must start with postgresql:// (got scheme {shown!r}); unset "
            "it to keep the store in SQLite files under the data folder"
        )
    try:
        from retrieval.postgres import PostgresDatabase
    except ImportError:
        raise ConfigError(
            "TAILTALK_STORE__URL names a PostgreSQL database, but psycopg is not installed: "
            "pip install 'tailtalk[postgres]' (or unset TAILTALK_STORE__URL for SQLite)"
        ) from None
    return PostgresDatabase(url, schema, store.pool_size, store.connect_timeout)


class MigrationError(ConfigError):
    """A migration failed; the store is as it was before that step."""


@dataclass(frozen=True)
class Migration:
    """One named step of a schema's history. Statements are plain SQL run in order, each on its
    own (never a script split on ';'), inside one transaction with the record that it ran."""

    name: str
    statements: tuple[str, ...]


def migrate(db: Database, migrations: Sequence[Migration]) -> list[str]:
    """Applies the migrations not yet recorded in the store's `migrations` table, in order, each
    in one exclusive transaction (so two processes opening a new store at once run each step
    once). Returns the names applied now."""
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise ValueError(f"migration names must be unique: {names}")
    applied: list[str] = []
    with db.exclusive() as tx:
        tx.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
            "applied_at DOUBLE PRECISION)"
        )
    for migration in migrations:
        try:
            with db.exclusive() as tx:
                if tx.execute(
                    "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
                ).fetchone():
                    continue
                for statement in migration.statements:
                    tx.execute(statement)
                tx.execute("INSERT INTO migrations VALUES (?, ?)", (migration.name, time.time()))
        except ConfigError:
            raise
        except Exception as exc:
            raise MigrationError(
                f"migration {migration.name} failed on {db.where}: {exc}. Nothing of it was "
                "applied; check that the store was not written by a newer TailTalk and that "
                "its user may create tables"
            ) from exc
        applied.append(migration.name)
    return applied


def applied_migrations(db: Database) -> list[str]:
    return [row[0] for row in db.fetchall("SELECT name FROM migrations ORDER BY name")]
