"""The SQL store as the store tests see it, whichever backend (the `store` fixture in conftest.py
runs each store test on both): `open(schema)` gives a Database through the product's own
retrieval.database.open_database, a SQLite file per schema in the test's folder or that schema
of a fresh PostgreSQL database on the test server (tests/postgres.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.config import StoreSettings
from retrieval.database import Database, open_database


@dataclass
class StoreUnderTest:
    kind: str  # "sqlite" or "postgresql"
    folder: Path
    url: str | None = None
    _opened: list[Database] = field(default_factory=list, repr=False)

    @property
    def settings(self) -> StoreSettings:
        return StoreSettings(url=self.url)

    def env(self) -> dict[str, str]:
        """What a `tailtalk` process needs in its environment to use this store."""
        return {"TAILTALK_STORE__URL": self.url} if self.url else {}

    def open(self, schema: str) -> Database:
        db = open_database(self.settings, self.folder / f"{schema}.sqlite", schema)
        self._opened.append(db)
        return db

    def tables(self, db: Database) -> set[str]:
        if self.kind == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        return {row[0] for row in db.fetchall(query)}

    def columns(self, db: Database, table: str) -> list[str]:
        if self.kind == "sqlite":
            return [row[1] for row in db.fetchall(f"PRAGMA table_info({table})")]
        rows = db.fetchall(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        for db in self._opened:
            db.close()
        self._opened.clear()

    def __getstate__(self) -> dict[str, Any]:
        # Sent to worker processes, which open their own connections.
        return {**self.__dict__, "_opened": []}
