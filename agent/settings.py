"""The one settings object. Read at entry points (CLI, server, eval) and passed down.

Environment variables use the prefix TAILTALK_ and `__` for nesting, for example
TAILTALK_DATA_DIR, TAILTALK_RETRIEVAL__CHROMA_PATH, TAILTALK_EMBEDDER__MODEL.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.config import EmbedderSettings, RerankSettings, RetrievalSettings


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TAILTALK_",
        env_nested_delimiter="__",
        env_file=None,
        extra="forbid",
    )

    data_dir: Path = Field(default=Path("data"))
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    rerank: RerankSettings = Field(default_factory=RerankSettings)

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma keeps its files: the override, else <data_dir>/chroma."""
        return self.retrieval.chroma_path or self.data_dir / "chroma"

    @property
    def ledger_path(self) -> Path:
        """The exposure ledger (SQLite): the override, else <data_dir>/exposure.sqlite."""
        return self.rerank.ledger_path or self.data_dir / "exposure.sqlite"
