"""Replaying sessions: every session through every run (agent policies and baselines), in one
process, on one index. The agent gets the whole conversation as history, exactly as the OpenAI
endpoint would, and its recommendations for the last turn are what is scored.

Before scoring, products the dialogue already named are taken out of every list (the standard on
ReDial). Each list is also checked against the hard constraints the rules reading of the dialogue
finds (a list breaking one is a constraint violation), and an agent reply counts as a
hallucination when the guardrail had to remove a claim from it or it names a product outside the
catalogue. A session that fails is recorded, not fatal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from agent.agent import Agent
from agent.reading.state import read_dialogue
from agent.shop import Shop
from eval.sessions import EvalSession, Failure
from retrieval.types import SearchFilters


@dataclass
class Outcome:
    ranked: list[str]
    latency_ms: float
    hallucinated: bool = False
    violated: bool = False


@dataclass
class Run:
    name: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What every run of a session is held to: its hard constraints and the products it named."""

    filters: SearchFilters
    named: frozenset[str]


def contexts(shop: Shop, sessions: Sequence[EvalSession]) -> dict[str, Context]:
    out = {}
    for session in sessions:
        state = read_dialogue(list(session.turns), shop, None, shop.reading_options)
        named = frozenset(shop.named_in(session.dialogue_text()))
        # The product kind may be loosened by the agent (and says so); the rest are hard.
        prefs = state.preferences.model_copy(update={"product_types": (), "rejected": ()})
        out[session.session_id] = Context(prefs.filters(exclude_ids=named), named)
    return out


def run_agent(
    name: str,
    agent: Agent,
    sessions: Sequence[EvalSession],
    context: dict[str, Context],
    k: int,
) -> Run:
    def one(session: EvalSession, ctx: Context) -> tuple[list[str], bool]:
        reply = agent.reply(list(session.turns), f"eval-{session.session_id}")
        report = reply.trace.guardrail
        removed = report.out_of_results + report.price_mismatch + report.attribute_contradiction
        return [c.id for c in reply.recommendations], removed > 0

    return _replay(name, one, agent.shop, sessions, context, k)


def run_baseline(
    name: str,
    rank: Callable[[EvalSession, Context], list[str]],
    shop: Shop,
    sessions: Sequence[EvalSession],
    context: dict[str, Context],
    k: int,
) -> Run:
    return _replay(name, lambda s, ctx: (rank(s, ctx), False), shop, sessions, context, k)


def _replay(
    name: str,
    one: Callable[[EvalSession, Context], tuple[list[str], bool]],
    shop: Shop,
    sessions: Sequence[EvalSession],
    context: dict[str, Context],
    k: int,
) -> Run:
    """Every session through `one` (its ranked ids, and whether claims had to be removed)."""
    run = Run(name)
    for session in tqdm(sessions, desc=f"{name:>12}", unit="session", leave=False):
        ctx = context[session.session_id]
        started = time.perf_counter()
        try:
            ranked, claims_removed = one(session, ctx)
        except Exception as exc:  # one broken session must not stop the evaluation
            run.failures.append(Failure(session.session_id, f"{type(exc).__name__}: {exc}"))
            continue
        elapsed = 1000 * (time.perf_counter() - started)
        ranked = [pid for pid in ranked if pid not in ctx.named][:k]
        products = [shop.get(pid) for pid in ranked]
        run.outcomes[session.session_id] = Outcome(
            ranked=ranked,
            latency_ms=elapsed,
            hallucinated=claims_removed or any(p is None for p in products),
            violated=any(p is not None and not ctx.filters.admits(p) for p in products),
        )
    return run
