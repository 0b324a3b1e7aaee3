"""The HTTP server: an OpenAI-compatible API and the Gradio chat UI in one FastAPI app.

- POST /v1/chat/completions: stateless like OpenAI (the messages are the conversation), streamed
  (SSE ending in `data: [DONE]`) or not; the session is the `X-Session-Id` header or the `user`
  field, or a new one the server issues; either way the answer's `X-Session-Id` header names it.
  A returning shopper is a signed `X-Shopper-Token` (or, with a service key, `X-Shopper-Id`).
- GET /v1/models, POST /v1/feedback, GET and DELETE /v1/profile/{shopper_id},
  POST /v1/shopper_tokens, GET /health (with the LLM's state).
- Every error is an OpenAI error envelope {"error": {message, type, param, code}}.
- Keys, roles, sessions and shoppers: ui/auth.py, for every path of the app, the UI's included.
  Request bodies are capped.
- The agent is synchronous (embedding, search, SQLite); it runs in worker threads, never on the
  event loop, so requests do not wait for each other.
- Logs name the session, backend and latency; never message text or keys.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.agent import Agent
from agent.render import reply_markdown
from agent.settings import Settings
from agent.types import AgentEvent, EventKind
from retrieval.errors import TailTalkError
from ui import protocol
from ui.assets import add_asset_routes, add_cors
from ui.auth import (
    SESSION_HEADER,
    Access,
    AuthMiddleware,
    ForbiddenError,
    Principal,
    add_login_routes,
    principal_of,
)
from ui.limits import RateLimitError

log = logging.getLogger("tailtalk.server")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class ModelNotFoundError(TailTalkError):
    status_code = 404
    error_type = "invalid_request_error"
    code = "model_not_found"


def app_from_environment() -> FastAPI:
    """The API of one worker of `tailtalk serve --workers N`, from the TAILTALK_* variables."""
    from agent.factory import build_agent

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)  # a fresh process: set up again
    settings = Settings()
    return create_app(settings, build_agent(settings), ui=False)


def create_app(settings: Settings, agent: Agent, ui: bool = True) -> FastAPI:
    docs = settings.api.docs != "off"
    app = FastAPI(
        title="TailTalk",
        version="0.1.0",
        docs_url="/docs" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        redoc_url=None,
    )
    access = Access(settings)
    # Added first, so it runs inside the body limit and inside CORS (which answers preflights
    # and puts its headers on a 401 too).
    app.add_middleware(AuthMiddleware, access=access)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, limit=settings.api.max_body_bytes)  # type: ignore[arg-type]
    _error_handlers(app)
    add_login_routes(app, access)
    model_name = settings.api.model_name
    caller = Depends(principal_of)

    @app.get("/health")
    def health() -> protocol.HealthResponse:
        llm = agent.llm_health()
        return protocol.HealthResponse(
            status="degraded" if llm is not None and llm.circuit == "open" else "ok",
            backend=agent.backend,
            products=agent.shop.size(),
            llm=protocol.LLMHealthWire.of(llm) if llm is not None else None,
        )

    @app.get("/v1/models")
    def list_models(who: Principal = caller) -> protocol.ModelList:
        return protocol.models(model_name)

    @app.post(
        "/v1/chat/completions",
        response_model=protocol.ChatCompletionResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def chat(
        body: protocol.ChatCompletionRequest, request: Request, who: Principal = caller
    ) -> Any:
        if body.model != model_name:
            raise ModelNotFoundError(
                f"the model '{body.model}' does not exist; use '{model_name}' (GET /v1/models)",
                param="model",
            )
        given = request.headers.get(SESSION_HEADER)
        param = "X-Session-Id" if given else "user"
        session_id = access.session(who, given or body.user, param)
        shopper_id = access.shopper(who, request.headers)
        if not who.is_service and agent.log is not None:
            owner = await run_in_threadpool(agent.log.shopper_of, session_id)
            if owner is not None and shopper_id is not None and owner != shopper_id:
                raise ForbiddenError(
                    "this session belongs to another shopper; start a new session",
                    param="X-Shopper-Token",
                    code="session_not_yours",
                )
        messages = protocol.to_messages(body)
        headers = {"X-Session-Id": session_id}
        if not body.stream:
            started = time.perf_counter()
            reply = await run_in_threadpool(agent.reply, messages, session_id, shopper_id)
            _log_turn(session_id, reply.backend, started, len(reply.recommendations))
            completion = protocol.completion(reply, model_name, session_id)
            return JSONResponse(completion.model_dump(mode="json"), headers=headers)
        events = agent.stream_reply(messages, session_id, shopper_id)
        # The first event is taken before answering, so a bad request still gets a 4xx envelope
        # instead of a stream that starts fine and then fails.
        first = await run_in_threadpool(next, events)
        return StreamingResponse(
            _sse(first, events, model_name, session_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", **headers},
        )

    @app.post("/v1/feedback")
    def feedback(
        body: protocol.FeedbackRequest, who: Principal = caller
    ) -> protocol.FeedbackResponse:
        access.feedback_allowed(who, body.session_id)
        event_id = agent.feedback(body.session_id, body.product_id, body.kind)
        return protocol.FeedbackResponse(id=event_id)

    @app.get("/v1/profile/{shopper_id}")
    def profile(
        shopper_id: str, request: Request, who: Principal = caller
    ) -> protocol.ProfileResponse:
        access.profile_owner(who, shopper_id, request.headers)
        p = agent.profile(shopper_id)
        return protocol.ProfileResponse(
            shopper_id=shopper_id, liked=list(p.liked), carted=list(p.carted), bought=list(p.bought)
        )

    @app.delete("/v1/profile/{shopper_id}")
    def clear_profile(
        shopper_id: str, request: Request, who: Principal = caller
    ) -> protocol.ProfileCleared:
        access.profile_owner(who, shopper_id, request.headers)
        agent.clear_profile(shopper_id)
        return protocol.ProfileCleared(shopper_id=shopper_id)

    @app.post("/v1/shopper_tokens")
    def shopper_token(
        body: protocol.ShopperTokenRequest, who: Principal = caller
    ) -> protocol.ShopperTokenResponse:
        access.require_service(who, "a shopper token")
        token, expires = access.tokens.issue(body.shopper_id, body.ttl_seconds)
        return protocol.ShopperTokenResponse(
            token=token, shopper_id=body.shopper_id, expires_at=expires
        )

    any_method = ["GET", "POST", "PUT", "DELETE", "PATCH"]

    @app.api_route("/v1/{path:path}", methods=any_method, include_in_schema=False)
    def unknown(path: str) -> None:
        raise StarletteHTTPException(404, f"there is no endpoint /v1/{path}")

    # The widget, placeholder images and CORS for shop pages (ui/assets.py); before the mount at /.
    add_asset_routes(app, agent)
    add_cors(app, settings.api.cors_origins)

    if ui:
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home
        from ui.web import mount_ui

        mount_ui(app, agent, settings, access)
    return app


async def _sse(
    first: AgentEvent, events: Iterator[AgentEvent], model: str, session_id: str
) -> AsyncIterator[bytes]:
    chunk_id = protocol.completion_id()
    started = time.perf_counter()

    def data(body: protocol.ChatCompletionChunk | protocol.ErrorResponse) -> bytes:
        payload = body.model_dump(mode="json", exclude_none=True)
        if isinstance(body, protocol.ChatCompletionChunk):  # OpenAI sends these as null
            for choice in payload["choices"]:
                choice.setdefault("finish_reason", None)
                choice.setdefault("logprobs", None)
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()

    def piece(delta: protocol.Delta, **extra: Any) -> bytes:
        return data(protocol.chunk(chunk_id, model, delta, **extra))

    yield piece(protocol.Delta(role="assistant", content=""))
    pending: list[AgentEvent] = [first]
    stream = iterate_in_threadpool(events)
    said = False
    try:
        while True:
            event = pending.pop() if pending else await stream.__anext__()
            if event.kind is EventKind.TEXT:
                text = (" " if said else "") + event.text
                said = True
                yield piece(protocol.Delta(content=text))
            elif event.reply is not None:
                reply = event.reply
                whole = reply_markdown(reply)
                rest = whole[len(reply.text) :] if said else whole
                if rest:
                    yield piece(protocol.Delta(content=rest))
                extension = protocol.TailTalkExtension.of(reply, session_id)
                yield piece(protocol.Delta(), finish="stop", extension=extension)
                _log_turn(session_id, reply.backend, started, len(reply.recommendations))
                break
    except StopAsyncIteration:
        pass
    except TailTalkError as exc:  # the stream had started: the error goes in the stream
        yield data(protocol.error(str(exc), exc.error_type, exc.param, exc.code))
    except Exception:  # whatever else failed, the client still gets an error and [DONE]
        log.exception("stream failed session=%s", session_id)
        yield data(protocol.error("internal error; the server log has the details", "server_error"))
    yield b"data: [DONE]\n\n"


def _log_turn(session_id: str, backend: str, started: float, shown: int) -> None:
    ms = 1000 * (time.perf_counter() - started)
    log.info("turn session=%s backend=%s products=%d ms=%.0f", session_id, backend, shown, ms)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TailTalkError)
    async def tailtalk_error(request: Request, exc: TailTalkError) -> JSONResponse:
        response = _envelope(exc.status_code, str(exc), exc.error_type, exc.param, exc.code)
        if isinstance(exc, RateLimitError):
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            return _envelope(
                400,
                "the request body is not valid JSON",
                "invalid_request_error",
                None,
                "invalid_json",
            )
        location = [str(p) for p in first.get("loc", ()) if p != "body"]
        param = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in location).lstrip(".")
        message = f"{param or 'body'}: {first.get('msg', 'invalid value')}"
        return _envelope(400, message, "invalid_request_error", param or None, "invalid_value")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "invalid_request_error" if exc.status_code < 500 else "server_error"
        return _envelope(exc.status_code, str(exc.detail), kind, None, None)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return _envelope(
            500, "internal error; the server log has the details", "server_error", None, None
        )


def _envelope(
    status: int, message: str, error_type: str, param: str | None, code: str | None
) -> JSONResponse:
    body = protocol.error(message, error_type, param, code)
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, whether or not Content-Length says so:
    the body is read (up to the limit) before the app sees it, then handed on unchanged."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send, int(declared))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(send, size)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # then only a disconnect can come
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, size: int) -> None:
        body = (
            protocol.error(
                f"the request body is at least {size} bytes; the limit is {self.limit} "
                "(TAILTALK_API__MAX_BODY_BYTES)",
                "invalid_request_error",
                None,
                "request_too_large",
            )
            .model_dump_json()
            .encode()
        )
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
