"""Throughput and memory of the whole text cascade (rules, links, classifier, examples) on 2 cores.

    python bench/text_cascade.py ../shared/data/dev/*.jsonl [--n 5000] [--repeat-share 0.0]

Takes comment-length texts (40–120 characters, around the median comment length of the dev sets) from
the given files, shuffles them with a fixed seed, and moderates them one at a time through
``Engine.moderate`` (the CLI/service path). ``--repeat-share`` replaces that share of items with
copies of earlier ones, to show what the embedding cache does on copy-paste-heavy traffic; the
default 0 measures unique content only. Reports items/s after a warm-up (model load excluded and
reported separately), the share of items the lexical stage settled without the encoder, the encoder
cache hit rate, and the process's peak RSS. ``--batch 64`` measures the batch path (CLI file mode,
``Engine.moderate_many``); latencies are then per item averaged within each batch.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from watchkeeper.engine import Engine
from watchkeeper.types import Decision, Item


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeat-share", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--batch", type=int, default=1, help="items per Engine.moderate_many call (1: singly)")
    args = ap.parse_args(argv)

    texts: list[str] = []
    for p in args.files:
        for line in p.open(encoding="utf-8"):
            t = json.loads(line).get("text", "")
            if 40 <= len(t) <= 120:
                texts.append(t)
    rnd = random.Random(args.seed)
    rnd.shuffle(texts)
    texts = texts[: args.n]
    if args.repeat_share > 0:
        k = int(len(texts) * args.repeat_share)
        for i in rnd.sample(range(1, len(texts)), k):
            texts[i] = texts[rnd.randrange(0, i)]
    if not texts:
        print("no comment-length texts found", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    engine = Engine.load()
    engine.moderate(Item(id="warm", text="warm up: you are such a loser lol"))
    load_s = time.perf_counter() - t0

    settled = 0
    lat: list[float] = []
    start = time.perf_counter()
    items = [Item(id=str(i), kind="comment", text=t) for i, t in enumerate(texts)]
    for i in range(0, len(items), args.batch):
        s = time.perf_counter()
        decisions = engine.moderate_many(items[i : i + args.batch])
        per_item = (time.perf_counter() - s) * 1000 / len(decisions)
        lat.extend([per_item] * len(decisions))
        settled += sum(_settled(d) for d in decisions)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    enc = getattr(engine.cascade.detectors[-1], "encoder", None)
    hits = getattr(enc, "hits", 0)
    misses = getattr(enc, "misses", 0)
    lat.sort()
    report = {
        "items": len(texts),
        "median_chars": statistics.median(len(t) for t in texts),
        "repeat_share": args.repeat_share,
        "batch": args.batch,
        "items_per_s": round(len(texts) / elapsed, 1),
        "p50_ms": round(lat[len(lat) // 2], 2),
        "p99_ms": round(lat[int(len(lat) * 0.99)], 2),
        "settled_by_lexical_stage": round(settled / len(texts), 3),
        "encoder_cache_hit_rate": round(hits / (hits + misses), 3) if hits + misses else None,
        "load_s": round(load_s, 1),
        "peak_rss_mb": round(rss_mb, 0),
        "detectors": engine.detector_names,
    }
    print(json.dumps(report, indent=None if args.json else 1))
    return 0


def _settled(decision: Decision) -> bool:
    return any(s.detector == "classifier" and s.rule == "lexical" for s in decision.signals)


if __name__ == "__main__":
    raise SystemExit(main())
