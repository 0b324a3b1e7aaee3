"""Domain values of the agent: messages, the shopper's preferences, tool calls, product cards,
replies, feedback kinds and the events a turn streams. Wire formats (OpenAI JSON) live in
ui/protocol.py; how a reply looks as text lives in agent/render.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from retrieval.types import SearchFilters

TYPE_KEY = "Type"  # the attribute that names a product's kind ("Moisturizer", "Leash")

Role = Literal["system", "user", "assistant", "tool"]
ListKind = Literal["results", "featured"]


class Outcome(StrEnum):
    """What kind of answer a reply is. Clients branch on it; later turns read it back."""

    RESULTS = "results"  # a ranked list meeting every hard constraint
    RELAXED = "relaxed"  # nothing met every constraint: the closest, breaking only `relaxed`
    NO_RESULTS = "no_results"  # nothing to show under the shopper's constraints
    NOT_CARRIED = "not_carried"  # the shop does not sell that kind of product
    CLARIFY = "clarify"  # a question back to the shopper, no products
    DETAILS = "details"  # about one product
    COMPARE = "compare"  # products side by side
    COPY = "copy"  # a product description
    CHAT = "chat"  # a greeting, thanks, or nothing to act on


class FeedbackKind(StrEnum):
    """What a shopper did with a shown product (the API, the UI, the log and OPE share these)."""

    CLICK = "click"
    LIKE = "like"
    DISLIKE = "dislike"
    CART = "cart"
    PURCHASE = "purchase"


# Feedback that says the shopper wants the product: the profile, targets and logged popularity.
POSITIVE_FEEDBACK = frozenset({FeedbackKind.LIKE, FeedbackKind.CART, FeedbackKind.PURCHASE})


class Shown(BaseModel):
    """What an assistant message put in front of the shopper, as structure: later turns resolve
    "the second one" against it without parsing the text (which only stateless clients that send
    plain text need)."""

    model_config = ConfigDict(frozen=True)

    product_ids: tuple[str, ...] = ()
    list_kind: ListKind = "results"
    outcome: Outcome = Outcome.RESULTS


class Message(BaseModel):
    """One message of a dialogue, OpenAI-shaped so every backend reads the same history."""

    model_config = ConfigDict(frozen=True)

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None  # for role "tool": the call it answers
    name: str | None = None  # for role "tool": the tool's name
    shown: Shown | None = None  # for role "assistant": what it showed, when known


class ToolCall(BaseModel):
    """A tool call as the model made it. `arguments` is the raw JSON text; the tool layer parses
    and repairs it (small models often get it wrong)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    arguments: str = "{}"


class Preferences(BaseModel):
    """What the shopper wants so far, accumulated over the dialogue since the last topic reset."""

    model_config = ConfigDict(frozen=True)

    categories: tuple[str, ...] = ()
    product_types: tuple[str, ...] = ()
    min_price: float | None = None
    max_price: float | None = None
    brands: tuple[str, ...] = ()
    exclude_brands: tuple[str, ...] = ()
    attributes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    exclude_attributes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    min_rating: float | None = None
    needs: tuple[str, ...] = ()  # free-text needs, in the shopper's words
    liked: tuple[str, ...] = ()  # product ids
    rejected: tuple[str, ...] = ()  # product ids
    exclude_types: tuple[str, ...] = ()  # "not a shampoo"
    # Attribute values said in passing or about another kind: words to rank by, never filters.
    soft_attributes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    cheap: bool = False  # "cheap": max_price is the cheaper half of the kind asked for
    # A budget said in another currency, as said and as the shop's price ("€30 ≈ $32.40").
    budget_note: str | None = None
    recipient: str | None = None  # a gift, and who for ("mom")
    language: str = "en"

    def filters(self, exclude_ids: frozenset[str] = frozenset()) -> SearchFilters:
        """The hard constraints as search filters (a reversed price range is put right)."""

        low, high = self.min_price, self.max_price
        if low is not None and high is not None and low > high:
            low, high = high, low
        attributes = dict(self.attributes)
        if self.product_types:  # "a moisturizer" means moisturizers, not any skin care
            attributes[TYPE_KEY] = self.product_types
        avoided = dict(self.exclude_attributes)
        if self.exclude_types:
            avoided[TYPE_KEY] = tuple({*avoided.get(TYPE_KEY, ()), *self.exclude_types})
        return SearchFilters(
            min_price=low,
            max_price=high,
            categories=self.categories,
            brands=self.brands,
            exclude_brands=self.exclude_brands,
            attributes=attributes,
            exclude_attributes=avoided,
            min_rating=self.min_rating,
            exclude_ids=frozenset(self.rejected) | exclude_ids,
        )

    def is_vague(self) -> bool:
        """Too little to search well: no category, type, brand, attribute or need in the
        shopper's own words ("something nice" has none; "tweezers" is enough)."""
        specific = self.categories or self.product_types or self.brands or self.attributes
        return not specific and not self.needs and not self.soft_attributes


class ProductCard(BaseModel):
    """A recommended product as the shopper sees it: grounded in the catalogue record."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    price: float | None = None
    currency: str | None = None
    rating: float | None = None
    rating_count: int = 0
    brand: str | None = None
    category: str | None = None
    band: str = "tail"  # head / torso / tail
    rank: int = 1
    score: float = 0.0
    propensity: float = 1.0  # probability of this product at this rank under the policy
    why: str = ""
    copy_text: str | None = None  # generated product copy, when the product has some
    url: str | None = None
    image_url: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)

    @property
    def is_long_tail(self) -> bool:
        return self.band == "tail"


class GuardrailReport(BaseModel):
    """What the guardrail removed from an answer, by reason."""

    out_of_results: int = 0  # a product not in this turn's tool results (or in no catalogue)
    price_mismatch: int = 0
    attribute_contradiction: int = 0
    constraint_violation: int = 0  # a product breaking the shopper's hard constraints
    prompt_leak: int = 0  # the system prompt, as written or encoded (base64, ROT13, spaced)
    markup: int = 0  # links, images, URLs or HTML the answer wrote (cut, the words kept)

    @property
    def total(self) -> int:
        return (
            self.out_of_results
            + self.price_mismatch
            + self.attribute_contradiction
            + self.constraint_violation
            + self.prompt_leak
            + self.markup
        )


class LLMHealth(BaseModel):
    """How the LLM server has fared in this process, and whether turns skip it for now."""

    circuit: Literal["closed", "open", "half_open"] = "closed"
    consecutive_failures: int = 0
    failures: int = 0
    successes: int = 0
    last_success: float | None = None  # Unix time
    last_failure: float | None = None
    last_error: str | None = None
    retry_at: float | None = None  # while open: when a turn tries the LLM again


class ToolRecord(BaseModel):
    """One executed tool call, for the trace."""

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    ok: bool = True
    error: str | None = None
    repaired: bool = False
    product_ids: tuple[str, ...] = ()


class Trace(BaseModel):
    """How a reply came about: logged with the turn and shown in the UI's side panel."""

    backend: str = ""
    fallback_reason: str | None = None
    tools: list[ToolRecord] = Field(default_factory=list)
    repairs: int = 0  # malformed tool calls repaired
    failed_calls: int = 0  # malformed tool calls fed back as observations
    guardrail: GuardrailReport = Field(default_factory=GuardrailReport)
    injections: int = 0  # instruction-like text neutralised (shopper or product text)
    prompts: dict[str, str] = Field(default_factory=dict)  # template name -> content hash
    latency_ms: float = 0.0
    rounds: int = 0


class Reply(BaseModel):
    """The agent's answer to one shopper turn."""

    text: str  # the answer in prose (the product list is rendered apart: agent/render.py)
    recommendations: list[ProductCard] = Field(default_factory=list)
    # "results": a ranked list from a search (numbered; "the second one" refers into it);
    # "featured": products the answer is about (details, comparison), shown as bullets.
    list_kind: ListKind = "results"
    outcome: Outcome = Outcome.RESULTS
    relaxed: list[str] = Field(default_factory=list)  # constraints the closest results break
    language: str = "en"  # the language the shopper wrote in, and the reply is in
    clarifying_question: str | None = None
    preferences: Preferences = Field(default_factory=Preferences)
    backend: str = ""
    trace: Trace = Field(default_factory=Trace)

    def shown(self) -> Shown:
        """What this reply shows, as a later turn reads it back."""
        return Shown(
            product_ids=tuple(c.id for c in self.recommendations),
            list_kind=self.list_kind,
            outcome=self.outcome,
        )


class EventKind(StrEnum):
    STATUS = "status"  # a human-readable progress line ("searching ...")
    TOOL_CALL = "tool_call"  # a tool is about to run (its name; the record comes with the result)
    TOOL_RESULT = "tool_result"
    TEXT = "text"  # a piece of the answer's prose, already checked by the guardrail
    REPLY = "reply"  # the final Reply; always the last event


class AgentEvent(BaseModel):
    kind: EventKind
    text: str = ""
    tool: ToolRecord | None = None
    reply: Reply | None = None


Message.model_rebuild()
