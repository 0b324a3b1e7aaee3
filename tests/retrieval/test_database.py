"""The SQL store (retrieval/database.py) on both backends: named migrations, the one mechanism
of the session log and the exposure ledger (each step once, in order, recorded, also when
processes open a new store at once), `?` placeholders, files from before both backends, and
what a bad or unreachable store URL says."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from agent.log import SessionLog
from agent.log.schema import MIGRATIONS as LOG_MIGRATIONS
from agent.log.schema import SCHEMA as LOG
from agent.types import ProductCard, Reply
from retrieval.config import StoreSettings
from retrieval.database import Migration, MigrationError, applied_migrations, migrate, open_database
from retrieval.errors import ConfigError, StoreUnavailableError
from retrieval.postgres import pyformat
from retrieval.rerank.exposure import MIGRATIONS as LEDGER_MIGRATIONS
from retrieval.rerank.exposure import ExposureLedger
from retrieval.sqlite import SQLiteFile
from tests.conftest import free_port


def test_each_migration_runs_once_in_order(store):
    db = store.open("things")
    steps = [
        Migration("001_things", ("CREATE TABLE things (id TEXT PRIMARY KEY)",)),
        Migration("002_colour", ("ALTER TABLE things ADD COLUMN colour TEXT",)),
    ]
    assert migrate(db, steps[:1]) == ["001_things"]
    assert migrate(db, steps) == ["002_colour"]  # only what is new
    assert migrate(db, steps) == []
    assert applied_migrations(db) == ["001_things", "002_colour"]
    assert store.columns(db, "things") == ["id", "colour"]


def test_a_failing_migration_leaves_nothing_half_done(store):
    db = store.open("things")
    broken = Migration(
        "001_broken",
        ("CREATE TABLE a (id TEXT)", "CREATE TABLE a (id TEXT)"),  # twice: fails
    )
    with pytest.raises(MigrationError, match="migration 001_broken failed on"):
        migrate(db, [broken])
    assert applied_migrations(db) == []
    assert "a" not in store.tables(db)
    with pytest.raises(ValueError, match="unique"):
        migrate(db, [Migration("x", ()), Migration("x", ())])


def test_placeholders_and_percent_signs(store):
    db = store.open("things")
    # `?` outside quotes is a parameter; inside quotes, and % anywhere, are text and operators.
    assert db.fetchone("SELECT ?, 'a?%', 7 % 4", ("x",)) == ("x", "a?%", 3)
    assert pyformat("SELECT ? FROM t WHERE a = 'b?' AND c LIKE '5%'") == (
        "SELECT %s FROM t WHERE a = 'b?' AND c LIKE '5%%'"
    )


def _open_log(store, start) -> None:
    start.wait()  # the processes open the new store at the same time
    SessionLog(store.open(LOG))


def test_processes_opening_a_new_store_at_once_migrate_it_once(store):
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(3)
    workers = [spawn.Process(target=_open_log, args=(store, start)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    db = store.open(LOG)
    assert applied_migrations(db) == [m.name for m in LOG_MIGRATIONS]
    assert db.fetchone("SELECT COUNT(*) FROM migrations") == (len(LOG_MIGRATIONS),)


def test_the_log_and_the_ledger_keep_apart_in_one_database(store):
    log = SessionLog(store.open(LOG))
    ledger = ExposureLedger(store.open("tailtalk_exposure"))
    assert log.applied_migrations() == [m.name for m in LOG_MIGRATIONS]
    assert applied_migrations(ledger.db) == [m.name for m in LEDGER_MIGRATIONS]
    assert "exposure" not in store.tables(log.db) and "turns" not in store.tables(ledger.db)


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
    ledger.record([("a", 1)])
    assert ledger.totals() == {"a": (2.5, 3)}
    assert applied_migrations(SQLiteFile(path)) == [m.name for m in LEDGER_MIGRATIONS]


def test_a_log_written_when_its_migrations_said_real_keeps_working(tmp_path):
    """The migrations spelt REAL before they ran on PostgreSQL too; a file written then has the
    same names recorded and opens, logs and reads as before."""
    path = tmp_path / "sessions.sqlite"
    old = [
        Migration(m.name, tuple(s.replace("DOUBLE PRECISION", "REAL") for s in m.statements))
        for m in LOG_MIGRATIONS
    ]
    assert migrate(SQLiteFile(path), old) == [m.name for m in LOG_MIGRATIONS]
    card = ProductCard(id="p1", title="p1", price=1.0, band="tail", score=0.5, propensity=0.25)
    SessionLog(path).log_turn("s", "a lamp", Reply(text="Here.", recommendations=[card]))
    log = SessionLog(path)  # migrates nothing: every name is recorded
    log.log_turn("s", "the first one", Reply(text="Here."))
    turns = log.turns("s")
    assert [t.position for t in turns] == [0, 1]
    assert turns[0].impressions[0].propensity == 0.25
    assert turns[0].created_at <= turns[1].created_at
    types = {row[1]: row[2] for row in SQLiteFile(path).fetchall("PRAGMA table_info(turns)")}
    assert types["created_at"] == "REAL"


def test_the_store_url_comes_from_the_environment(monkeypatch, tmp_path):
    from agent.settings import Settings

    monkeypatch.setenv("TAILTALK_STORE__URL", "postgresql://shop:hunter2@db.internal/shop")
    settings = Settings(data_dir=tmp_path)
    assert settings.store.url is not None
    assert settings.store.url.get_secret_value() == "postgresql://shop:hunter2@db.internal/shop"
    assert "hunter2" not in repr(settings)
    monkeypatch.setenv("TAILTALK_STORE__URL", "")
    assert Settings(data_dir=tmp_path).store.url is None  # an empty variable means unset


def test_a_store_url_must_name_postgresql_and_never_shows_its_password(tmp_path):
    for url, scheme in [("mysql://shop:hunter2@db/shop", "'mysql'"), ("hunter2", "'none'")]:
        with pytest.raises(ConfigError, match="must start with postgresql://") as caught:
            open_database(StoreSettings(url=url), tmp_path / "x.sqlite", LOG)
        assert f"got scheme {scheme}" in str(caught.value)
        assert "hunter2" not in str(caught.value)


def test_an_unreachable_store_says_where_and_what_to_do(tmp_path):
    url = f"postgresql://shop:hunter2@127.0.0.1:{free_port()}/shop"
    with pytest.raises(StoreUnavailableError, match="TAILTALK_STORE__URL") as caught:
        open_database(StoreSettings(url=url, connect_timeout=2), tmp_path / "x.sqlite", LOG)
    message = str(caught.value)
    assert "shop:***@127.0.0.1" in message and "hunter2" not in message
    assert not (tmp_path / "x.sqlite").exists()


def test_a_store_that_goes_away_fails_with_a_typed_error(tmp_path):
    from tests.postgres import TempPostgres, unavailable

    if unavailable():
        pytest.skip(unavailable())
    server = TempPostgres()
    server.start()
    try:
        store = StoreSettings(url=server.create_database(), connect_timeout=2)
        ledger = ExposureLedger(open_database(store, tmp_path / "x", "tailtalk_exposure"))
        ledger.record([("a", 1)])
    finally:
        server.stop()  # the server is gone, connections and all
    with pytest.raises(StoreUnavailableError, match=r"failed: .*TAILTALK_STORE__URL"):
        ledger.record([("a", 1)])
    with pytest.raises(StoreUnavailableError):
        ledger.exposure(["a"])
