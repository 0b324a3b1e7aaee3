"""Tail-exposure re-rankers behind one interface (see base.py), and the factory that builds the
configured one by name."""

from __future__ import annotations

from retrieval.rerank.base import Candidate, Ranked, RerankContext, Reranker, rank_with
from retrieval.rerank.exposure import ExposureLedger, ExposureRerank
from retrieval.rerank.policies import CalibratedRerank, MMRRerank, NoRerank, XQuADRerank
from retrieval.rerank.stochastic import PlackettLuceRerank

__all__ = [
    "CalibratedRerank",
    "Candidate",
    "ExposureLedger",
    "ExposureRerank",
    "MMRRerank",
    "NoRerank",
    "PlackettLuceRerank",
    "Ranked",
    "RerankContext",
    "Reranker",
    "XQuADRerank",
    "rank_with",
]
