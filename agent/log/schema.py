"""The session log's tables and their history: named, ordered migrations (retrieval/database.py)
that SQLite and PostgreSQL both run.

Times, scores and propensities are DOUBLE PRECISION: SQLite reads it as REAL (8 bytes), what
these steps said before they ran on PostgreSQL too, where REAL is 4 bytes (a timestamp to the
nearest two minutes). Files written with the old text are the same to SQLite, so the names hold.
"""

from __future__ import annotations

from retrieval.database import Migration

SCHEMA = "tailtalk_log"  # the log's tables on PostgreSQL

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "001_sessions_turns_impressions_feedback",
        (
            """CREATE TABLE sessions (
                session_id TEXT PRIMARY KEY,
                shopper_id TEXT,
                started_at DOUBLE PRECISION NOT NULL,
                source TEXT NOT NULL DEFAULT ''
            )""",
            """CREATE TABLE turns (
                turn_id TEXT PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions(session_id),
                position INTEGER NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                user_text TEXT NOT NULL,
                assistant_text TEXT NOT NULL,
                preferences TEXT NOT NULL,
                backend TEXT NOT NULL,
                prompts TEXT NOT NULL,
                trace TEXT NOT NULL,
                latency_ms DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX turns_by_session ON turns(session_id, position)",
            """CREATE TABLE impressions (
                turn_id TEXT NOT NULL REFERENCES turns(turn_id),
                product_id TEXT NOT NULL,
                rank INTEGER NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                band TEXT NOT NULL,
                propensity DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (turn_id, rank)
            )""",
            """CREATE TABLE feedback (
                event_id TEXT PRIMARY KEY,
                session_id TEXT NOT NULL,
                shopper_id TEXT,
                turn_id TEXT,
                product_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX feedback_by_shopper ON feedback(shopper_id, created_at)",
            "CREATE INDEX feedback_by_session ON feedback(session_id)",
            """CREATE TABLE profile_resets (
                shopper_id TEXT PRIMARY KEY,
                cleared_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    Migration(
        "002_product_copy",
        (
            """CREATE TABLE product_copy (
                product_id TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                writer TEXT NOT NULL,
                prompt_hash TEXT NOT NULL,
                source_hash TEXT NOT NULL,
                rejected_claims TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    Migration(
        # What each answer was (results, a question, details, ...) and how its products were
        # listed, so a later turn reads "the second one" and "you just asked me" from structure.
        "003_turn_outcome",
        (
            "ALTER TABLE turns ADD COLUMN outcome TEXT NOT NULL DEFAULT 'results'",
            "ALTER TABLE turns ADD COLUMN list_kind TEXT NOT NULL DEFAULT 'results'",
        ),
    ),
)
