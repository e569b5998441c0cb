"""The LLM judge tier: prompt rendering lives in :mod:`watchkeeper.policy.prompt`; backends, budgets,
parsing and the cascade detector live here. See docs/llm-judge.md."""

from __future__ import annotations

from watchkeeper.policy import PolicyPack
from watchkeeper.policy.prompt import JudgeFormat
from watchkeeper.settings import Settings, load_settings
from watchkeeper.signals.llm.backends import BackendReply, ChatBackend, OpenAIChatBackend, ScriptedBackend
from watchkeeper.signals.llm.client import CircuitBreaker, JudgeClient, MemoryCache, ReplyCache, SqliteCache
from watchkeeper.signals.llm.judge import LLMJudgeDetector, Route, route

__all__ = [
    "BackendReply",
    "ChatBackend",
    "JudgeClient",
    "LLMJudgeDetector",
    "OpenAIChatBackend",
    "Route",
    "ScriptedBackend",
    "build_backend",
    "build_judge",
    "judge_factory",
    "route",
]


def build_backend(settings: Settings) -> ChatBackend | None:
    """The backend the settings name (None for ``judge_backend=none``). Loading a local model is
    deferred to the first call or the engine's warm-up."""
    if settings.judge_backend == "none":
        return None
    if settings.judge_backend == "openai":
        assert settings.judge_base_url is not None  # checked by Settings
        assert settings.judge_model is not None
        key = settings.judge_api_key.get_secret_value() if settings.judge_api_key else None
        return OpenAIChatBackend(
            settings.judge_base_url,
            settings.judge_model,
            api_key=key,
            azure_api_version=settings.judge_azure_api_version,
            structured=settings.judge_structured_output,
        )
    assert settings.judge_model_path is not None
    from watchkeeper.signals.llm.local import LlamaCppBackend, TransformersBackend

    if settings.judge_backend == "transformers":
        return TransformersBackend(settings.judge_model_path, gguf_file=settings.judge_gguf_file)
    return LlamaCppBackend(settings.judge_model_path)


def build_judge(
    policy: PolicyPack, settings: Settings | None = None, *, backend: ChatBackend | None = None
) -> LLMJudgeDetector:
    """The judge detector with the client, budgets and cache the settings describe; ``backend``
    overrides the configured one (tests, notebooks)."""
    s = settings or load_settings()
    backend = backend or build_backend(s)
    client = None
    if backend is not None:
        client = JudgeClient(
            backend,
            calls_per_minute=s.judge_calls_per_minute,
            tokens_per_minute=s.judge_tokens_per_minute,
            max_concurrency=s.judge_max_concurrency,
            retries=s.judge_retries,
            breaker=CircuitBreaker(s.judge_breaker_failures, s.judge_breaker_cooldown_s),
        )
    cache: ReplyCache = SqliteCache(s.judge_cache_path) if s.judge_cache_path else MemoryCache()
    return LLMJudgeDetector(
        policy,
        client,
        fmt=JudgeFormat(s.judge_format),
        cache=cache,
        timeout_s=s.judge_timeout_s,
        max_tokens=s.judge_max_tokens,
    )


def judge_factory(policy: PolicyPack) -> LLMJudgeDetector:
    """Entry point ``judge`` of the ``watchkeeper.detectors`` group."""
    return build_judge(policy)
