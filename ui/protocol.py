"""Wire types of the HTTP API, apart from the agent's domain types, and their conversion.

Everything that crosses the wire is a model here: requests, responses, stream chunks, errors. The
shapes are the ones the official `openai` client and LangChain's ChatOpenAI expect; TailTalk's own
data rides in one documented extension field, `tailtalk`, on the completion and on the last stream
chunk. Conversion happens at the edge (`to_messages`, `completion`, `chunk`, `error`); the agent
validates the conversation itself (agent/validation.py), once, for every surface.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.render import COPY_CHARS, TITLE_CHARS, plain, reply_markdown, web_url
from agent.types import FeedbackKind, LLMHealth, Message, Outcome, ProductCard, Reply
from agent.validation import shown_from

# Requests ----------------------------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send name, refusal, audio, ...

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    # An earlier answer sent back with its `tailtalk` data (the chat UI and the widget do):
    # what it showed is then read from structure, not from its text.
    tailtalk: dict[str, Any] | None = None

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


class FeedbackRequest(BaseModel):
    session_id: str = Field(min_length=1, max_length=256)
    product_id: str = Field(min_length=1, max_length=256)
    kind: FeedbackKind


class ShopperTokenRequest(BaseModel):
    """For the shop's backend (a service key): a token that names a signed-in shopper, to hand
    to the widget or a client, which sends it as X-Shopper-Token."""

    shopper_id: str = Field(min_length=1, max_length=256)
    ttl_seconds: int | None = Field(default=None, ge=1, le=30 * 86_400)


def to_messages(request: ChatCompletionRequest) -> list[Message]:
    """The request's messages as agent messages, one for one (so a problem the agent finds
    names the same index the client sent)."""
    return [
        Message(
            role="system" if m.role == "developer" else m.role,
            content=m.text(),
            shown=shown_from(m.tailtalk) if m.role == "assistant" and m.tailtalk else None,
        )
        for m in request.messages
    ]


# Responses ---------------------------------------------------------------------------------


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
        """The card as data for a client's own cards: catalogue text on one line and bounded,
        links and images only http(s) or on this site."""
        fields = card.model_dump()
        fields.update(
            title=plain(card.title, TITLE_CHARS),
            brand=plain(card.brand) or None,
            category=plain(card.category) or None,
            why=plain(card.why),
            copy_text=plain(card.copy_text, COPY_CHARS) or None,
            url=web_url(card.url),
            image_url=web_url(card.image_url),
            attributes={plain(k): plain(v) for k, v in card.attributes.items() if plain(k)},
        )
        return cls(**fields, long_tail=card.is_long_tail)


class TailTalkExtension(BaseModel):
    """The `tailtalk` field: structured recommendations and what the agent understood."""

    session_id: str
    backend: str
    outcome: Outcome
    recommendations: list[RecommendationWire]
    list_kind: str
    relaxed: list[str]
    language: str
    clarifying_question: str | None
    preferences: dict[str, Any]
    fallback_reason: str | None = None

    @classmethod
    def of(cls, reply: Reply, session_id: str) -> TailTalkExtension:
        return cls(
            session_id=session_id,
            backend=reply.backend,
            outcome=reply.outcome,
            recommendations=[RecommendationWire.of(c) for c in reply.recommendations],
            list_kind=reply.list_kind,
            relaxed=reply.relaxed,
            language=reply.language,
            clarifying_question=reply.clarifying_question,
            preferences=reply.preferences.model_dump(mode="json", exclude_defaults=True),
            fallback_reason=reply.trace.fallback_reason,
        )


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: str = "stop"
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage = Field(default_factory=Usage)
    tailtalk: TailTalkExtension


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    tailtalk: TailTalkExtension | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "tailtalk"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class FeedbackResponse(BaseModel):
    id: str
    object: Literal["feedback"] = "feedback"
    recorded: bool = True


class ProfileResponse(BaseModel):
    shopper_id: str
    liked: list[str] = Field(default_factory=list)
    carted: list[str] = Field(default_factory=list)
    bought: list[str] = Field(default_factory=list)


class ProfileCleared(BaseModel):
    shopper_id: str
    cleared: bool = True


class ShopperTokenResponse(BaseModel):
    object: Literal["shopper_token"] = "shopper_token"
    token: str
    shopper_id: str
    expires_at: int  # Unix time


class LLMHealthWire(BaseModel):
    """The LLM server as this process has seen it (agent/models/circuit.py)."""

    circuit: Literal["closed", "open", "half_open"]
    consecutive_failures: int
    failures: int
    successes: int
    last_success: float | None
    last_failure: float | None
    last_error: str | None
    retry_at: float | None  # while open: when a turn tries the LLM again (Unix time)

    @classmethod
    def of(cls, health: LLMHealth) -> LLMHealthWire:
        return cls(**health.model_dump())


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]  # degraded: the LLM is skipped (its circuit is open)
    backend: str
    products: int
    llm: LLMHealthWire | None = None  # None: the rules backend answers, no LLM is configured


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def completion(reply: Reply, model: str, session_id: str) -> ChatCompletionResponse:
    return ChatCompletionResponse(
        id=completion_id(),
        created=int(time.time()),
        model=model,
        choices=[Choice(message=AssistantMessage(content=reply_markdown(reply)))],
        tailtalk=TailTalkExtension.of(reply, session_id),
    )


def chunk(
    chunk_id: str,
    model: str,
    delta: Delta,
    finish: str | None = None,
    extension: TailTalkExtension | None = None,
) -> ChatCompletionChunk:
    return ChatCompletionChunk(
        id=chunk_id,
        created=int(time.time()),
        model=model,
        choices=[ChunkChoice(delta=delta, finish_reason=finish)],
        tailtalk=extension,
    )


def error(
    message: str, error_type: str, param: str | None = None, code: str | None = None
) -> ErrorResponse:
    return ErrorResponse(
        error=ErrorDetail(message=message, type=error_type, param=param, code=code)
    )


def models(model: str) -> ModelList:
    return ModelList(data=[ModelCard(id=model)])
