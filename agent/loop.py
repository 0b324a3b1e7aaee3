"""The one tool loop, the same for every backend.

The model reads the dialogue and either answers or calls tools; each call is repaired if it can
be (repair.py), run (tools.py), and its result goes back to the model as a tool message; then the
model is asked again, up to `max_rounds` times. A call that cannot be repaired, or a tool error,
goes back as an observation the model can act on; after `max_failed_calls` of those the turn
gives up on this model (FallbackNeeded) and the caller answers with the rules backend.

Text is streamed sentence by sentence, each sentence checked by the guardrail before it is
yielded, so a shopper never sees a sentence the guardrail would remove. Text that looks like a
tool call written out (weak models do this) is held back and parsed as one.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from agent.chat_model import ChatModel, ModelDelta, ModelOutput, ToolSpec
from agent.guardrail import Guardrail, split_sentences
from agent.repair import RepairError, repair, tool_calls_in_text
from agent.tools import Toolbox, ToolError, Turn
from agent.types import AgentEvent, EventKind, Message, ToolCall, ToolRecord

_CALL_MARKERS = ("<tool_call", "{", "```", "[{")


class FallbackNeeded(Exception):
    """This model cannot finish the turn (malformed calls, no answer); use the rules backend."""


@dataclass
class LoopLimits:
    max_rounds: int = 4
    max_failed_calls: int = 2


def run_turn(
    model: ChatModel,
    messages: Sequence[Message],
    toolbox: Toolbox,
    turn: Turn,
    guardrail: Guardrail,
    limits: LoopLimits,
    specs: Sequence[ToolSpec],
    stream: bool = True,
) -> Iterator[AgentEvent]:
    """Yields the turn's events: checked sentences (TEXT), tool calls and their results. What the
    tools returned is gathered in `turn`."""
    history = list(messages)
    for round_number in range(limits.max_rounds):
        turn.trace.rounds = round_number + 1
        last_round = round_number == limits.max_rounds - 1
        tools = () if last_round else specs
        output = yield from _ask(model, history, tools, turn, guardrail, stream)
        calls = output.tool_calls or (tool_calls_in_text(output.text) if tools else [])
        if not calls:
            return
        history.append(Message(role="assistant", content="", tool_calls=tuple(calls)))
        for call in calls:
            record, observation = _execute(call, toolbox, turn)
            yield AgentEvent(kind=EventKind.TOOL_CALL, tool=record)
            history.append(
                Message(
                    role="tool",
                    content=json.dumps(observation, ensure_ascii=False),
                    tool_call_id=call.id,
                    name=record.name,
                )
            )
            yield AgentEvent(kind=EventKind.TOOL_RESULT, tool=record, text=_summary(observation))
        if turn.trace.failed_calls > limits.max_failed_calls:
            raise FallbackNeeded(
                f"{turn.trace.failed_calls} malformed tool calls from {model.name}"
            )


def _ask(
    model: ChatModel,
    history: list[Message],
    tools: Sequence[ToolSpec],
    turn: Turn,
    guardrail: Guardrail,
    stream: bool,
) -> Generator[AgentEvent, None, ModelOutput]:
    """One model call, streamed or not; yields checked sentences; returns the whole output."""
    buffer = ""
    held = False  # the text looks like a written-out tool call: show none of it
    output: ModelOutput | None = None
    deltas = model.stream(history, tools) if stream else _whole(model, history, tools)
    for delta in deltas:
        if delta.done is not None:
            output = delta.done
            break
        buffer += delta.text
        if not held and buffer.lstrip().startswith(_CALL_MARKERS):
            held = True
        if held:
            continue
        sentences = split_sentences(buffer)
        if len(sentences) > 1:  # all but the last are complete; the last may still grow
            complete, buffer = sentences[:-1], sentences[-1]
            for sentence in guardrail.filter(complete, turn, turn.trace.guardrail):
                yield AgentEvent(kind=EventKind.TEXT, text=sentence)
    if output is None:
        raise FallbackNeeded(f"{model.name} ended its stream without an answer")
    is_call = bool(output.tool_calls) or (held and bool(tools) and tool_calls_in_text(buffer))
    if not is_call and buffer.strip():
        for sentence in guardrail.filter(split_sentences(buffer), turn, turn.trace.guardrail):
            yield AgentEvent(kind=EventKind.TEXT, text=sentence)
    return output


def _whole(
    model: ChatModel, history: list[Message], tools: Sequence[ToolSpec]
) -> Iterator[ModelDelta]:
    output = model.complete(history, tools)
    yield ModelDelta(text=output.text)
    yield ModelDelta(done=output)


def _execute(call: ToolCall, toolbox: Toolbox, turn: Turn) -> tuple[ToolRecord, dict[str, Any]]:
    try:
        fixed = repair(call)
    except RepairError as exc:
        turn.trace.failed_calls += 1
        record = ToolRecord(name=call.name, ok=False, error=str(exc))
        turn.trace.tools.append(record)
        return record, {"error": str(exc)}
    if fixed.repaired:
        turn.trace.repairs += 1
    arguments = fixed.arguments.model_dump(exclude_defaults=True)
    try:
        observation = toolbox.run(fixed.name, fixed.arguments, turn)
    except ToolError as exc:
        turn.trace.failed_calls += 1
        record = ToolRecord(
            name=fixed.name, arguments=arguments, ok=False, error=str(exc), repaired=fixed.repaired
        )
        turn.trace.tools.append(record)
        return record, {"error": str(exc)}
    if fixed.notes:
        observation["repairs"] = fixed.notes
    ids = tuple(p["id"] for p in observation.get("products", []) if isinstance(p, dict))
    if "product" in observation:
        ids = (observation["product"]["id"],)
    record = ToolRecord(
        name=fixed.name, arguments=arguments, repaired=fixed.repaired, product_ids=ids
    )
    turn.trace.tools.append(record)
    return record, observation


def _summary(observation: dict[str, Any]) -> str:
    if "error" in observation:
        return f"error: {observation['error']}"
    if "count" in observation:
        return f"{observation['count']} products found"
    if "product" in observation:
        return observation["product"].get("title", "")
    if "copy" in observation:
        return "product copy written"
    return "done"
