"""The one settings object. Read at entry points (CLI, server, eval) and passed down.

Environment variables use the prefix TAILTALK_ and `__` for nesting, for example
TAILTALK_DATA_DIR, TAILTALK_RETRIEVAL__CHROMA_PATH, TAILTALK_LLM__BASE_URL, TAILTALK_STORE__URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.reading.money import DEFAULT_RATES
from retrieval.config import (
    CatalogSettings,
    EmbedderSettings,
    RerankSettings,
    RetrievalSettings,
    StoreSettings,
)


class LLMSettings(BaseModel):
    # Unset: the rules backend answers. Set: any OpenAI-compatible server (vLLM in production).
    base_url: str | None = None
    model: str = "Qwen/Qwen2.5-7B-Instruct"
    api_key: SecretStr = SecretStr("EMPTY")  # vLLM accepts any key unless started with --api-key
    timeout: float = Field(default=30.0, gt=0, le=600)  # seconds per request
    max_retries: int = Field(default=1, ge=0, le=5)  # on connection errors and 5xx
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=512, ge=16, le=8192)
    # When the server is down, slow or keeps sending garbage: answer with the rules backend,
    # or fail the turn with a typed 503.
    fallback: Literal["rules", "error"] = "rules"
    write_copy: bool = True  # let the LLM write product copy (checked; template otherwise)


class AgentSettings(BaseModel):
    shop_name: str = "the TailTalk demo shop"
    k: int = Field(default=5, ge=1, le=20)  # products per answer
    max_rounds: int = Field(default=4, ge=1, le=10)  # model calls per turn
    max_failed_calls: int = Field(default=2, ge=0, le=10)  # malformed calls before the fallback
    max_message_chars: int = Field(default=4000, ge=10, le=100_000)
    max_messages: int = Field(default=100, ge=1, le=10_000)
    # The shop's currency, and what one unit of another is worth in it: a budget said in euros
    # is converted at this rate, and the reply says so. Approximate defaults; set your own
    # (TAILTALK_AGENT__CURRENCY_RATES='{"EUR": 1.1}'); a currency not listed is refused.
    currency: str = "USD"
    currency_rates: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RATES))


class ApiSettings(BaseModel):
    # Bearer keys clients must send; empty: no authentication (fine on loopback, not beyond).
    keys: list[SecretStr] = Field(default_factory=list)
    model_name: str = "tailtalk"  # the one model /v1/models lists and requests must name
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    # Origins whose pages may call the API from the browser (the chat widget on a shop's site),
    # e.g. ["https://shop.example"]; empty: none (same-origin pages and servers are unaffected).
    cors_origins: list[str] = Field(default_factory=list)


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
    catalog: CatalogSettings = Field(default_factory=CatalogSettings)
    rerank: RerankSettings = Field(default_factory=RerankSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    agent: AgentSettings = Field(default_factory=AgentSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma keeps its files: the override, else <data_dir>/chroma."""
        return self.retrieval.chroma_path or self.data_dir / "chroma"

    @property
    def ledger_path(self) -> Path:
        """The exposure ledger's SQLite file (with no TAILTALK_STORE__URL): the override, else
        <data_dir>/exposure.sqlite."""
        return self.rerank.ledger_path or self.data_dir / "exposure.sqlite"

    @property
    def log_path(self) -> Path:
        """The session log's SQLite file (with no TAILTALK_STORE__URL):
        <data_dir>/sessions.sqlite."""
        return self.data_dir / "sessions.sqlite"
