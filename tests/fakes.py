"""The only fakes in the test suite, both at the LLM boundary.

- ScriptedChatModel: a ChatModel that answers from a script and records what it was sent.
- FakeOpenAIServer: an HTTP server on loopback that answers /v1/chat/completions the way vLLM does
  (`vllm serve ... --enable-auto-tool-choice --tool-call-parser hermes`): the same JSON for
  non-streamed replies, and for streamed ones the same SSE chunks, tool-call arguments split
  across several deltas, ending in `data: [DONE]`. It can also fail on purpose: an HTTP error,
  a slow answer, bytes that are not JSON, or an answer that never ends (`forever`: streamed,
  the same vLLM chunks one after another without end; not streamed, a JSON body that keeps
  coming a byte at a time). It counts the connections a client closed on it (`hung_up`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agent.models.base import ModelDelta, ModelOutput, stream_from_complete
from agent.types import Message, ToolCall

Step = ModelOutput | Callable[[Sequence[Message]], ModelOutput]


def call(name: str, arguments: str | dict[str, Any], call_id: str | None = None) -> ToolCall:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ToolCall(id=call_id or f"call-{uuid.uuid4().hex[:6]}", name=name, arguments=text)


class ScriptedChatModel:
    """Answers each request with the next step of its script (the last step repeats)."""

    def __init__(self, steps: Sequence[Step], name: str = "scripted") -> None:
        self.steps = list(steps)
        self.name = name
        self.seen: list[list[Message]] = []
        self.tools_seen: list[int] = []

    def complete(
        self, messages: Sequence[Message], tools: Sequence[Any], *, turn: Any = None
    ) -> ModelOutput:
        self.seen.append(list(messages))
        self.tools_seen.append(len(tools))
        step = self.steps[min(len(self.seen) - 1, len(self.steps) - 1)]
        return step(messages) if callable(step) else step

    def stream(
        self, messages: Sequence[Message], tools: Sequence[Any], *, turn: Any = None
    ) -> Iterator[ModelDelta]:
        yield from stream_from_complete(self.complete(messages, tools), words_per_delta=2)


@dataclass
class Scripted:
    """One answer of the fake server."""

    content: str | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, raw arguments)
    status: int = 200
    delay: float = 0.0
    garbage: bool = False
    forever: bool = False  # never finish the answer (see the module docstring)
    interval: float = 0.05  # seconds between the pieces of an endless answer


class FakeOpenAIServer:
    def __init__(self, script: Sequence[Scripted], model: str = "Qwen/Qwen2.5-7B-Instruct"):
        self.script = list(script)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.hung_up = 0  # answers the client stopped reading (it closed the connection)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_answer(self) -> Scripted:
        index = min(len(self.requests) - 1, len(self.script) - 1)
        return self.script[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = {"object": "list", "data": [{"id": fake.model, "object": "model"}]}
                self._json(200, body)

            def do_POST(self) -> None:
                # The client may have given up (a timeout test): then there is nobody to answer.
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    fake.hung_up += 1

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                fake.requests.append(request)
                answer = fake.next_answer()
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status != 200:
                    error = {
                        "object": "error",
                        "message": "scripted failure",
                        "type": "InternalServerError",
                        "code": answer.status,
                    }
                    self._json(answer.status, error)
                    return
                if answer.garbage:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"<html>502 Bad Gateway</html>")
                    return
                if answer.forever:
                    self._endless(answer, bool(request.get("stream")))
                elif request.get("stream"):
                    self._stream(answer)
                else:
                    self._json(200, fake.completion(answer))

            def _endless(self, answer: Scripted, stream: bool) -> None:
                self.send_response(200)
                self.send_header(
                    "Content-Type", "text/event-stream" if stream else "application/json"
                )
                self.end_headers()
                if not stream:
                    self.wfile.write(b'{"id": "chatcmpl-endless", "object": "chat.completion"')
                # The answer's own words first (when it has some), then more words without end.
                said = [c for c in fake.chunks(answer) if c["choices"][0]["delta"]]
                for chunk in said if stream else []:
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                pieces = fake.chunks(Scripted(content=" and more" * 4))
                words = [c for c in pieces if c["choices"][0]["delta"].get("content")]
                while True:  # until the client hangs up
                    for chunk in words:
                        time.sleep(answer.interval)
                        self.wfile.write(
                            f"data: {json.dumps(chunk)}\n\n".encode() if stream else b" "
                        )
                        self.wfile.flush()

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, answer: Scripted) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in fake.chunks(answer):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler

    def completion(self, answer: Scripted) -> dict[str, Any]:
        calls = [
            {
                "id": f"chatcmpl-tool-{uuid.uuid4().hex[:16]}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
            for name, arguments in answer.tool_calls
        ]
        message: dict[str, Any] = {
            "role": "assistant",
            "content": answer.content,
            "tool_calls": calls,
            "reasoning_content": None,
        }
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": "tool_calls" if calls else "stop",
                    "stop_reason": None,
                }
            ],
            "usage": {"prompt_tokens": 100, "total_tokens": 120, "completion_tokens": 20},
            "prompt_logprobs": None,
        }

    def chunks(self, answer: Scripted) -> Iterator[dict[str, Any]]:
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.model,
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return {**base, "choices": [choice]}

        yield chunk({"role": "assistant", "content": ""})
        words = (answer.content or "").split(" ")
        for i, word in enumerate(words if answer.content else []):
            yield chunk({"content": word if i == 0 else " " + word})
        for index, (name, arguments) in enumerate(answer.tool_calls):
            call_id = f"chatcmpl-tool-{uuid.uuid4().hex[:16]}"
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }
            )
            for start in range(0, len(arguments), 7):  # arguments arrive in small pieces
                piece = arguments[start : start + 7]
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, "tool_calls" if answer.tool_calls else "stop")
