"""What one shopper turn knows (the dialogue's reading) and has gathered so far (tool results)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.reading.state import DialogueState
from agent.tools.models import ToolResult
from agent.types import ProductCard, Trace
from retrieval.rerank.base import RerankContext


@dataclass
class Turn:
    state: DialogueState
    session_id: str = ""
    k: int = 5
    context: RerankContext = field(default_factory=RerankContext)
    results: dict[str, ProductCard] = field(default_factory=dict)  # all a tool returned
    listed: list[ProductCard] | None = None  # the last search's list: what is shown
    featured: list[ProductCard] = field(default_factory=list)  # from get/compare/copy
    copies: dict[str, str] = field(default_factory=dict)
    # The last tool that ran and its result: what the answer is about.
    last_tool: str | None = None
    last_result: ToolResult | None = None
    said: list[str] = field(default_factory=list)  # the answer's sentences, as checked and shown
    written: list[str] = field(default_factory=list)  # every sentence the model wrote, kept or not
    asks: bool | None = None  # the model's word on whether its answer asks something back
    trace: Trace = field(default_factory=Trace)
    # When the turn's LLM work must be over (time.monotonic()); None: no deadline.
    deadline: float | None = None

    @property
    def recommendations(self) -> list[ProductCard]:
        return self.listed if self.listed is not None else self.featured

    def allowed_ids(self) -> set[str]:
        """Products this shopper may ask about: shown before, returned this turn, referred to in
        their latest message, or named by title in the dialogue."""
        state = self.state
        return {*state.shown, *self.results, *state.targets, *state.mentioned}
