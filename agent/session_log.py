"""The session log: sessions, turns, impressions and feedback in SQLite (WAL), with named
migrations, plus returning shoppers' profiles and generated product copy.

Every write is one short IMMEDIATE transaction on its own connection per thread, so several
threads and processes can log at once, and a turn committed before a crash is there after it.
Profiles are derived from feedback (like, add to cart, purchase) under a stable shopper id;
clearing a profile hides the events before that moment from it (the log keeps them for
evaluation).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.copywriter import Copy
from agent.errors import RequestError
from agent.types import Message, Reply
from retrieval.sqlite import SQLiteFile
from retrieval.text import record_hash
from retrieval.types import Product

FEEDBACK_KINDS = ("click", "like", "dislike", "cart", "purchase")
PROFILE_KINDS = ("like", "cart", "purchase")

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_sessions_turns_impressions_feedback",
        """
        CREATE TABLE sessions (
            session_id TEXT PRIMARY KEY,
            shopper_id TEXT,
            started_at REAL NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE turns (
            turn_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(session_id),
            position INTEGER NOT NULL,
            created_at REAL NOT NULL,
            user_text TEXT NOT NULL,
            assistant_text TEXT NOT NULL,
            preferences TEXT NOT NULL,
            backend TEXT NOT NULL,
            prompts TEXT NOT NULL,
            trace TEXT NOT NULL,
            latency_ms REAL NOT NULL
        );
        CREATE INDEX turns_by_session ON turns(session_id, position);
        CREATE TABLE impressions (
            turn_id TEXT NOT NULL REFERENCES turns(turn_id),
            product_id TEXT NOT NULL,
            rank INTEGER NOT NULL,
            score REAL NOT NULL,
            band TEXT NOT NULL,
            propensity REAL NOT NULL,
            PRIMARY KEY (turn_id, rank)
        );
        CREATE TABLE feedback (
            event_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            shopper_id TEXT,
            turn_id TEXT,
            product_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX feedback_by_shopper ON feedback(shopper_id, created_at);
        CREATE INDEX feedback_by_session ON feedback(session_id);
        CREATE TABLE profile_resets (
            shopper_id TEXT PRIMARY KEY,
            cleared_at REAL NOT NULL
        );
        """,
    ),
    (
        "002_product_copy",
        """
        CREATE TABLE product_copy (
            product_id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            writer TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            source_hash TEXT NOT NULL,
            rejected_claims TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        """,
    ),
]


@dataclass(frozen=True)
class Profile:
    shopper_id: str
    liked: tuple[str, ...] = ()
    carted: tuple[str, ...] = ()
    bought: tuple[str, ...] = ()

    @property
    def product_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.bought, *self.carted, *self.liked]))


class SessionLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = SQLiteFile(path)
        self._migrate()

    def _connection(self) -> sqlite3.Connection:
        return self._db.connection()

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._db.write()

    def _migrate(self) -> None:
        with self._write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)"
            )
            done = {row[0] for row in db.execute("SELECT name FROM migrations")}
            for name, script in MIGRATIONS:
                if name in done:
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, time.time()))

    def applied_migrations(self) -> list[str]:
        rows = self._connection().execute("SELECT name FROM migrations ORDER BY name")
        return [row[0] for row in rows]

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
        with self._write() as db:
            db.execute(
                "INSERT INTO sessions (session_id, shopper_id, started_at, source) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
                "shopper_id = COALESCE(sessions.shopper_id, excluded.shopper_id)",
                (session_id, shopper_id, now, source),
            )
            (position,) = db.execute(
                "SELECT COUNT(*) FROM turns WHERE session_id = ?", (session_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    turn_id,
                    session_id,
                    position,
                    now,
                    user_text,
                    reply.markdown(),
                    reply.preferences.model_dump_json(),
                    reply.backend,
                    json.dumps(reply.trace.prompts),
                    reply.trace.model_dump_json(),
                    reply.trace.latency_ms,
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

    def history(self, session_id: str) -> list[Message]:
        """The dialogue so far as messages (shopper text, then the answer as it was shown)."""
        rows = self._connection().execute(
            "SELECT user_text, assistant_text FROM turns WHERE session_id = ? ORDER BY position",
            (session_id,),
        )
        out: list[Message] = []
        for user_text, assistant_text in rows:
            out += [
                Message(role="user", content=user_text),
                Message(role="assistant", content=assistant_text),
            ]
        return out

    def shopper_of(self, session_id: str) -> str | None:
        row = (
            self._connection()
            .execute("SELECT shopper_id FROM sessions WHERE session_id = ?", (session_id,))
            .fetchone()
        )
        return row[0] if row else None

    def sessions(self) -> list[dict[str, Any]]:
        rows = self._connection().execute(
            "SELECT session_id, shopper_id, started_at, source FROM sessions ORDER BY started_at"
        )
        return [
            dict(zip(("session_id", "shopper_id", "started_at", "source"), r, strict=True))
            for r in rows
        ]

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        db = self._connection()
        rows = db.execute(
            "SELECT turn_id, position, created_at, user_text, assistant_text, preferences, "
            "backend, prompts, latency_ms FROM turns WHERE session_id = ? ORDER BY position",
            (session_id,),
        ).fetchall()
        out = []
        for turn_id, position, created, user, assistant, prefs, backend, prompts, ms in rows:
            shown = db.execute(
                "SELECT product_id, rank, score, band, propensity FROM impressions "
                "WHERE turn_id = ? ORDER BY rank",
                (turn_id,),
            )
            out.append(
                {
                    "turn_id": turn_id,
                    "position": position,
                    "created_at": created,
                    "user": user,
                    "assistant": assistant,
                    "preferences": json.loads(prefs),
                    "backend": backend,
                    "prompts": json.loads(prompts),
                    "latency_ms": ms,
                    "impressions": [
                        dict(
                            zip(
                                ("product_id", "rank", "score", "band", "propensity"),
                                r,
                                strict=True,
                            )
                        )
                        for r in shown
                    ],
                }
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
        if kind not in FEEDBACK_KINDS:
            raise RequestError(
                f"unknown feedback '{kind}'; use one of {', '.join(FEEDBACK_KINDS)}", param="kind"
            )
        if not product_id:
            raise RequestError("feedback needs a product id", param="product_id")
        event_id = uuid.uuid4().hex
        shopper_id = shopper_id or self.shopper_of(session_id)
        with self._write() as db:
            db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event_id, session_id, shopper_id, turn_id, product_id, kind, time.time()),
            )
        return event_id

    def feedback_events(self, session_id: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT session_id, shopper_id, turn_id, product_id, kind, created_at FROM feedback"
        args: tuple[str, ...] = ()
        if session_id is not None:
            query += " WHERE session_id = ?"
            args = (session_id,)
        rows = self._connection().execute(query + " ORDER BY created_at", args)
        keys = ("session_id", "shopper_id", "turn_id", "product_id", "kind", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def profile(self, shopper_id: str) -> Profile:
        db = self._connection()
        row = db.execute(
            "SELECT cleared_at FROM profile_resets WHERE shopper_id = ?", (shopper_id,)
        ).fetchone()
        since = row[0] if row else 0.0
        rows = db.execute(
            "SELECT product_id, kind FROM feedback WHERE shopper_id = ? AND created_at > ? "
            "ORDER BY created_at",
            (shopper_id, since),
        ).fetchall()
        by_kind: dict[str, list[str]] = {k: [] for k in PROFILE_KINDS}
        disliked = set()
        for product_id, kind in rows:
            if kind in by_kind:
                by_kind[kind].append(product_id)
            elif kind == "dislike":
                disliked.add(product_id)
        liked = [p for p in by_kind["like"] if p not in disliked]
        return Profile(
            shopper_id,
            liked=tuple(dict.fromkeys(liked)),
            carted=tuple(dict.fromkeys(by_kind["cart"])),
            bought=tuple(dict.fromkeys(by_kind["purchase"])),
        )

    def clear_profile(self, shopper_id: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO profile_resets VALUES (?, ?) ON CONFLICT(shopper_id) DO UPDATE SET "
                "cleared_at = excluded.cleared_at",
                (shopper_id, time.time()),
            )

    def interaction_counts(self) -> dict[str, float]:
        """Liked, carted and bought events per product: logged popularity for the bands."""
        rows = self._connection().execute(
            "SELECT product_id, COUNT(*) FROM feedback WHERE kind IN ('like', 'cart', 'purchase') "
            "GROUP BY product_id"
        )
        return {pid: float(n) for pid, n in rows}


class CopyStore:
    """Generated product copy, beside the catalogue record and never over it. A copy is stale
    (and ignored) once the product's record changes."""

    def __init__(self, log: SessionLog) -> None:
        self.log = log
        self._hashes: dict[str, str] = {}

    def put(self, product: Product, copy: Copy) -> None:
        with self.log._write() as db:
            db.execute(
                "INSERT INTO product_copy VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(product_id) "
                "DO UPDATE SET text = excluded.text, writer = excluded.writer, prompt_hash = "
                "excluded.prompt_hash, source_hash = excluded.source_hash, rejected_claims = "
                "excluded.rejected_claims, created_at = excluded.created_at",
                (
                    product.id,
                    copy.text,
                    copy.writer,
                    copy.prompt_hash,
                    record_hash(product),
                    json.dumps(list(copy.rejected_claims)),
                    time.time(),
                ),
            )

    def text(self, product_id: str, product: Product | None = None) -> str | None:
        row = (
            self.log._connection()
            .execute(
                "SELECT text, source_hash FROM product_copy WHERE product_id = ?", (product_id,)
            )
            .fetchone()
        )
        if row is None:
            return None
        if product is not None and row[1] != record_hash(product):
            return None
        return str(row[0])

    def all(self) -> dict[str, str]:
        rows = self.log._connection().execute("SELECT product_id, text FROM product_copy")
        return {pid: text for pid, text in rows}

    def records(self, product_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        rows = self.log._connection().execute(
            "SELECT product_id, text, writer, prompt_hash, rejected_claims, created_at "
            "FROM product_copy ORDER BY product_id"
        )
        keys = ("product_id", "text", "writer", "prompt_hash", "rejected_claims", "created_at")
        wanted = set(product_ids) if product_ids is not None else None
        return [dict(zip(keys, r, strict=True)) for r in rows if wanted is None or r[0] in wanted]
