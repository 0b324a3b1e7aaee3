"""The one settings object. Read at entry points (CLI, server, eval) and passed down.

Environment variables use the prefix TAILTALK_ and `__` for nesting, for example
TAILTALK_DATA_DIR, TAILTALK_RETRIEVAL__CHROMA_PATH, TAILTALK_LLM__BASE_URL, TAILTALK_STORE__URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
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
    timeout: float = Field(default=30.0, gt=0, le=600)  # seconds one request may wait for bytes
    max_retries: int = Field(default=1, ge=0, le=5)  # on connection errors, 429 and 5xx
    # All of a turn's LLM work (every round, retry and the whole stream) ends by this many
    # seconds after the turn began; then the fallback below answers.
    turn_deadline: float = Field(default=20.0, gt=0, le=600)
    # After this many failed turns in a row the LLM is skipped (the fallback answers at once)
    # for `circuit_cooldown` seconds; then one turn tries it again.
    circuit_failures: int = Field(default=3, ge=1, le=100)
    circuit_cooldown: float = Field(default=30.0, gt=0, le=3600)
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
    # With any key set, every surface needs one (ui/auth.py). Service keys are for the shop's
    # servers: any session, any shopper's profile, minting shopper tokens. Client keys are for
    # the widget and the chat UI (they end up in a page): only sessions the server issued to
    # that key, and a shopper only by a signed token. `keys` is the older name for service keys.
    # None set: no authentication (fine on loopback, not beyond).
    keys: list[SecretStr] = Field(default_factory=list)
    service_keys: list[SecretStr] = Field(default_factory=list)
    client_keys: list[SecretStr] = Field(default_factory=list)
    # Signs session ids and the chat UI's login cookie; unset: a random secret generated once
    # and kept in <data_dir>/server_secret (every worker on that folder shares it).
    session_secret: SecretStr | None = None
    # Signs shopper tokens (HS256 JWTs: sub = shopper id, exp, aud "tailtalk"); give it to the
    # shop's backend to sign its own, or let it call POST /v1/shopper_tokens with a service key.
    # Unset: derived from the session secret (then only that endpoint makes tokens).
    shopper_token_secret: SecretStr | None = None
    shopper_token_max_ttl: int = Field(default=86_400, ge=60, le=30 * 86_400)  # seconds
    # /docs and /openapi.json: "keyed" (behind the keys like the rest), "public", or "off".
    docs: Literal["keyed", "public", "off"] = "keyed"
    ui_login_hours: float = Field(default=12.0, gt=0, le=24 * 30)  # the chat UI's cookie
    # Feedback per session and per key (per client address without keys): a burst of at most
    # this many, refilled at this many per minute; more gets 429 with Retry-After.
    feedback_per_session_per_minute: int = Field(default=30, ge=1, le=100_000)
    feedback_per_key_per_minute: int = Field(default=600, ge=1, le=1_000_000)
    model_name: str = "tailtalk"  # the one model /v1/models lists and requests must name
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    # Origins whose pages may call the API from the browser (the chat widget on a shop's site),
    # e.g. ["https://shop.example"]; empty: none (same-origin pages and servers are unaffected).
    cors_origins: list[str] = Field(default_factory=list)

    @field_validator("session_secret", "shopper_token_secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and len(secret.get_secret_value()) < 32:
            raise ValueError("a signing secret needs at least 32 characters")
        return secret

    @property
    def auth_enabled(self) -> bool:
        return bool(self.keys or self.service_keys or self.client_keys)


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
