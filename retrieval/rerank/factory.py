"""Builds the configured re-ranking policy by name."""

from __future__ import annotations

from collections.abc import Mapping

from retrieval.config import RerankSettings
from retrieval.errors import ConfigError
from retrieval.rerank.base import Reranker
from retrieval.rerank.exposure import ExposureLedger, ExposureRerank
from retrieval.rerank.policies import CalibratedRerank, MMRRerank, NoRerank, XQuADRerank
from retrieval.rerank.stochastic import PlackettLuceRerank


def build_reranker(
    settings: RerankSettings,
    ledger: ExposureLedger | Mapping[str, float] | None = None,
    policy: str | None = None,
    lam: float | None = None,
) -> Reranker:
    """The policy named by `policy` (default: settings.policy), wrapped in Plackett-Luce sampling
    when settings.temperature > 0. `lam` (default: settings.lam) weighs mmr, xquad and calibrated;
    the exposure policy takes its own settings (freshness, tail_boost, lead, lead_freshness)."""
    name = policy or settings.policy
    weight = settings.lam if lam is None else lam
    base: Reranker
    if name == "none":
        base = NoRerank()
    elif name == "mmr":
        base = MMRRerank(weight)
    elif name == "xquad":
        base = XQuADRerank(weight, settings.tail_weight)
    elif name == "calibrated":
        base = CalibratedRerank(weight)
    elif name == "exposure":
        if ledger is None:
            raise ConfigError("the exposure policy needs an exposure ledger")
        base = ExposureRerank(
            ledger,
            settings.freshness,
            settings.tail_boost,
            settings.lead,
            settings.lead_freshness,
            settings.wear,
        )
    else:
        raise ConfigError(
            f"unknown re-ranking policy '{name}'; use none, mmr, xquad, calibrated or exposure"
        )
    if settings.temperature > 0:
        return PlackettLuceRerank(base, settings.temperature)
    return base
