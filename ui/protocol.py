"""Wire types of the OpenAI-compatible API, apart from the agent's domain types.

Requests are validated here (each problem names its `param`); responses and stream chunks have the
shapes the official `openai` client and LangChain's ChatOpenAI expect. TailTalk's own data rides
in one documented extension field, `tailtalk`, on the completion and on the last stream chunk.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.types import Message, ProductCard, Reply


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send name, refusal, audio, ...

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p, tools, ... are accepted

    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)  # the session id, when no header
    n: int = Field(default=1, ge=1, le=1)

    @field_validator("messages")
    @classmethod
    def _last_is_user(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        if messages[-1].role != "user":
            raise ValueError("the last message must have role 'user'")
        return messages

    def dialogue(self) -> list[Message]:
        """The conversation as agent messages (system, developer and tool messages are not part
        of it: the shop's own prompt governs)."""
        return [
            Message(role=m.role, content=m.text())
            for m in self.messages
            if m.role in ("user", "assistant")
        ]


class RecommendationWire(BaseModel):
    """One recommended product, for bots that render cards."""

    id: str
    title: str
    price: float | None
    currency: str | None
    rating: float | None
    rating_count: int
    brand: str | None
    category: str | None
    band: str
    long_tail: bool
    rank: int
    score: float
    propensity: float
    why: str
    copy_text: str | None
    url: str | None
    image_url: str | None
    attributes: dict[str, str]

    @classmethod
    def of(cls, card: ProductCard) -> RecommendationWire:
        return cls(**card.model_dump(), long_tail=card.is_long_tail)


class TailTalkExtension(BaseModel):
    """The `tailtalk` field: structured recommendations and what the agent understood."""

    session_id: str
    backend: str
    recommendations: list[RecommendationWire]
    list_kind: str
    clarifying_question: str | None
    preferences: dict[str, Any]
    fallback_reason: str | None = None

    @classmethod
    def of(cls, reply: Reply, session_id: str) -> TailTalkExtension:
        return cls(
            session_id=session_id,
            backend=reply.backend,
            recommendations=[RecommendationWire.of(c) for c in reply.recommendations],
            list_kind=reply.list_kind,
            clarifying_question=reply.clarifying_question,
            preferences=reply.preferences.model_dump(mode="json", exclude_defaults=True),
            fallback_reason=reply.trace.fallback_reason,
        )


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def completion(reply: Reply, model: str, session_id: str) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.markdown()},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "tailtalk": TailTalkExtension.of(reply, session_id).model_dump(mode="json"),
    }


def chunk(
    chunk_id: str,
    model: str,
    delta: dict[str, Any],
    finish: str | None = None,
    extension: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    if extension is not None:
        body["tailtalk"] = extension
    return body


def error_body(
    message: str, error_type: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def models(model: str) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": model, "object": "model", "created": 0, "owned_by": "tailtalk"}],
    }
