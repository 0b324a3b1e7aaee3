"""The rules backend: a ChatModel with no weights.

It works from the agent's reading of the dialogue (the turn's DialogueState): the shopper's latest
message becomes one tool call, and once the tool has answered it writes the reply from templates
(replies.py) over the tool's typed result. Deterministic: the same dialogue gets the same answer.
It is the default when no LLM server is configured and the fallback when the server fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from agent.models.base import ModelDelta, ModelOutput, ToolSpec, stream_from_complete
from agent.models.replies import compose, talk, vague
from agent.reading.parse import Intent
from agent.reading.state import DialogueState, read_dialogue
from agent.shop import Shop
from agent.tools.search import search_arguments
from agent.tools.turn import Turn
from agent.types import Message, Preferences, ToolCall

NAME = "rules"


class RulesChatModel:
    name = NAME

    def __init__(self, shop: Shop, seed: Preferences | None = None) -> None:
        self.shop = shop
        self.seed = seed  # a returning shopper's profile, when the dialogue is read here

    def complete(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> ModelOutput:
        if turn is None:  # called outside the agent's loop: read the dialogue here
            turn = Turn(self._read(messages))
        state = turn.state
        if turn.last_tool is not None or not tools:
            text = compose(state, turn.last_tool, turn.last_result, self.shop)
            return ModelOutput(text=text, asks=turn.last_tool is None)
        call = self.decide(state)
        if call is None:
            text, asks = talk(state, self.shop)
            return ModelOutput(text=text, asks=asks)
        name, arguments = call
        tool_call = ToolCall(
            id=f"rules-{uuid.uuid4().hex[:8]}", name=name, arguments=json.dumps(arguments)
        )
        return ModelOutput(tool_calls=[tool_call], finish_reason="tool_calls")

    def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> Iterator[ModelDelta]:
        yield from stream_from_complete(self.complete(messages, tools, turn=turn))

    def decide(self, state: DialogueState) -> tuple[str, dict[str, Any]] | None:
        """The one tool call this dialogue state calls for, or None to just talk."""
        intent, targets = state.intent, state.targets
        if intent is Intent.CHAT:
            return None
        if intent in (Intent.DETAILS, Intent.LIKE) and targets:
            return "get_product", {"id": targets[0]}
        if intent is Intent.COPY and targets:
            return "write_product_copy", {"id": targets[0]}
        if intent is Intent.COMPARE:
            return ("compare_products", {"ids": targets[:5]}) if len(targets) >= 2 else None
        if intent in (Intent.DETAILS, Intent.LIKE, Intent.COPY):
            return None  # about a product that was not shown (or not found): ask which
        unclear = intent is Intent.SEARCH and vague(state.preferences)
        if unclear and not state.asked_clarification:
            return None  # ask what they are looking for (at most once in a row)
        return "search_products", search_arguments(state).model_dump(exclude_defaults=True)

    def _read(self, messages: Sequence[Message]) -> DialogueState:
        dialogue = [m for m in messages if m.role in ("user", "assistant")]
        shop = self.shop
        return read_dialogue(dialogue, shop, self.seed, shop.reading_options)
