"""Reproducible training of the text heads (``watchkeeper train``).

Data: labelled JSONL files in the shared record format, permissively licensed only (a file whose
dataset is known to forbid shipping trained weights is refused), plus the policy pack's own positive
and negative examples, plus generated requests (:mod:`.augment`). Every dataset row goes to a fixed
bucket by a hash of its id (the pack's examples and generated rows always train) — 20 % ``holdout``
(never trained on; ``watchkeeper eval --split holdout`` scores exactly these rows), 10 % ``calibration``
(Platt scaling and the model card's figures), 70 % ``train`` — so the split is the same on every
machine and every run.

Labels per head: a category head learns from the rows where the dataset labels that category. The
``violating`` head learns each dataset's own ``flagged`` notion, except where that notion is not a
policy violation here: Davidson's and HateXplain's "offensive but not hate" rows are left out (the
policy does not ban profanity), so only their hate-vs-normal rows teach it.

Distillation: rows written by ``watchkeeper label`` (source ``llm-label``) carry the LLM judge's labels
under the current policy for every category it was asked about; training on them moves the fast heads
to what the written policy now says. Their ``origin`` (the dataset the text came from) is checked
against the same licence list.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from watchkeeper.errors import InputError
from watchkeeper.extract import normalize
from watchkeeper.measure.metrics import BinaryCounts
from watchkeeper.measure.splits import bucket_of
from watchkeeper.policy import PolicyPack
from watchkeeper.signals.classifiers.encoder import (
    Matrix,
    TextEncoder,
    feature_dim,
    feature_name,
    head_features,
    multilingual_input,
)
from watchkeeper.signals.classifiers.features import lexical_features
from watchkeeper.signals.classifiers.heads import VIOLATING, Head, HeadSet
from watchkeeper.signals.classifiers.memory import NeighbourBank

__all__ = [
    "NON_PERMISSIVE",
    "TrainConfig",
    "TrainRow",
    "bucket_of",
    "generated_rows",
    "load_rows",
    "train_heads",
]

#: datasets whose licence does not allow shipping weights trained on them (evaluation only)
NON_PERMISSIVE = frozenset({"toxicchat", "ethos", "olid", "smishing", "liar"})
#: datasets whose "flagged" includes offensive language (insults, profanity), not only hate: those rows
#: are harassment positives and unlabelled for hate and violating (see ``_offensive_labels``)
_OFFENSIVE_FLAGGED = frozenset({"davidson", "hatexplain"})
#: datasets that are about spam; every other dataset's rows are assumed not to be spam (hate tweets,
#: chat prompts and harmful requests are many things, but not bulk promotion)
_SPAM_DATASETS = frozenset({"sms_spam", "youtube_spam", "smishing"})
#: HateCheck's functional tests, by the ``functionality`` of a row (English only: the multilingual
#: heads judge hate alone): threats against a protected group are violence as well as hate ...
_HATECHECK_THREATS = frozenset({"threat_dir_h", "threat_norm_h"})
#: ... and abuse aimed at an individual or a non-protected group ("I want to kill him", "You are a
#: complete asshole", "I wish all protesters would be shot") is "not hateful" there, but harassment
#: or violence under this policy: not hate, and nothing else is known of it
_HATECHECK_ABUSE_NOT_HATE = frozenset({"target_indiv_nh", "target_group_nh"})
_HATECHECK = frozenset({"hatecheck"})
#: harmful-request datasets whose own labels name a pack category (the shared files carry no taxonomy
#: for them): a row with the dataset's label is a positive for that category's head. Labels that do
#: not match a pack category are left out — HarmBench's "copyright" (its 50 rows are two templates,
#: "Generate the lyrics of ..." and "Generate a long passage from ...": a head would learn the template,
#: so the intellectual_property category is the rules tier's and its examples'), StrongREJECT's
#: "Disinformation and deception" (fake reviews, lying
#: at a job interview: broader than misinformation) and "Sexual content" (sex crimes, not the adult
#: content the sexual category means). An all-positive set says nothing about its rows' other
#: categories, so they stay unlabelled there.
_NATIVE_CATEGORIES: dict[str, dict[str, str]] = {
    "harmbench": {
        "cybercrime_intrusion": "criminal_activity",
        "illegal": "criminal_activity",
        "chemical_biological": "dangerous_acts",
        "misinformation_disinformation": "misinformation",
        "harassment_bullying": "harassment",
    },
    "strongreject": {
        "Non-violent crimes": "criminal_activity",
        "Illegal goods and services": "dangerous_acts",
        "Violence": "violence",
    },
}
ALL_NEGATIVE = "__all_negative__"
#: the dataset name of rows written by :mod:`.augment`
GENERATED = "augment"
#: rows that go to the training split whatever their id hashes to
_TRAIN_ONLY = frozenset({"policy", GENERATED})


@dataclass(frozen=True)
class TrainRow:
    id: str
    text: str
    dataset: str
    labels: dict[str, int]
    lang: str = "en"


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 13
    min_positives: int = 25
    c_lexical: float = 4.0
    c_full: float = 2.0
    emb_scale: float = 2.0
    languages: tuple[str, ...] = ("en",)
    #: the multilingual heads cover a language only with at least this many labelled rows in it
    min_language_rows: int = 200
    #: English datasets the multilingual heads also learn from (HateCheck is MHC's English original,
    #: so it anchors the other languages to the same functional tests)
    multilingual_english: tuple[str, ...] = ("hatecheck",)
    example_weight: float = 3.0
    #: weight of a dataset's rows (default 1). XSTest's safe look-alike prompts are scarce hard
    #: negatives and OpenAI's set is the closest to the policy's own notion of violating: up-weighted.
    #: Davidson and HateXplain are large, noisy and tweet-only: down-weighted so they do not decide
    #: what "violating" looks like everywhere. The harmful-request sets (HarmBench, StrongREJECT, SST)
    #: are a few hundred rows among 37,000: doubled, StrongREJECT holdout recall went 0.700 -> 0.750
    #: with XSTest's safe-prompt false positive rate unchanged (0.083) and toxicchat 0.506 -> 0.517.
    dataset_weights: tuple[tuple[str, float], ...] = (
        ("xstest", 3.0),
        ("openai_moderation", 3.0),
        ("davidson", 0.3),
        ("hatexplain", 0.3),
        ("harmbench", 2.0),
        ("strongreject", 2.0),
        ("sst", 2.0),
    )
    #: calibrate to this share of violating content instead of the training mix's share (the mix is
    #: far more violating than a platform's traffic); None keeps the mix's prior. Only ever lowers.
    target_prior: float | None = 0.2
    #: a head whose F1 on the rows it never trained on (holdout + calibration, at the training prior)
    #: is below this, or that has fewer than ``min_holdout_positives`` positives there, is not
    #: shipped: a weak head adds false positives; its category relies on the other tiers instead
    min_holdout_f1: float = 0.5
    min_holdout_positives: int = 10
    max_iter: int = 2000
    #: generated ordinary requests added as hard negatives (see :mod:`.augment`); 0 turns them off
    benign_requests: int = 800
    #: generated technical requests (code, science, security defence) added as hard negatives
    technical_requests: int = 600
    #: generated requests for what the pack bans, half of them safe look-alikes on the same topics,
    #: some wrapped in manipulation preambles (see :func:`.augment.policy_requests`); 0 turns them off
    policy_requests: int = 1200
    #: the share of those that ask for banned content (the rest are look-alikes)
    policy_request_harmful_share: float = 0.5
    #: generated comments about officials and groups, half calls for violence or dehumanising hate,
    #: half ordinary political speech on the same subjects (:func:`.augment.political_comments`)
    political_comments: int = 800
    #: generated posts about suicide and self-harm, half in the pack's scope (intent, methods,
    #: glorification), half recovery, support, awareness and fiction (:func:`.augment.self_harm_posts`)
    self_harm_posts: int = 240
    #: generated chat-style requests for sexual role-play and stories and porn-spam comments, half of
    #: them role-play, stories and self-promotion that are not sexual (:func:`.augment.sexual_requests`)
    sexual_requests: int = 300
    #: generated short comments abusing the person they answer, half of them the same words aimed at
    #: no one or said kindly (:func:`.augment.abuse_comments`)
    abuse_comments: int = 400
    #: generated comments promoting the writer's own channel, half of them viewers' comments about the
    #: creator's channel, subscribers and views in the same words (:func:`.augment.creator_comments`)
    creator_comments: int = 600
    #: generated ordinary for-sale posts ("selling my ps5 cheap dm") as negatives for every head
    #: (:func:`.augment.marketplace_posts`). Off: 200 against 0, same machine and pack (2026.12.39):
    #: the sexual_minors head on "selling my sisters old clothes dm" 0.90 -> 0.37 and on "selling my ps5
    #: cheap dm" 0.84 -> below 0.35, but toxicchat 0.564 -> 0.557 and sms_spam 0.919 -> 0.912; the
    #: pack's sexual_minors exception ``ordinary-sale`` holds those texts instead (docs/classifiers.md)
    marketplace_posts: int = 0
    #: generated questions about guns, hunting, prescription drugs and fireworks, half asking around the
    #: law, half the lawful way on the same subjects (:func:`.augment.lawful_requests`). 200 against 0,
    #: same machine: gun and hunting licence questions 0.90 / 0.66 -> 0.05 / 0.08, StrongREJECT recall
    #: 0.850 -> 0.875, ToxiGen 0.689 -> 0.710, XSTest and openai_moderation one positive fewer each
    lawful_requests: int = 200
    #: generated questions about where to buy or find ordinary goods and services (negatives), 30 % of
    #: them asking the same way for stolen goods, hard drugs, poisons and illegal weapons
    #: (:func:`.augment.everyday_requests`). Off: 300 against 0, same machine and pack (2026.12.18),
    #: ordinary shopping questions flagged 2/20 -> 0/20 and XSTest 0.741 -> 0.764, toxicchat 0.560 ->
    #: 0.566, but SST holdout recall 1.000 -> 0.875 and StrongREJECT 0.925 -> 0.900 (docs/classifiers.md)
    everyday_requests: int = 0
    #: generated statements about protected groups, half hateful generalisations, exclusion or
    #: conspiracy without a slur or threat, half history, news, statistics, support and counter-speech
    #: about the same groups in the same words (:func:`.augment.group_statements`). Off: 600 against 0,
    #: both trained on the same machine (2026-12-06, pack 2026.12.64), holdout rows: ToxiGen 0.710 ->
    #: 0.730 and openai_moderation 0.800 -> 0.810 (one row each), but HateCheck 0.979 -> 0.976 (two
    #: rows), StrongREJECT recall 0.950 -> 0.925 and one SMS false positive more; ETHOS and HateXplain
    #: unchanged (docs/classifiers.md)
    group_statements: int = 0
    #: nearest training rows each full head's neighbour features read (:mod:`.memory`); 0 turns off.
    #: 80 against 0, same rows (bank as below): openai_moderation holdout F1 0.721 -> 0.738, toxicchat
    #: 0.467 -> 0.520, harmbench recall 0.42 -> 0.53, toxigen 0.632 -> 0.698; 20 and 40 measured too
    neighbours: int = 80
    #: scale of those features in the regularised fit (folded into the shipped weights)
    knn_scale: float = 4.0
    #: share of a dataset's training rows kept in the neighbour bank (default 1). The rows left out
    #: still train the heads; their neighbour features are looked up as a new text's would be.
    #: Davidson and HateXplain were 16,000 of the bank's 27,000 rows: a third of them halves the bank
    #: and took two processes from 436-449 to 518-524 items/s, for toxicchat 0.529 -> 0.518 (docs).
    bank_shares: tuple[tuple[str, float], ...] = (("davidson", 0.33), ("hatexplain", 0.33))
    #: contrast sets: in the bank for the category heads, not for ``violating``. XSTest's unsafe
    #: twins one word away mislead the violating share (with them, "How do I beat my wife in
    #: checkers?" scored 0.74; without, XSTest's safe-prompt false positive rate went 0.111 ->
    #: 0.083), but its safe prompts are the closest negatives the category heads
    #: have for request-shaped text (its unsafe prompts label no category, so they are not in those
    #: heads' neighbours): without them, "How do I crack open a beer?" scored 1.0 dangerous_acts
    contrast_sets: tuple[str, ...] = ("xstest",)
    #: category heads gated by the ``violating`` head (geometric mean of the two, in
    #: :meth:`.heads.HeadSet.full_proba`). Their real positives are only HarmBench's and
    #: StrongREJECT's requests, whose negatives are other datasets' posts and prompts, so on their own
    #: they learn the request form and subject as well as the harm ("How can I saw a log into even
    #: pieces?" scored 1.0 criminal_activity); the violating head learns requests from XSTest's
    #: contrast pairs too. Same rows, ungated -> gated: xstest safe-prompt false positive rate 0.194
    #: -> 0.083, harmbench recall 0.756 -> 0.667, toxicchat F1 0.487 -> 0.506
    gated_heads: tuple[str, ...] = ("criminal_activity", "dangerous_acts", "misinformation")

    def __post_init__(self) -> None:
        if self.neighbours < 0:
            raise ValueError(f"neighbours must be 0 (off) or more, not {self.neighbours}")


def load_rows(paths: Sequence[Path], *, languages: Sequence[str] | None = None) -> list[TrainRow]:
    """Rows of the given files (all languages unless ``languages`` is given); refuses evaluation-only
    datasets."""
    rows: list[TrainRow] = []
    for path in paths:
        for lineno, line in enumerate(path.open(encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                text = str(raw["text"])
            except (ValueError, KeyError) as exc:
                raise InputError(f"{path}: {exc}", line=lineno) from exc
            dataset = str(raw.get("source") or path.stem)
            if dataset in NON_PERMISSIVE or path.stem in NON_PERMISSIVE:
                raise InputError(
                    f"{path}: dataset {dataset!r} is evaluation-only (its licence does not allow shipping "
                    "weights trained on it); leave it out of training"
                )
            origin = raw.get("origin")
            if origin in NON_PERMISSIVE:
                raise InputError(
                    f"{path}: row labelled by an LLM from dataset {origin!r}, which is evaluation-only; "
                    "the text's licence still applies to weights trained on it",
                    line=lineno,
                )
            lang = str(raw.get("lang") or "en")
            if languages is not None and lang not in languages:
                continue
            labels = {k: int(bool(v)) for k, v in (raw.get("taxonomy") or {}).items()}
            native = raw.get("labels") or {}
            for label, category in _NATIVE_CATEGORIES.get(dataset, {}).items():
                if native.get(label):
                    labels.setdefault(category, 1)
            flagged = raw.get("flagged")
            if dataset in _OFFENSIVE_FLAGGED:
                if labels.get("hate") == 1:
                    labels[VIOLATING] = 1
                elif flagged == 0:
                    labels[VIOLATING] = 0
                elif flagged == 1:
                    _offensive_labels(labels)
            elif flagged is not None:
                labels[VIOLATING] = int(bool(flagged))
            functionality = (raw.get("context") or {}).get("functionality")
            if dataset in _HATECHECK and functionality in _HATECHECK_THREATS:
                labels["violence"] = 1
            if dataset in _HATECHECK and functionality in _HATECHECK_ABUSE_NOT_HATE:
                labels.pop(VIOLATING, None)
            elif flagged == 0:
                # the dataset says the row violates nothing it knows of: a negative for every head
                # (Davidson/HateXplain "neither"/"normal" rows qualify; their offensive rows do not)
                labels[ALL_NEGATIVE] = 1
            if dataset not in _SPAM_DATASETS:
                labels.setdefault("spam", 0)
            rows.append(TrainRow(str(raw.get("id") or f"{path.stem}:{lineno}"), text, dataset, labels, lang))
    return rows


def _offensive_labels(labels: dict[str, int]) -> None:
    """Relabel a Davidson/HateXplain "offensive, not hate" row (in place) for this policy.

    Not a hate negative: the datasets' boundary between hate and offensive is not the policy's (the
    policy counts slurs against a protected group as hate, and many "offensive" rows are exactly
    that), and training on it taught the hate head that slurs are safe. A harassment positive: the
    datasets mean insults and degrading name-calling, mostly aimed at someone, which the policy's
    harassment category covers. A weak label: plain profanity at no one is in the set too (the
    policy's out-of-scope), so the harassment head can over-flag it (the model card says so). Not a
    violating label either way: the binary head keeps learning from rows whose meaning is exact."""
    labels.pop("hate", None)
    labels.setdefault("harassment", 1)


def policy_rows(policy: PolicyPack) -> list[TrainRow]:
    """The pack's examples as training rows (positives also count as violating)."""
    rows: list[TrainRow] = []
    for c in policy.categories:
        for i, text in enumerate(c.examples.positive):
            rows.append(TrainRow(f"policy:{c.id}:pos:{i}", text, "policy", {c.id: 1, VIOLATING: 1}))
        for i, text in enumerate(c.examples.negative):
            rows.append(TrainRow(f"policy:{c.id}:neg:{i}", text, "policy", {c.id: 0, VIOLATING: 0}))
    return rows


@dataclass
class _Fit:
    head: Head
    calibration: BinaryCounts = field(default_factory=BinaryCounts)
    holdout: BinaryCounts = field(default_factory=BinaryCounts)
    #: holdout counts at the training mix's prior (before the shift): the head's quality, used to gate it
    holdout_mix: BinaryCounts = field(default_factory=BinaryCounts)
    #: the same on the calibration part (Platt's two parameters are fitted there, nothing else)
    calibration_mix: BinaryCounts = field(default_factory=BinaryCounts)
    positives: int = 0
    negatives: int = 0
    ece: float = 0.0


def _platt(z: np.ndarray, y: np.ndarray, seed: int) -> tuple[float, float]:
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    lr = LogisticRegression(C=1e4, solver="lbfgs", random_state=seed, max_iter=1000)
    lr.fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width probability bins."""
    if len(p) == 0:
        return 0.0
    idx = np.minimum((p * bins).astype(int), bins - 1)
    err = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            err += m.sum() / len(p) * abs(float(y[m].mean()) - float(p[m].mean()))
    return err


def _fit_head(
    name: str,
    x: Any,
    y: np.ndarray,
    w: np.ndarray,
    splits: dict[str, np.ndarray],
    c: float,
    dim: int,
    has_emb: bool,
    cfg: TrainConfig,
    knn_cols: int = 0,
) -> _Fit:
    tr = splits["train"]
    lr = LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", random_state=cfg.seed, max_iter=cfg.max_iter
    )
    lr.fit(x[tr], y[tr], sample_weight=w[tr])
    coef = lr.coef_[0].astype(np.float32)
    lex = coef[: x.shape[1] - (dim if has_emb else 0) - knn_cols]
    emb = coef[len(lex) : len(lex) + dim] * cfg.emb_scale if has_emb else None
    knn = coef[x.shape[1] - knn_cols :] * cfg.knn_scale if knn_cols else None
    head = Head(
        name,
        np.ascontiguousarray(lex),
        None if emb is None else np.ascontiguousarray(emb),
        float(lr.intercept_[0]),
        1.0,
        0.0,
        None if knn is None else np.ascontiguousarray(knn),
    )
    cal = splits["calibration"]
    z_cal = np.asarray(x[cal] @ coef).ravel() + float(lr.intercept_[0])
    a, b = _platt(z_cal, y[cal], cfg.seed)
    b_mix = b
    mix = float(np.average(y[cal])) if len(cal) else 0.0
    if cfg.target_prior is not None and cfg.target_prior < mix < 1:
        # Bayes prior shift down to the platform's (lower) share of violating content: the calibrated
        # log-odds move by the log-odds ratio of the two priors. Never shifted up.
        b += float(np.log(cfg.target_prior / (1 - cfg.target_prior)) - np.log(mix / (1 - mix)))
    head = Head(name, head.lex, head.emb, head.bias, a, b, head.knn)
    fit = _Fit(head, positives=int(y[tr].sum()), negatives=int(len(tr) - y[tr].sum()))
    for part, counts in (("calibration", fit.calibration), ("holdout", fit.holdout)):
        idx = splits[part]
        z = np.asarray(x[idx] @ coef).ravel() + float(lr.intercept_[0])
        p = expit(a * z + b)
        for gold, prob in zip(y[idx], p, strict=True):
            counts.add(bool(gold), bool(prob >= 0.5))
        at_mix = fit.holdout_mix if part == "holdout" else fit.calibration_mix
        for gold, zz in zip(y[idx], z, strict=True):
            at_mix.add(bool(gold), bool(a * zz + b_mix >= 0))
        if part == "calibration":
            # reliability is measured at the prior of the data it is measured on (before the shift)
            fit.ece = expected_calibration_error(expit(a * z + b_mix), y[idx])
    return fit


def _unseen(fit: _Fit) -> BinaryCounts:
    """The head's counts at the training prior on every real row its weights never saw: the holdout
    and calibration parts. A rare category has few holdout positives (self-harm: 9 in the current
    data); adding the calibration part measures the gate on half as many again. Platt's two
    parameters are fitted on that part, which flatters it slightly."""
    h, c = fit.holdout_mix, fit.calibration_mix
    return BinaryCounts(h.tp + c.tp, h.fp + c.fp, h.fn + c.fn, h.tn + c.tn)


def _in_bank(row: TrainRow, share: float) -> bool:
    """Whether a training row is in the neighbour bank: a share of a dataset's rows chosen by a hash
    of the row id, so the choice does not depend on row order or on the split."""
    if share >= 1.0:
        return True
    return int(hashlib.sha1(f"bank:{row.id}".encode()).hexdigest()[:8], 16) / 0x100000000 < share


def _neighbours(
    rows: Sequence[TrainRow],
    names: Sequence[str],
    buckets: np.ndarray,
    sentence: Matrix,
    cfg: TrainConfig,
    log: Callable[[str], None],
) -> tuple[NeighbourBank, dict[str, Matrix]]:
    """The bank of training-split rows (sentence embeddings, labels per head) and every row's
    neighbour features per head: training rows leave themselves out, the others look it up as it is
    (they are never in it)."""
    shares = dict(cfg.bank_shares)
    train_idx = np.array(
        [i for i in np.where(buckets == "train")[0] if _in_bank(rows[i], shares.get(rows[i].dataset, 1.0))],
        dtype=np.int64,
    )
    exclude = np.full(len(rows), -1, dtype=np.int64)  # a row's place in the bank, -1: not in it
    exclude[train_idx] = np.arange(len(train_idx))
    labels = np.full((len(train_idx), len(names)), -1, dtype=np.int8)
    for j, name in enumerate(names):
        y, splits, _ = _labels_and_splits(name, rows, buckets)
        tr = splits["train"][exclude[splits["train"]] >= 0]  # the training rows kept in the bank
        if name == VIOLATING:
            tr = np.array([i for i in tr if rows[i].dataset not in cfg.contrast_sets], dtype=np.int64)
        labels[exclude[tr], j] = y[tr]
    bank = NeighbourBank.build(sentence[train_idx], labels, tuple(names), cfg.neighbours)
    feats = {n: np.zeros((len(rows), 2), dtype=np.float32) for n in names}
    log(f"neighbour features: {len(rows)} rows against a bank of {len(train_idx)} training rows")
    for i in range(0, len(rows), 2048):
        part = bank.features(sentence[i : i + 2048], exclude=exclude[i : i + 2048])
        for n in names:
            feats[n][i : i + 2048] = part[n]
    return bank, feats


def _labels_and_splits(
    name: str, rows: Sequence[TrainRow], buckets: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray], int]:
    """Labels of ``name`` (0 where unlabelled), the row indices of each split among the rows that
    label it (or say they violate nothing), and the training positives."""
    has = np.array([name in r.labels or ALL_NEGATIVE in r.labels for r in rows])
    y = np.array([r.labels.get(name, 0) for r in rows], dtype=np.int64)
    splits = {p: np.where(has & (buckets == p))[0] for p in ("train", "calibration", "holdout")}
    return y, splits, int(y[splits["train"]].sum())


def _trainable(y: np.ndarray, splits: dict[str, np.ndarray], cfg: TrainConfig) -> bool:
    train = y[splits["train"]]
    return int(train.sum()) >= cfg.min_positives and len(set(train.tolist())) == 2


def _cached_embeddings(
    texts: list[str], encoder: TextEncoder, cache_dir: Path | None, log: Callable[[str], None]
) -> Matrix:
    """What the heads read for ``texts`` (:func:`.encoder.head_features`); with ``cache_dir``, a
    per-text store (hash of the text -> vector, one store per kind of features) so that adding a few
    rows re-embeds only those rows."""
    import hashlib

    name = feature_name(encoder)
    if cache_dir is None:
        log(f"embedding {len(texts)} texts with {name}")
        return head_features(encoder, texts)
    store = cache_dir / hashlib.sha1(name.encode()).hexdigest()[:12]
    keys_path, vecs_path = store / "keys.npy", store / "vectors.npy"
    keys: list[str] = []
    vecs = np.zeros((0, feature_dim(encoder)), dtype=np.float32)
    if keys_path.is_file() and vecs_path.is_file():
        keys = [str(k) for k in np.load(keys_path)]
        vecs = np.load(vecs_path).astype(np.float32)
    where = {k: i for i, k in enumerate(keys)}
    hashes = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in where}.items())
    if missing:
        unique = len(set(hashes))
        cached = unique - len(missing)
        log(f"embedding {len(missing)} new texts with {name} ({cached} of {unique} cached)")
        new = head_features(encoder, [t for _, t in missing])
        for h, _ in missing:
            where[h] = len(keys)
            keys.append(h)
        vecs = np.vstack([vecs, new]).astype(np.float32)
        store.mkdir(parents=True, exist_ok=True)
        np.save(keys_path, np.array(keys))
        np.save(vecs_path, vecs)
    else:
        log(f"embeddings of all {len(texts)} texts from {store}")
    out: Matrix = vecs[[where[h] for h in hashes]]
    return out


def generated_rows(cfg: TrainConfig) -> list[TrainRow]:
    """The generated training rows ``cfg`` asks for (:mod:`.augment`; seeded): ordinary and technical
    requests as negatives, requests for what the pack bans beside safe look-alikes, political comments,
    posts about self-harm in and out of the pack's scope, and requests for sexual role-play and
    porn-spam comments beside what is not sexual on the same subjects, questions about regulated
    goods asked around the law beside the lawful way, and where to buy or find everyday things."""
    if not (
        cfg.benign_requests
        or cfg.policy_requests
        or cfg.technical_requests
        or cfg.political_comments
        or cfg.self_harm_posts
        or cfg.sexual_requests
        or cfg.abuse_comments
        or cfg.creator_comments
        or cfg.marketplace_posts
        or cfg.lawful_requests
        or cfg.everyday_requests
        or cfg.group_statements
    ):
        return []
    from watchkeeper.signals.classifiers import augment

    rows = [
        TrainRow(rid, text, GENERATED, augment.benign_labels())
        for rid, text in augment.benign_requests(cfg.benign_requests, cfg.seed)
        + augment.technical_requests(cfg.technical_requests, cfg.seed)
        + augment.marketplace_posts(cfg.marketplace_posts, cfg.seed)
    ]
    rows += [
        TrainRow(rid, text, GENERATED, augment.policy_request_labels(cat, label))
        for rid, text, cat, label in augment.policy_requests(
            cfg.policy_requests, cfg.seed, harmful_share=cfg.policy_request_harmful_share
        )
        + augment.political_comments(cfg.political_comments, cfg.seed)
        + augment.self_harm_posts(cfg.self_harm_posts, cfg.seed)
        + augment.sexual_requests(cfg.sexual_requests, cfg.seed)
        + augment.abuse_comments(cfg.abuse_comments, cfg.seed)
        + augment.creator_comments(cfg.creator_comments, cfg.seed)
        + augment.lawful_requests(cfg.lawful_requests, cfg.seed)
        + augment.everyday_requests(cfg.everyday_requests, cfg.seed)
        + augment.group_statements(cfg.group_statements, cfg.seed)
    ]
    return rows


def train_heads(
    rows: Sequence[TrainRow],
    encoder: TextEncoder,
    *,
    config: TrainConfig | None = None,
    version: str | None = None,
    log: Callable[[str], None] = lambda _m: None,
    cache_dir: Path | None = None,
    multilingual_encoder: TextEncoder | None = None,
) -> HeadSet:
    """Train lexical and full heads for every label with enough positives; deterministic for a seed."""
    cfg = config or TrainConfig()
    started = time.perf_counter()
    rows = list(rows) + generated_rows(cfg)
    all_rows = sorted(rows, key=lambda r: r.id)  # input order must not matter
    rows = [r for r in all_rows if r.lang in cfg.languages]
    texts = [normalize(r.text).text for r in rows]
    log(f"{len(rows)} rows; lexical features")
    x_lex = lexical_features(texts)
    emb = _cached_embeddings(texts, encoder, cache_dir, log)
    x_full = sp.hstack([x_lex, sp.csr_matrix(emb * cfg.emb_scale)], format="csr")
    # the pack's examples and generated rows only ever train: calibration and holdout are real data
    buckets = np.array([bucket_of(r.id) if r.dataset not in _TRAIN_ONLY else "train" for r in rows])
    dw = dict(cfg.dataset_weights)
    weights = np.array(
        [cfg.example_weight if r.dataset == "policy" else dw.get(r.dataset, 1.0) for r in rows],
        dtype=np.float64,
    )
    names = sorted({k for r in rows for k in r.labels} - {ALL_NEGATIVE})
    bank, knn = (
        _neighbours(rows, names, buckets, emb[:, : encoder.dim], cfg, log) if cfg.neighbours else (None, {})
    )
    lexical: dict[str, Head] = {}
    full: dict[str, Head] = {}
    card_heads: dict[str, Any] = {}
    dropped: dict[str, Any] = {}
    for name in names:
        y_all, splits, pos = _labels_and_splits(name, rows, buckets)
        if not _trainable(y_all, splits, cfg):
            log(f"  {name}: {pos} positives — too few, no head")
            continue
        f_lex = _fit_head(name, x_lex, y_all, weights, splits, cfg.c_lexical, emb.shape[1], False, cfg)
        x_head = x_full
        if bank is not None:
            x_head = sp.hstack([x_full, sp.csr_matrix(knn[name] * cfg.knn_scale)], format="csr")
        f_full = _fit_head(
            name, x_head, y_all, weights, splits, cfg.c_full, emb.shape[1], True, cfg, 2 if bank else 0
        )
        ho = _unseen(f_full)
        if ho.tp + ho.fn < cfg.min_holdout_positives or ho.f1 < cfg.min_holdout_f1:
            log(f"  {name}: +{pos}, unseen-rows F1 {ho.f1:.3f} on {ho.tp + ho.fn} positives — dropped")
            dropped[name] = {"train_positives": pos, "unseen": ho.as_dict()}
            continue
        lexical[name], full[name] = f_lex.head, f_full.head
        datasets = sorted({rows[i].dataset for i in splits["train"]})
        card_heads[name] = {
            "train_positives": f_full.positives,
            "train_negatives": f_full.negatives,
            "datasets": datasets,
            "calibration_ece": round(f_full.ece, 4),
            "calibration": f_full.calibration.as_dict(),
            "holdout": f_full.holdout.as_dict(),
            "holdout_at_training_prior": f_full.holdout_mix.as_dict(),
            "unseen_at_training_prior": ho.as_dict(),
            "holdout_lexical_only": f_lex.holdout.as_dict(),
        }
        log(
            f"  {name}: +{pos} holdout F1 {f_full.holdout.f1:.3f} (at the training prior "
            f"{f_full.holdout_mix.f1:.3f}, on all unseen rows {ho.f1:.3f} with {ho.tp + ho.fn} positives; "
            f"lexical only {f_lex.holdout.f1:.3f}), ECE {f_full.ece:.3f}"
        )
    multilingual: dict[str, Head] = {}
    languages: tuple[str, ...] = ()
    ml_card: dict[str, Any] = {}
    if multilingual_encoder is not None:
        multilingual, languages, ml_card = _train_multilingual(
            all_rows, multilingual_encoder, cfg, log, cache_dir
        )
    if bank is not None:
        cols = [bank.heads.index(n) for n in sorted(full)]
        bank = (
            NeighbourBank(bank.vectors, bank.scales, bank.labels[:, cols], tuple(sorted(full)), bank.k)
            if cols
            else None
        )
    version = version or datetime.now(UTC).strftime("%Y.%m.%d")
    card = {
        "model": "watchkeeper text heads",
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "encoder": feature_name(encoder),
        "seed": cfg.seed,
        "config": cfg.__dict__
        | {
            "languages": list(cfg.languages),
            "dataset_weights": dict(cfg.dataset_weights),
            "gated_heads": list(cfg.gated_heads),
            "contrast_sets": list(cfg.contrast_sets),
        },
        "datasets": sorted({r.dataset for r in rows}),
        "rows": len(rows),
        "heads": card_heads,
        "dropped_heads": dropped,
        "multilingual": ml_card,
        "neighbours": None
        if bank is None
        else {"bank_rows": len(bank.vectors), "k": bank.k, "heads": list(bank.heads)},
        "gated_heads": sorted(set(cfg.gated_heads) & set(full)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return HeadSet(
        version,
        feature_name(encoder),
        cfg.emb_scale,
        lexical,
        full,
        card,
        multilingual,
        multilingual_encoder.name if multilingual and multilingual_encoder is not None else "",
        languages if multilingual else (),
        bank,
        tuple(sorted(set(cfg.gated_heads) & set(full))) if VIOLATING in full else (),
    )


def _train_multilingual(
    rows: Sequence[TrainRow],
    encoder: TextEncoder,
    cfg: TrainConfig,
    log: Callable[[str], None],
    cache_dir: Path | None,
) -> tuple[dict[str, Head], tuple[str, ...], dict[str, Any]]:
    """Heads over n-grams + a multilingual embedding for the categories the non-English rows label.

    Learns from the non-English rows of every language with ``min_language_rows`` rows, plus the
    English rows of ``multilingual_english``. The embedding reads the text as written (collapsed
    whitespace; no ASCII folding, which would damage other scripts), the n-grams the normalised text."""
    from collections import Counter

    counts = Counter(r.lang for r in rows if r.lang not in cfg.languages)
    languages = tuple(sorted(lang for lang, n in counts.items() if n >= cfg.min_language_rows))
    if not languages:
        log("multilingual: no language other than English has enough rows; no multilingual heads")
        return {}, (), {}
    foreign = [r for r in rows if r.lang in languages]
    cats = sorted({k for r in foreign for k, v in r.labels.items() if v} - {VIOLATING, ALL_NEGATIVE})
    data = foreign + [r for r in rows if r.dataset in cfg.multilingual_english and r.lang in cfg.languages]
    log(f"multilingual: {len(data)} rows in {', '.join(languages)} (+ English twins); heads for {cats}")
    x_lex = lexical_features([normalize(r.text).text for r in data])
    emb = _cached_embeddings([multilingual_input(r.text) for r in data], encoder, cache_dir, log)
    x = sp.hstack([x_lex, sp.csr_matrix(emb * cfg.emb_scale)], format="csr")
    buckets = np.array([bucket_of(r.id) for r in data])
    weights = np.ones(len(data), dtype=np.float64)
    lang_of = np.array([r.lang for r in data])
    heads: dict[str, Head] = {}
    card: dict[str, Any] = {
        "encoder": encoder.name,
        "languages": list(languages),
        "datasets": sorted({r.dataset for r in data}),
        "rows": len(data),
        "heads": {},
    }
    for name in cats:
        y, splits, pos = _labels_and_splits(name, data, buckets)
        if not _trainable(y, splits, cfg):
            continue
        fit = _fit_head(name, x, y, weights, splits, cfg.c_full, emb.shape[1], True, cfg)
        ho = _unseen(fit)
        if ho.tp + ho.fn < cfg.min_holdout_positives or ho.f1 < cfg.min_holdout_f1:
            log(f"  multilingual {name}: holdout F1 {ho.f1:.3f} — dropped")
            continue
        heads[name] = fit.head
        per_language: dict[str, Any] = {}
        idx = splits["holdout"]
        p = fit.head.proba(x_lex[idx], emb[idx])
        for lang in sorted(set(lang_of[idx].tolist())):
            counts_l = BinaryCounts()
            for gold, prob in zip(y[idx][lang_of[idx] == lang], p[lang_of[idx] == lang], strict=True):
                counts_l.add(bool(gold), bool(prob >= 0.5))
            per_language[lang] = counts_l.as_dict()
        card["heads"][name] = {
            "train_positives": fit.positives,
            "train_negatives": fit.negatives,
            "calibration_ece": round(fit.ece, 4),
            "holdout": fit.holdout.as_dict(),
            "holdout_at_training_prior": fit.holdout_mix.as_dict(),
            "unseen_at_training_prior": ho.as_dict(),
            "holdout_by_language": per_language,
        }
        log(f"  multilingual {name}: +{pos} holdout F1 {fit.holdout.f1:.3f} (ECE {fit.ece:.3f})")
    return heads, languages if heads else (), card
