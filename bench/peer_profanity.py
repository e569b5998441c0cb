"""Watchkeeper vs alt-profanity-check on the same labelled files, in one run.

    python bench/peer_profanity.py ../shared/data/dev/*.jsonl [--limit N] [--json]

For each file: binary precision / recall / F1 / FPR on ``flagged`` and items/s for both systems.
alt-profanity-check (a linear SVM on TF-IDF, trained on Davidson-style tweets) counts an item as flagged
at probability >= 0.5. Both see exactly the same texts; timings cover prediction only (model loading is
excluded for both). Watchkeeper runs in batches of 64 (``Engine.moderate_many``, as the CLI does); the
peer runs one batch call per file, its fastest mode. ``--split holdout`` scores only rows the shipped
heads never saw; ``--detector`` restricts Watchkeeper's cascade (e.g. ``--detector rules --detector links``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from watchkeeper.engine import Engine
from watchkeeper.measure import BinaryCounts, read_records
from watchkeeper.measure.splits import bucket_of
from watchkeeper.types import Item


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--detector", action="append", help="run only these Watchkeeper detectors (repeatable)")
    ap.add_argument("--split", choices=["holdout", "calibration", "train"], help="only rows of this split")
    args = ap.parse_args(argv)
    try:
        from profanity_check import predict_prob  # type: ignore[import-not-found]
    except ImportError:
        print("alt-profanity-check is not installed: pip install -e '.[dev]'", file=sys.stderr)
        return 2

    engine = Engine.load(detectors=args.detector)
    predict_prob(["warm up"])
    rows: dict[str, Any] = {}
    for path in args.files:
        recs = [r for r in read_records(path, args.limit) if args.split in (None, bucket_of(r.id))]
        labelled = [r for r in recs if r.flagged is not None]
        wk, peer = BinaryCounts(), BinaryCounts()

        start = time.perf_counter()
        items = [Item(id=r.id[:512], text=r.text, language=r.lang) for r in recs]
        batches = (items[i : i + 64] for i in range(0, len(items), 64))
        wk_pred = [d.flagged for batch in batches for d in engine.moderate_many(batch)]
        wk_s = time.perf_counter() - start

        start = time.perf_counter()
        probs = predict_prob([r.text for r in recs]) if recs else []
        peer_s = time.perf_counter() - start

        for r, w, p in zip(recs, wk_pred, probs, strict=True):
            if r.flagged is not None:
                wk.add(r.flagged, w)
                peer.add(r.flagged, bool(p >= 0.5))
        rows[path.stem] = {
            "n": len(recs),
            "labelled": len(labelled),
            "watchkeeper": {**_fig(wk), "items_per_s": round(len(recs) / wk_s, 1) if wk_s else None},
            "alt_profanity_check": {
                **_fig(peer),
                "items_per_s": round(len(recs) / peer_s, 1) if peer_s else None,
            },
            "f1_delta": round(wk.f1 - peer.f1, 4),
        }
    if args.json:
        print(json.dumps({"datasets": rows}, indent=1))
        return 0
    head = (
        f"{'dataset':20} {'n':>6} | {'WK P':>6} {'R':>6} {'F1':>6} {'FPR':>6} {'it/s':>7} | "
        f"{'peer P':>6} {'R':>6} {'F1':>6} {'FPR':>6} {'it/s':>8} | {'ΔF1':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, r in rows.items():
        w, p = r["watchkeeper"], r["alt_profanity_check"]
        print(f"{name:20} {r['n']:>6} | {_row(w, 7)} | {_row(p, 8)} | {r['f1_delta']:+6.3f}")
    return 0


def _fig(c: BinaryCounts) -> dict[str, Any]:
    d = c.as_dict()
    return {k: d[k] for k in ("precision", "recall", "f1", "fpr")}


def _row(fig: dict[str, Any], width: int) -> str:
    return (
        f"{fig['precision']:6.3f} {fig['recall']:6.3f} {fig['f1']:6.3f} {_f(fig['fpr'])} "
        f"{fig['items_per_s']:{width}.0f}"
    )


def _f(x: float | None) -> str:
    return f"{x:6.3f}" if x is not None else f"{'—':>6}"


if __name__ == "__main__":
    raise SystemExit(main())
