"""Load benchmark of the HTTP API: p50/p99 latency of text moderation at fixed request rates.

Starts `watchkeeper serve` in a separate process (fresh SQLite file unless --database-url is given),
then sends POST /v1/moderate open-loop at each rate for --seconds: requests leave on a fixed schedule and
latency is measured from the scheduled send time, so a slow server is not hidden by a client that waits
(no coordinated omission). Texts are comments from a dev file, each with a new id (no idempotent replays).

    python bench/service_load.py --rates 50 200 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_key(db_url: str) -> str:
    """An integrator key for the load generator (the server requires keys, as in production)."""
    from watchkeeper.review import Store
    from watchkeeper.review.keys import KeyStore

    store = Store.open(db_url)
    try:
        return KeyStore(store).create(name="loadgen", role="integrator", created_by="bench")[1]
    finally:
        store.close()


def start_server(port: int, db_url: str, detectors: list[str], workers: int = 1) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "watchkeeper.cli", "serve", "--port", str(port), "--workers", str(workers)]
    for d in detectors:
        args += ["-d", d]
    env = dict(os.environ, WATCHKEEPER_DATABASE_URL=db_url)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def _connection(
    host: str,
    port: int,
    jobs: asyncio.Queue[tuple[int, float] | None],
    make: Callable[[int], bytes],
    lat: list[float],
    errors: list[int],
) -> None:
    """One keep-alive HTTP/1.1 connection taking requests off the schedule (raw asyncio streams: the
    generator must cost far less CPU than the server it measures, on the same two cores)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (job := await jobs.get()) is not None:
            i, at = job
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                writer.write(make(i))
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
                errors[0] += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if status in (200, 201):
                lat.append(time.perf_counter() - at)
            else:
                errors[0] += 1
    finally:
        writer.close()


def run_rate(
    url: str, token: str, texts: list[str], rate: float, seconds: float, tag: str
) -> dict[str, float]:
    """Open loop: request i is due at start + i/rate whatever happened before; its latency counts from
    then, so a slow server is not hidden by a client that waits (no coordinated omission)."""
    parsed = httpx.URL(url)
    host, port, path = parsed.host, parsed.port or 80, parsed.raw_path.decode()

    def make(i: int) -> bytes:
        body = json.dumps(
            {"id": f"{tag}-{i}", "kind": "comment", "surface": "comments", "text": texts[i % len(texts)]}
        ).encode()
        return (
            f"POST {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def go() -> tuple[list[float], int, float]:
        n = int(rate * seconds)
        connections = min(512, max(16, int(rate * 2)))
        jobs: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
        start = time.perf_counter() + 0.5
        for i in range(n):
            jobs.put_nowait((i, start + i / rate))
        for _ in range(connections):
            jobs.put_nowait(None)
        lat: list[float] = []
        errors = [0]
        await asyncio.gather(*(_connection(host, port, jobs, make, lat, errors) for _ in range(connections)))
        return lat, errors[0], time.perf_counter() - start

    lat, errors, elapsed = asyncio.run(go())
    n = int(rate * seconds)
    arr = np.array(lat) * 1000 if lat else np.array([float("nan")])
    return {
        "rate": rate,
        "sent": n,
        "ok": len(lat),
        "errors": errors,
        "achieved_per_s": round(len(lat) / elapsed, 1),
        "p50_ms": round(float(np.percentile(arr, 50)), 1),
        "p95_ms": round(float(np.percentile(arr, 95)), 1),
        "p99_ms": round(float(np.percentile(arr, 99)), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", type=float, nargs="+", default=[50, 200])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--database-url")
    ap.add_argument("--detector", action="append", default=[], help="serve only these detectors")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--data", type=Path, default=DATA / "davidson.jsonl", help="texts to send")
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for line in args.data.open()][:5000]
    print(f"{len(texts)} texts, median length {int(np.median([len(t) for t in texts]))} chars", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
        port = free_port()
        token = make_key(db)
        proc = start_server(port, db, args.detector, args.workers)
        try:
            url = f"http://127.0.0.1:{port}/v1/moderate"
            run_rate(url, token, texts, 10, 2, "warm")  # warm-up
            results = [run_rate(url, token, texts, r, args.seconds, f"r{int(r)}") for r in args.rates]
        finally:
            stop_server(proc)
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
