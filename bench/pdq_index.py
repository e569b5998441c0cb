"""PDQ index benchmark: Watchkeeper's multi-index hash index vs python-threatexchange's own PDQ indexes
(faiss MultiHash and Flat), on the same hashes and queries, in one run.

N random 256-bit hashes (PDQ hashes of real images are close to uniform bit-wise); queries are copies of
indexed hashes with 0..31 random bits flipped (the match threshold), so every query has a known answer.
Reported: build time, mean and p99 query time (one thread), recall of the planted hash, exactness of
the whole result set against a brute-force scan on a sample, and memory (RSS growth while building).

    python bench/pdq_index.py --n 1000000 --queries 1000
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from typing import Any

import numpy as np

from watchkeeper.signals.hashing.index import HashIndex, bits_to_hex, hamming


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 1e6


def timed_queries(fn: Any, queries: list[Any]) -> tuple[float, float, list[Any]]:
    lat, out = [], []
    for q in queries:
        t = time.perf_counter()
        out.append(fn(q))
        lat.append(time.perf_counter() - t)
    arr = np.array(lat) * 1000
    return float(arr.mean()), float(np.percentile(arr, 99)), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--skip-flat", action="store_true", help="skip threatexchange's flat index")
    args = ap.parse_args()
    import faiss

    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(7)
    db = rng.integers(0, 256, size=(args.n, 32), dtype=np.uint8)
    planted = rng.integers(0, args.n, size=args.queries)
    queries = []
    for j in planted:
        bits = np.unpackbits(db[j])
        bits[rng.choice(256, size=int(rng.integers(0, 32)), replace=False)] ^= 1
        queries.append(np.packbits(bits))
    q_hex = bits_to_hex(np.stack(queries))
    results: dict[str, Any] = {"n": args.n, "queries": args.queries}

    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    ours = HashIndex(db)
    results["watchkeeper"] = {
        "build_s": round(time.perf_counter() - t, 2),
        "rss_mb": round(rss_mb() - before, 1),
        "index_mb": round(ours.nbytes / 1e6, 1),
    }
    mean, p99, found = timed_queries(lambda q: ours.query(q, 31)[0], queries)
    recall = float(np.mean([int(j) in set(ids.tolist()) for j, ids in zip(planted, found, strict=True)]))
    exact = all(
        set(np.flatnonzero(hamming(db, queries[i]) <= 31).tolist()) == set(found[i].tolist())
        for i in range(20)
    )
    results["watchkeeper"].update(
        mean_ms=round(mean, 3), p99_ms=round(p99, 3), recall=recall, exact_on_20=exact
    )
    print(json.dumps({"watchkeeper": results["watchkeeper"]}), flush=True)

    from threatexchange.signal_type.pdq.pdq_index import PDQFlatIndex, PDQIndex

    hexes = bits_to_hex(db)
    peers = [("threatexchange PDQIndex (faiss MultiHash)", PDQIndex)]
    if not args.skip_flat:
        peers.append(("threatexchange PDQFlatIndex (faiss Flat)", PDQFlatIndex))
    for name, cls in peers:
        gc.collect()
        before = rss_mb()
        t = time.perf_counter()
        index = cls(zip(hexes, range(args.n), strict=True))
        build = time.perf_counter() - t
        mem = rss_mb() - before
        mean, p99, found = timed_queries(index.query, q_hex)
        recall = float(
            np.mean([int(j) in {m.metadata for m in ms} for j, ms in zip(planted, found, strict=True)])
        )
        results[name] = {"build_s": round(build, 2), "rss_mb": round(mem, 1), "mean_ms": round(mean, 3),
                         "p99_ms": round(p99, 3), "recall": recall}  # fmt: skip
        print(json.dumps({name: results[name]}), flush=True)
        del index
    print(json.dumps(results))


if __name__ == "__main__":
    main()
