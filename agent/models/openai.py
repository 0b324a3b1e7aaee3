"""The OpenAI-compatible backend: vLLM in production, any such server otherwise.

LangChain's ChatOpenAI is the client (streaming with tool-call deltas). Nothing outside this module
touches HTTP or SDK types: messages go in as agent Messages and come out as a ModelOutput, with
tool-call arguments kept as the raw text the server sent (tools/repair.py deals with what a small
model gets wrong). A failure to get an answer from the server (connection, timeout, an HTTP error,
a body that is not JSON) raises LLMUnavailableError; anything else is a bug on our side and
propagates as one.

This module owns time: every call ends by the turn's deadline (TAILTALK_LLM__TURN_DEADLINE,
counted from the start of the turn, over every round, retry and the whole stream), however the
server behaves, even one that streams forever. The call runs in a worker thread that the caller
waits on until the deadline; the HTTP transport also cuts the response off at the deadline, so
the worker ends too. Retries (connection errors, 429, 5xx) happen here, inside the deadline. A
circuit breaker (circuit.py) refuses calls at once while the server keeps failing.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from agent.errors import LLMUnavailableError
from agent.models.base import ModelDelta, ModelOutput, ToolSpec
from agent.models.circuit import CircuitBreaker
from agent.types import LLMHealth, Message, ToolCall

if TYPE_CHECKING:
    from agent.settings import LLMSettings
    from agent.tools.turn import Turn

# The deadline of the call the current worker thread makes, for the HTTP transport.
_CALL = threading.local()
_ITEM, _END, _ERROR = "item", "end", "error"


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
        self.settings = settings
        self.circuit = CircuitBreaker(settings.circuit_failures, settings.circuit_cooldown)
        transport = DeadlineTransport(httpx.HTTPTransport())
        self.client = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            timeout=settings.timeout,
            max_retries=0,  # retried here, within the turn's deadline
            http_client=httpx.Client(transport=transport, timeout=settings.timeout),
            temperature=settings.temperature,
            max_completion_tokens=settings.max_tokens,
        )

    def health(self) -> LLMHealth:
        return self.circuit.health()

    def _bound(self, tools: Sequence[ToolSpec]) -> Any:
        return self.client.bind_tools(list(tools), tool_choice="auto") if tools else self.client

    def _deadline(self, turn: Turn | None) -> float:
        if turn is not None and turn.deadline is not None:
            return turn.deadline
        return time.monotonic() + self.settings.turn_deadline  # a call outside a turn

    def complete(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> ModelOutput:
        sent = to_langchain(messages)
        bound = self._bound(tools)
        deadline = self._deadline(turn)

        def work(emit: Callable[[Any], None], stop: threading.Event) -> None:
            emit(self._retrying(lambda: bound.invoke(sent), deadline, stop))

        answers = list(self._within(deadline, work))
        return to_output(answers[0])

    def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], *, turn: Turn | None = None
    ) -> Iterator[ModelDelta]:
        sent = to_langchain(messages)
        bound = self._bound(tools)
        deadline = self._deadline(turn)

        def work(emit: Callable[[Any], None], stop: threading.Event) -> None:
            for attempt in range(1 + self.settings.max_retries):
                chunks = iter(bound.stream(sent))
                sent_any = False
                try:
                    while not stop.is_set():
                        try:
                            chunk = next(chunks)
                        except StopIteration:
                            break
                        except ValueError as exc:
                            # LangChain's word for a stream that ended before any chunk: the
                            # server's failure. Any other ValueError is a bug and propagates.
                            if str(exc) != _EMPTY_STREAM:
                                raise
                            break
                        sent_any = True
                        emit(chunk)
                    if not sent_any and not stop.is_set():
                        raise LLMUnavailableError(f"{self.name} sent an empty stream")
                    return
                except _TRANSPORT_ERRORS as exc:
                    if sent_any or not self._may_retry(exc, attempt, deadline, stop):
                        raise _unavailable(exc) from exc
                finally:
                    close = getattr(chunks, "close", None)
                    if close is not None:
                        close()  # closes the HTTP response: a server streaming on is cut off

        whole = None
        for chunk in self._within(deadline, work):
            whole = chunk if whole is None else whole + chunk
            text = _text(chunk.content)
            if text:
                yield ModelDelta(text=text)
        if whole is None:
            raise LLMUnavailableError(f"{self.name} sent an empty stream")
        yield ModelDelta(done=to_output(whole))

    # Time, retries and the circuit --------------------------------------------------------

    def _within(
        self,
        deadline: float,
        work: Callable[[Callable[[Any], None], threading.Event], None],
    ) -> Iterator[Any]:
        """Runs `work` in a worker thread and yields what it emits, until it ends, fails or the
        deadline passes (then LLMUnavailableError, and the worker is told to stop)."""
        if not self.circuit.allow():
            health = self.circuit.health()
            wait = max(0.0, (health.retry_at or 0.0) - time.time())
            raise LLMUnavailableError(
                f"{self.name} failed {health.consecutive_failures} times in a row; it is skipped "
                f"for {wait:.0f} s more (TAILTALK_LLM__CIRCUIT_COOLDOWN)"
            )
        inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        stop = threading.Event()

        def run() -> None:
            _CALL.deadline = deadline
            try:
                work(lambda item: inbox.put((_ITEM, item)), stop)
                inbox.put((_END, None))
            except BaseException as exc:  # handed to the caller's thread, raised there
                inbox.put((_ERROR, exc))
            finally:
                _CALL.deadline = None

        threading.Thread(target=run, name="tailtalk-llm-call", daemon=True).start()
        settled = False
        try:
            while True:
                left = deadline - time.monotonic()
                try:
                    if left <= 0:
                        raise queue.Empty
                    kind, item = inbox.get(timeout=left)
                except queue.Empty:
                    error = LLMUnavailableError(
                        f"{self.name} did not finish within the turn's deadline of "
                        f"{self.settings.turn_deadline:g} s (TAILTALK_LLM__TURN_DEADLINE)"
                    )
                    self.circuit.failed(str(error))
                    settled = True
                    raise error from None
                if kind == _ITEM:
                    yield item
                    continue
                settled = True
                if kind == _END:
                    self.circuit.succeeded()
                    return
                if isinstance(item, LLMUnavailableError):
                    self.circuit.failed(str(item))
                else:
                    self.circuit.abandoned()  # our own bug says nothing about the server
                raise item
        finally:
            stop.set()
            if not settled:
                self.circuit.abandoned()

    def _retrying(self, call: Callable[[], Any], deadline: float, stop: threading.Event) -> Any:
        for attempt in range(1 + self.settings.max_retries):
            try:
                return call()
            except _TRANSPORT_ERRORS as exc:
                if not self._may_retry(exc, attempt, deadline, stop):
                    raise _unavailable(exc) from exc
        raise AssertionError("unreachable: the last attempt raises")  # pragma: no cover

    def _may_retry(
        self, exc: BaseException, attempt: int, deadline: float, stop: threading.Event
    ) -> bool:
        """Waits before another attempt and says whether to make it: only on errors a retry may
        fix (connection, 429, 5xx), and only with attempts and time left."""
        if attempt >= self.settings.max_retries or not _retryable(exc):
            return False
        pause = min(0.25 * 2**attempt, 2.0)
        if deadline - time.monotonic() <= pause:
            return False
        return not stop.wait(pause)


class DeadlineTransport(httpx.BaseTransport):
    """httpx transport that ends each request by its call's deadline: no request starts after
    it, no timeout reaches past it, and a response still arriving then is cut off."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline: float | None = getattr(_CALL, "deadline", None)
        if deadline is None:
            return self.inner.handle_request(request)
        left = deadline - time.monotonic()
        if left <= 0:
            raise httpx.ConnectTimeout("the turn's deadline has passed", request=request)
        given = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {
            name: left if given.get(name) is None else min(given[name], left)
            for name in ("connect", "read", "write", "pool")
        }
        response = self.inner.handle_request(request)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_DeadlineStream(response.stream, deadline, request),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, inner: Any, deadline: float, request: httpx.Request) -> None:
        self.inner = inner
        self.deadline = deadline
        self.request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            if time.monotonic() > self.deadline:
                raise httpx.ReadTimeout("the turn's deadline has passed", request=self.request)
            yield chunk

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


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


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError | httpx.TransportError)


def _unavailable(exc: BaseException) -> LLMUnavailableError:
    kind = type(exc).__name__
    detail = str(exc).splitlines()[0][:200] if str(exc) else kind
    return LLMUnavailableError(f"the LLM server failed ({kind}): {detail}")
