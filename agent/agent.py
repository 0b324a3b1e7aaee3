"""The agent: one shopper turn from messages to a checked, logged Reply, and the Python API.

`reply` / `stream_reply` are stateless: the messages are the whole conversation, as in the OpenAI
API. `respond` / `stream` keep the conversation per session id (in the session log, so it
survives restarts). Whatever the backend, the turn goes through the same tool loop, guardrail and
log; when the LLM server fails, the rules backend answers and the trace says why.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING

from agent.chat_model import ChatModel
from agent.copywriter import Copywriter
from agent.dialogue import read_dialogue
from agent.errors import LLMUnavailableError, MessageTooLongError, RequestError
from agent.guardrail import Guardrail
from agent.loop import FallbackNeeded, LoopLimits, run_turn
from agent.prompts import prompt_hash, render
from agent.replies import compose, constraints, query_for
from agent.rules_model import RulesChatModel
from agent.safety import neutralise
from agent.session_log import CopyStore, Profile, SessionLog
from agent.shop import Shop
from agent.tools import SearchProductsArgs, Toolbox, Turn, tool_specs
from agent.types import AgentEvent, EventKind, Message, Preferences, Reply
from retrieval.popularity import Band
from retrieval.rerank.base import RerankContext

if TYPE_CHECKING:
    from agent.settings import AgentSettings, LLMSettings


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
        self.log = log
        self.copies = CopyStore(log) if log is not None else None
        self.toolbox = Toolbox(shop, copywriter, self.copies)
        self.limits = LoopLimits(agent_settings.max_rounds, agent_settings.max_failed_calls)
        self._histories: dict[str, list[Message]] = {}

    @property
    def backend(self) -> str:
        return self.model.name if self.model is not None else RulesChatModel.name

    # Stateless: the messages are the conversation -------------------------------------------

    def reply(
        self, messages: Sequence[Message], session_id: str = "", shopper_id: str | None = None
    ) -> Reply:
        for event in self.stream_reply(messages, session_id, shopper_id, stream=False):
            if event.reply is not None:
                return event.reply
        raise RuntimeError("a turn ended without a reply")  # the loop always ends with one

    def stream_reply(
        self,
        messages: Sequence[Message],
        session_id: str = "",
        shopper_id: str | None = None,
        stream: bool = True,
    ) -> Iterator[AgentEvent]:
        """The turn's events, ending with the Reply. With `stream` off the model is asked for
        whole answers (one request per round instead of a stream)."""
        started = time.perf_counter()
        dialogue = self._validated(messages)
        profile = self.profile(shopper_id) if shopper_id else None
        seed = Preferences(liked=profile.product_ids) if profile else None
        context = RerankContext(session_id=session_id, profile=self._band_mix(profile))
        model = self.model or RulesChatModel(self.shop, seed)
        said: list[str] = []
        try:
            turn = yield from self._run(model, dialogue, seed, context, session_id, said, stream)
        except (LLMUnavailableError, FallbackNeeded) as exc:
            if self.fallback != "rules" or isinstance(model, RulesChatModel):
                raise LLMUnavailableError(str(exc)) from exc
            yield AgentEvent(
                kind=EventKind.STATUS,
                text="The language model failed; answering with the rules backend instead.",
            )
            said = []
            rules = RulesChatModel(self.shop, seed)
            turn = yield from self._run(rules, dialogue, seed, context, session_id, said, stream)
            turn.trace.fallback_reason = f"{model.name}: {exc}"
        reply = self._finish(turn, said, started)
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
        history = self._history(session_id)
        messages = [*history, Message(role="user", content=text)]
        for event in self.stream_reply(messages, session_id, shopper_id, stream):
            if event.reply is not None:
                history += [messages[-1], Message(role="assistant", content=event.reply.markdown())]
            yield event

    def reset(self, session_id: str) -> None:
        """Forgets the conversation of a session in this process (a new session id starts afresh
        everywhere)."""
        self._histories[session_id] = []

    def feedback(self, session_id: str, product_id: str, kind: str) -> str:
        if self.log is None:
            raise RequestError("feedback needs the session log, which this agent has not got")
        return self.log.feedback(session_id, product_id, kind)

    def profile(self, shopper_id: str) -> Profile:
        return self.log.profile(shopper_id) if self.log is not None else Profile(shopper_id)

    def clear_profile(self, shopper_id: str) -> None:
        if self.log is not None:
            self.log.clear_profile(shopper_id)

    # The turn ---------------------------------------------------------------------------------

    def _run(
        self,
        model: ChatModel,
        dialogue: list[Message],
        seed: Preferences | None,
        context: RerankContext,
        session_id: str,
        said: list[str],
        stream: bool,
    ) -> Generator[AgentEvent, None, Turn]:
        state = read_dialogue(
            dialogue, self.shop.vocabulary, self.shop.get, seed, self.shop.named_in
        )
        turn = Turn(state, session_id, self.settings.k, context)
        turn.trace.backend = model.name
        turn.trace.injections += state.parsed.injections
        system = render(
            "system",
            shop_name=self.settings.shop_name,
            categories=self.shop.categories()[:20],
            preferences=_preferences_line(state.preferences),
        )
        if not isinstance(model, RulesChatModel):
            turn.trace.prompts["system"] = prompt_hash("system")
        # Leaks are measured against the fixed wording only: the preferences line repeats the
        # shopper's own words, which an answer may well say back.
        guardrail = Guardrail(
            self.shop,
            render("system", shop_name=self.settings.shop_name, categories=[], preferences=""),
        )
        # The rules backend reads shopper text itself (and cuts instructions out as it parses);
        # an LLM gets the text with instruction-like sentences already cut.
        visible = dialogue if isinstance(model, RulesChatModel) else _safe(dialogue)
        messages = [Message(role="system", content=system), *visible]
        for event in run_turn(
            model, messages, self.toolbox, turn, guardrail, self.limits, tool_specs(), stream
        ):
            if event.kind is EventKind.TEXT:
                said.append(event.text)
            yield event
        if self._asks_again(turn, said):
            # At most one clarifying question in a row: search with what is known instead.
            said.clear()
            args = SearchProductsArgs(query=query_for(state.preferences, self.shop))
            result = self.toolbox.search(args, turn)
            text = compose(state, [("search_products", result)], self.shop)
            said.append(text)
            yield AgentEvent(kind=EventKind.TEXT, text=text)
        return turn

    def _asks_again(self, turn: Turn, said: list[str]) -> bool:
        text = " ".join(said).strip()
        asked = not turn.recommendations and (not text or text.endswith("?"))
        return asked and turn.state.asked_clarification and turn.state.intent.value == "search"

    def _finish(self, turn: Turn, said: list[str], started: float) -> Reply:
        report = turn.trace.guardrail
        cards = Guardrail(self.shop).products(turn.recommendations, turn.state.preferences, report)
        cards = [c.model_copy(update={"rank": i}) for i, c in enumerate(cards, start=1)]
        text = " ".join(s.strip() for s in said).strip()
        if not text:
            text = _default_text(turn, cards)
        if cards:
            self.shop.record_shown([(c.id, c.rank) for c in cards])
        question = text if not cards and text.endswith("?") else None
        turn.trace.latency_ms = round(1000 * (time.perf_counter() - started), 1)
        return Reply(
            text=text,
            recommendations=cards,
            list_kind="results" if turn.listed is not None else "featured",
            clarifying_question=question,
            preferences=turn.state.preferences,
            backend=turn.trace.backend,
            trace=turn.trace,
        )

    def _validated(self, messages: Sequence[Message]) -> list[Message]:
        if not messages:
            raise RequestError(
                "messages is empty; send at least the shopper's message", param="messages"
            )
        if len(messages) > self.settings.max_messages:
            raise RequestError(
                f"{len(messages)} messages is more than the limit of "
                f"{self.settings.max_messages}; start a new conversation",
                param="messages",
            )
        for i, message in enumerate(messages):
            if len(message.content) > self.settings.max_message_chars:
                raise MessageTooLongError(
                    f"message {i} has {len(message.content)} characters; the limit is "
                    f"{self.settings.max_message_chars}",
                    param=f"messages[{i}].content",
                )
        # The shop's own system prompt governs; a client's system or tool messages are not
        # part of the dialogue the agent reads.
        dialogue = [m for m in messages if m.role in ("user", "assistant")]
        if not dialogue or dialogue[-1].role != "user":
            raise RequestError(
                "the last message must be the shopper's (role 'user')", param="messages"
            )
        if not dialogue[-1].content.strip():
            raise RequestError("the shopper's message is empty", param="messages")
        return dialogue

    def _history(self, session_id: str) -> list[Message]:
        if session_id not in self._histories:
            logged = self.log.history(session_id) if self.log is not None else []
            self._histories[session_id] = logged
        return self._histories[session_id]

    def _band_mix(self, profile: Profile | None) -> dict[Band, float]:
        if profile is None or not profile.product_ids:
            return {}
        mix = dict.fromkeys(Band, 0.0)
        for product_id in profile.product_ids:
            mix[self.shop.band(product_id)] += 1.0
        return mix


def _safe(dialogue: list[Message]) -> list[Message]:
    """Shopper messages with instruction-like sentences cut out (safety.py)."""
    out = []
    for message in dialogue:
        if message.role == "user":
            text, cut = neutralise(message.content)
            message = (
                message.model_copy(
                    update={"content": text or "(a message with instructions to the assistant)"}
                )
                if cut
                else message
            )
        out.append(message)
    return out


def _preferences_line(prefs: Preferences) -> str:
    parts = [constraints(prefs)]
    if prefs.product_types:
        parts.insert(0, ", ".join(prefs.product_types))
    if prefs.needs:
        parts.append("needs: " + "; ".join(prefs.needs))
    return "; ".join(p for p in parts if p)


def _default_text(turn: Turn, cards: list) -> str:
    if cards:
        return "Here is what I found." if len(cards) > 1 else "Here it is."
    return "Sorry, I couldn't find anything for that. Could you tell me more about what you need?"
