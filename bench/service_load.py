"""Load benchmark of the HTTP API: p50/p99 latency of text moderation at fixed request rates.

Starts `watchkeeper serve` in a separate process (fresh SQLite file unless --database-url is given),
then sends POST /v1/moderate open-loop at each rate for --seconds: requests leave on a fixed schedule and
latency is measured from the scheduled send time, so a slow server is not hidden by a client that waits
(no coordinated omission). Texts are comments from a dev file, each with a new id (no idempotent replays).

    python bench/service_load.py --rates 50 200 --seconds 20
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db_url: str, detectors: list[str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "watchkeeper.cli", "serve", "--port", str(port)]
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


def run_rate(url: str, texts: list[str], rate: float, seconds: float, tag: str) -> dict[str, float]:
    n = int(rate * seconds)
    start = time.perf_counter() + 0.5
    schedule: queue.Queue[tuple[int, float] | None] = queue.Queue()
    for i in range(n):
        schedule.put((i, start + i / rate))
    workers = min(256, max(8, int(rate * 2)))
    for _ in range(workers):
        schedule.put(None)
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(timeout=30) as c:
            while (job := schedule.get()) is not None:
                i, at = job
                delay = at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                body = {
                    "id": f"{tag}-{i}",
                    "kind": "comment",
                    "surface": "comments",
                    "text": texts[i % len(texts)],
                }
                try:
                    ok = c.post(url, json=body).status_code in (200, 201)
                except httpx.HTTPError:
                    ok = False
                done = time.perf_counter()
                with lock:
                    if ok:
                        lat.append(done - at)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    arr = np.array(lat) * 1000 if lat else np.array([float("nan")])
    return {
        "rate": rate,
        "sent": n,
        "ok": len(lat),
        "errors": errors[0],
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
    ap.add_argument("--data", type=Path, default=DATA / "davidson.jsonl", help="texts to send")
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for line in args.data.open()][:5000]
    print(f"{len(texts)} texts, median length {int(np.median([len(t) for t in texts]))} chars", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
        port = free_port()
        proc = start_server(port, db, args.detector)
        try:
            url = f"http://127.0.0.1:{port}/v1/moderate"
            run_rate(url, texts, 10, 2, "warm")  # warm-up
            results = [run_rate(url, texts, r, args.seconds, f"r{int(r)}") for r in args.rates]
        finally:
            proc.terminate()
            proc.wait()
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
