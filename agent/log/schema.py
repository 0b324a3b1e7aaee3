"""The session log's tables and their history: named, ordered migrations (retrieval/sqlite.py)."""

from __future__ import annotations

from retrieval.sqlite import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "001_sessions_turns_impressions_feedback",
        (
            """CREATE TABLE sessions (
                session_id TEXT PRIMARY KEY,
                shopper_id TEXT,
                started_at REAL NOT NULL,
                source TEXT NOT NULL DEFAULT ''
            )""",
            """CREATE TABLE turns (
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
            )""",
            "CREATE INDEX turns_by_session ON turns(session_id, position)",
            """CREATE TABLE impressions (
                turn_id TEXT NOT NULL REFERENCES turns(turn_id),
                product_id TEXT NOT NULL,
                rank INTEGER NOT NULL,
                score REAL NOT NULL,
                band TEXT NOT NULL,
                propensity REAL NOT NULL,
                PRIMARY KEY (turn_id, rank)
            )""",
            """CREATE TABLE feedback (
                event_id TEXT PRIMARY KEY,
                session_id TEXT NOT NULL,
                shopper_id TEXT,
                turn_id TEXT,
                product_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                created_at REAL NOT NULL
            )""",
            "CREATE INDEX feedback_by_shopper ON feedback(shopper_id, created_at)",
            "CREATE INDEX feedback_by_session ON feedback(session_id)",
            """CREATE TABLE profile_resets (
                shopper_id TEXT PRIMARY KEY,
                cleared_at REAL NOT NULL
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
                created_at REAL NOT NULL
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
