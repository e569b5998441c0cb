"""Webhook sinks: signatures, retries with backoff, Retry-After, dead letters, idempotency keys — with a
scripted transport, and once over real HTTP to a local receiver."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx

from watchkeeper.act.sinks import Dispatcher, SinkTarget, sign, verify_signature
from watchkeeper.review import Store
from watchkeeper.review.outbox import Outbox

SECRET = "s3cret"


def test_signature_round_trip_and_tampering() -> None:
    body = b'{"a":1}'
    header = sign(SECRET, body, timestamp=1_700_000_000)
    assert verify_signature(SECRET, body, header, now=1_700_000_010)
    assert not verify_signature(SECRET, b'{"a":2}', header, now=1_700_000_010)
    assert not verify_signature("other", body, header, now=1_700_000_010)
    assert not verify_signature(SECRET, body, header, now=1_700_001_000)  # too old: replay refused
    assert not verify_signature(SECRET, body, "garbage", now=1_700_000_010)


def _outbox(db_url: str, n: int = 1) -> Outbox:
    ob = Outbox(Store.open(db_url))
    for i in range(n):
        ob.add(sink="platform", event="enforcement.applied", key=f"enforcement-{i}", payload={"i": i})
    return ob


def test_retries_then_delivers_with_the_same_idempotency_key(db_url: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503 if len(seen) < 3 else 200)

    ob = _outbox(db_url)
    d = Dispatcher(ob, {"platform": SinkTarget("platform", "https://sink.test/hook", SECRET)},
                   transport=httpx.MockTransport(handler), rng=random.Random(1))  # fmt: skip
    now = datetime.now(UTC)
    for k in range(3):
        d.run_once(now=now + timedelta(minutes=10 * k))  # past any backoff
    assert [e.status for e in ob.events()] == ["delivered"] and ob.events()[0].attempts == 3
    assert len(seen) == 3 and {r.headers["idempotency-key"] for r in seen} == {"enforcement-0"}
    for r in seen:
        assert verify_signature(SECRET, r.content, r.headers["watchkeeper-signature"])
        assert r.headers["watchkeeper-event"] == "enforcement.applied"
    assert d.run_once(now=now + timedelta(hours=1)) == 0  # nothing sent twice
    d.close()


def test_backoff_waits_and_honours_retry_after(db_url: str) -> None:
    ob = _outbox(db_url)
    d = Dispatcher(ob, {"platform": SinkTarget("platform", "https://sink.test/hook", SECRET)},
                   transport=httpx.MockTransport(lambda r: httpx.Response(429, headers={"retry-after": "120"})))  # fmt: skip
    d.run_once()
    assert d.run_once() == 0  # not due yet
    assert d.run_once(now=datetime.now(UTC) + timedelta(seconds=60)) == 0
    assert d.run_once(now=datetime.now(UTC) + timedelta(seconds=125)) == 1
    assert all(d.backoff(a) <= min(300, 2**a) for a in range(12) for _ in range(20))
    d.close()


def test_client_errors_and_exhausted_attempts_dead_letter(db_url: str) -> None:
    ob = _outbox(db_url, 2)
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        key = request.headers["idempotency-key"]
        return httpx.Response(400, text="bad payload") if key == "enforcement-0" else httpx.Response(500)

    d = Dispatcher(ob, {"platform": SinkTarget("platform", "https://sink.test/hook", SECRET)}, max_attempts=3,
                   transport=httpx.MockTransport(handler))  # fmt: skip
    for k in range(5):
        d.run_once(now=datetime.now(UTC) + timedelta(hours=k))
    events = {e.idempotency_key: e for e in ob.events()}
    assert events["enforcement-0"].status == "dead" and events["enforcement-0"].attempts == 1
    assert "HTTP 400" in (events["enforcement-0"].last_error or "")
    assert events["enforcement-1"].status == "dead" and events["enforcement-1"].attempts == 3
    ob.redeliver(events["enforcement-1"].id)
    assert {e.status for e in ob.events(status="pending")} == {"pending"}
    d.close()


def test_leases_keep_two_dispatchers_from_sending_the_same_event(db_url: str) -> None:
    ob = _outbox(db_url, 40)
    first = ob.lease(limit=25)
    second = ob.lease(limit=25)
    assert len(first) == 25 and len(second) == 15
    assert not {e.id for e in first} & {e.id for e in second}


def test_real_http_delivery_to_a_local_receiver(db_url: str) -> None:
    got: list[tuple[dict[str, str], bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ob = _outbox(db_url, 3)
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    d = Dispatcher(ob, {"platform": SinkTarget("platform", url, SECRET)})
    assert d.run_once() == 3
    server.shutdown()
    d.close()
    assert sorted(json.loads(b)["i"] for _, b in got) == [0, 1, 2]
    assert all(verify_signature(SECRET, b, h["watchkeeper-signature"]) for h, b in got)
    assert {e.status for e in ob.events()} == {"delivered"}
