"""Killing the server with SIGKILL mid-load loses nothing it acknowledged (SQLite WAL: a commit is in the
log before the response is sent, and the log survives the process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from watchkeeper.review import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, WATCHKEEPER_DATABASE_URL=f"sqlite:///{db}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper.cli", "serve", "--port", str(port), "-d", "rules", "-d", "links"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def _token(db: Path) -> str:
    """An integrator key made with the CLI, as an operator would."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "watchkeeper.cli",
            "keys",
            "create",
            "--name",
            "loadgen",
            "--role",
            "integrator",
            "--database-url",
            f"sqlite:///{db}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_sigkill_mid_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    port = _free_port()
    auth = {"authorization": f"Bearer {_token(db)}"}
    proc = _start(db, port)
    acked: dict[str, int] = {}
    stop = threading.Event()

    def load(worker: int) -> None:
        with httpx.Client(timeout=5, headers=auth) as c:
            i = 0
            while not stop.is_set():
                item_id = f"w{worker}-{i}"
                try:
                    r = c.post(
                        f"http://127.0.0.1:{port}/v1/moderate",
                        json={"id": item_id, "text": f"free money {i}"},
                    )
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if r.status_code in (200, 201):
                    acked[item_id] = r.json()["decision_id"]
                i += 1

    workers = [threading.Thread(target=load, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stop.set()
    for w in workers:
        w.join()
    assert len(acked) > 20, "the load did not get going"

    store = Store(f"sqlite:///{db}")
    missing = [k for k, did in acked.items() if (got := store.get_decision(did)) is None or got.item.id != k]
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged decisions lost, e.g. {missing[:3]}"
    store.close()

    proc = _start(db, port)  # and the server comes back on the same file
    try:
        first = next(iter(acked))
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/moderate", json={"id": first, "text": "free money 0"}, headers=auth
        )
        assert r.status_code in (200, 201)
        assert (
            httpx.post(f"http://127.0.0.1:{port}/v1/moderate", json={"id": "x", "text": "y"}).status_code
            == 401
        )
    finally:
        proc.kill()
        proc.wait()
