"""Wiring for offline evaluation: the catalogue's index (re-used when up to date), one retriever
shared by every run, and an agent per policy with its own fresh exposure ledger and session log
(in a scratch folder), so runs do not influence each other."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from agent.agent import Agent
from agent.errors import RequestError
from agent.factory import build_agent
from agent.models.base import ChatModel
from agent.settings import Settings
from agent.shop import Shop
from eval.learning import DEDUP, EvalShop
from retrieval.catalog import load_catalog
from retrieval.embedder import Embedder
from retrieval.factory import config_embedder, local_index, open_search, retriever_for
from retrieval.learning.fusion import LinearFusion, hand_weights
from retrieval.learning.registry import LearnedModel
from retrieval.learning.relevance import FusedRelevance
from retrieval.popularity import PopularityBands, catalogue_counts, combined_counts
from retrieval.rerank import ExposureLedger
from retrieval.search import Retriever
from retrieval.types import Product

POLICIES = ("none", "default", "mmr", "xquad", "calibrated", "exposure")


class CachedEmbedder:
    """The encoder with a memory of the texts it embedded: every policy, protocol and fold of a
    run (and the training of each fold) asks for the same session queries, embedded once."""

    def __init__(self, embedder: Embedder) -> None:
        self.inner = embedder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self._seen: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self._seen[text] = vector
        return np.stack([self._seen[t] for t in texts])


@dataclass
class Harness:
    settings: Settings
    retriever: Retriever
    products: list[Product]
    bands: PopularityBands
    logged: Mapping[str, float]
    k: int
    backend: str
    scratch: Path
    # Per session: the products its dialogue named that it did not reject (the agent's shop
    # gets them as the session's mentioned items; the "all" protocol lets them be shown).
    named: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        settings: Settings,
        catalog: Path,
        fmt: str,
        logged: Mapping[str, float],
        k: int,
        backend: str,
    ) -> Harness:
        loaded = load_catalog(catalog, fmt)
        embedder = CachedEmbedder(config_embedder(settings))
        fingerprint = hashlib.sha256(str(catalog.resolve()).encode()).hexdigest()[:8]
        name = f"eval-{catalog.stem}-{fingerprint}"
        folder = settings.data_dir / "eval" / name
        # Its own collection, Chroma folder and snapshots: evaluation never touches the shop's.
        retrieval = settings.retrieval.model_copy(
            update={"collection": name[:60], "refresh_seconds": 3600}
        )
        with tqdm(total=len(loaded.products), desc="index", unit="product") as bar:
            snapshots, report = local_index(
                folder, embedder, loaded.products, retrieval, on_progress=bar.update
            )
        print(report.summary(), flush=True)
        retriever = retriever_for(snapshots, embedder, retrieval)
        counts = combined_counts(catalogue_counts(loaded.products), logged)
        bands = PopularityBands.from_counts(
            counts, settings.rerank.head_share, settings.rerank.torso_share
        )
        scratch = Path(tempfile.mkdtemp(prefix="tailtalk-eval-"))
        return cls(settings, retriever, loaded.products, bands, logged, k, backend, scratch)

    def relevance(self, model: LearnedModel | None = None) -> FusedRelevance:
        """Hand-set fusion, or a learned model's (trained by run_offline --train / --kfold)."""
        hand = LinearFusion(hand_weights(self.retriever.lexical_weight))
        return FusedRelevance(hand, model=model)

    def shop(
        self, policy: str = "none", protocol: str = DEDUP, model: LearnedModel | None = None
    ) -> Shop:
        rerank = self.settings.rerank
        if policy != "default":
            if policy not in POLICIES:
                raise RequestError(
                    f"unknown policy '{policy}'; use {', '.join(POLICIES)}", param="policy"
                )
            rerank = rerank.model_copy(update={"policy": policy})
        ledger = ExposureLedger(self.scratch / f"{policy}-{protocol}-exposure.sqlite")
        search = open_search(
            self.settings, self.logged, self.retriever, rerank, ledger, self.relevance(model)
        )
        return EvalShop(search, self.named, protocol)

    def agent(
        self,
        policy: str,
        model: ChatModel | None = None,
        protocol: str = DEDUP,
        learned: LearnedModel | None = None,
    ) -> Agent:
        llm = self.settings.llm
        if self.backend == "rules":
            llm = llm.model_copy(update={"base_url": None})
        elif not llm.base_url:
            raise RequestError(
                "--backend openai needs TAILTALK_LLM__BASE_URL (an OpenAI-compatible server)",
                param="backend",
            )
        settings = self.settings.model_copy(
            update={
                "data_dir": self.scratch / f"{policy}-{protocol}",
                "llm": llm,
                "agent": self.settings.agent.model_copy(update={"k": self.k}),
            }
        )
        return build_agent(settings, model=model, shop=self.shop(policy, protocol, learned))

    def default_policy(self) -> str:
        r = self.settings.rerank
        if r.policy == "exposure":
            return f"exposure (tail boost {r.tail_boost}, freshness {r.freshness}, lead {r.lead})"
        return f"{r.policy} (lambda {r.lam})"
