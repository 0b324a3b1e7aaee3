"""The rules backend: a ChatModel with no weights.

It reads the dialogue with the catalogue's vocabulary (dialogue.py), turns the shopper's latest
message into one tool call, and once the tool has answered writes the reply from templates
(replies.py). Deterministic: the same dialogue gets the same answer. It is the default when no
LLM server is configured and the fallback when the server fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from agent.chat_model import ModelDelta, ModelOutput, ToolSpec, stream_from_complete
from agent.dialogue import DialogueState, read_dialogue, similar_to
from agent.replies import compose, query_for
from agent.shop import Shop
from agent.types import Message, Preferences, ToolCall
from agent.understand import Intent

NAME = "rules"


class RulesChatModel:
    name = NAME

    def __init__(self, shop: Shop, seed: Preferences | None = None) -> None:
        self.shop = shop
        self.seed = seed

    def read(self, messages: Sequence[Message]) -> DialogueState:
        return read_dialogue(
            messages, self.shop.vocabulary, self.shop.get, self.seed, self.shop.named_in
        )

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> ModelOutput:
        turn_start = _last_user(messages)
        dialogue = [m for m in messages[: turn_start + 1] if m.role in ("user", "assistant")]
        state = self.read(dialogue)
        results = [m for m in messages[turn_start + 1 :] if m.role == "tool"]
        if results or not tools:
            return ModelOutput(text=compose(state, [_observation(m) for m in results], self.shop))
        call = self.decide(state)
        if call is None:
            return ModelOutput(text=compose(state, [], self.shop))
        name, arguments = call
        tool_call = ToolCall(
            id=f"rules-{uuid.uuid4().hex[:8]}", name=name, arguments=json.dumps(arguments)
        )
        return ModelOutput(tool_calls=[tool_call], finish_reason="tool_calls")

    def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec]
    ) -> Iterator[ModelDelta]:
        yield from stream_from_complete(self.complete(messages, tools))

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
        vague = intent is Intent.SEARCH and state.preferences.is_vague()
        if vague and not state.asked_clarification:
            return None  # ask what they are looking for (at most once in a row)
        arguments: dict[str, Any] = {"query": query_for(state.preferences, self.shop)}
        like = similar_to(state)
        if like:
            arguments["similar_to"] = like
        return "search_products", arguments


def _last_user(messages: Sequence[Message]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "user":
            return i
    return len(messages) - 1


def _observation(message: Message) -> tuple[str, dict[str, Any]]:
    try:
        content = json.loads(message.content)
    except json.JSONDecodeError:
        content = {"error": message.content}
    return message.name or "", content if isinstance(content, dict) else {"result": content}
