"""Playing corpus conversations through an agent, statelessly, as an OpenAI client does.

Each turn sends the whole conversation so far; the assistant messages sent back are what a client
would have shown (the reply's markdown, whose product lines end with the ids). When the agent
accepts dict messages carrying the structured reply under a `tailtalk` key, that is sent too.
Every case gets an agent of its own (a fresh exposure ledger and session log over the shared
index), so a case plays the same whatever ran before it. An agent error ends the case: the turn
records it and the turns after it are not played (each counts as failed).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from agent.agent import Agent
from agent.factory import build_agent
from agent.render import reply_markdown
from agent.shop import Shop
from agent.types import Message, Reply
from eval.conversation_checks import Check, Shown, check_turn
from eval.conversations import Case
from eval.harness import Harness
from retrieval.factory import open_search
from retrieval.rerank import ExposureLedger
from retrieval.types import Product

STRUCTURED_KEY = "tailtalk"


@dataclass
class TurnResult:
    number: int
    user: str
    reply: dict[str, Any] | None = None  # a summary of the reply: outcome, cards, text
    error: str | None = None
    checks: list[Check] = field(default_factory=list)
    latency_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and self.reply is not None and all(c.ok for c in self.checks)

    @property
    def passed_present(self) -> bool:
        """Passed, setting aside checks on reply fields the agent does not have at all."""
        played = self.error is None and self.reply is not None
        return played and all(c.ok or c.missing_field for c in self.checks)


@dataclass
class CaseResult:
    case: Case
    turns: list[TurnResult]

    @property
    def complete(self) -> bool:
        return len(self.turns) == len(self.case.turns)

    @property
    def passed(self) -> bool:
        return self.complete and all(t.passed for t in self.turns)

    @property
    def passed_present(self) -> bool:
        return self.complete and all(t.passed_present for t in self.turns)


def case_agents(harness: Harness) -> Callable[[], AbstractContextManager[Agent]]:
    """A factory of per-case agents over the harness's index, rules backend, in scratch
    folders that are removed afterwards."""
    rerank = harness.settings.rerank
    llm = harness.settings.llm.model_copy(update={"base_url": None})
    agent_settings = harness.settings.agent.model_copy(update={"k": harness.k})

    @contextmanager
    def make() -> Iterator[Agent]:
        with tempfile.TemporaryDirectory(prefix="tailtalk-conversation-") as scratch:
            folder = Path(scratch)
            ledger = ExposureLedger(folder / "exposure.sqlite")
            search = open_search(
                harness.settings, harness.logged, harness.retriever, rerank, ledger
            )
            shop = Shop(search)
            settings = harness.settings.model_copy(
                update={"data_dir": folder, "llm": llm, "agent": agent_settings}
            )
            yield build_agent(settings, shop=shop)

    return make


def accepts_structured(agent: Agent) -> bool:
    """Whether `agent.reply` takes dict messages with the structured reply under `tailtalk`:
    tried once on a two-turn conversation."""
    first = agent.reply([Message(role="user", content="hello")])
    conversation = [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": reply_markdown(first), STRUCTURED_KEY: structured(first)},
        {"role": "user", "content": "thanks"},
    ]
    try:
        agent.reply(conversation)  # type: ignore[arg-type]
    except Exception:  # any refusal means: not supported by this agent
        return False
    return True


def structured(reply: Reply) -> dict[str, Any]:
    return reply.model_dump(mode="json", exclude={"trace"})


class Answerer(Protocol):
    """What plays a case: the agent, or the plain-search baseline."""

    def reply(self, messages: Sequence[Any]) -> Reply: ...


def play_case(
    agent: Answerer, case: Case, catalogue: Mapping[str, Product], send_structured: bool
) -> CaseResult:
    messages: list[Any] = []
    shown: list[list[str]] = []
    results: list[TurnResult] = []
    for number, turn in enumerate(case.turns, start=1):
        result = TurnResult(number, turn.user)
        results.append(result)
        messages.append(
            {"role": "user", "content": turn.user}
            if send_structured
            else Message(role="user", content=turn.user)
        )
        started = time.perf_counter()
        try:
            reply = agent.reply(messages)
        except Exception as exc:  # a measurement records the agent's failure and goes on
            result.error = f"{type(exc).__name__}: {exc}"
            break
        result.latency_ms = (time.perf_counter() - started) * 1000
        result.reply = summary(reply)
        result.checks = check_turn(
            turn.expect,
            reply,
            number,
            case.expected_language(turn),
            Shown(shown),
            catalogue,
        )
        shown.append([c.id for c in reply.recommendations])
        messages.append(
            {
                "role": "assistant",
                "content": reply_markdown(reply),
                STRUCTURED_KEY: structured(reply),
            }
            if send_structured
            else Message(role="assistant", content=reply_markdown(reply))
        )
    return CaseResult(case, results)


def play(
    cases: Sequence[Case],
    agents: Callable[[], AbstractContextManager[Answerer]],
    catalogue: Mapping[str, Product],
    send_structured: bool,
    desc: str = "conversations",
) -> list[CaseResult]:
    """Every case with an agent of its own from `agents` (a context-manager factory)."""
    out = []
    for case in tqdm(cases, desc=desc, unit="case"):
        with agents() as agent:
            out.append(play_case(agent, case, catalogue, send_structured))
    return out


def summary(reply: Reply) -> dict[str, Any]:
    """What the report shows of a reply."""

    def field_value(name: str) -> Any:
        value = getattr(reply, name, None)
        if isinstance(value, list | tuple):
            return [str(getattr(v, "value", v)) for v in value]
        return None if value is None else str(getattr(value, "value", value))

    return {
        "outcome": field_value("outcome"),
        "relaxed": field_value("relaxed"),
        "language": field_value("language"),
        "clarifying_question": reply.clarifying_question,
        "text": reply.text,
        "cards": [{"id": c.id, "price": c.price, "title": c.title} for c in reply.recommendations],
    }
