"""Cost and failure control around a backend: budgets, bounded concurrency, retries, a circuit breaker,
and the reply cache.

Every limit ends the same way when it bites: :class:`~watchkeeper.errors.JudgeUnavailableError`, which the
judge turns into error signals for the categories it was asked about — the policy's ``on_error`` sends
those items to people. Nothing is dropped and nothing is silently allowed.

Written here rather than taken from a library (tenacity, pybreaker, aiolimiter): each is a few dozen
lines, they must share one deadline per call (the cascade's time budget), and the synchronous judge
runs in the cascade's worker threads where the async limiters do not fit.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from watchkeeper.errors import BackendError, JudgeUnavailableError
from watchkeeper.policy.prompt import JudgeRequest
from watchkeeper.signals.llm.backends import BackendReply, ChatBackend, estimate_tokens

__all__ = [
    "CircuitBreaker",
    "ClientStats",
    "JudgeClient",
    "MemoryCache",
    "ReplyCache",
    "SqliteCache",
    "TokenBucket",
]

Clock = Callable[[], float]


class TokenBucket:
    """``per_minute`` units a minute, refilled continuously; bursts up to one minute's worth."""

    def __init__(
        self, per_minute: float, *, clock: Clock = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ):
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._level = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.capacity, self._level + (now - self._at) * self.rate)
        self._at = now

    def take(self, amount: float, deadline: float) -> bool:
        """Take ``amount`` (capped at the capacity), waiting until ``deadline`` (clock time) at most."""
        need = min(float(amount), self.capacity)
        while True:
            with self._lock:
                self._refill()
                if self._level >= need:
                    self._level -= need
                    return True
                wait = (need - self._level) / self.rate
            now = self._clock()
            if now + wait > deadline:
                return False
            self._sleep(min(wait, 0.25))

    def charge(self, amount: float) -> None:
        """Record use beyond what was taken (may go into debt; later takes wait for it)."""
        with self._lock:
            self._refill()
            self._level -= amount


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; after ``cooldown_s`` lets one trial call through
    (half-open); a success closes it, a failure opens it again."""

    def __init__(
        self, threshold: int = 5, cooldown_s: float = 30.0, *, clock: Clock = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half-open" if self._clock() - self._opened_at >= self.cooldown_s else "open"

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self.cooldown_s or self._trial:
                return False
            self._trial = True
            return True

    def record(self, success: bool) -> None:
        with self._lock:
            self._trial = False
            if success:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()


class ReplyCache(Protocol):
    def get(self, key: str) -> BackendReply | None: ...

    def put(self, key: str, reply: BackendReply) -> None: ...


class MemoryCache:
    """A bounded LRU of replies, for one process."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, BackendReply] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> BackendReply | None:
        with self._lock:
            reply = self._data.get(key)
            if reply is not None:
                self._data.move_to_end(key)
            return reply

    def put(self, key: str, reply: BackendReply) -> None:
        with self._lock:
            self._data[key] = reply
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class SqliteCache:
    """Replies in a SQLite file, shared by processes and kept across runs (labelling jobs resume).

    The standard library's sqlite3 suffices for one key-value table; the review store (SQLAlchemy)
    is a separate concern."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS judge_replies "
            "(key TEXT PRIMARY KEY, reply TEXT NOT NULL, created REAL)"
        )
        self._db.commit()
        self._lock = threading.Lock()

    def get(self, key: str) -> BackendReply | None:
        with self._lock:
            row = self._db.execute("SELECT reply FROM judge_replies WHERE key = ?", (key,)).fetchone()
        return BackendReply.model_validate(json.loads(row[0])) if row else None

    def put(self, key: str, reply: BackendReply) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO judge_replies (key, reply, created) VALUES (?, ?, ?)",
                (key, reply.model_dump_json(), time.time()),
            )
            self._db.commit()

    def close(self) -> None:
        self._db.close()


@dataclass
class ClientStats:
    calls: int = 0
    retries: int = 0
    failures: int = 0
    refused: int = 0  # budget / circuit / concurrency refusals (no call made)
    prompt_tokens: int = 0
    completion_tokens: int = 0


class JudgeClient:
    """Calls ``backend`` within one deadline per request: budget, concurrency slot, then attempts with
    exponential backoff and full jitter (or the server's ``Retry-After``), behind a circuit breaker."""

    def __init__(
        self,
        backend: ChatBackend,
        *,
        calls_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        max_concurrency: int = 4,
        retries: int = 2,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 8.0,
        breaker: CircuitBreaker | None = None,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self.backend = backend
        self.calls = TokenBucket(calls_per_minute, clock=clock, sleep=sleep) if calls_per_minute else None
        self.tokens = TokenBucket(tokens_per_minute, clock=clock, sleep=sleep) if tokens_per_minute else None
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self.retries = retries
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.breaker = breaker or CircuitBreaker()
        self._clock = clock
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.stats = ClientStats()
        self._lock = threading.Lock()

    def _count(self, **inc: int) -> None:
        with self._lock:
            for k, v in inc.items():
                setattr(self.stats, k, getattr(self.stats, k) + v)

    def _refuse(self, why: str) -> JudgeUnavailableError:
        self._count(refused=1)
        return JudgeUnavailableError(why)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return self._rng.uniform(0, min(self.backoff_cap_s, self.backoff_base_s * 2**attempt))

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply:
        deadline = self._clock() + timeout_s
        if not self.breaker.allow():
            raise self._refuse(f"LLM judge circuit open after repeated failures of {self.backend.model}")
        estimate = estimate_tokens(request)
        if self.calls is not None and not self.calls.take(1, deadline):
            self.breaker.record(True)  # a refusal is not a backend failure; release a half-open trial
            raise self._refuse("LLM call budget exhausted (calls per minute)")
        if self.tokens is not None and not self.tokens.take(estimate, deadline):
            self.breaker.record(True)
            raise self._refuse("LLM token budget exhausted (tokens per minute)")
        if not self._slots.acquire(timeout=max(0.0, deadline - self._clock())):
            self.breaker.record(True)
            raise self._refuse("no free LLM slot within the time budget (concurrency limit)")
        try:
            return self._attempts(request, deadline, estimate)
        finally:
            self._slots.release()

    def _attempts(self, request: JudgeRequest, deadline: float, estimate: int) -> BackendReply:
        attempt = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                self.breaker.record(False)
                self._count(failures=1)
                raise JudgeUnavailableError("LLM judge time budget spent")
            self._count(calls=1)
            try:
                reply = self.backend.complete(request, timeout_s=remaining)
            except BackendError as exc:
                delay = self.backend_delay(exc, attempt)
                if delay is None or self._clock() + delay >= deadline:
                    self.breaker.record(False)
                    self._count(failures=1)
                    raise
                self._count(retries=1)
                self._sleep(delay)
                attempt += 1
                continue
            self.breaker.record(True)
            self._count(prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens)
            used = reply.prompt_tokens + reply.completion_tokens
            if self.tokens is not None and used > estimate:
                self.tokens.charge(used - estimate)
            return reply

    def backend_delay(self, exc: BackendError, attempt: int) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None when it must not be retried."""
        if not exc.retryable or attempt >= self.retries:
            return None
        return self.backoff(attempt, exc.retry_after)
