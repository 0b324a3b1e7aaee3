"""The session log as benchmark sessions (`tailtalk export-sessions`), for offline evaluation.

One JSON line per answered turn, in the format of ../shared/data/redial/valid_sessions.jsonl:

    {"session_id": "<session>-<turn>", "turns": [{"role": ..., "content": ...}, ...],
     "targets": [product ids], "source": "tailtalk-log", ...}

`turns` is the dialogue up to and including that turn's shopper message; `targets` are the
products shown in that turn that the shopper then liked, added to the cart or bought. A turn's
impressions (product, rank, score, band, propensity) and its feedback events ride along, so
off-policy estimates can be computed from the export. Turns without positive feedback are
exported too (empty targets): they count in a feedback rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agent.log.rows import FeedbackEvent, TurnRecord
from agent.log.sessions import SessionLog
from agent.types import POSITIVE_FEEDBACK


def export_sessions(
    log: SessionLog, session_ids: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    wanted = set(session_ids) if session_ids else None
    for session in log.sessions():
        sid = session.session_id
        if wanted is not None and sid not in wanted:
            continue
        turns = log.turns(sid)
        events = log.feedback_events(sid)
        owner = _owning_turns(turns, events)
        dialogue: list[dict[str, str]] = []
        for turn in turns:
            dialogue.append({"role": "user", "content": turn.user})
            mine = [e for e, t in zip(events, owner, strict=True) if t == turn.turn_id]
            yield {
                "session_id": f"{sid}-{turn.position}",
                "turns": list(dialogue),
                "targets": list(
                    dict.fromkeys(e.product_id for e in mine if e.kind in POSITIVE_FEEDBACK)
                ),
                "source": "tailtalk-log",
                "log_session_id": sid,
                "shopper_id": session.shopper_id,
                "backend": turn.backend,
                "impressions": [i.model_dump() for i in turn.impressions],
                "feedback": [
                    {"product_id": e.product_id, "kind": e.kind.value, "at": e.created_at}
                    for e in mine
                ],
            }
            dialogue.append({"role": "assistant", "content": turn.assistant})


def _owning_turns(turns: list[TurnRecord], events: list[FeedbackEvent]) -> list[str | None]:
    """For each feedback event, the turn it is about: the one it names, else the latest turn
    before it that showed the product."""
    owners: list[str | None] = []
    for event in events:
        if event.turn_id:
            owners.append(event.turn_id)
            continue
        showing = [
            t
            for t in turns
            if t.created_at <= event.created_at
            and any(i.product_id == event.product_id for i in t.impressions)
        ]
        owners.append(showing[-1].turn_id if showing else None)
    return owners
