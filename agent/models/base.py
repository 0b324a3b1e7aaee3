"""The LLM boundary: one small interface for every backend (rules, OpenAI-compatible, fakes).

A model reads the dialogue (OpenAI-shaped Messages) and the tools it may call, and answers with
text, tool calls, or both. `stream` yields the text as it comes and ends with the whole output.
`turn` is what the agent already knows of this turn: its reading of the dialogue (built once per
turn) and the typed results of the tools that ran; a model may use it instead of reading the text
and the JSON again (the rules backend does; an LLM reads the messages). Only the
OpenAI-compatible implementation touches HTTP; it raises LLMUnavailableError when the server
cannot be reached.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field

from agent.types import Message, ToolCall

if TYPE_CHECKING:
    from agent.tools.turn import Turn

ToolSpec = dict[str, Any]  # an OpenAI function-tool schema: {"type": "function", "function": ...}


class ModelOutput(BaseModel):
    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str = "stop"
    # True when the text asks the shopper something back (a clarifying question), False when it
    # does not; None when the model does not say (an LLM's plain text): the agent then takes an
    # answer to a request that called no tool for a question.
    asks: bool | None = None


class ModelDelta(BaseModel):
    """A piece of text while streaming; the last delta carries the whole output in `done`."""

    text: str = ""
    done: ModelOutput | None = None


class ChatModel(Protocol):
    name: str  # says which backend answered, shown with every reply

    def complete(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec],
        *,
        turn: Turn | None = None,
    ) -> ModelOutput: ...

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec],
        *,
        turn: Turn | None = None,
    ) -> Iterator[ModelDelta]: ...


def stream_from_complete(output: ModelOutput, words_per_delta: int = 4) -> Iterator[ModelDelta]:
    """A stream made of an already complete output: its text in small pieces, then the output."""
    pieces = output.text.split(" ")
    for start in range(0, len(pieces), words_per_delta):
        chunk = " ".join(pieces[start : start + words_per_delta])
        yield ModelDelta(text=chunk if start == 0 else " " + chunk)
    yield ModelDelta(done=output)
