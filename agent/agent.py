"""The agent: one shopper turn from messages to a checked, logged Reply, and the Python API.

`reply` / `stream_reply` are stateless: the messages are the whole conversation, as in the OpenAI
API (dicts or Messages). `respond` / `stream` keep the conversation per session id (read back
from the session log each turn, so it survives restarts and holds no memory per session).

One turn: the input is validated (validation.py), the dialogue is read once (agent/reading), the
model runs the one tool loop (loop.py) with the tools and the guardrail, and the result becomes a
Reply with its outcome. When the LLM server fails, the rules backend answers the same reading and
the trace says why.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from agent.copywriting.copywriter import Copywriter
from agent.errors import LLMUnavailableError, RequestError
from agent.guardrail import Guardrail
from agent.log.copies import CopyStore
from agent.log.rows import Profile
from agent.log.sessions import SessionLog
from agent.loop import FallbackNeeded, LoopLimits, run_turn
from agent.models.base import ChatModel
from agent.models.rules import RulesChatModel
from agent.prompts import phrases, prompt_hash, render
from agent.reading.parse import Intent
from agent.reading.safety import neutralise
from agent.reading.state import DialogueState, read_dialogue
from agent.render import reply_markdown
from agent.shop import Shop
from agent.tools.models import (
    ComparisonResult,
    CopyResult,
    DetailsResult,
    SearchResult,
)
from agent.tools.registry import Toolbox, tool_specs
from agent.tools.search import search_arguments
from agent.tools.turn import Turn
from agent.types import (
    AgentEvent,
    EventKind,
    LLMHealth,
    Message,
    Outcome,
    Preferences,
    ProductCard,
    Reply,
    ToolCall,
)
from agent.validation import as_messages, validated
from agent.wording import constraints
from retrieval.popularity import Band
from retrieval.rerank.base import RerankContext

if TYPE_CHECKING:
    from agent.settings import AgentSettings, LLMSettings

MessageLike = Message | Mapping[str, Any]
# Without a session log, `respond` keeps conversations in memory: at most this many sessions
# (least recently used go first) and this many turns each.
MEMORY_SESSIONS = 1000
HISTORY_TURNS = 50


class Agent:
    def __init__(
        self,
        shop: Shop,
        model: ChatModel | None,
        copywriter: Copywriter,
        agent_settings: AgentSettings,
        llm_settings: LLMSettings,
        log: SessionLog | None = None,
    ) -> None:
        self.shop = shop
        self.model = model
        self.settings = agent_settings
        self.fallback = llm_settings.fallback
        self.turn_deadline = llm_settings.turn_deadline
        self.log = log
        self.copies = CopyStore(log) if log is not None else None
        self.toolbox = Toolbox(shop, copywriter, self.copies)
        self.limits = LoopLimits(agent_settings.max_rounds, agent_settings.max_failed_calls)
        self._memory: OrderedDict[str, list[Message]] = OrderedDict()

    @property
    def backend(self) -> str:
        return self.model.name if self.model is not None else RulesChatModel.name

    def llm_health(self) -> LLMHealth | None:
        """How the LLM server is doing (None: no LLM, or a model that does not say)."""
        health = getattr(self.model, "health", None)
        return health() if callable(health) else None

    # Stateless: the messages are the conversation -------------------------------------------

    def reply(
        self, messages: Sequence[MessageLike], session_id: str = "", shopper_id: str | None = None
    ) -> Reply:
        for event in self.stream_reply(messages, session_id, shopper_id, stream=False):
            if event.reply is not None:
                return event.reply
        raise RuntimeError("a turn ended without a reply")  # the loop always ends with one

    def stream_reply(
        self,
        messages: Sequence[MessageLike],
        session_id: str = "",
        shopper_id: str | None = None,
        stream: bool = True,
    ) -> Iterator[AgentEvent]:
        """The turn's events, ending with the Reply. With `stream` off the model is asked for
        whole answers (one request per round instead of a stream). Messages may be Messages or
        OpenAI-style dicts ({"role": "user", "content": "..."})."""
        started = time.perf_counter()
        dialogue = validated(as_messages(messages), self.settings)
        profile = self.profile(shopper_id) if shopper_id else None
        seed = Preferences(liked=profile.product_ids) if profile else None
        context = RerankContext(session_id=session_id, profile=self._band_mix(profile))
        shop = self.shop
        state = read_dialogue(dialogue, shop, seed, shop.reading_options)
        model = self.model or RulesChatModel(shop, seed)
        deadline = time.monotonic() + self.turn_deadline
        try:
            turn = yield from self._run(model, state, context, session_id, stream, deadline)
        except (LLMUnavailableError, FallbackNeeded) as exc:
            if self.fallback != "rules" or self.model is None:
                raise LLMUnavailableError(str(exc)) from exc
            yield AgentEvent(
                kind=EventKind.STATUS,
                text="The language model failed; answering with the rules backend instead.",
            )
            rules = RulesChatModel(shop, seed)
            turn = yield from self._run(rules, state, context, session_id, stream)
            turn.trace.fallback_reason = f"{model.name}: {exc}"
        reply = self._finish(turn, started)
        if self.log is not None and session_id:
            self.log.log_turn(session_id, dialogue[-1].content, reply, shopper_id)
        yield AgentEvent(kind=EventKind.REPLY, reply=reply)

    # Stateful: the agent keeps the conversation per session -----------------------------------

    def respond(self, session_id: str, text: str, shopper_id: str | None = None) -> Reply:
        for event in self.stream(session_id, text, shopper_id, stream=False):
            if event.reply is not None:
                return event.reply
        raise RuntimeError("a turn ended without a reply")

    def stream(
        self, session_id: str, text: str, shopper_id: str | None = None, stream: bool = True
    ) -> Iterator[AgentEvent]:
        if not session_id:
            raise RequestError("a session id is needed to keep the conversation", param="session")
        messages = [*self._history(session_id), Message(role="user", content=text)]
        for event in self.stream_reply(messages, session_id, shopper_id, stream):
            if event.reply is not None and self.log is None:
                self._remember(session_id, messages[-1], event.reply)
            yield event

    def reset(self, session_id: str) -> None:
        """Forgets an in-memory conversation (with a session log, a new session id starts
        afresh: the log keeps every session for evaluation)."""
        self._memory.pop(session_id, None)

    def feedback(self, session_id: str, product_id: str, kind: str) -> str:
        if self.log is None:
            raise RequestError("feedback needs the session log, which this agent has not got")
        return self.log.feedback(session_id, product_id, kind)

    def profile(self, shopper_id: str) -> Profile:
        if self.log is None:
            return Profile(shopper_id=shopper_id)
        return self.log.profile(shopper_id)

    def clear_profile(self, shopper_id: str) -> None:
        if self.log is not None:
            self.log.clear_profile(shopper_id)

    # The turn ---------------------------------------------------------------------------------

    def _run(
        self,
        model: ChatModel,
        state: DialogueState,
        context: RerankContext,
        session_id: str,
        stream: bool,
        deadline: float | None = None,
    ) -> Generator[AgentEvent, None, Turn]:
        turn = Turn(state, session_id, self.settings.k, context, deadline=deadline)
        turn.trace.backend = model.name
        turn.trace.injections += state.parsed.injections
        # Category names are catalogue text too: instructions planted in them are cut.
        categories = [c for c in (neutralise(c)[0] for c in self.shop.categories()[:20]) if c]
        system = render(
            "system",
            shop_name=self.settings.shop_name,
            categories=categories,
            preferences=_preferences_line(state.preferences),
        )
        turn.trace.prompts["system"] = prompt_hash("system")
        # Leaks are measured against the fixed wording only: the preferences line repeats the
        # shopper's own words, which an answer may well say back.
        guardrail = Guardrail(
            self.shop,
            render("system", shop_name=self.settings.shop_name, categories=[], preferences=""),
        )
        messages = [
            Message(role="system", content=system),
            *(_earlier_answer(m, turn) for m in state.safe_dialogue),
        ]
        yield from run_turn(
            model,
            messages,
            self.toolbox,
            turn,
            guardrail,
            self.limits,
            tool_specs(),
            stream,
            forced=_forced_search(state),
        )
        return turn

    def _finish(self, turn: Turn, started: float) -> Reply:
        report = turn.trace.guardrail
        result = turn.last_result
        searched = result if isinstance(result, SearchResult) else None
        relaxed = [searched.relaxed] if searched and searched.relaxed else []
        if searched and searched.met_by_titles:
            relaxed.append("attributes")  # the search checked them against the titles
        asked_for = searched.requested if searched else []
        cards = Guardrail(self.shop).products(
            turn.recommendations, turn.state.preferences, report, relaxed, asked_for
        )
        cards = [c.model_copy(update={"rank": i}) for i, c in enumerate(cards, start=1)]
        text = " ".join(s.strip() for s in turn.said).strip()
        if not text:
            text = phrases(turn.state.language).say("fallback", len(cards))
        if cards:
            self.shop.record_shown([(c.id, c.rank) for c in cards])
        outcome = _outcome(turn, cards)
        turn.trace.latency_ms = round(1000 * (time.perf_counter() - started), 1)
        return Reply(
            text=text,
            recommendations=cards,
            list_kind="results" if turn.listed is not None else "featured",
            outcome=outcome,
            relaxed=relaxed if cards else [],
            language=turn.state.language,
            clarifying_question=text if outcome is Outcome.CLARIFY else None,
            preferences=turn.state.preferences,
            backend=turn.trace.backend,
            trace=turn.trace,
        )

    def _history(self, session_id: str) -> list[Message]:
        if self.log is not None:
            return self.log.history(session_id, last_turns=HISTORY_TURNS)
        history = self._memory.get(session_id, [])
        self._memory[session_id] = history
        self._memory.move_to_end(session_id)
        while len(self._memory) > MEMORY_SESSIONS:
            self._memory.popitem(last=False)
        return list(history)

    def _remember(self, session_id: str, said: Message, reply: Reply) -> None:
        answer = Message(role="assistant", content=reply_markdown(reply), shown=reply.shown())
        history = [*self._memory.get(session_id, []), said, answer]
        self._memory[session_id] = history[-2 * HISTORY_TURNS :]

    def _band_mix(self, profile: Profile | None) -> dict[Band, float]:
        if profile is None or not profile.product_ids:
            return {}
        mix = dict.fromkeys(Band, 0.0)
        for product_id in profile.product_ids:
            mix[self.shop.band(product_id)] += 1.0
        return mix


def _earlier_answer(message: Message, turn: Turn) -> Message:
    """An earlier assistant message as the model reads it: a stateless client sends these back
    itself (with catalogue titles in their product lines), so they are text to check like the
    shopper's."""
    if message.role != "assistant":
        return message
    content, cut = neutralise(message.content)
    if not cut:
        return message
    turn.trace.injections += cut
    return message.model_copy(update={"content": content})


def _forced_search(state: DialogueState) -> ToolCall | None:
    """At most one clarifying question in a row: when the last answer asked one and the
    shopper answered with a request, search with what is known, whatever the model would do."""
    if not (state.asked_clarification and state.intent is Intent.SEARCH):
        return None
    arguments = search_arguments(state).model_dump_json(exclude_defaults=True)
    return ToolCall(
        id=f"policy-{uuid.uuid4().hex[:8]}", name="search_products", arguments=arguments
    )


def _outcome(turn: Turn, cards: list[ProductCard]) -> Outcome:
    result = turn.last_result
    if isinstance(result, SearchResult):
        if result.not_carried:
            return Outcome.NOT_CARRIED
        if not cards:
            return Outcome.NO_RESULTS
        return Outcome.RELAXED if result.relaxed else Outcome.RESULTS
    if isinstance(result, DetailsResult):
        return Outcome.DETAILS
    if isinstance(result, ComparisonResult):
        return Outcome.COMPARE
    if isinstance(result, CopyResult):
        return Outcome.COPY
    if turn.last_tool is None:
        # No tool ran: the answer asked something back, unless the model says it did not
        # (small talk) or the shopper asked for nothing (a greeting, thanks).
        asks = turn.asks if turn.asks is not None else turn.state.intent is not Intent.CHAT
        return Outcome.CLARIFY if asks else Outcome.CHAT
    return Outcome.CHAT  # a tool failed and the model said why


def _preferences_line(prefs: Preferences) -> str:
    parts = [constraints(prefs)]
    if prefs.product_types:
        parts.insert(0, ", ".join(prefs.product_types))
    if prefs.needs:
        parts.append("needs: " + "; ".join(prefs.needs))
    return "; ".join(p for p in parts if p)
