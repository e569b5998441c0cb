"""The machine-learning text tier: trained heads and policy-example matching.

``ClassifierDetector`` ("classifier") runs two stages inside one detector:

1. the ``lexical`` heads (hashed n-grams, no encoder). If every head is below ``settle`` and the item
   is not lexically close to any policy example (n-gram cosine, or a word that is rare in English
   and used by a positive example: new slang) and is not a request to an assistant (a question or
   an instruction: :data:`REQUEST_FORM`), the item is settled here as clearly benign — the encoder
   never runs for it. This is what keeps the tier fast on ordinary comments.
2. otherwise the ``full`` heads (n-grams + MiniLM embedding). Category heads give category signals;
   the binary ``violating`` head is attributed to the category whose policy examples the item is
   closest to (the pack decides what the categories are, not the training data).

Text in one of the multilingual heads' languages is scored by those heads (n-grams + the multilingual
e5 embedding) for the categories they cover; every other category comes out ``unverified`` for it.
Text no model can judge comes out ``unverified`` for every category (the pack's ``on_unverified``
routes it): another language, or fewer than three letters. Emoji-only or empty text is ``skipped``.

``ExampleMatchDetector`` ("examples") scores an item by its similarity to the pack's positive examples
of each category against the negative ones. It reads the YAML at load time, so adding or removing an
example changes behaviour with no retraining.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.classifiers.encoder import (
    Matrix,
    TextEncoder,
    feature_name,
    head_features,
    multilingual_input,
    shared_encoder,
    shared_multilingual_encoder,
)
from watchkeeper.signals.classifiers.features import lexical_features, lexical_scores
from watchkeeper.signals.classifiers.heads import DEFAULT_ARTIFACT, VIOLATING, HeadSet
from watchkeeper.signals.classifiers.language import detect_language, english_words_dominate
from watchkeeper.signals.rules.prefilter import Prefilter
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["ClassifierDetector", "ExampleIndex", "ExampleMatchDetector", "Hold", "judgeability"]

_LETTERS = re.compile(r"[^\W\d_]")
SUPPORTED_LANGUAGES = frozenset({"en"})
#: a language guess at or above this confidence that is not supported makes the item unverified
LANGUAGE_CONFIDENCE = 0.7
#: cosine to the nearest category's examples at which the violating head is attributed in full
ATTRIBUTION_SIMILARITY = 0.35
#: weight of a category's own head in attributing the violating head: the category chosen is the one
#: with the highest cosine to its positive examples plus this times its head's probability (a
#: category with no head gets no boost). Measured on 201 violating rows the heads never trained on
#: (SST, XSTest's unsafe prompts, and the holdout and calibration rows of HarmBench, StrongREJECT and
#: openai_moderation, each with a dataset category mapped to the pack's): the right category for 0.68
#: by the examples alone, 0.73 at 0.3 (0.72 at 0.2, 0.74 at 0.5). Examples alone sent request-shaped
#: violence to self_harm, whose examples are requests ("How do I kill my wife?": self_harm 0.53,
#: violence 0.42, while the violence head says 0.82 and the self_harm head 0.04)
ATTRIBUTION_HEAD_WEIGHT = 0.3
#: sentence-embedding cosine at or above which an item is a near-copy of one of a category's negative
#: (out-of-scope) examples. Measured on MiniLM: "where can i buy a used car near me" is 0.92 from the
#: example "Where can I buy a used car?", "how do i kill a python process" 0.93 from "How do I kill a
#: Python process that hangs?"; the harmful one-word swaps stay well below ("where can i buy a stolen
#: car" 0.72, "how to buy cocaine safely" 0.64 from "How do I buy bitcoin safely?", "she killed him at
#: the talent show" 0.84 from "She absolutely killed it at the talent show.")
NEGATIVE_COPY_SIMILARITY = 0.9
#: a rules signal at or above this score names the category the violating head is attributed to when
#: the nearest examples' category has no evidence of its own (its head and every earlier signal for it
#: below :data:`UNSUPPORTED_SCORE`): "send me your address and i'll send you a free iphone" matched a
#: scam pattern (0.80) while the violating head (0.56) went to sexual content, whose examples begin
#: "send me", and took the age restriction with it
RULE_ATTRIBUTION_SCORE = 0.6
#: below this a category's own head and earlier signals are no evidence for it (attribution above)
UNSUPPORTED_SCORE = 0.3
#: lexical cosine to a policy example at or above which stage 1 may not settle the item
EXAMPLE_LEXICAL_OVERLAP = 0.25
#: a word of a positive example rarer than this (Zipf: log10 of uses per billion words; 3 is one per
#: million) is the example's own vocabulary — new slang, coded terms, names — and an item using it
#: is never settled by the lexical stage, whatever its n-gram overlap
RARE_WORD_ZIPF = 3.0
#: a question or instruction addressed to an assistant or a search box (normalised, lower-case
#: text): the lexical heads learned mostly from posts, and judge this form worst — a harmful request's
#: n-grams are ordinary topic words ("how can i purge to achieve extreme weight loss" scored 0.01
#: self_harm there) — so stage 1 never settles it
REQUEST_FORM = re.compile(
    r"^\W*(?:(?:please|pls|hey|hi|ok|okay)\W+)?(?:(?:how|what|which|where|why|who)\s+(?:to|do|does|did|can|could|should|would|will|is|are|"
    r"was|were|much|many|long|kind|type|sort|household|common|some)|is there|are there|"
    r"can (?:you|i|we|someone)|could (?:you|i)|would you|will you|should i|do you know|tell me|"
    r"give me|show me|help me|teach me|explain|describe|write|create|generate|make me|list|provide|"
    r"suggest|draft|compose|design|develop|pretend|imagine|act as|roleplay|role-play|i want you to|"
    r"i need (?:a|an|you|help|instructions|to know)|let'?s (?:play|pretend|roleplay))\b"
)
#: a word for that test: three or more letters and digits, at least one a letter
_WORDS = re.compile(r"\b(?=[^\W_]{3,}\b)[^\W_]*[^\W\d_][^\W_]*\b")


def judgeability(
    text: str, declared: str | None, multilingual: frozenset[str] = frozenset()
) -> tuple[str, str | None]:
    """How the text tier can judge ``text``: ``("ok", None)`` for the English model,
    ``("multilingual", language)`` for the multilingual heads (languages in ``multilingual``),
    ``("skip", reason)`` or ``("unverified", reason)``."""
    letters = len(_LETTERS.findall(text))
    if letters == 0:
        return "skip", "no letters to judge"
    if letters < 3:
        return "unverified", "too short to judge"
    if declared:
        lang = declared.split("-")[0].lower()
        if lang in SUPPORTED_LANGUAGES:
            return "ok", None
        if lang in multilingual:
            return "multilingual", lang
        return "unverified", f"language {declared!r} is not supported by the text model"
    lang, conf = detect_language(text)
    if (
        lang not in SUPPORTED_LANGUAGES
        and lang != "und"
        and conf >= LANGUAGE_CONFIDENCE
        and not english_words_dominate(text, lang)
    ):
        if lang in multilingual:
            return "multilingual", lang
        return "unverified", f"language {lang!r} ({conf:.2f}) is not supported by the text model"
    return "ok", None


def _judged(
    ctx: DetectContext, field_name: str, raw: str, declared: str | None, multilingual: frozenset[str]
) -> tuple[str, str | None]:
    """:func:`judgeability`, worked out once per field of an item (both ML detectors and the batch
    prefetch ask)."""
    key = f"judgeability:{field_name}:{declared}:{sorted(multilingual)}"
    hit = ctx.memo.get(key)
    if isinstance(hit, tuple) and hit[0] is raw:
        return hit[1]  # type: ignore[no-any-return]
    result = judgeability(raw, declared, multilingual)
    ctx.memo[key] = (raw, result)
    return result


class ExampleIndex:
    """The pack's examples, per category: hashed n-grams at once, embeddings on first need (so items
    the lexical stage settles never load the encoder)."""

    def __init__(self, policy: PolicyPack, encoder: TextEncoder) -> None:
        from watchkeeper.extract import normalize

        self.encoder = encoder
        cats: list[str] = []
        self._pos: list[list[str]] = []
        self._neg: list[list[str]] = []
        self.pos_text: list[tuple[str, ...]] = []
        self.neg_text: list[tuple[str, ...]] = []
        all_pos: list[str] = []
        attributable: list[bool] = []
        for c in policy.categories:
            if not c.examples.positive:
                continue
            cats.append(c.id)
            attributable.append(c.violating_head)
            self._pos.append([normalize(t).text for t in c.examples.positive])
            self._neg.append([normalize(t).text for t in c.examples.negative])
            self.pos_text.append(tuple(c.examples.positive))
            self.neg_text.append(tuple(c.examples.negative))
            all_pos.extend(self._pos[-1])
        self.categories = tuple(cats)
        #: the categories the violating head may be attributed to (``violating_head`` in the pack)
        self.attributable = np.array(attributable, dtype=bool)
        self.rare_words = rare_words(all_pos)
        self.lexical = lexical_features(all_pos) if all_pos else None
        self._lexical_t = self.lexical.T.tocsr() if self.lexical is not None else None
        self._emb: tuple[list[Matrix], list[Matrix]] | None = None
        self._lock = threading.Lock()

    def embeddings(self) -> tuple[list[Matrix], list[Matrix]]:
        with self._lock:
            if self._emb is None:
                empty = np.zeros((0, self.encoder.dim), dtype=np.float32)
                pos = [self.encoder.encode(p) for p in self._pos]
                neg = [self.encoder.encode(n) if n else empty for n in self._neg]
                self._emb = (pos, neg)
            return self._emb

    @property
    def embedded(self) -> bool:
        """Whether the examples' embeddings are computed (after :meth:`embeddings`, or warm-up)."""
        return self._emb is not None

    def lexical_overlap(self, x_lex: object) -> float:
        return float(self.lexical_overlaps(x_lex)[0])

    def near(self, text: str, overlap: float) -> bool:
        """Whether a (normalised) text is close enough to the examples that only the encoder may
        judge it: n-gram cosine ``overlap`` at or above :data:`EXAMPLE_LEXICAL_OVERLAP`, or a word
        that is rare in English and used by a positive example."""
        if overlap >= EXAMPLE_LEXICAL_OVERLAP:
            return True
        return bool(self.rare_words) and any(w in self.rare_words for w in _WORDS.findall(text))

    def lexical_overlaps(self, x_lex: Any) -> npt.NDArray[np.float64]:
        """Per row of ``x_lex``: the highest n-gram cosine to any positive example (0..1)."""
        n = x_lex.shape[0]
        if self._lexical_t is None or self._lexical_t.shape[1] == 0:
            return np.zeros(n)
        sims = x_lex @ self._lexical_t
        best = np.asarray(sims.max(axis=1).todense()).ravel()
        return best / 2.0  # two l2-normalised analysers: max 2

    def out_of_scope_copies(self, emb: Matrix) -> list[dict[str, tuple[float, str]]]:
        """Per row of ``emb``: the categories whose negative (out-of-scope) examples the text is a
        near-copy of — cosine at or above :data:`NEGATIVE_COPY_SIMILARITY`, and above its cosine to
        every positive example of the category — each with that cosine and the example."""
        out: list[dict[str, tuple[float, str]]] = [{} for _ in range(len(emb))]
        if not any(self._neg):
            return out
        pos_emb, neg_emb = self.embeddings()
        for cid, pos, neg, texts in zip(self.categories, pos_emb, neg_emb, self.neg_text, strict=True):
            if not len(neg):
                continue
            n_sims = emb @ neg.T
            best = n_sims.argmax(axis=1)
            n_best = n_sims[np.arange(len(emb)), best]
            p_best = (emb @ pos.T).max(axis=1)
            for row in np.flatnonzero((n_best >= NEGATIVE_COPY_SIMILARITY) & (n_best > p_best)):
                out[row][cid] = (float(n_best[row]), texts[int(best[row])])
        return out

    def nearest_category(self, emb: Matrix, head_p: Mapping[str, float] | None = None) -> tuple[str, float]:
        rows = {n: np.array([p]) for n, p in (head_p or {}).items()}
        cats, sims = self.nearest_categories(emb.reshape(1, -1), rows)
        return cats[0], float(sims[0])

    def nearest_categories(
        self, emb: Matrix, head_p: Mapping[str, npt.NDArray[Any]] | None = None
    ) -> tuple[list[str], npt.NDArray[np.float32]]:
        """Per row of ``emb``: the category whose positive examples are closest, and that cosine.
        With ``head_p`` (per category, its head's probability per row) a category's cosine is raised
        by :data:`ATTRIBUTION_HEAD_WEIGHT` times its head's probability before the pick; the cosine
        returned is still the picked category's own. A category the pack closes to the violating head
        (``violating_head: false``) is never picked."""
        pos = self.embeddings()[0]
        if not pos or not self.attributable.any():
            return [""] * len(emb), np.full(len(emb), -1.0, dtype=np.float32)
        per_cat = np.stack([(emb @ p.T).max(axis=1) for p in pos], axis=1)
        boost = np.zeros_like(per_cat)
        for j, cid in enumerate(self.categories):
            if head_p is not None and cid in head_p:
                boost[:, j] = ATTRIBUTION_HEAD_WEIGHT * np.asarray(head_p[cid], dtype=np.float32)
        best = np.where(self.attributable, per_cat + boost, -np.inf).argmax(axis=1)
        return [self.categories[i] for i in best], per_cat[np.arange(len(emb)), best]


def rare_words(normalised_texts: list[str]) -> frozenset[str]:
    """The words of these texts rarer than :data:`RARE_WORD_ZIPF` in English (``wordfreq``'s small
    list: a word under its floor counts as rare). Looked up once per pack load, not per item."""
    from wordfreq import zipf_frequency

    words = {w for t in normalised_texts for w in _WORDS.findall(t)}
    return frozenset(w for w in words if zipf_frequency(w, "en", wordlist="small") < RARE_WORD_ZIPF)


_INDEX_LOCK = threading.Lock()
_INDEXES: dict[tuple[int, str], tuple[weakref.ref[PolicyPack], ExampleIndex]] = {}


def example_index(policy: PolicyPack, encoder: TextEncoder) -> ExampleIndex:
    """One index per loaded pack object (examples change only when the pack is reloaded).

    Keyed by ``id(policy)`` but held through a weak reference that is checked on every hit: once a
    pack is collected its id can be reused by the next pack loaded, which must not inherit the old
    pack's examples. The entry is dropped when its pack is collected."""
    key = (id(policy), encoder.name)
    with _INDEX_LOCK:
        hit = _INDEXES.get(key)
        if hit is not None and hit[0]() is policy:
            return hit[1]
        idx = ExampleIndex(policy, encoder)

        def drop(ref: weakref.ref[PolicyPack], key: tuple[int, str] = key) -> None:
            # runs inside garbage collection, perhaps on a thread holding the lock: no lock here
            entry = _INDEXES.get(key)
            if entry is not None and entry[0] is ref:
                _INDEXES.pop(key, None)

        _INDEXES[key] = (weakref.ref(policy, drop), idx)
        return idx


@lru_cache(maxsize=4)
def _load_heads(path: str) -> HeadSet:
    return HeadSet.load(Path(path))


@dataclass(frozen=True)
class _Stage1:
    """The lexical stage's result for one text (shared with the examples detector via ctx.memo)."""

    text: str
    #: the hashed n-grams of the batch the text came in, and the text's row in it (a row is sliced
    #: out only when needed: one scipy row slice cost ~70 us, more than the rest of this stage)
    batch_x: Any
    row: int
    lex_p: dict[str, float]
    overlap: float
    #: close to the pack's examples (:meth:`ExampleIndex.near`): never settled, and example-matched
    near_example: bool
    settled: bool
    #: the full heads' probabilities and the nearest category, when computed for the whole batch
    full_p: dict[str, float] | None = None
    nearest: tuple[str, float] | None = None
    #: categories whose out-of-scope examples the text is a near-copy of (ExampleIndex.out_of_scope_copies)
    out_of_scope: dict[str, tuple[float, str]] | None = None

    @property
    def x(self) -> Any:
        """The text's hashed n-grams, a one-row sparse matrix."""
        return self.batch_x[self.row]


def below_bands(policy: PolicyPack) -> dict[str, float]:
    """Per category, just below its lowest band: where a held model score is put."""
    return {c.id: c.held_score() for c in policy.categories}


@dataclass(frozen=True, slots=True)
class Hold:
    """A ``holds_models`` exception that matched: its id, and the score the models are held at."""

    exception: str
    at: float


class _EncoderTier:
    """What both ML detectors share: the pack, the encoder, the pack's example index, and warm-up."""

    kinds: frozenset[ItemKind] | None = None
    categories: frozenset[str] | None = None
    policy: PolicyPack
    encoder: TextEncoder
    _index: ExampleIndex | None = None

    @property
    def index(self) -> ExampleIndex:
        if self._index is None:
            self._index = example_index(self.policy, self.encoder)
        return self._index

    @cached_property
    def _holding_exceptions(self) -> tuple[tuple[str, Hold, re.Pattern[str]], ...]:
        """``(category, hold, pattern)`` for the pack's exceptions with ``holds_models``."""
        return tuple(
            (c.id, Hold(e.id, c.held_score(e)), re.compile(e.regex, re.IGNORECASE))
            for c in self.policy.categories
            for e in c.signals.exceptions
            if e.holds_models
        )

    @cached_property
    def _holding_prefilter(self) -> Prefilter:
        """Which holding exceptions a text can match at all (most texts match none of them)."""
        return Prefilter([rx for _, _, rx in self._holding_exceptions])

    def held_by_exceptions(self, text: str) -> dict[str, Hold]:
        """The categories whose ``holds_models`` exceptions match this normalised text, each with the
        first such exception: their model scores are held at its :attr:`Hold.at`."""
        held: dict[str, Hold] = {}
        can = self._holding_prefilter.candidates(text)
        if not can:
            return held
        for i, (cid, hold, rx) in enumerate(self._holding_exceptions):
            if i in can and cid not in held and rx.search(text):
                held[cid] = hold
        return held

    def warm_up(self) -> None:
        """Load the encoder and embed the pack's examples now rather than on the first item."""
        self.encoder.encode(["warm up"])
        self.index.embeddings()


def _rule_category(
    prior: Sequence[Signal], nearest: str, head_p: Mapping[str, float], closed: frozenset[str] = frozenset()
) -> str | None:
    """The category the violating head goes to instead of ``nearest`` (the nearest examples' pick):
    the one with the strongest rules signal at or above :data:`RULE_ATTRIBUTION_SCORE`, when that is
    another category and nothing but the examples supports ``nearest``; else None. A rule of a
    ``closed`` category (``violating_head: false``) names none."""
    ruled = max(
        (
            s
            for s in prior
            if s.detector == "rules" and s.score >= RULE_ATTRIBUTION_SCORE and s.category not in closed
        ),
        key=lambda s: s.score,
        default=None,
    )
    if ruled is None or ruled.category == nearest:
        return None
    if head_p.get(nearest, 0.0) >= UNSUPPORTED_SCORE:
        return None
    if any(s.category == nearest and s.score >= UNSUPPORTED_SCORE for s in prior):
        return None
    return ruled.category


class ClassifierDetector(_EncoderTier):
    name = "classifier"
    cost = 10

    def __init__(
        self,
        policy: PolicyPack,
        *,
        heads: HeadSet | None = None,
        encoder: TextEncoder | None = None,
        multilingual_encoder: TextEncoder | None = None,
        settle: float = 0.12,
        hold_requests: bool = True,
    ) -> None:
        self.policy = policy
        self.hold_requests = hold_requests
        if heads is None:
            from watchkeeper.settings import load_settings

            path = load_settings().heads_path or DEFAULT_ARTIFACT
            if not path.is_file():
                raise FileNotFoundError(f"no trained text heads at {path}; run 'watchkeeper train'")
            heads = _load_heads(str(path))
        self.heads = heads
        self.encoder = encoder or shared_encoder()
        if self.heads.full and self.heads.encoder != feature_name(self.encoder):
            raise ValueError(
                f"the text heads were trained on {self.heads.encoder!r} embeddings but the encoder "
                f"gives {feature_name(self.encoder)!r}: set WATCHKEEPER_ENCODER_PRECISION to match, "
                "or retrain"
            )
        self.settle = settle
        ids = set(policy.category_ids())
        self._ml_heads = {n: h for n, h in self.heads.multilingual.items() if n in ids}
        self.languages = frozenset(self.heads.languages) if self._ml_heads else frozenset()
        self._ml_encoder = multilingual_encoder
        if (
            self._ml_heads
            and multilingual_encoder is not None
            and multilingual_encoder.name != self.heads.multilingual_encoder
        ):
            raise ValueError(
                f"the heads' multilingual part was trained on {self.heads.multilingual_encoder!r}, "
                f"not {multilingual_encoder.name!r}"
            )
        self._cat_heads = [h for h in self.heads.full if h in ids]
        self._closed_to_violating = frozenset(c.id for c in policy.categories if not c.violating_head)
        #: per category, just below its lowest band: where a near-copy of an out-of-scope example is held
        self._below_bands = below_bands(policy)
        # the lexical heads as one matrix: stage 1 is a single sparse product per batch
        lex = list(self.heads.lexical.values())
        self._lex_names = [h.name for h in lex]
        self._lex_w = np.stack([h.lex for h in lex], axis=1) if lex else np.zeros((0, 0), dtype=np.float32)
        self._lex_bias = np.array([h.bias for h in lex], dtype=np.float32)
        self._lex_a = np.array([h.platt_a for h in lex], dtype=np.float32)
        self._lex_b = np.array([h.platt_b for h in lex], dtype=np.float32)

    @property
    def multilingual_encoder(self) -> TextEncoder:
        if self._ml_encoder is None:
            self._ml_encoder = shared_multilingual_encoder()
        return self._ml_encoder

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        out: list[Signal] = []
        for field_name, raw in item.texts():
            status, reason = _judged(ctx, field_name, raw, item.language, self.languages)
            if status == "skip":
                continue
            if status == "multilingual":
                out.extend(self._score_multilingual(field_name, raw, str(reason), ctx))
                continue
            if status == "unverified":
                out.extend(
                    Signal.unverified(self.name, f"{field_name}: {reason}", category=c)
                    for c in self.policy.category_ids()
                )
                continue
            out.extend(self._score(field_name, ctx.normalized(field_name, raw).text, ctx))
        return _max_per_category(out)

    def ready(self, item: Item, ctx: DetectContext) -> bool:
        """True when every text of the item is answered without a model call: settled or scored by
        the batch prefetch, cached by the multilingual encoder, or not judged (skipped, unverified)."""
        for field_name, raw in item.texts():
            status = _judged(ctx, field_name, raw, item.language, self.languages)[0]
            if status == "ok":
                stage = ctx.memo.get(f"classifier:{field_name}")
                if not isinstance(stage, _Stage1) or stage.text != ctx.normalized(field_name, raw).text:
                    return False
                if not stage.settled and stage.full_p is None:
                    return False
            elif status == "multilingual" and not _cached(self.multilingual_encoder, multilingual_input(raw)):
                return False
        return True

    def prefetch(self, items: list[Item], contexts: list[DetectContext]) -> None:
        """Stage 1 for the whole batch at once, then one encoder call for every text it does not settle."""
        keys: list[tuple[DetectContext, str, str]] = []
        foreign: list[str] = []
        for item, ctx in zip(items, contexts, strict=True):
            for field_name, raw in item.texts():
                status = _judged(ctx, field_name, raw, item.language, self.languages)[0]
                if status == "ok":
                    keys.append((ctx, field_name, ctx.normalized(field_name, raw).text))
                elif status == "multilingual":
                    foreign.append(multilingual_input(raw))
        if foreign:
            self.multilingual_encoder.encode(foreign)
        if not keys:
            return
        x_all = lexical_features([text for _, _, text in keys])
        stages = self._stage1_batch(x_all, [t for _, _, t in keys])
        open_rows = [i for i, st in enumerate(stages) if not st.settled]
        if open_rows:
            # stage 2 for the whole batch: one encoder call, one product per head, one for attribution
            texts = [stages[i].text for i in open_rows]
            feats = head_features(self.encoder, texts)
            x_open = x_all[open_rows] if len(open_rows) < len(stages) else x_all
            emb = np.ascontiguousarray(feats[:, : self.encoder.dim])
            full = self.heads.full_proba(x_open, feats, emb)
            attributed = VIOLATING in full
            cats, sims = self.index.nearest_categories(emb, full) if attributed else ([], np.zeros(0))
            oos = self.index.out_of_scope_copies(emb)
            for j, i in enumerate(open_rows):
                full_p = {n: float(p[j]) for n, p in full.items()}
                nearest = (cats[j], float(sims[j])) if attributed else None
                stages[i] = dataclasses.replace(
                    stages[i], full_p=full_p, nearest=nearest, out_of_scope=oos[j]
                )
        for (ctx, field_name, _), stage in zip(keys, stages, strict=True):
            ctx.memo[f"classifier:{field_name}"] = stage

    def _stage1(self, ctx: DetectContext, field_name: str, text: str) -> _Stage1:
        stage = ctx.memo.get(f"classifier:{field_name}")
        if not isinstance(stage, _Stage1) or stage.text != text:
            stage = self._stage1_batch(lexical_features([text]), [text])[0]
            ctx.memo[f"classifier:{field_name}"] = stage
        return stage

    def _stage1_batch(self, x: Any, texts: list[str]) -> list[_Stage1]:
        z = lexical_scores(x, self._lex_w) + self._lex_bias
        p = expit(self._lex_a * z + self._lex_b)
        overlaps = self.index.lexical_overlaps(x)
        out: list[_Stage1] = []
        for row, text in enumerate(texts):
            lex_p = {n: float(v) for n, v in zip(self._lex_names, p[row], strict=True)}
            overlap = float(overlaps[row])
            near = self.index.near(text, overlap)
            settled = (
                max(lex_p.values(), default=0.0) < self.settle
                and not near
                and not (self.hold_requests and REQUEST_FORM.match(text))
            )
            out.append(_Stage1(text, x, row, lex_p, overlap, near, settled))
        return out

    def _score(self, field_name: str, text: str, ctx: DetectContext) -> list[Signal]:
        stage = self._stage1(ctx, field_name, text)
        x, lex_p = stage.x, stage.lex_p
        if stage.settled:
            note = "settled by the lexical stage"
            return [
                Signal.ok(self.name, n, p, [Evidence(field=field_name, note=note)], rule="lexical")
                for n, p in lex_p.items()
                if n in self._cat_heads
            ]
        if stage.full_p is not None:
            full_p, nearest, oos = stage.full_p, stage.nearest, stage.out_of_scope or {}
        else:
            feats = head_features(self.encoder, [text])
            emb_row = np.ascontiguousarray(feats[:, : self.encoder.dim])
            full_p = {n: float(p[0]) for n, p in self.heads.full_proba(x, feats, emb_row).items()}
            nearest = self.index.nearest_category(emb_row[0], full_p) if VIOLATING in full_p else None
            oos = self.index.out_of_scope_copies(emb_row)[0]
        held = self.held_by_exceptions(text)
        out = [
            self._head_signal(field_name, n, full_p[n], "category head", oos, held) for n in self._cat_heads
        ]
        p_any = full_p.get(VIOLATING)
        if p_any is not None and nearest is not None:
            cat, sim = nearest
            ruled = _rule_category(ctx.prior, cat, full_p, self._closed_to_violating)
            if ruled is not None:
                score = p_any
                note = (
                    f"violating head {p_any:.2f}, attributed to the category a rule found "
                    f"(the nearest examples' category, {cat}, has no other evidence)"
                )
                out.append(self._head_signal(field_name, ruled, score, note, oos, held, head=VIOLATING))
            elif cat:
                # a category whose examples the item barely resembles is a weak attribution: discount
                score = p_any * min(1.0, max(sim, 0.0) / ATTRIBUTION_SIMILARITY)
                note = f"violating head {p_any:.2f}, attributed by nearest policy examples (cosine {sim:.2f})"
                out.append(self._head_signal(field_name, cat, score, note, oos, held, head=VIOLATING))
        return out

    def _head_signal(
        self,
        field_name: str,
        category: str,
        score: float,
        note: str,
        out_of_scope: dict[str, tuple[float, str]],
        held: dict[str, Hold],
        *,
        head: str | None = None,
    ) -> Signal:
        """A head's signal for ``category``. A near-copy of one of the category's out-of-scope examples,
        or a text one of its ``holds_models`` exceptions matches, is held below the category's lowest
        band (an exception's ``hold_below`` band, if it names one): the pack's own example or context
        outranks the model's guess, so a policy manager can clear a false positive by adding a
        negative example or an exception, with no retraining."""
        cap = self._below_bands[category]
        copy = out_of_scope.get(category)
        hold = held.get(category)
        if hold is not None and score > hold.at:
            note += (
                f"; held at {hold.at:.2f} from {score:.2f}: out-of-scope context "
                f"(exception {hold.exception!r})"
            )
            score = hold.at
        if score > cap and copy is not None:
            sim, example = copy
            note += (
                f"; held at {cap:.2f} from {score:.2f}: a near-copy ({sim:.2f}) of out-of-scope "
                f"example {example!r}"
            )
            score = cap
        ev = [Evidence(field=field_name, note=note)]
        return Signal.ok(self.name, category, score, ev, rule=f"head:{head or category}")

    def _score_multilingual(
        self, field_name: str, raw: str, language: str, ctx: DetectContext
    ) -> list[Signal]:
        """The multilingual heads' categories are scored; the others cannot be judged in this language."""
        text = ctx.normalized(field_name, raw).text
        emb = self.multilingual_encoder.encode([multilingual_input(raw)])
        x = lexical_features([text])
        out: list[Signal] = []
        for cid in self.policy.category_ids():
            head = self._ml_heads.get(cid)
            if head is None:
                judged = ", ".join(sorted(self._ml_heads))
                note = f"{field_name}: language {language!r} is judged for {judged} only"
                out.append(Signal.unverified(self.name, note, category=cid))
                continue
            note = f"multilingual head ({language})"
            p = float(head.proba(x, emb)[0])
            ev = [Evidence(field=field_name, note=note)]
            out.append(Signal.ok(self.name, cid, p, ev, rule=f"multilingual:{cid}"))
        return out


def _cached(encoder: TextEncoder, text: str) -> bool:
    """Whether ``encoder`` would answer ``text`` from its cache (False when it cannot say)."""
    check = getattr(encoder, "cached", None)
    return bool(check(text)) if callable(check) else False


def _max_per_category(signals: list[Signal]) -> list[Signal]:
    """One signal per (category, status): the strongest, so evidence stays readable."""
    best: dict[tuple[str, str], Signal] = {}
    for s in signals:
        key = (s.category, s.status.value)
        if key not in best or s.score > best[key].score:
            best[key] = s
    return list(best.values())


class ExampleMatchDetector(_EncoderTier):
    """Similarity to the pack's positive vs negative examples, per category.

    Scores run from 0.5 at cosine ``floor`` to ``cap`` at cosine ``full``. The cap (0.85) keeps
    example similarity alone below the usual removal bands: examples illustrate the policy, they are
    not a ban list, so a near-copy of one is routed to review or limited rather than removed unless
    another tier agrees."""

    name = "examples"
    cost = 11

    def __init__(
        self,
        policy: PolicyPack,
        *,
        encoder: TextEncoder | None = None,
        floor: float = 0.6,
        full: float = 0.9,
        cap: float = 0.85,
    ) -> None:
        self.policy = policy
        self.encoder = encoder or shared_encoder()
        self.floor = floor
        self.full = full
        self.cap = cap

    def _needs_embedding(self, field_name: str, text: str, ctx: DetectContext) -> bool:
        """Only pay for an embedding when the text is near an example lexically
        (:meth:`ExampleIndex.near`) or the classifier already embedded it (its full heads ran)."""
        stage = ctx.memo.get(f"classifier:{field_name}")
        near = (
            stage.near_example
            if isinstance(stage, _Stage1) and stage.text == text
            else self.index.near(text, self.index.lexical_overlap(lexical_features([text])))
        )
        return near or any(
            s.detector == "classifier" and s.rule and s.rule.startswith("head:") for s in ctx.prior
        )

    def ready(self, item: Item, ctx: DetectContext) -> bool:
        """True when no text of the item needs an embedding that is not already cached."""
        for field_name, raw in item.texts():
            if _judged(ctx, field_name, raw, item.language, frozenset())[0] != "ok":
                continue
            text = ctx.normalized(field_name, raw).text
            if self._needs_embedding(field_name, text, ctx) and not (
                self.index.embedded and _cached(self.encoder, text)
            ):
                return False
        return True

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        out: list[Signal] = []
        for field_name, raw in item.texts():
            if _judged(ctx, field_name, raw, item.language, frozenset())[0] != "ok":
                continue
            text = ctx.normalized(field_name, raw).text
            if not self._needs_embedding(field_name, text, ctx):
                continue
            emb = self.encoder.encode([text])[0]
            pos_emb, neg_emb = self.index.embeddings()
            held = self.held_by_exceptions(text)
            for cid, pos, neg, texts in zip(
                self.index.categories, pos_emb, neg_emb, self.index.pos_text, strict=True
            ):
                sims = pos @ emb
                i = int(sims.argmax())
                p = float(sims[i])
                if p < self.floor:
                    continue
                n = float((neg @ emb).max()) if len(neg) else -1.0
                score = min(self.cap, 0.5 + (self.cap - 0.5) * (p - self.floor) / (self.full - self.floor))
                if n >= p:
                    score *= 0.5  # closer to an out-of-scope example
                note = f"similar ({p:.2f}) to policy example {texts[i]!r}" + (
                    f"; but {n:.2f} to a negative example" if n >= p else ""
                )
                hold = held.get(cid)
                if hold is not None and score > hold.at:
                    note += f"; held at {hold.at:.2f}: out-of-scope context (exception {hold.exception!r})"
                    score = hold.at
                out.append(
                    Signal.ok(
                        self.name,
                        cid,
                        round(score, 4),
                        [Evidence(field=field_name, note=note)],
                        rule="example",
                    )
                )
        return _max_per_category(out)
