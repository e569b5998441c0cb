"""Share of items that would reach the LLM judge under the pack's default bands, per dev dataset.

Runs the real cascade (rules, links, classifier, example matching, then the judge with no backend
configured): the judge's own skipped signal says whether the item would have been sent to it ("no LLM
backend configured (N uncertain categories)") or not ("not needed", or the cascade stopped early).

    python bench/judge_routing.py --limit 1000 [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from watchkeeper import Engine
from watchkeeper.ingest import item_from_record
from watchkeeper.signals.llm import route

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=1000, help="rows per dataset (first N in file order)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    engine = Engine.load()
    results = {}
    for path in sorted(DATA.glob("*.jsonl")):
        rows = []
        with path.open() as f:
            for line in f:
                rows.append(json.loads(line))
                if len(rows) >= args.limit:
                    break
        items = [item_from_record(r, fallback_id=f"{path.stem}:{i}") for i, r in enumerate(rows)]
        start = time.perf_counter()
        decisions = []
        for i in range(0, len(items), args.batch):
            decisions.extend(engine.moderate_many(items[i : i + args.batch]))
        routed = 0
        cats: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        n_cats = 0
        for item, d in zip(items, decisions, strict=True):
            msg = next((s.message or "" for s in d.signals if s.detector == "judge"), "")
            m = re.search(r"\((\d+) uncertain categories\)", msg)
            if not m:
                continue
            routed += 1
            r = route(engine.policy, item, [s for s in d.signals if s.detector != "judge"])
            n_cats += len(r.categories)
            cats.update(r.categories)
            reasons.update(v.split(" ")[0] if v.startswith("score") else v for v in r.reasons.values())
        results[path.stem] = {
            "items": len(items),
            "routed": routed,
            "share": round(routed / max(1, len(items)), 3),
            "categories_per_routed_item": round(n_cats / max(1, routed), 2),
            "top_categories": dict(cats.most_common(4)),
            "reasons": dict(reasons.most_common()),
            "seconds": round(time.perf_counter() - start, 1),
        }
        if not args.json:
            r = results[path.stem]
            print(
                f"{path.stem:18s} {r['items']:5d} items  {r['share']:6.1%} to the judge  "
                f"{r['categories_per_routed_item']:.1f} cats/item  {r['top_categories']}",
                flush=True,
            )
    total = sum(r["items"] for r in results.values())
    sent = sum(r["routed"] for r in results.values())
    print(
        json.dumps(
            {"datasets": results, "total_items": total, "total_share": round(sent / total, 3)}, indent=1
        )
        if args.json
        else f"all: {sent}/{total} = {sent / total:.1%}"
    )


if __name__ == "__main__":
    main()
