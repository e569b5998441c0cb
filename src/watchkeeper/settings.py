"""One Settings object, read from the environment (``WATCHKEEPER_*``) and an optional ``.env`` file.

It fails fast: a bad value raises :class:`~watchkeeper.errors.SettingsError` at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.errors import SettingsError

__all__ = ["Settings", "SinkSettings", "default_policy_dir", "load_settings"]


class SinkSettings(BaseModel):
    """One enforcement webhook: events are POSTed as JSON, signed with HMAC-SHA256 of the secret."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr
    timeout_s: float = Field(default=10.0, gt=0, le=120)


def default_policy_dir() -> Path:
    """The policy pack shipped with the package (``policies/default`` in the source tree)."""
    return Path(__file__).resolve().parent / "policies" / "default"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEPER_", env_file=".env", extra="ignore")

    policy_dir: Path = Field(default_factory=default_policy_dir)
    #: detectors to run, by registry name; empty means every registered detector
    detectors: list[str] = Field(default_factory=list)
    #: per-detector time budget for one item, in seconds
    detector_timeout_s: float = Field(default=5.0, gt=0, le=600)
    #: stop the cascade early once a stage yields a signal at or above the category's stop score
    early_stop: bool = True
    #: trained text heads (default: the artifact shipped in the package)
    heads_path: Path | None = None
    #: refuse text parts longer than this (characters) in the CLI/ingest layer
    max_text_chars: int = Field(default=200_000, gt=0)

    # --- service and store ---
    #: SQLAlchemy URL; SQLite (WAL) is the embedded default, PostgreSQL is production
    #: (postgresql+psycopg://user@host/db)
    database_url: str = "sqlite:///watchkeeper.db"
    #: request bodies larger than this get HTTP 413 before they are read
    max_request_bytes: int = Field(default=1_000_000, gt=0)
    #: API keys are required on every route but /healthz (turn off only on a trusted laptop)
    auth: bool = True
    #: enforcement webhooks, as JSON: [{"name": "platform", "url": "https://...", "secret": "..."}]
    sinks: list[SinkSettings] = Field(default_factory=list)
    #: secret that signs job-completion callbacks (the callback URL comes with each job)
    callback_secret: SecretStr | None = None
    #: delivery attempts before a sink event is dead-lettered; backoff doubles from 1 s up to 5 min
    sink_max_attempts: int = Field(default=10, ge=1, le=100)
    #: background workers deciding slow media (jobs)
    job_workers: int = Field(default=1, ge=0, le=64)
    #: item kinds decided as background jobs by POST /v1/moderate (others are decided in the request)
    async_kinds: list[str] = Field(default_factory=lambda: ["video", "image", "live_segment"])
    #: media of jobs: file:// URIs are read only inside this folder; http(s) only from these hosts
    media_root: Path | None = None
    media_fetch_hosts: list[str] = Field(default_factory=list)
    #: run OCR, speech-to-text and visual detection on media (False: hashes and provenance only)
    media_extractors: bool = True
    #: reviewer console wellbeing: suggest a break after this many cases or minutes in a session
    break_after_cases: int = Field(default=25, ge=1)
    break_after_minutes: int = Field(default=50, ge=1)

    # --- LLM judge (docs/llm-judge.md). No network call is ever made unless judge_backend is set. ---
    #: none | openai (any OpenAI-compatible server) | transformers (local folder) | llamacpp (GGUF file)
    judge_backend: Literal["none", "openai", "transformers", "llamacpp"] = "none"
    #: prompt and answer layout: watchkeeper | gpt-oss-safeguard | llama-guard | qwen3guard | shieldgemma
    judge_format: Literal["watchkeeper", "gpt-oss-safeguard", "llama-guard", "qwen3guard", "shieldgemma"] = (
        "watchkeeper"
    )
    #: OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)
    judge_base_url: str | None = None
    #: model name on the server (Azure: the deployment name)
    judge_model: str | None = None
    judge_api_key: SecretStr | None = None
    #: set for Azure OpenAI (then judge_base_url is the resource endpoint)
    judge_azure_api_version: str | None = None
    #: auto: JSON-schema output, stepping down to json_object / plain text if the server refuses it
    judge_structured_output: Literal["auto", "json_schema", "json_object", "none"] = "auto"
    #: local model folder (transformers) or GGUF file (llamacpp)
    judge_model_path: Path | None = None
    #: a GGUF file inside judge_model_path for the transformers backend
    judge_gguf_file: str | None = None
    judge_timeout_s: float = Field(default=30.0, gt=0, le=600)
    judge_max_tokens: int = Field(default=512, gt=0, le=8192)
    judge_max_concurrency: int = Field(default=4, ge=1, le=256)
    judge_retries: int = Field(default=2, ge=0, le=10)
    judge_calls_per_minute: float | None = Field(default=None, gt=0)
    judge_tokens_per_minute: float | None = Field(default=None, gt=0)
    #: consecutive failures that open the circuit, and how long it stays open
    judge_breaker_failures: int = Field(default=5, ge=1)
    judge_breaker_cooldown_s: float = Field(default=30.0, gt=0)
    #: SQLite file caching replies across runs (None: an in-memory cache per process)
    judge_cache_path: Path | None = None

    @model_validator(mode="after")
    def _judge_complete(self) -> Settings:
        if self.judge_backend == "openai" and not (self.judge_base_url and self.judge_model):
            raise ValueError(
                "judge_backend=openai needs WATCHKEEPER_JUDGE_BASE_URL and WATCHKEEPER_JUDGE_MODEL"
            )
        if self.judge_backend in ("transformers", "llamacpp") and self.judge_model_path is None:
            raise ValueError(f"judge_backend={self.judge_backend} needs WATCHKEEPER_JUDGE_MODEL_PATH")
        return self


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(str(exc)) from exc
