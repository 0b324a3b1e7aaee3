"""Off-policy estimates from a session-log export: what feedback rate would another policy get?

The logged action is the product in the top slot. Its logged propensity is the probability the
logging policy had of putting it there (the Plackett-Luce sampling of a shop that runs with
TAILTALK_RERANK__TEMPERATURE > 0). The reward is 1 when the shopper clicked, liked, carted or
bought that product. For a candidate policy that would have put product a in the top slot:

    w = [a == logged product] / propensity
    IPS   = mean(w * reward)
    SNIPS = sum(w * reward) / sum(w)

with 95% intervals from a seeded bootstrap over logged turns. A deterministic candidate is
assumed (the policies TailTalk runs without sampling). Without propensities, or when the logging
policy never sampled (every propensity 1), no estimate is possible and none is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.types import FeedbackKind
from eval.sessions import EvalSession

# A click counts for the feedback rate too; only a dislike does not.
POSITIVE = frozenset(k.value for k in FeedbackKind if k is not FeedbackKind.DISLIKE)


@dataclass(frozen=True)
class LoggedTurn:
    session: EvalSession
    product_id: str  # in the top slot
    propensity: float
    reward: float


class Refused(Exception):
    """The sessions do not allow an off-policy estimate; the message says why and what to do."""


def logged_turns(sessions: Sequence[EvalSession]) -> list[LoggedTurn]:
    logged = [s for s in sessions if s.impressions]
    if not logged:
        raise Refused(
            "the sessions carry no impressions; off-policy estimates need a session-log export "
            "(tailtalk export-sessions), with what was shown and its propensities"
        )
    turns = []
    for session in logged:
        top = min(session.impressions or (), key=lambda i: i["rank"])
        if top.get("propensity") is None:
            raise Refused(
                f"session {session.session_id} has impressions without propensities; export "
                "the log of a TailTalk version that records them"
            )
        reward = any(
            f["product_id"] == top["product_id"] and f["kind"] in POSITIVE for f in session.feedback
        )
        turns.append(LoggedTurn(session, top["product_id"], float(top["propensity"]), reward))
    if all(t.propensity >= 1.0 for t in turns):
        raise Refused(
            "the logging policy was deterministic (every logged propensity is 1), so no other "
            "choice was ever tried; run the shop with TAILTALK_RERANK__TEMPERATURE > 0 to log "
            "sessions that support off-policy estimates"
        )
    return turns


def estimate(
    turns: Sequence[LoggedTurn],
    choose: Callable[[EvalSession], str | None],
    seed: int = 0,
    resamples: int = 1000,
) -> dict[str, Any]:
    chosen = [choose(t.session) for t in turns]
    w = np.array([(c == t.product_id) / t.propensity for c, t in zip(chosen, turns, strict=True)])
    r = np.array([t.reward for t in turns])
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(turns), size=(resamples, len(turns)))
    ips_boot = (w[samples] * r[samples]).mean(axis=1)
    weight_sums = w[samples].sum(axis=1)
    snips_boot = np.divide(
        (w[samples] * r[samples]).sum(axis=1),
        weight_sums,
        out=np.zeros(resamples),
        where=weight_sums > 0,
    )
    return {
        "matches": int((w > 0).sum()),
        "ips": float((w * r).mean()),
        "snips": float((w * r).sum() / w.sum()) if w.sum() > 0 else 0.0,
        "ips_ci": [float(np.percentile(ips_boot, 2.5)), float(np.percentile(ips_boot, 97.5))],
        "snips_ci": [
            float(np.percentile(snips_boot, 2.5)),
            float(np.percentile(snips_boot, 97.5)),
        ],
    }
