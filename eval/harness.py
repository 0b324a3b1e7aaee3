"""Wiring for offline evaluation: the catalogue's index (re-used when up to date), one retriever
shared by every run, and an agent per policy with its own fresh exposure ledger and session log
(in a scratch folder), so runs do not influence each other."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from agent.agent import Agent
from agent.errors import RequestError
from agent.factory import build_agent
from agent.models.base import ChatModel
from agent.settings import Settings
from agent.shop import Shop
from retrieval.catalog import load_catalog
from retrieval.factory import config_embedder, local_index, open_search, retriever_for
from retrieval.popularity import PopularityBands, catalogue_counts, combined_counts
from retrieval.rerank import ExposureLedger
from retrieval.search import Retriever
from retrieval.types import Product

POLICIES = ("none", "default", "mmr", "xquad", "calibrated", "exposure")


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
        embedder = config_embedder(settings)
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

    def shop(self, policy: str = "none") -> Shop:
        rerank = self.settings.rerank
        if policy != "default":
            if policy not in POLICIES:
                raise RequestError(
                    f"unknown policy '{policy}'; use {', '.join(POLICIES)}", param="policy"
                )
            rerank = rerank.model_copy(update={"policy": policy})
        ledger = ExposureLedger(self.scratch / f"{policy}-exposure.sqlite")
        search = open_search(self.settings, self.logged, self.retriever, rerank, ledger)
        return Shop(search, rerank.head_share, rerank.torso_share, self.logged)

    def agent(self, policy: str, model: ChatModel | None = None) -> Agent:
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
                "data_dir": self.scratch / policy,
                "llm": llm,
                "agent": self.settings.agent.model_copy(update={"k": self.k}),
            }
        )
        return build_agent(settings, model=model, shop=self.shop(policy))

    def default_policy(self) -> str:
        r = self.settings.rerank
        if r.policy == "exposure":
            return f"exposure (tail boost {r.tail_boost}, freshness {r.freshness}, lead {r.lead})"
        return f"{r.policy} (lambda {r.lam})"
