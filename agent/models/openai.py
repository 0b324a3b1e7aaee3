"""The OpenAI-compatible backend: vLLM in production, any such server otherwise.

LangChain's ChatOpenAI is the client (timeouts, retries, streaming with tool-call deltas). Nothing
outside this module touches HTTP or SDK types: messages go in as agent Messages and come out as a
ModelOutput, with tool-call arguments kept as the raw text the server sent (tools/repair.py deals
with what a small model gets wrong). A failure to get an answer from the server (connection,
timeout, an HTTP error, a body that is not JSON) raises LLMUnavailableError; anything else is a
bug on our side and propagates as one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from agent.errors import LLMUnavailableError
from agent.models.base import ModelDelta, ModelOutput, ToolSpec
from agent.types import Message, ToolCall

if TYPE_CHECKING:
    from agent.settings import LLMSettings
    from agent.tools.turn import Turn


class OpenAIChatModel:
    def __init__(self, settings: LLMSettings) -> None:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - the extra is part of make setup
            raise LLMUnavailableError(
                "the OpenAI backend needs langchain-openai; run `make setup` or "
                "`pip install tailtalk[agent]`"
            ) from exc
        if not settings.base_url:
            raise LLMUnavailableError("set TAILTALK_LLM__BASE_URL to use the OpenAI backend")
        self.name = f"openai:{settings.model}"
        self.client = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            temperature=settings.temperature,
            max_completion_tokens=settings.max_tokens,
        )

    def _bound(self, tools: Sequence[ToolSpec]) -> Any:
        return self.client.bind_tools(list(tools), tool_choice="auto") if tools else self.client

    def complete(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> ModelOutput:
        sent = to_langchain(messages)
        bound = self._bound(tools)
        try:
            answer = bound.invoke(sent)
        except _TRANSPORT_ERRORS as exc:
            raise _unavailable(exc) from exc
        return to_output(answer)

    def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> Iterator[ModelDelta]:
        sent = to_langchain(messages)
        bound = self._bound(tools)
        whole = None
        chunks = iter(bound.stream(sent))
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except _TRANSPORT_ERRORS as exc:
                raise _unavailable(exc) from exc
            except ValueError as exc:
                # LangChain's word for a stream that ended before any chunk: the server's
                # failure. Any other ValueError is a bug and propagates.
                if str(exc) != _EMPTY_STREAM:
                    raise
                break
            whole = chunk if whole is None else whole + chunk
            text = _text(chunk.content)
            if text:
                yield ModelDelta(text=text)
        if whole is None:
            raise LLMUnavailableError(f"{self.name} sent an empty stream")
        yield ModelDelta(done=to_output(whole))


def to_langchain(messages: Sequence[Message]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    out: list[Any] = []
    for m in messages:
        if m.role == "system":
            out.append(SystemMessage(m.content))
        elif m.role == "user":
            out.append(HumanMessage(m.content))
        elif m.role == "tool":
            out.append(ToolMessage(m.content, tool_call_id=m.tool_call_id or ""))
        else:
            valid, invalid = [], []
            for call in m.tool_calls:
                args = _json_object(call.arguments)
                if args is None:
                    invalid.append(
                        {
                            "name": call.name,
                            "args": call.arguments,
                            "id": call.id,
                            "error": None,
                            "type": "invalid_tool_call",
                        }
                    )
                else:
                    valid.append(
                        {"name": call.name, "args": args, "id": call.id, "type": "tool_call"}
                    )
            out.append(AIMessage(m.content, tool_calls=valid, invalid_tool_calls=invalid))
    return out


def to_output(message: Any) -> ModelOutput:
    calls = [
        ToolCall(id=c.get("id") or f"call-{i}", name=c["name"], arguments=json.dumps(c["args"]))
        for i, c in enumerate(message.tool_calls)
    ]
    calls += [
        ToolCall(
            id=c.get("id") or f"bad-{i}", name=c.get("name") or "", arguments=c.get("args") or ""
        )
        for i, c in enumerate(getattr(message, "invalid_tool_calls", []))
    ]
    metadata = getattr(message, "response_metadata", {}) or {}
    return ModelOutput(
        text=_text(message.content),
        tool_calls=calls,
        finish_reason=str(metadata.get("finish_reason") or ("tool_calls" if calls else "stop")),
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _transport_errors() -> tuple[type[BaseException], ...]:
    """What the SDK raises when the server cannot give an answer: openai's APIError family
    (connection, timeout, every HTTP status), httpx's transport errors, and the JSON error of a
    body that is not JSON."""
    import httpx
    import openai

    return (openai.APIError, httpx.HTTPError, json.JSONDecodeError)


_TRANSPORT_ERRORS = _transport_errors()
_EMPTY_STREAM = "No generation chunks were returned"


def _unavailable(exc: BaseException) -> LLMUnavailableError:
    kind = type(exc).__name__
    detail = str(exc).splitlines()[0][:200] if str(exc) else kind
    return LLMUnavailableError(f"the LLM server failed ({kind}): {detail}")
