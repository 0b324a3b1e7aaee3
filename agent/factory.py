"""Wiring: settings -> embedder, Chroma, search pipeline, session log, model -> an Agent.

The heavy modules (torch, chromadb) load here, when an agent is built, not when `agent` is
imported.
"""

from __future__ import annotations

from agent.agent import Agent
from agent.copywriting.copywriter import Copywriter, LLMCopywriter, TemplateCopywriter
from agent.log.sessions import SessionLog
from agent.models.base import ChatModel
from agent.reading.state import ReadingOptions
from agent.settings import Settings
from agent.shop import Shop
from retrieval.errors import IndexEmptyError


def build_shop(settings: Settings, log: SessionLog | None = None) -> Shop:
    """The search side: embedder, Chroma (folder or server), hybrid retriever, re-ranker,
    exposure ledger. Bands use the session log's interactions when there is a log."""
    from retrieval.embedder import HFEmbedder
    from retrieval.learning.fusion import LinearFusion, hand_weights
    from retrieval.learning.registry import ModelRegistry
    from retrieval.learning.relevance import FusedRelevance
    from retrieval.pipeline import TailSearch
    from retrieval.rerank.exposure import ExposureLedger
    from retrieval.search import ChromaRetriever
    from retrieval.store import ChromaStore
    from retrieval.text import RECIPE

    embedder = HFEmbedder(settings.embedder)
    store = ChromaStore.open(
        settings.retrieval, settings.chroma_path, embedder.model_id, embedder.dim, RECIPE
    )
    if store.count() == 0:
        raise IndexEmptyError(
            f"the product index at {settings.chroma_path} is empty; run `tailtalk demo` for the "
            "demo catalogue or `tailtalk ingest PATH` for your own"
        )
    retriever = ChromaRetriever(
        store, embedder, settings.retrieval.refresh_seconds, settings.retrieval.lexical_weight
    )
    # Relevance fuses the signals with the hand-set weights until `tailtalk learn` publishes a
    # model under <data_dir>/models; a running server picks a new version up by itself.
    relevance = FusedRelevance(
        LinearFusion(hand_weights(settings.retrieval.lexical_weight)),
        ModelRegistry(settings.data_dir / "models", settings.retrieval.refresh_seconds),
    )
    ledger = ExposureLedger(settings.ledger_path)
    search = TailSearch.configured(retriever, settings.rerank, ledger, relevance=relevance)
    logged = log.interaction_counts() if log is not None else None
    reading = ReadingOptions(settings.agent.currency, settings.agent.currency_rates)
    return Shop(search, settings.rerank.head_share, settings.rerank.torso_share, logged, reading)


def build_agent(
    settings: Settings | None = None,
    model: ChatModel | None = None,
    shop: Shop | None = None,
) -> Agent:
    """An agent on the configured index. The model is, in order: `model` if given, the
    OpenAI-compatible server at TAILTALK_LLM__BASE_URL if set, else the rules backend."""
    settings = settings or Settings()
    log = SessionLog(settings.log_path)
    shop = shop or build_shop(settings, log)
    if model is None and settings.llm.base_url:
        from agent.models.openai import OpenAIChatModel

        model = OpenAIChatModel(settings.llm)
    copywriter: Copywriter = TemplateCopywriter()
    if model is not None and settings.llm.write_copy:
        copywriter = LLMCopywriter(model, lambda: shop.vocabulary)
    return Agent(shop, model, copywriter, settings.agent, settings.llm, log)
