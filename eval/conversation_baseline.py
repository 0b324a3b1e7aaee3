"""The simple baseline the conversation corpus is also played with: the shop's own search (hybrid
relevance and the tail re-ranker) over the shopper's words so far, with no reading at all: no
filters, no references, no "we don't carry that", no questions back. Its answer is a product
list with one stock sentence in the shopper's language, so that only understanding separates it
from the agent."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from agent.explain import card
from agent.prompts import phrases
from agent.reading.translate import detect_language
from agent.shop import Shop
from agent.types import Outcome, Preferences, Reply
from eval.harness import Harness
from retrieval.factory import open_search
from retrieval.rerank import ExposureLedger
from retrieval.rerank.base import RerankContext
from retrieval.types import SearchFilters

_TURNS = 3  # how many of the shopper's latest messages make the query
_QUERY_CHARS = 300  # as many characters as the agent's own search query may have


class SearchBaseline:
    """Answers every turn with a search for the shopper's latest words."""

    def __init__(self, shop: Shop, k: int) -> None:
        self.shop = shop
        self.k = k

    def reply(self, messages: Sequence[Any]) -> Reply:
        said = [_content(m) for m in messages if _role(m) == "user"]
        query = " ".join(said[-_TURNS:])[-_QUERY_CHARS:] or "popular products"
        language = detect_language(said[-1] if said else "", "en")
        ranked = self.shop.search(query, SearchFilters(), self.k, RerankContext())
        prefs = Preferences(language=language)
        cards = [
            card(
                r.candidate.product,
                r.candidate.band,
                prefs,
                rank=i,
                score=r.candidate.score,
                propensity=r.propensity,
            )
            for i, r in enumerate(ranked, start=1)
        ]
        return Reply(
            text=phrases(language).say("fallback", len(cards)),
            recommendations=cards,
            outcome=Outcome.RESULTS,
            language=language,
            backend="baseline:search",
        )


def baseline_agents(harness: Harness) -> Callable[[], AbstractContextManager[SearchBaseline]]:
    """Per-case baselines over the harness's index, each with a fresh exposure ledger."""

    @contextmanager
    def make() -> Iterator[SearchBaseline]:
        with tempfile.TemporaryDirectory(prefix="tailtalk-baseline-") as scratch:
            ledger = ExposureLedger(Path(scratch) / "exposure.sqlite")
            search = open_search(
                harness.settings, harness.logged, harness.retriever, harness.settings.rerank, ledger
            )
            yield SearchBaseline(Shop(search), harness.k)

    return make


def _role(message: Any) -> str:
    return str(message["role"] if isinstance(message, dict) else message.role)


def _content(message: Any) -> str:
    return str(message["content"] if isinstance(message, dict) else message.content)
