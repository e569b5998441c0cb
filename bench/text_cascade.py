"""Throughput and memory of the whole text cascade (rules, links, classifier, examples) on 2 cores.

    python bench/text_cascade.py ../shared/data/dev/*.jsonl [--n 5000] [--repeat-share 0.0]

Takes comment-length texts (40–120 characters, around the median comment length of the dev sets) from
the given files, shuffles them with a fixed seed, and moderates them one at a time through
``Engine.moderate`` (the CLI/service path). ``--repeat-share`` replaces that share of items with
copies of earlier ones, to show what the embedding cache does on copy-paste-heavy traffic; the
default 0 measures unique content only. Reports items/s after a warm-up (model load excluded and
reported separately), the share of items the lexical stage settled without the encoder, the encoder
cache hit rate, and the process's peak RSS (MiB). ``--batch 64`` measures the batch path (CLI file mode,
``Engine.moderate_many``); latencies are then per item averaged within each batch.

``--flagged-share 0.1`` samples the texts so that this share is labelled harmful (``flagged`` in the
dataset rows) and the rest benign, as on a platform where most comments are fine; the default keeps
the dev files' own mix, in which about half the comment-length texts are harmful.

``--processes 2`` runs the cascade in two worker processes (as ``watchkeeper serve --workers 2``
does), each with one encoder thread and single-threaded native pools, each on its share of the
items; every process loads and warms up first, then all start together and the clock runs until
the last one finishes. Memory is then reported per process (peak RSS, which counts shared libraries
in each) and as their sum.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from watchkeeper.engine import Engine, freeze_long_lived
from watchkeeper.signals.classifiers.encoder import worker_thread_env
from watchkeeper.signals.classifiers.quantize import int8_kernel
from watchkeeper.types import Decision, Item


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeat-share", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--batch", type=int, default=1, help="items per Engine.moderate_many call (1: singly)")
    ap.add_argument("--processes", type=int, default=1, help="worker processes, one encoder thread each")
    ap.add_argument(
        "--flagged-share", type=float, default=None, help="share of harmful texts (default: as in files)"
    )
    args = ap.parse_args(argv)
    if args.flagged_share is not None and not 0.0 <= args.flagged_share <= 1.0:
        ap.error("--flagged-share must be between 0 and 1")

    rows: list[tuple[str, bool]] = []
    for p in args.files:
        for line in p.open(encoding="utf-8"):
            row = json.loads(line)
            t = row.get("text", "")
            if 40 <= len(t) <= 120:
                rows.append((t, bool(row.get("flagged"))))
    rnd = random.Random(args.seed)
    rnd.shuffle(rows)
    if args.flagged_share is None:
        texts = [t for t, _ in rows[: args.n]]
        harmful = sum(f for _, f in rows[: args.n])
    else:
        bad = [t for t, f in rows if f]
        good = [t for t, f in rows if not f]
        k = min(len(bad), round(args.n * args.flagged_share))
        texts = bad[:k] + good[: args.n - k]
        harmful = k
        rnd.shuffle(texts)
    if args.repeat_share > 0:
        k = int(len(texts) * args.repeat_share)
        for i in rnd.sample(range(1, len(texts)), k):
            texts[i] = texts[rnd.randrange(0, i)]
    if not texts:
        print("no comment-length texts found", file=sys.stderr)
        return 2

    if args.processes > 1:
        return _multi(args, texts, round(harmful / max(1, len(texts)), 3))
    mix = {
        "repeat_share": args.repeat_share,
        "labelled_harmful_share": round(harmful / max(1, len(texts)), 3),
    }
    report = _run(texts, args.batch) | mix
    print(json.dumps(report, indent=None if args.json else 1))
    return 0


def _worker(texts: list[str], batch: int, barrier: Any, out: Any) -> None:
    try:
        out.put(_run(texts, batch, barrier))
    except BaseException as exc:
        # a worker that fails (say, a forced int8 kernel this CPU lacks) must not leave the others and
        # the parent waiting at the barrier for ever
        barrier.abort()
        out.put({"error": f"{type(exc).__name__}: {exc}"})
        raise


def _multi(args: argparse.Namespace, texts: list[str], harmful_share: float) -> int:
    ctx = mp.get_context("spawn")
    n = args.processes
    barrier = ctx.Barrier(n + 1)
    out = ctx.Queue()
    shards = [texts[i::n] for i in range(n)]
    procs = [ctx.Process(target=_worker, args=(shard, args.batch, barrier, out)) for shard in shards]
    # what `watchkeeper serve --workers N` gives each worker: one core's worth of threads
    os.environ.update(worker_thread_env(max(1, (os.cpu_count() or 2) // n)))
    for p in procs:
        p.start()
    # every worker has loaded and warmed up; a broken barrier means a worker failed, and its report says why
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    start = time.perf_counter()
    reports = [out.get() for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        print("a worker failed: " + "; ".join(errors), file=sys.stderr)
        return 1
    report = {
        "items": len(texts),
        "processes": n,
        "median_chars": statistics.median(len(t) for t in texts),
        "repeat_share": args.repeat_share,
        "labelled_harmful_share": harmful_share,
        "batch": args.batch,
        "items_per_s": round(len(texts) / elapsed, 1),
        "per_process_items_per_s": [r["items_per_s"] for r in reports],
        "settled_by_lexical_stage": round(
            sum(r["settled_by_lexical_stage"] * r["items"] for r in reports) / len(texts), 3
        ),
        "load_s": max(r["load_s"] for r in reports),
        "int8_kernel_per_process": [r["int8_kernel"] for r in reports],
        "peak_rss_mb_per_process": [r["peak_rss_mb"] for r in reports],
        "peak_rss_mb_sum": sum(r["peak_rss_mb"] for r in reports),
        # PSS splits shared pages (torch's libraries, ...) between the processes that map them
        "pss_mb_sum_at_end": sum(r["pss_mb_at_end"] or 0 for r in reports),
    }
    print(json.dumps(report, indent=None if args.json else 1))
    return 0


def _run(texts: list[str], batch: int, barrier: Any = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    engine = Engine.load()
    engine.moderate_many([Item(id="warm", text="warm up: you are such a loser lol")])
    freeze_long_lived()  # as a serve worker does once its engine is up
    load_s = time.perf_counter() - t0
    if barrier is not None:
        barrier.wait()

    settled = 0
    lat: list[float] = []
    start = time.perf_counter()
    items = [Item(id=str(i), kind="comment", text=t) for i, t in enumerate(texts)]
    for i in range(0, len(items), batch):
        s = time.perf_counter()
        decisions = engine.moderate_many(items[i : i + batch])
        per_item = (time.perf_counter() - s) * 1000 / len(decisions)
        lat.extend([per_item] * len(decisions))
        settled += sum(_settled(d) for d in decisions)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clf = next((d for d in engine.cascade.detectors if d.name == "classifier"), None)
    enc = getattr(clf, "encoder", None)
    hits = getattr(enc, "hits", 0)
    misses = getattr(enc, "misses", 0)
    lat.sort()
    report = {
        "items": len(texts),
        "median_chars": statistics.median(len(t) for t in texts),
        "batch": batch,
        "items_per_s": round(len(texts) / elapsed, 1),
        "p50_ms": round(lat[len(lat) // 2], 2),
        "p99_ms": round(lat[int(len(lat) * 0.99)], 2),
        "settled_by_lexical_stage": round(settled / len(texts), 3),
        "encoder_cache_hit_rate": round(hits / (hits + misses), 3) if hits + misses else None,
        "load_s": round(load_s, 1),
        "peak_rss_mb": round(rss_mb, 0),
        "pss_mb_at_end": _pss_mb(),
        "detectors": engine.detector_names,
        # the int8 kernel this process picked (None: no int8 product ran, e.g. a float32 encoder)
        "int8_kernel": int8_kernel() if int8_kernel.cache_info().currsize else None,
    }
    return report


def _pss_mb() -> float | None:
    """This process's proportional set size (Linux), in MiB."""
    try:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024, 0)
    except OSError:
        pass
    return None


def _settled(decision: Decision) -> bool:
    return any(s.detector == "classifier" and s.rule == "lexical" for s in decision.signals)


if __name__ == "__main__":
    raise SystemExit(main())
