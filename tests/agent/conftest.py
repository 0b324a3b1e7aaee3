"""An agent on the real demo index (real Chroma, real embeddings), with a fresh exposure ledger
and session log per test. The model is the rules backend unless a test passes a fake."""

from __future__ import annotations

import pytest

from agent import build_agent
from agent.settings import AgentSettings, LLMSettings, Settings
from agent.shop import Shop
from agent.types import Reply
from retrieval.config import RerankSettings
from retrieval.pipeline import TailSearch
from retrieval.popularity import PopularityBands
from retrieval.rerank import ExposureLedger
from retrieval.rerank.factory import build_reranker


@pytest.fixture
def make_agent(demo_index, tmp_path):
    def make(
        model=None,
        llm: LLMSettings | None = None,
        rerank: RerankSettings | None = None,
        **agent_settings,
    ):
        settings = Settings(
            data_dir=tmp_path,
            agent=AgentSettings(**agent_settings),
            llm=llm or LLMSettings(),
            rerank=rerank or RerankSettings(),
        )
        ledger = ExposureLedger(tmp_path / "exposure.sqlite")
        search = TailSearch(
            demo_index,
            PopularityBands({}, {}),
            build_reranker(settings.rerank, ledger),
            settings.rerank.floor,
            settings.rerank.candidates,
            ledger,
        )
        return build_agent(settings, model=model, shop=Shop(search))

    return make


@pytest.fixture
def vocab(demo_products):
    from agent.vocabulary import Vocabulary

    return Vocabulary.from_products(demo_products)


def assert_grounded(agent, reply: Reply) -> None:
    """Every card is a catalogue product meeting the shopper's hard constraints."""
    hard = reply.preferences.model_copy(update={"product_types": ()}).filters()
    for card in reply.recommendations:
        product = agent.shop.get(card.id)
        assert product is not None, f"{card.id} is not in the catalogue"
        assert hard.admits(product), f"{card.id} breaks {hard}"
        assert card.title == product.title and card.price == product.price
