"""Wiring: settings -> embedder, Chroma, search pipeline, session log, model -> an Agent. The
session log opens here (`open_log`) for every entry point, in SQLite or in the PostgreSQL store.

The heavy modules (torch, chromadb) load here, when an agent is built, not when `agent` is
imported.
"""

from __future__ import annotations

from agent.agent import Agent
from agent.copywriting.copywriter import Copywriter, LLMCopywriter, TemplateCopywriter
from agent.log import schema
from agent.log.sessions import SessionLog
from agent.models.base import ChatModel
from agent.reading.state import ReadingOptions
from agent.settings import Settings
from agent.shop import Shop
from retrieval.database import open_database
from retrieval.errors import IndexEmptyError


def open_log(settings: Settings) -> SessionLog:
    """The session log: <data_dir>/sessions.sqlite, or schema tailtalk_log of the PostgreSQL
    store when TAILTALK_STORE__URL is set."""
    return SessionLog(open_database(settings.store, settings.log_path, schema.SCHEMA))


def build_shop(settings: Settings, log: SessionLog | None = None) -> Shop:
    """The search side (retrieval.factory.open_search: embedder, the snapshot of the product
    store, hybrid retriever, re-ranker, exposure ledger). Bands use the session log's
    interactions when there is a log."""
    from retrieval.factory import open_search

    logged = log.interaction_counts() if log is not None else None
    search = open_search(settings, logged)
    if len(search.retriever.index) == 0:
        raise IndexEmptyError(
            f"the product index under {settings.data_dir} is empty; run `tailtalk demo` for the "
            "demo catalogue or `tailtalk ingest PATH` for your own"
        )
    reading = ReadingOptions(settings.agent.currency, settings.agent.currency_rates)
    return Shop(search, reading)


def build_agent(
    settings: Settings | None = None,
    model: ChatModel | None = None,
    shop: Shop | None = None,
) -> Agent:
    """An agent on the configured index. The model is, in order: `model` if given, the
    OpenAI-compatible server at TAILTALK_LLM__BASE_URL if set, else the rules backend."""
    settings = settings or Settings()
    log = open_log(settings)
    shop = shop or build_shop(settings, log)
    if model is None and settings.llm.base_url:
        from agent.models.openai import OpenAIChatModel

        model = OpenAIChatModel(settings.llm)
    copywriter: Copywriter = TemplateCopywriter()
    if model is not None and settings.llm.write_copy:
        copywriter = LLMCopywriter(model, lambda: shop.vocabulary)
    return Agent(shop, model, copywriter, settings.agent, settings.llm, log)
