"""The one tool loop, the same for every backend.

The model reads the dialogue and either answers or calls tools; each call is repaired if it can
be (tools/repair.py), run (tools/registry.py), and its typed result goes back to the model as a
tool message; then the model is asked again, up to `max_rounds` times. A call that cannot be
repaired, or a tool error, goes back as an observation the model can act on; after
`max_failed_calls` of those the turn gives up on this model (FallbackNeeded) and the caller
answers with the rules backend.

A `forced` call runs before the model is first asked, as if the model had made it: that is how
the agent's policy (at most one clarifying question in a row: then search with what is known)
holds for every backend alike.

Text is streamed sentence by sentence, each sentence checked by the guardrail before it is
yielded, so a shopper never sees a sentence the guardrail would remove. Text that looks like a
tool call written out (weak models do this) is held back and parsed as one.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass

from agent.guardrail import Guardrail, split_sentences
from agent.models.base import ChatModel, ModelDelta, ModelOutput, ToolSpec
from agent.tools.models import (
    ComparisonResult,
    CopyResult,
    DetailsResult,
    SearchResult,
    ToolError,
    ToolFailure,
    ToolResult,
)
from agent.tools.registry import Toolbox
from agent.tools.repair import RepairError, repair, tool_calls_in_text
from agent.tools.turn import Turn
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
    forced: ToolCall | None = None,
) -> Iterator[AgentEvent]:
    """Yields the turn's events: checked sentences (TEXT), tool calls and their results. What the
    tools returned is gathered in `turn`."""
    history = list(messages)
    if forced is not None:
        yield from _run_calls([forced], history, toolbox, turn)
    for round_number in range(limits.max_rounds):
        turn.trace.rounds = round_number + 1
        last_round = round_number == limits.max_rounds - 1
        tools = () if last_round else specs
        output = yield from _ask(model, history, tools, turn, guardrail, stream)
        calls = output.tool_calls or (tool_calls_in_text(output.text) if tools else [])
        if not calls:
            turn.asks = output.asks
            return
        yield from _run_calls(calls, history, toolbox, turn)
        if turn.trace.failed_calls > limits.max_failed_calls:
            raise FallbackNeeded(
                f"{turn.trace.failed_calls} malformed tool calls from {model.name}"
            )


def _run_calls(
    calls: Sequence[ToolCall], history: list[Message], toolbox: Toolbox, turn: Turn
) -> Iterator[AgentEvent]:
    history.append(Message(role="assistant", content="", tool_calls=tuple(calls)))
    for call in calls:
        # Said before it runs, so a screen can show "searching..." while it does.
        yield AgentEvent(kind=EventKind.TOOL_CALL, tool=ToolRecord(name=call.name))
        record, result = _execute(call, toolbox, turn)
        turn.last_tool, turn.last_result = record.name, result
        # What the model reads of the result: catalogue text with planted instructions cut.
        content, cut = result.for_model()
        turn.trace.injections += cut
        history.append(
            Message(role="tool", content=content, tool_call_id=call.id, name=record.name)
        )
        yield AgentEvent(kind=EventKind.TOOL_RESULT, tool=record, text=_summary(result))


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
    if stream:
        deltas = model.stream(history, tools, turn=turn)
    else:
        deltas = _whole(model, history, tools, turn)
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
                turn.said.append(sentence)
                yield AgentEvent(kind=EventKind.TEXT, text=sentence)
    if output is None:
        raise FallbackNeeded(f"{model.name} ended its stream without an answer")
    is_call = bool(output.tool_calls) or (held and bool(tools) and tool_calls_in_text(buffer))
    if not is_call and buffer.strip():
        for sentence in guardrail.filter(split_sentences(buffer), turn, turn.trace.guardrail):
            turn.said.append(sentence)
            yield AgentEvent(kind=EventKind.TEXT, text=sentence)
    return output


def _whole(
    model: ChatModel, history: list[Message], tools: Sequence[ToolSpec], turn: Turn
) -> Iterator[ModelDelta]:
    output = model.complete(history, tools, turn=turn)
    yield ModelDelta(text=output.text)
    yield ModelDelta(done=output)


def _execute(call: ToolCall, toolbox: Toolbox, turn: Turn) -> tuple[ToolRecord, ToolResult]:
    try:
        fixed = repair(call)
    except RepairError as exc:
        turn.trace.failed_calls += 1
        record = ToolRecord(name=call.name, ok=False, error=str(exc))
        turn.trace.tools.append(record)
        return record, ToolFailure(error=str(exc))
    if fixed.repaired:
        turn.trace.repairs += 1
    arguments = fixed.arguments.model_dump(exclude_defaults=True)
    try:
        result = toolbox.run(fixed.name, fixed.arguments, turn)
    except ToolError as exc:
        turn.trace.failed_calls += 1
        record = ToolRecord(
            name=fixed.name, arguments=arguments, ok=False, error=str(exc), repaired=fixed.repaired
        )
        turn.trace.tools.append(record)
        return record, ToolFailure(error=str(exc))
    if fixed.notes:
        result = result.model_copy(update={"repairs": fixed.notes})
    record = ToolRecord(
        name=fixed.name, arguments=arguments, repaired=fixed.repaired, product_ids=_ids(result)
    )
    turn.trace.tools.append(record)
    return record, result


def _ids(result: ToolResult) -> tuple[str, ...]:
    if isinstance(result, SearchResult | ComparisonResult):
        return tuple(p.id for p in result.products)
    if isinstance(result, DetailsResult):
        return (result.product.id,)
    return ()


def _summary(result: ToolResult) -> str:
    if isinstance(result, ToolFailure):
        return f"error: {result.error}"
    if isinstance(result, SearchResult):
        return f"{result.count} products found"
    if isinstance(result, DetailsResult):
        return result.product.title
    if isinstance(result, CopyResult):
        return "product copy written"
    return "done"
