"""The session log: sessions, turns, impressions and feedback in a SQL store (a SQLite file in
WAL mode by default, or the PostgreSQL database every machine shares: retrieval/database.py),
with named migrations (schema.py), and returning shoppers' profiles derived from their feedback.

Every write is one short transaction, so several threads and processes can log at once, and a
turn committed before a crash is there after it.
Profiles are derived from feedback (like, add to cart, purchase) under a stable shopper id;
clearing a profile hides the events before that moment from it (the log keeps them for
evaluation). Feedback is taken only for a product an answer of that session showed, and once per
(session, product, kind). Logged popularity counts each shopper (or anonymous session) once per
product, so a burst of feedback cannot move a product's band. Readers get typed rows (rows.py).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from agent.errors import RequestError
from agent.log.rows import FeedbackEvent, Impression, Profile, SessionRecord, TurnRecord
from agent.log.schema import MIGRATIONS
from agent.render import reply_markdown
from agent.types import POSITIVE_FEEDBACK, FeedbackKind, Message, Reply, Shown
from retrieval.database import Database, applied_migrations, migrate
from retrieval.sqlite import SQLiteFile

_TURN_COLUMNS = (
    "turn_id, session_id, position, created_at, user_text, assistant_text, preferences, "
    "backend, prompts, latency_ms, outcome, list_kind"
)
_POSITIVE = tuple(sorted(k.value for k in POSITIVE_FEEDBACK))


class SessionLog:
    """The log in `db` (a path: a SQLite file there)."""

    def __init__(self, db: Database | Path) -> None:
        # Shared with the copy store (copies.py): one store, one history of migrations.
        self.db: Database = SQLiteFile(db) if isinstance(db, Path) else db
        migrate(self.db, MIGRATIONS)

    def applied_migrations(self) -> list[str]:
        return applied_migrations(self.db)

    # Sessions and turns -------------------------------------------------------------------

    def log_turn(
        self,
        session_id: str,
        user_text: str,
        reply: Reply,
        shopper_id: str | None = None,
        source: str = "",
    ) -> str:
        """Records one answered turn with what was shown; returns the turn id."""
        turn_id = uuid.uuid4().hex
        now = time.time()
        with self.db.write() as db:
            db.execute(
                "INSERT INTO sessions (session_id, shopper_id, started_at, source) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
                "shopper_id = COALESCE(sessions.shopper_id, excluded.shopper_id)",
                (session_id, shopper_id, now, source),
            )
            # The position counts the session's turns so far. Writers of one session wait for
            # each other: SQLite's IMMEDIATE transaction admits one writer at a time, and on
            # PostgreSQL the upsert above locks the session's row until commit, so this count
            # (a statement after the lock was granted) sees every turn committed before.
            (position,) = db.execute(
                "SELECT COUNT(*) FROM turns WHERE session_id = ?", (session_id,)
            ).fetchone()
            db.execute(
                f"INSERT INTO turns ({_TURN_COLUMNS}, trace) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    turn_id,
                    session_id,
                    position,
                    now,
                    user_text,
                    reply_markdown(reply),
                    reply.preferences.model_dump_json(),
                    reply.backend,
                    json.dumps(reply.trace.prompts),
                    reply.trace.latency_ms,
                    reply.outcome.value,
                    reply.list_kind,
                    reply.trace.model_dump_json(),
                ),
            )
            db.executemany(
                "INSERT INTO impressions VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (turn_id, c.id, rank, c.score, c.band, c.propensity)
                    for rank, c in enumerate(reply.recommendations, start=1)
                ],
            )
        return turn_id

    def history(self, session_id: str, last_turns: int | None = None) -> list[Message]:
        """The dialogue so far as messages: the shopper's text, then the answer as it was shown,
        with what it showed as structure. `last_turns` keeps only the most recent turns."""
        out: list[Message] = []
        for turn in self.turns(session_id, last_turns):
            shown = Shown(
                product_ids=tuple(i.product_id for i in turn.impressions),
                list_kind=turn.list_kind,
                outcome=turn.outcome,
            )
            out += [
                Message(role="user", content=turn.user),
                Message(role="assistant", content=turn.assistant, shown=shown),
            ]
        return out

    def shopper_of(self, session_id: str) -> str | None:
        query = "SELECT shopper_id FROM sessions WHERE session_id = ?"
        row = self.db.fetchone(query, (session_id,))
        return row[0] if row else None

    def sessions(self) -> list[SessionRecord]:
        rows = self.db.fetchall(
            "SELECT session_id, shopper_id, started_at, source FROM sessions ORDER BY started_at"
        )
        return [
            SessionRecord(session_id=s, shopper_id=shopper, started_at=at, source=source)
            for s, shopper, at, source in rows
        ]

    def turns(self, session_id: str, last: int | None = None) -> list[TurnRecord]:
        """The session's turns in order (only the `last` ones when given), with impressions."""
        query = f"SELECT {_TURN_COLUMNS} FROM turns WHERE session_id = ? ORDER BY position"
        args: tuple[object, ...] = (session_id,)
        if last is not None:
            query = f"SELECT * FROM ({query} DESC LIMIT ?) AS recent ORDER BY position"
            args = (session_id, last)
        rows = self.db.fetchall(query, args)
        out = []
        for row in rows:
            turn_id, sid, position, created, user, assistant, prefs, backend, prompts, ms = row[:10]
            outcome, list_kind = row[10:]
            shown = self.db.fetchall(
                "SELECT product_id, rank, score, band, propensity FROM impressions "
                "WHERE turn_id = ? ORDER BY rank",
                (turn_id,),
            )
            out.append(
                TurnRecord(
                    turn_id=turn_id,
                    session_id=sid,
                    position=position,
                    created_at=created,
                    user=user,
                    assistant=assistant,
                    preferences=json.loads(prefs),
                    backend=backend,
                    prompts=json.loads(prompts),
                    latency_ms=ms,
                    outcome=outcome,
                    list_kind=list_kind,
                    impressions=tuple(
                        Impression(product_id=p, rank=r, score=s, band=b, propensity=q)
                        for p, r, s, b, q in shown
                    ),
                )
            )
        return out

    # Feedback and profiles ----------------------------------------------------------------

    def feedback(
        self,
        session_id: str,
        product_id: str,
        kind: str,
        turn_id: str | None = None,
        shopper_id: str | None = None,
    ) -> str:
        """Records what a shopper did with a product the session showed; returns the event id
        (the existing one when this session already gave this feedback on this product)."""
        feedback_kind = parse_feedback_kind(kind)
        if not product_id:
            raise RequestError("feedback needs a product id", param="product_id")
        event_id = uuid.uuid4().hex
        shopper_id = shopper_id or self.shopper_of(session_id)
        with self.db.write() as db:
            shown = db.execute(
                "SELECT 1 FROM impressions JOIN turns ON impressions.turn_id = turns.turn_id "
                "WHERE turns.session_id = ? AND impressions.product_id = ? LIMIT 1",
                (session_id, product_id),
            ).fetchone()
            if shown is None:
                raise RequestError(
                    f"product '{product_id[:64]}' was not shown in session '{session_id[:64]}'; "
                    "feedback is for products an answer of that session showed",
                    param="product_id",
                    code="product_not_shown",
                )
            earlier = db.execute(
                "SELECT event_id FROM feedback WHERE session_id = ? AND product_id = ? "
                "AND kind = ? LIMIT 1",
                (session_id, product_id, feedback_kind.value),
            ).fetchone()
            if earlier is not None:
                return str(earlier[0])
            db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    session_id,
                    shopper_id,
                    turn_id,
                    product_id,
                    feedback_kind.value,
                    time.time(),
                ),
            )
        return event_id

    def feedback_events(self, session_id: str | None = None) -> list[FeedbackEvent]:
        query = (
            "SELECT event_id, session_id, shopper_id, turn_id, product_id, kind, created_at "
            "FROM feedback"
        )
        args: tuple[str, ...] = ()
        if session_id is not None:
            query += " WHERE session_id = ?"
            args = (session_id,)
        rows = self.db.fetchall(query + " ORDER BY created_at", args)
        return [
            FeedbackEvent(
                event_id=e,
                session_id=s,
                shopper_id=shopper,
                turn_id=t,
                product_id=p,
                kind=FeedbackKind(k),
                created_at=at,
            )
            for e, s, shopper, t, p, k, at in rows
        ]

    def profile(self, shopper_id: str) -> Profile:
        row = self.db.fetchone(
            "SELECT cleared_at FROM profile_resets WHERE shopper_id = ?", (shopper_id,)
        )
        since = row[0] if row else 0.0
        rows = self.db.fetchall(
            "SELECT product_id, kind FROM feedback WHERE shopper_id = ? AND created_at > ? "
            "ORDER BY created_at",
            (shopper_id, since),
        )
        by_kind: dict[FeedbackKind, list[str]] = {k: [] for k in POSITIVE_FEEDBACK}
        disliked = set()
        for product_id, kind in rows:
            if kind == FeedbackKind.DISLIKE:
                disliked.add(product_id)
            elif FeedbackKind(kind) in by_kind:
                by_kind[FeedbackKind(kind)].append(product_id)
        liked = [p for p in by_kind[FeedbackKind.LIKE] if p not in disliked]
        return Profile(
            shopper_id=shopper_id,
            liked=tuple(dict.fromkeys(liked)),
            carted=tuple(dict.fromkeys(by_kind[FeedbackKind.CART])),
            bought=tuple(dict.fromkeys(by_kind[FeedbackKind.PURCHASE])),
        )

    def clear_profile(self, shopper_id: str) -> None:
        with self.db.write() as db:
            db.execute(
                "INSERT INTO profile_resets VALUES (?, ?) ON CONFLICT(shopper_id) DO UPDATE SET "
                "cleared_at = excluded.cleared_at",
                (shopper_id, time.time()),
            )

    def interaction_counts(self) -> dict[str, float]:
        """Logged popularity for the bands: per product, how many shoppers liked, carted or
        bought it (a session without a shopper counts as one), each at most once."""
        marks = ", ".join("?" * len(_POSITIVE))
        rows = self.db.fetchall(
            "SELECT product_id, COUNT(DISTINCT COALESCE(shopper_id, 'session:' || session_id)) "
            f"FROM feedback WHERE kind IN ({marks}) GROUP BY product_id",
            _POSITIVE,
        )
        return {pid: float(n) for pid, n in rows}


def parse_feedback_kind(kind: str) -> FeedbackKind:
    """The feedback kind a client named, or a RequestError that lists the valid ones."""
    try:
        return FeedbackKind(kind)
    except ValueError:
        valid = ", ".join(k.value for k in FeedbackKind)
        raise RequestError(f"unknown feedback '{kind}'; use one of {valid}", param="kind") from None
