"""The session log's rows as typed values (what its readers get back)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from agent.types import FeedbackKind, ListKind, Outcome


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionRecord(_Row):
    session_id: str
    shopper_id: str | None
    started_at: float
    source: str = ""


class Impression(_Row):
    """One product shown in a turn, with what the policy knew when it placed it."""

    product_id: str
    rank: int
    score: float
    band: str
    propensity: float


class TurnRecord(_Row):
    turn_id: str
    session_id: str
    position: int
    created_at: float
    user: str
    assistant: str  # the answer as it was shown (prose and product list)
    preferences: dict[str, Any]
    backend: str
    prompts: dict[str, str]
    latency_ms: float
    outcome: Outcome = Outcome.RESULTS
    list_kind: ListKind = "results"
    impressions: tuple[Impression, ...] = ()


class FeedbackEvent(_Row):
    event_id: str
    session_id: str
    shopper_id: str | None
    turn_id: str | None
    product_id: str
    kind: FeedbackKind
    created_at: float


class Profile(_Row):
    """A returning shopper's products, from their feedback since the profile was last cleared."""

    shopper_id: str
    liked: tuple[str, ...] = ()
    carted: tuple[str, ...] = ()
    bought: tuple[str, ...] = ()

    @property
    def product_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.bought, *self.carted, *self.liked]))
