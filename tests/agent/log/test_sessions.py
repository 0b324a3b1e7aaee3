"""The session log: migrations, turns with impressions, feedback, returning shoppers' profiles,
product copy beside the record; and its survival across processes. The store tests run on both
backends (the `store` fixture: SQLite files, a real PostgreSQL server)."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from agent.copywriting import Copy
from agent.errors import RequestError
from agent.log import CopyStore, SessionLog
from agent.log.schema import MIGRATIONS, SCHEMA
from agent.types import ProductCard, Reply
from retrieval.config import RerankSettings
from retrieval.types import Product


def reply_with(*ids):
    cards = [
        ProductCard(id=i, title=i, price=1.0, band="tail", score=0.5, propensity=0.25) for i in ids
    ]
    return Reply(text="Here.", recommendations=cards, backend="rules")


def test_migrations_are_named_and_applied_once(store):
    log = SessionLog(store.open(SCHEMA))
    names = [m.name for m in MIGRATIONS]
    assert log.applied_migrations() == names
    assert SessionLog(store.open(SCHEMA)).applied_migrations() == names  # idempotent
    tables = {"sessions", "turns", "impressions", "feedback", "profile_resets", "product_copy"}
    assert tables <= store.tables(log.db)


def test_a_log_file_is_in_wal_mode(tmp_path):
    SessionLog(tmp_path / "s.sqlite")
    mode = sqlite3.connect(tmp_path / "s.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_turns_impressions_and_history(store):
    log = SessionLog(store.open(SCHEMA))
    log.log_turn("sess", "a lamp", reply_with("p1", "p2"), shopper_id="ann")
    log.log_turn("sess", "the second one", reply_with("p2"))
    turns = log.turns("sess")
    assert [t.position for t in turns] == [0, 1]
    assert [i.model_dump() for i in turns[0].impressions] == [
        {"product_id": "p1", "rank": 1, "score": 0.5, "band": "tail", "propensity": 0.25},
        {"product_id": "p2", "rank": 2, "score": 0.5, "band": "tail", "propensity": 0.25},
    ]
    history = log.history("sess")
    assert [m.role for m in history] == ["user", "assistant", "user", "assistant"]
    assert "`p2`" in history[1].content
    assert log.shopper_of("sess") == "ann"
    assert [t.user for t in log.turns("sess", last=1)] == ["the second one"]
    assert [s.session_id for s in log.sessions()] == ["sess"]


def test_feedback_and_profile(store):
    log = SessionLog(store.open(SCHEMA))
    log.log_turn("s1", "lamps", reply_with("p1", "p2", "p3"), shopper_id="ann")
    log.feedback("s1", "p1", "like")
    log.feedback("s1", "p2", "cart")
    log.feedback("s1", "p3", "like")
    log.feedback("s1", "p3", "dislike")
    log.feedback("s1", "p2", "purchase")
    profile = log.profile("ann")
    assert (profile.liked, profile.carted, profile.bought) == (("p1",), ("p2",), ("p2",))
    assert profile.product_ids == ("p2", "p1")
    # Ann counts once per product, whatever she did with it (p2: a cart and a purchase).
    assert log.interaction_counts() == {"p1": 1.0, "p2": 1.0, "p3": 1.0}
    log.clear_profile("ann")
    assert log.profile("ann").product_ids == ()
    assert len(log.feedback_events("s1")) == 5  # the log keeps the events for evaluation
    with pytest.raises(RequestError, match="unknown feedback 'love'"):
        log.feedback("s1", "p1", "love")


def test_feedback_only_for_shown_products_and_once_per_kind(store):
    log = SessionLog(store.open(SCHEMA))
    log.log_turn("s1", "lamps", reply_with("p1", "p2"), shopper_id="ann")
    log.log_turn("s2", "mats", reply_with("p3"))
    with pytest.raises(RequestError, match="'p3' was not shown in session 's1'") as caught:
        log.feedback("s1", "p3", "purchase")  # shown, but in another session
    assert caught.value.code == "product_not_shown" and caught.value.param == "product_id"
    with pytest.raises(RequestError, match="not shown"):
        log.feedback("nobody", "p1", "like")
    first = log.feedback("s1", "p1", "purchase")
    again = [log.feedback("s1", "p1", "purchase") for _ in range(300)]
    assert set(again) == {first}  # the same event, not 301
    cart = log.feedback("s1", "p1", "cart")
    assert cart != first
    assert [e.kind for e in log.feedback_events("s1")] == ["purchase", "cart"]
    assert log.feedback_events("s2") == []


def test_logged_popularity_counts_each_shopper_once_per_product(store):
    log = SessionLog(store.open(SCHEMA))
    for day in range(3):  # ann buys p1 in three sessions: still one shopper
        log.log_turn(f"ann-{day}", "lamps", reply_with("p1", "p2"), shopper_id="ann")
        log.feedback(f"ann-{day}", "p1", "purchase")
        log.feedback(f"ann-{day}", "p1", "like")
    log.log_turn("bob-0", "lamps", reply_with("p1"), shopper_id="bob")
    log.feedback("bob-0", "p1", "cart")
    for n in range(2):  # two anonymous sessions: two shoppers as far as anyone can tell
        log.log_turn(f"anon-{n}", "lamps", reply_with("p2"))
        log.feedback(f"anon-{n}", "p2", "like")
        log.feedback(f"anon-{n}", "p2", "click")  # a click is not popularity
    assert log.interaction_counts() == {"p1": 2.0, "p2": 2.0}


def test_copy_is_kept_beside_the_record_and_goes_stale(store):
    copies = CopyStore(SessionLog(store.open(SCHEMA)))
    product = Product(id="p1", title="Lamp", description="A lamp.", price=10.0)
    copies.put(product, Copy("A warm lamp for $10.", "template"))
    assert copies.text("p1", product) == "A warm lamp for $10."
    assert product.description == "A lamp."  # the catalogue record is untouched
    changed = product.model_copy(update={"price": 12.0})
    assert copies.text("p1", changed) is None  # the record changed: the copy may be wrong now
    copies.put(changed, Copy("A warm lamp for $12.", "template"))  # rewritten in place
    assert copies.all() == {"p1": "A warm lamp for $12."}


def _write_turns(store, name: str, n: int, start) -> None:
    log = SessionLog(store.open(SCHEMA))
    start.wait()  # both processes write at the same time, not one after the other
    for i in range(n):
        # Half the turns go to sessions both processes write, half to this process's own.
        session = f"shared-{i % 3}" if i % 2 == 0 else f"{name}-{i % 3}"
        log.log_turn(session, f"{name} {i}", reply_with("p1", "p2"))


def test_two_processes_write_at_once(store):
    SessionLog(store.open(SCHEMA))
    spawn = multiprocessing.get_context("spawn")  # fresh processes, their own connections
    start = spawn.Barrier(2)
    workers = [spawn.Process(target=_write_turns, args=(store, n, 60, start)) for n in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    log = SessionLog(store.open(SCHEMA))
    turns = {s.session_id: log.turns(s.session_id) for s in log.sessions()}
    assert sum(len(t) for t in turns.values()) == 120
    # Each shared session got 10 turns from each process, numbered 0..19 with none twice.
    for session in ("shared-0", "shared-1", "shared-2"):
        assert [t.position for t in turns[session]] == list(range(20))
        assert sum(t.user.startswith("a ") for t in turns[session]) == 10
    assert all(len(t.impressions) == 2 for t in turns["shared-0"])


def test_returning_shopper_profile_seeds_the_next_session(make_agent):
    agent = make_agent(rerank=RerankSettings(policy="calibrated", lam=0.9))
    first = agent.respond("day-1", "a dog harness", shopper_id="ann")
    liked = [c.id for c in first.recommendations if c.band == "tail"][:2] or [
        first.recommendations[0].id
    ]
    for product_id in liked:
        agent.feedback("day-1", product_id, "like")
    assert agent.profile("ann").liked == tuple(liked)
    later = agent.respond("day-2", "wireless earbuds", shopper_id="ann")
    assert set(liked) <= set(later.preferences.liked)
    # The calibrated re-ranker follows her taste for long-tail products; an anonymous shopper
    # gets the default mix (30% tail).
    anonymous = agent.respond("anon", "wireless earbuds")

    def tail(reply):
        return sum(c.band == "tail" for c in reply.recommendations)

    assert tail(later) > tail(anonymous)
    agent.clear_profile("ann")
    fresh = agent.respond("day-3", "wireless earbuds", shopper_id="ann")
    assert fresh.preferences.liked == ()


def test_the_log_and_the_ledger_open_where_the_store_setting_says(store, tmp_path):
    from agent.factory import open_log
    from agent.settings import Settings
    from retrieval.factory import open_ledger

    settings = Settings(data_dir=tmp_path / "data", store=store.settings)
    log, ledger = open_log(settings), open_ledger(settings)
    log.log_turn("s", "a lamp", reply_with("p1"))
    ledger.record([("p1", 1)])
    assert log.db.dialect == ledger.db.dialect == store.kind
    files = {"sessions.sqlite", "exposure.sqlite"} & {p.name for p in settings.data_dir.glob("*")}
    assert files == ({"sessions.sqlite", "exposure.sqlite"} if store.kind == "sqlite" else set())
    log_again, ledger_again = open_log(settings), open_ledger(settings)  # as after a restart
    assert len(log_again.turns("s")) == 1 and ledger_again.totals()["p1"] == (1.0, 1)
    for db in (log.db, ledger.db, log_again.db, ledger_again.db):
        db.close()
