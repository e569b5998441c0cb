"""One Settings object, read from the environment (``WATCHKEEPER_*``) and an optional ``.env`` file.

It fails fast: a bad value raises :class:`~watchkeeper.errors.SettingsError` at start-up.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.errors import SettingsError

__all__ = ["Settings", "default_policy_dir", "load_settings"]


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


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(str(exc)) from exc
