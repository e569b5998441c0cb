"""Enforcement sinks: signed webhooks with retries and idempotency keys.

Every event is a JSON POST with these headers:

``Watchkeeper-Event``
    ``enforcement.applied``, ``enforcement.reversed``, ``appeal.decided`` or ``job.completed``
``Idempotency-Key``
    stable per event (e.g. ``enforcement-42``): a receiver that has seen it must not act again
``Watchkeeper-Signature``
    ``t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``; :func:`verify_signature` checks it
    (and the age of ``t``) on the receiving side

2xx means delivered. 408, 425, 429, 5xx and network errors are retried with exponential backoff and
full jitter (``Retry-After`` honoured); other 4xx answers dead-letter the event at once, as does running
out of attempts. Dead events stay in the outbox for inspection and redelivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

__all__ = ["Delivery", "Dispatcher", "EventSource", "SinkTarget", "sign", "verify_signature"]

log = logging.getLogger(__name__)

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_signature(
    secret: str, body: bytes, header: str, *, tolerance_s: int = 300, now: float | None = None
) -> bool:
    """True when ``header`` is a valid signature of ``body`` made within ``tolerance_s`` seconds."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp=t).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass(frozen=True)
class SinkTarget:
    name: str
    url: str | None  # None: the event carries its own URL (job callbacks)
    secret: str
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Delivery:
    ok: bool
    retryable: bool
    error: str | None = None
    retry_after_s: float | None = None


class PendingEvent(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def sink(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def event(self) -> str: ...
    @property
    def idempotency_key(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def attempts(self) -> int: ...


class EventSource(Protocol):
    """Where events wait (the store's outbox)."""

    def lease(self, *, limit: int = ..., lease_s: float = ..., now: datetime | None = ...) -> list[Any]: ...
    def delivered(self, event_id: int, *, now: datetime | None = ...) -> None: ...
    def failed(self, event_id: int, error: str, *, retry_at: datetime | None) -> None: ...


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def deliver(client: httpx.Client, target: SinkTarget, event: PendingEvent) -> Delivery:
    url = event.url or target.url
    if not url:
        return Delivery(False, False, f"sink {target.name!r} has no URL")
    body = json.dumps(event.payload, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "content-type": "application/json",
        "user-agent": "watchkeeper-sink/1",
        "watchkeeper-event": event.event,
        "idempotency-key": event.idempotency_key,
        "watchkeeper-signature": sign(target.secret, body),
    }
    try:
        r = client.post(url, content=body, headers=headers, timeout=target.timeout_s)
    except httpx.HTTPError as exc:
        return Delivery(False, True, f"{type(exc).__name__}: {exc}")
    if 200 <= r.status_code < 300:
        return Delivery(True, False)
    return Delivery(
        False,
        r.status_code in RETRYABLE,
        f"HTTP {r.status_code}: {r.text[:200]}",
        _retry_after(r.headers.get("retry-after")),
    )


class Dispatcher:
    """Delivers outbox events to their sinks in a background thread (or one pass with :meth:`run_once`)."""

    def __init__(
        self,
        source: EventSource,
        targets: Mapping[str, SinkTarget],
        *,
        max_attempts: int = 10,
        base_delay_s: float = 1.0,
        max_delay_s: float = 300.0,
        poll_s: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.targets = dict(targets)
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.poll_s = poll_s
        self._client = httpx.Client(transport=transport, follow_redirects=False)
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def backoff(self, attempts: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^attempts)]."""
        return self._rng.uniform(0, min(self.max_delay_s, self.base_delay_s * 2**attempts))

    def run_once(self, *, now: datetime | None = None) -> int:
        """Deliver what is due; returns how many events were attempted."""
        events = self.source.lease(now=now)
        for ev in events:
            target = self.targets.get(ev.sink)
            if target is None:
                self.source.failed(ev.id, f"no sink named {ev.sink!r} is configured", retry_at=None)
                continue
            result = deliver(self._client, target, ev)
            if result.ok:
                self.source.delivered(ev.id)
                continue
            attempt = ev.attempts + 1
            if not result.retryable or attempt >= self.max_attempts:
                log.warning(
                    "sink %s: event %s dead after %d attempts: %s", ev.sink, ev.id, attempt, result.error
                )
                self.source.failed(ev.id, result.error or "failed", retry_at=None)
                continue
            delay = result.retry_after_s if result.retry_after_s is not None else self.backoff(attempt)
            self.source.failed(
                ev.id, result.error or "failed", retry_at=datetime.now(UTC) + timedelta(seconds=delay)
            )
        return len(events)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="wk-sinks", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database may be briefly unavailable: log and keep going
                log.exception("sink dispatcher pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.poll_s)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._client.close()
