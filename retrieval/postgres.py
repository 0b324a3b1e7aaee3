"""PostgreSQL as the store every machine shares (database.py): psycopg 3 over a small pool of
autocommit connections per process and store, each store in its own schema (the session log in
`tailtalk_log`, the exposure ledger in `tailtalk_exposure`), `?` placeholders translated here.

Concurrency is PostgreSQL's default READ COMMITTED: an `INSERT ... ON CONFLICT DO UPDATE` locks
the row it updates until commit, and a waiting writer then updates the committed row, so
`x = t.x + excluded.x` loses no count across processes; writers that touch several rows must
take them in one order (the ledger sorts its products) or they may deadlock. Migrations run
under a transaction-level advisory lock per schema, as SQLite's IMMEDIATE serialises them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool

from retrieval.errors import StoreUnavailableError

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresDatabase:
    dialect = "postgresql"

    def __init__(
        self, url: str, schema: str, pool_size: int = 10, connect_timeout: int = 10
    ) -> None:
        if not _SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"not a plain schema name: {schema!r}")
        self.schema = schema
        self.where = f"{redacted(url)} (schema {schema})"
        self._lock_key = _lock_key(schema)
        connect: dict[str, Any] = {"autocommit": True, "connect_timeout": connect_timeout}
        # The schema first, on a plain connection: its error says why the server is unusable
        # (a pool would only time out), and two processes opening at once create it once.
        try:
            with psycopg.connect(url, **connect) as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={**connect, "options": f"-c search_path={schema}"},
            open=False,
            timeout=connect_timeout,  # the longest a request waits for a connection
            name=f"tailtalk-{schema}",
        )
        self._pool.open(wait=True, timeout=connect_timeout)

    def fetchone(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._connection() as conn:
            return conn.execute(pyformat(sql), tuple(args)).fetchone()

    def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return conn.execute(pyformat(sql), tuple(args)).fetchall()

    @contextmanager
    def write(self) -> Iterator[_Statements]:
        with self._connection() as conn, conn.transaction():
            yield _Statements(conn)

    @contextmanager
    def exclusive(self) -> Iterator[_Statements]:
        with self.write() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(?)", (self._lock_key,))
            yield tx

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:  # the server went away, the pool ran dry, ...
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: Exception) -> StoreUnavailableError:
        reason = " ".join(str(exc).split()).rstrip(".")  # libpq's lines, on one line
        return StoreUnavailableError(
            f"the PostgreSQL store {self.where} failed: {reason}. Check that the server runs and "
            "accepts this user (TAILTALK_STORE__URL), or unset TAILTALK_STORE__URL to keep the "
            "store in SQLite files under the data folder"
        )


class _Statements:
    """One transaction's statements, with `?` placeholders (database.Transaction)."""

    def __init__(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence[Any] = (), /) -> psycopg.Cursor[tuple[Any, ...]]:
        return self._conn.execute(pyformat(sql), tuple(args))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> None:
        # psycopg pipelines executemany: one round trip for the batch, not one per row.
        with self._conn.cursor() as cursor:
            cursor.executemany(pyformat(sql), [tuple(row) for row in rows])


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (and a literal `%` as `%%`), quoted text untouched."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")  # psycopg reads % everywhere in a query, quoted or not
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        else:
            out.append("%s" if char == "?" else char)
    return "".join(out)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def _lock_key(schema: str) -> int:
    digest = hashlib.blake2b(f"tailtalk:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
