from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.errors import BackendError, JudgeUnavailableError
from watchkeeper.policy import PolicyPack
from watchkeeper.policy.prompt import render_judge_request
from watchkeeper.signals.llm.backends import BackendReply, ScriptedBackend
from watchkeeper.signals.llm.client import CircuitBreaker, JudgeClient, MemoryCache, SqliteCache, TokenBucket
from watchkeeper.types import Item

from .helpers import FakeClock


@pytest.fixture
def request_(pack: PolicyPack):  # type: ignore[no-untyped-def]
    return render_judge_request(pack, Item(id="x", text="hello"), ["hate"])[0]


def test_retries_with_backoff_then_succeeds(request_) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    backend = ScriptedBackend(
        [
            BackendError("503", retryable=True, status=503),
            BackendError("429", retryable=True, status=429, retry_after=2.5),
            "ok",
        ]
    )
    client = JudgeClient(backend, retries=2, clock=clock, sleep=clock.sleep, seed=1)
    assert client.complete(request_, timeout_s=30).text == "ok"
    assert len(backend.requests) == 3
    assert 0 <= clock.slept[0] <= 0.5  # full jitter on the first backoff
    assert clock.slept[1] == 2.5  # Retry-After is honoured
    assert client.stats.retries == 2 and client.stats.calls == 3


def test_non_retryable_errors_are_not_retried(request_) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend([BackendError("401", retryable=False, status=401), "never"])
    client = JudgeClient(backend, retries=3)
    with pytest.raises(BackendError):
        client.complete(request_, timeout_s=5)
    assert len(backend.requests) == 1


def test_retries_stop_at_the_deadline(request_) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    backend = ScriptedBackend([BackendError("429", retryable=True, retry_after=60)] * 3)
    client = JudgeClient(backend, retries=5, clock=clock, sleep=clock.sleep)
    with pytest.raises(JudgeUnavailableError):
        client.complete(request_, timeout_s=10)
    assert clock.slept == []  # waiting 60 s would overrun the 10 s budget: give up at once


def test_circuit_opens_after_failures_and_recovers(request_) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=2, cooldown_s=30, clock=clock)
    backend = ScriptedBackend([BackendError("500", retryable=True)] * 2 + ["back"])
    client = JudgeClient(backend, retries=0, breaker=breaker, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        with pytest.raises(BackendError):
            client.complete(request_, timeout_s=5)
    assert breaker.state == "open"
    with pytest.raises(JudgeUnavailableError, match="circuit open"):
        client.complete(request_, timeout_s=5)
    assert len(backend.requests) == 2  # no call while open
    clock.now += 31
    assert breaker.state == "half-open"
    assert client.complete(request_, timeout_s=5).text == "back"
    assert breaker.state == "closed"


def test_call_budget_refuses_when_spent(request_) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    client = JudgeClient(ScriptedBackend(lambda r: "ok"), calls_per_minute=2, clock=clock, sleep=clock.sleep)
    client.complete(request_, timeout_s=1)
    client.complete(request_, timeout_s=1)
    with pytest.raises(JudgeUnavailableError, match="budget"):
        client.complete(request_, timeout_s=1)  # the next call is 30 s away
    clock.now += 30
    assert client.complete(request_, timeout_s=1).text == "ok"
    assert client.stats.refused == 1


def test_token_budget_waits_within_the_deadline(request_) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    bucket = TokenBucket(600, clock=clock, sleep=clock.sleep)  # 10 a second
    assert bucket.take(600, deadline=clock.now)
    assert not bucket.take(100, deadline=clock.now + 5)  # would need 10 s
    assert bucket.take(100, deadline=clock.now + 20)
    assert sum(clock.slept) == pytest.approx(10, abs=0.3)
    bucket.charge(300)  # actual use beyond the estimate is paid back later
    assert not bucket.take(1, deadline=clock.now + 29)


def test_concurrency_is_bounded(request_) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    active = []
    peak = []
    lock = threading.Lock()

    def slow(r):  # type: ignore[no-untyped-def]
        with lock:
            active.append(1)
            peak.append(len(active))
        time.sleep(0.05)
        with lock:
            active.pop()
        return "ok"

    client = JudgeClient(ScriptedBackend(slow), max_concurrency=2)
    threads = [
        threading.Thread(target=client.complete, args=(request_,), kwargs={"timeout_s": 5}) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(peak) == 2


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_caches(kind: str, tmp_path: Path) -> None:
    cache = MemoryCache(maxsize=2) if kind == "memory" else SqliteCache(tmp_path / "c.db")
    r = BackendReply(text="x", model="m", prompt_tokens=3)
    assert cache.get("k") is None
    cache.put("k", r)
    assert cache.get("k") == r
    if kind == "sqlite":
        assert SqliteCache(tmp_path / "c.db").get("k") == r  # survives the process
    else:
        cache.put("a", r)
        cache.put("b", r)
        assert cache.get("k") is None  # least recently used went first
