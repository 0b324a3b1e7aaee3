"""Named migrations (retrieval/sqlite.py), the one mechanism of the session log and the exposure
ledger: each step once, in order, recorded; a ledger from before migrations adopts them."""

from __future__ import annotations

import sqlite3

import pytest

from retrieval.rerank.exposure import MIGRATIONS as LEDGER_MIGRATIONS
from retrieval.rerank.exposure import ExposureLedger
from retrieval.sqlite import Migration, SQLiteFile, applied_migrations, migrate


def test_each_migration_runs_once_in_order(tmp_path):
    db = SQLiteFile(tmp_path / "x.sqlite")
    steps = [
        Migration("001_things", ("CREATE TABLE things (id TEXT PRIMARY KEY)",)),
        Migration("002_colour", ("ALTER TABLE things ADD COLUMN colour TEXT",)),
    ]
    assert migrate(db, steps[:1]) == ["001_things"]
    assert migrate(db, steps) == ["002_colour"]  # only what is new
    assert migrate(db, steps) == []
    assert applied_migrations(db) == ["001_things", "002_colour"]
    columns = [row[1] for row in db.connection().execute("PRAGMA table_info(things)")]
    assert columns == ["id", "colour"]


def test_a_failing_migration_leaves_nothing_half_done(tmp_path):
    db = SQLiteFile(tmp_path / "x.sqlite")
    broken = Migration(
        "001_broken",
        ("CREATE TABLE a (id TEXT)", "CREATE TABLE a (id TEXT)"),  # twice: fails
    )
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, [broken])
    assert applied_migrations(db) == []
    tables = {row[0] for row in db.connection().execute("SELECT name FROM sqlite_master")}
    assert "a" not in tables
    with pytest.raises(ValueError, match="unique"):
        migrate(db, [Migration("x", ()), Migration("x", ())])


def test_a_ledger_from_before_migrations_keeps_its_counts(tmp_path):
    path = tmp_path / "exposure.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE exposure (product_id TEXT PRIMARY KEY, exposure REAL NOT NULL DEFAULT 0,"
        " impressions INTEGER NOT NULL DEFAULT 0)"
    )
    old.execute("INSERT INTO exposure VALUES ('a', 1.5, 2)")
    old.commit()
    old.close()
    ledger = ExposureLedger(path)
    assert ledger.totals() == {"a": (1.5, 2)}
    assert applied_migrations(SQLiteFile(path)) == [m.name for m in LEDGER_MIGRATIONS]
