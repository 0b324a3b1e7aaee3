"""What TailTalk remembers, in a SQL store (SQLite by default, or PostgreSQL: retrieval/database.py;
opened with agent.factory.open_log): sessions, turns with their impressions, feedback and
profiles (sessions.py), generated product copy (copies.py), the export for offline evaluation
(export.py); tables change only by the named migrations of schema.py; rows come back typed
(rows.py)."""

from agent.log.copies import CopyStore
from agent.log.export import export_sessions
from agent.log.rows import FeedbackEvent, Impression, Profile, SessionRecord, TurnRecord
from agent.log.sessions import SessionLog, parse_feedback_kind

__all__ = [
    "CopyStore",
    "FeedbackEvent",
    "Impression",
    "Profile",
    "SessionLog",
    "SessionRecord",
    "TurnRecord",
    "export_sessions",
    "parse_feedback_kind",
]
