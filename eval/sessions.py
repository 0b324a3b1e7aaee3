"""Benchmark sessions: reading JSONL files, one session per line, with errors that name the line.

A line is `{"session_id": str, "turns": [{"role": "user"|"assistant", "content": str}, ...],
"targets": [product ids], ...}` with the shopper's turn last (../shared/data/redial/
valid_sessions.jsonl). Session-log exports (`tailtalk export-sessions`) add `impressions`
(product, rank, score, band, propensity) and `feedback` (product, kind). A malformed line is
reported with its file and line number and skipped; the rest are still evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agent.types import Message


class _Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class _Impression(BaseModel):
    model_config = ConfigDict(extra="allow")

    product_id: str
    rank: int = Field(ge=1)
    propensity: float | None = Field(default=None, gt=0, le=1)


class _Feedback(BaseModel):
    model_config = ConfigDict(extra="allow")

    product_id: str
    kind: str


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")

    session_id: str = Field(min_length=1)
    turns: list[_Turn] = Field(min_length=1)
    targets: list[str] = Field(default_factory=list)
    impressions: list[_Impression] | None = None
    feedback: list[_Feedback] = Field(default_factory=list)

    @field_validator("turns")
    @classmethod
    def _ends_with_the_shopper(cls, turns: list[_Turn]) -> list[_Turn]:
        if turns[-1].role != "user":
            raise ValueError("the last turn must be the shopper's (role 'user')")
        return turns


@dataclass(frozen=True)
class EvalSession:
    session_id: str
    turns: tuple[Message, ...]
    targets: tuple[str, ...]
    source: str
    where: str  # "file:line"
    impressions: tuple[dict[str, Any], ...] | None = None
    feedback: tuple[dict[str, Any], ...] = ()

    def user_text(self) -> str:
        return " ".join(m.content for m in self.turns if m.role == "user")

    def dialogue_text(self) -> str:
        return " ".join(m.content for m in self.turns)


@dataclass(frozen=True)
class Failure:
    where: str  # "file:line", or the session id
    error: str


def load_sessions(
    paths: Sequence[Path], limit: int | None = None
) -> tuple[list[EvalSession], list[Failure]]:
    sessions: list[EvalSession] = []
    failures: list[Failure] = []
    seen: set[str] = set()
    for path in paths:
        if not path.is_file():
            failures.append(Failure(str(path), "the sessions file does not exist"))
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if limit is not None and len(sessions) >= limit:
                    return sessions, failures
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    session = _parse(line, where)
                except ValueError as exc:
                    failures.append(Failure(where, str(exc)))
                    continue
                if session.session_id in seen:
                    failures.append(Failure(where, f"session id '{session.session_id}' repeats"))
                    continue
                seen.add(session.session_id)
                sessions.append(session)
    return sessions, failures


def _parse(line: str, where: str) -> EvalSession:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError("a session must be a JSON object")
    try:
        record = _Record.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"]) or "session"
        raise ValueError(f"field '{place}': {first['msg']}") from exc
    return EvalSession(
        session_id=record.session_id,
        turns=tuple(Message(role=t.role, content=t.content) for t in record.turns),
        targets=tuple(dict.fromkeys(record.targets)),
        source=str(data.get("source", "")),
        where=where,
        impressions=(
            tuple(i.model_dump() for i in record.impressions)
            if record.impressions is not None
            else None
        ),
        feedback=tuple(f.model_dump() for f in record.feedback),
    )
