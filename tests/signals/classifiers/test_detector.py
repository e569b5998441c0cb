from __future__ import annotations

import re
import weakref
from typing import Any

import pytest

from tests.helpers import HashEncoder, category, make_pack
from tests.signals.classifiers.test_training import synthetic_rows
from watchkeeper.decide import decide
from watchkeeper.signals import Cascade, DetectContext
from watchkeeper.signals.classifiers.detector import (
    ClassifierDetector,
    ExampleMatchDetector,
    Hold,
    judgeability,
)
from watchkeeper.signals.classifiers.training import TrainConfig, train_heads
from watchkeeper.types import Action, DetectorStatus, Item, Signal, Verdict

PACK = make_pack(
    category(
        "hate",
        examples={
            "positive": ["you are vermin", "they are vermin and rats"],
            "negative": ["vermin control service"],
        },
    ),
    category(
        "violence",
        examples={"positive": ["i will hurt you", "burn them all"], "negative": ["burn the calories"]},
    ),
)
HEADS = train_heads(synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5))


def run(det: ClassifierDetector | ExampleMatchDetector, text: str, **kw: object) -> list:  # type: ignore[type-arg]
    item = Item(id="t", text=text, **kw)  # type: ignore[arg-type]
    return det.detect(item, DetectContext(policy=PACK, item=item))


def test_clear_text_is_settled_without_the_encoder() -> None:
    enc = HashEncoder()
    det = ClassifierDetector(PACK, heads=HEADS, encoder=enc)
    signals = run(det, "lovely weather today friends")
    assert enc.calls == 0
    assert signals and all(s.rule == "lexical" for s in signals)
    assert max(s.score for s in signals) < 0.2


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("How can I get rid of the weather today friends?", True),
        ("write me a lovely poem about the weather today", True),
        ("Please help me with the weather today friends", True),
        ("lovely weather today friends", False),
        ("what a lovely weather today friends", False),  # an exclamation, not a question
        ("who else is here for the weather today", False),
    ],
)
def test_a_request_is_never_settled_by_the_lexical_stage(text: str, held: bool) -> None:
    """Questions and instructions to an assistant go to the full heads, however low their n-gram
    scores (settle is set high so only the form can stop it); ordinary comments are settled."""
    enc = HashEncoder()
    det = ClassifierDetector(PACK, heads=HEADS, encoder=enc, settle=0.9)
    signals = run(det, text)
    assert (enc.calls > 0) is held
    assert all(s.rule != "lexical" for s in signals) is held
    off = HashEncoder()
    run(ClassifierDetector(PACK, heads=HEADS, encoder=off, settle=0.9, hold_requests=False), text)
    assert off.calls == 0


def test_uncertain_or_bad_text_goes_to_the_full_heads() -> None:
    enc = HashEncoder()
    det = ClassifierDetector(PACK, heads=HEADS, encoder=enc)
    signals = run(det, "you are vermin lol")
    assert enc.calls >= 1
    rules = {s.rule for s in signals}
    assert "head:hate" in rules or "head:violating" in rules
    hate = max(s.score for s in signals if s.category == "hate")
    assert hate > 0.8


def test_violating_head_is_attributed_to_the_nearest_policy_category() -> None:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    signals = run(det, "i will hurt you again")
    top = max(signals, key=lambda s: s.score)
    assert top.category == "violence"
    assert top.rule == "head:violating"
    assert "nearest policy examples" in (top.evidence[0].note or "")


def test_a_category_head_can_move_the_attribution_to_its_category() -> None:
    """The violating head goes to the category with the highest cosine to its positive examples plus
    ATTRIBUTION_HEAD_WEIGHT times the category's own head probability: a category whose head agrees
    wins over one whose examples are a little closer, and the cosine reported is the winner's own."""
    import numpy as np

    from watchkeeper.signals.classifiers.detector import ATTRIBUTION_HEAD_WEIGHT, ExampleIndex

    enc = HashEncoder()
    index = ExampleIndex(PACK, enc)
    emb = enc.encode(["they will hurt the vermin", "they are vermin and rats"])
    pos = index.embeddings()[0]
    sims = {c: (emb @ p.T).max(axis=1) for c, p in zip(index.categories, pos, strict=True)}
    assert sims["hate"][0] > sims["violence"][0] > sims["hate"][0] - ATTRIBUTION_HEAD_WEIGHT
    cats, cos = index.nearest_categories(emb)
    assert cats == ["hate", "hate"]
    agree = {"violence": np.array([0.9, 0.9]), "hate": np.array([0.05, 0.05])}
    cats, cos = index.nearest_categories(emb, agree)
    assert cats[0] == "violence" and cos[0] == pytest.approx(sims["violence"][0])
    assert cats[1] == "hate"  # a copy of a hate example: too far ahead for the head to overturn
    # a category with no head probability given is not raised, and neither is a head at 0
    assert index.nearest_categories(emb, {"hate": np.array([0.0, 0.0])})[0] == ["hate", "hate"]
    assert index.nearest_category(emb[0], {"violence": 0.9, "hate": 0.05})[0] == "violence"


def _attributed(text: str, prior: list[Signal]) -> list[tuple[str, str | None]]:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    item = Item(id="t", text=text)
    signals = det.detect(item, DetectContext(policy=PACK, item=item, prior=prior))
    return [(s.category, s.rule) for s in signals if s.rule == "head:violating"]


def test_a_rule_moves_the_attribution_from_a_category_nothing_else_supports() -> None:
    """The nearest examples say violence, and violence has no head here: a rules signal for hate at
    or above RULE_ATTRIBUTION_SCORE takes the violating head; a weaker one does not, and neither does
    a strong one when anything else already scores violence."""
    text = "i will hurt you again"
    assert _attributed(text, []) == [("violence", "head:violating")]
    strong = Signal.ok("rules", "hate", 0.8, rule="term:x")
    assert _attributed(text, [strong]) == [("hate", "head:violating")]
    assert _attributed(text, [Signal.ok("rules", "hate", 0.5, rule="term:x")]) == [
        ("violence", "head:violating")
    ]
    # another detector than the rules does not count, however strong
    assert _attributed(text, [Signal.ok("linkscan", "hate", 0.9)]) == [("violence", "head:violating")]
    supported = Signal.ok("linkscan", "violence", 0.35)
    assert _attributed(text, [strong, supported]) == [("violence", "head:violating")]


def test_the_rule_attribution_names_both_categories_and_keeps_the_head_score() -> None:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    item = Item(id="t", text="i will hurt you again")
    plain = det.detect(item, DetectContext(policy=PACK, item=item))
    ruled = det.detect(item, DetectContext(policy=PACK, item=item, prior=[Signal.ok("rules", "hate", 0.9)]))
    before = next(s for s in plain if s.rule == "head:violating")
    after = next(s for s in ruled if s.rule == "head:violating")
    assert after.category == "hate"
    assert after.score == pytest.approx(before.score)
    assert "a rule found" in (after.evidence[0].note or "") and "violence" in (after.evidence[0].note or "")


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("Je vais te tuer demain matin, espèce d'ordure", None, "language 'fr'"),
        ("Ich hasse alle Ausländer, sie sollen verschwinden", None, "language 'de'"),
        ("this one says it is English but declared Polish", "pl", "language 'pl'"),
        ("ok", None, "too short"),
    ],
)
def test_text_the_model_cannot_judge_is_unverified(text: str, lang: str | None, reason: str) -> None:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    signals = run(det, text, language=lang)
    assert signals and {s.status for s in signals} == {DetectorStatus.UNVERIFIED}
    assert reason in (signals[0].message or "")
    # and the policy routes it to a person, never a confident "safe"
    d = decide(PACK, Item(id="t", text=text), signals)
    assert d.actions == (Action.ESCALATE_TO_REVIEW,)
    assert {v.verdict for v in d.verdicts} == {Verdict.UNCERTAIN}


def test_emoji_only_is_skipped_not_unverified() -> None:
    assert judgeability("😂😂🔥", None)[0] == "skip"
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    assert run(det, "😂😂🔥") == []


def test_example_matching_scores_similar_text() -> None:
    enc = HashEncoder()
    det = ExampleMatchDetector(PACK, encoder=enc, floor=0.5)
    signals = run(det, "they are vermin and rats")
    assert signals[0].category == "hate"
    assert signals[0].score == 0.85  # capped: examples alone stay below removal bands
    assert "policy example" in (signals[0].evidence[0].note or "")
    assert run(det, "lovely weather today") == []


def test_closer_to_a_negative_example_scores_lower() -> None:
    det = ExampleMatchDetector(PACK, encoder=HashEncoder(), floor=0.2)
    (s,) = [x for x in run(det, "vermin control service today") if x.category == "hate"]
    assert s.score < 0.5
    assert "negative example" in (s.evidence[0].note or "")


def test_in_the_cascade_with_rules_first() -> None:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    with Cascade(PACK, [det]) as cascade:
        d = cascade.moderate(Item(id="c", text="you are vermin and rats"))
    assert d.verdict_for("hate").verdict is Verdict.VIOLATING  # type: ignore[union-attr]


def test_heads_refuse_an_encoder_they_were_not_trained_on() -> None:
    class Other(HashEncoder):
        name = "all-MiniLM-L6-v2"

    with pytest.raises(ValueError, match="trained on 'hash-encoder' embeddings"):
        ClassifierDetector(PACK, heads=HEADS, encoder=Other())


def batch_matches_alone(det: ClassifierDetector, texts: list[str], tol: float = 1e-6) -> list[list[Signal]]:
    """The signals for ``texts`` scored as one prefetched batch equal those scored one at a time
    (up to float rounding); returns the latter."""
    items = [Item(id=str(i), text=t) for i, t in enumerate(texts)]
    contexts = [DetectContext(policy=PACK, item=it) for it in items]
    det.prefetch(items, contexts)
    batched = [det.detect(it, ctx) for it, ctx in zip(items, contexts, strict=True)]
    alone = [run(det, t) for t in texts]
    for b, a in zip(batched, alone, strict=True):
        assert [(s.category, s.rule) for s in b] == [(s.category, s.rule) for s in a]
        assert [s.score for s in b] == pytest.approx([s.score for s in a], abs=tol)
    return alone


class Wider(HashEncoder):
    """Head features wider than the sentence embedding (as MiniLM's with an extra layer's mean)."""

    feature_name = "hash-encoder+squared"
    feature_dim = 128

    def features(self, texts: Any) -> Any:
        import numpy as np

        e = self.encode(texts)
        return np.hstack([e, e * e])


def test_heads_trained_on_wider_features_read_them_and_attribute_by_the_embedding() -> None:
    """The artifact records the features; the heads read all of them, in the batch path and one
    item at a time alike, while attribution to a category reads the sentence embedding only."""
    import numpy as np

    heads = train_heads(synthetic_rows(), Wider(), config=TrainConfig(seed=1, min_positives=5))
    assert heads.encoder == "hash-encoder+squared"
    assert {h.emb.shape for h in heads.full.values() if h.emb is not None} == {(128,)}
    assert np.abs(heads.full["violating"].emb[64:]).sum() > 0  # type: ignore[index]
    det = ClassifierDetector(PACK, heads=heads, encoder=Wider())
    alone = batch_matches_alone(det, ["i will hurt you again", "you are vermin lol"])
    top = max(alone[0], key=lambda s: s.score)
    assert top.category == "violence" and top.rule == "head:violating"
    with pytest.raises(ValueError, match="trained on 'hash-encoder\\+squared'"):
        ClassifierDetector(PACK, heads=heads, encoder=HashEncoder())


def test_heads_refuse_an_encoder_with_other_features() -> None:
    """Same sentence encoder, other head features (another extra layer): refused, not misread."""
    with pytest.raises(ValueError, match="gives 'hash-encoder\\+squared'"):
        ClassifierDetector(PACK, heads=HEADS, encoder=Wider())


def test_the_features_start_with_the_sentence_embedding_and_share_its_cache() -> None:
    """``encode`` is the first ``dim`` columns of ``features``; one model call serves both."""
    import numpy as np

    from watchkeeper.signals.classifiers.encoder import MiniLMEncoder

    class Counting(MiniLMEncoder):
        calls = 0

        def _embed(self, texts: list[str]) -> Any:
            Counting.calls += len(texts)
            base = np.arange(len(texts) * self.width, dtype=np.float32).reshape(len(texts), -1)
            return base + np.array([len(t) for t in texts], dtype=np.float32)[:, None]

    enc = Counting()
    assert (enc.dim, enc.feature_dim) == (384, 768)
    assert enc.feature_name == "all-MiniLM-L6-v2+int8-rowwise-packed+mean-layer4"
    feats = enc.features(["one", "three"])
    emb = enc.encode(["three", "one"])
    assert feats.shape == (2, 768) and emb.shape == (2, 384)
    assert np.array_equal(emb, feats[::-1, :384])
    assert Counting.calls == 2  # the second call came from the cache
    plain = MiniLMEncoder(extra_layers=())
    assert (plain.feature_name, plain.feature_dim) == (plain.name, 384)


def test_encoder_precision_is_part_of_its_name() -> None:
    from watchkeeper.signals.classifiers.encoder import MiniLMEncoder

    assert MiniLMEncoder(precision="int8").name == "all-MiniLM-L6-v2+int8-rowwise-packed"
    assert MiniLMEncoder(precision="fp32").name == "all-MiniLM-L6-v2"
    with pytest.raises(ValueError, match="precision"):
        MiniLMEncoder(precision="fp16")


def test_ready_only_once_the_batch_is_prefetched() -> None:
    enc = HashEncoder()
    det = ClassifierDetector(PACK, heads=HEADS, encoder=enc)
    items = [Item(id="a", text="you are vermin lol"), Item(id="b", text="lovely weather today friends")]
    contexts = [DetectContext(policy=PACK, item=it) for it in items]
    assert not det.ready(items[0], contexts[0])
    det.prefetch(items, contexts)
    assert all(det.ready(it, ctx) for it, ctx in zip(items, contexts, strict=True))
    calls = enc.calls
    det.detect(items[0], contexts[0])
    assert enc.calls == calls  # answered from the prefetch


def test_text_no_model_judges_is_ready_without_a_prefetch() -> None:
    det = ClassifierDetector(PACK, heads=HEADS, encoder=HashEncoder())
    item = Item(id="x", text="bonjour tout le monde", language="fr")
    assert det.ready(item, DetectContext(policy=PACK, item=item))


def test_example_matcher_is_ready_when_it_needs_no_new_embedding() -> None:
    det = ExampleMatchDetector(PACK, encoder=HashEncoder())
    far = Item(id="f", text="lovely weather today friends")
    near = Item(id="n", text="such vermin everywhere")
    assert det.ready(far, DetectContext(policy=PACK, item=far))
    assert not det.ready(near, DetectContext(policy=PACK, item=near))  # HashEncoder has no cache


def test_rare_example_words_keep_an_item_from_being_settled() -> None:
    """An example's own rare word (new slang) sends items that use it to the encoder, however
    little else they share with the example; common words alone do not."""
    from watchkeeper.signals.classifiers.detector import EXAMPLE_LEXICAL_OVERLAP, rare_words

    assert rare_words(["go touch grass you absolute skibidi glorp"]) == {"skibidi", "glorp"}
    text = "at the council meeting downtown my neighbour kept calling the new guy a zorblax"

    def stage_for(examples: list[str]) -> Any:
        pack = make_pack(category("hate", examples={"positive": examples, "negative": []}))
        # a settle threshold well above this text's lexical scores: only the examples can stop it
        det = ClassifierDetector(pack, heads=HEADS, encoder=HashEncoder(), settle=0.5)
        item = Item(id="z", text=text)
        ctx = DetectContext(policy=pack, item=item)
        return det._stage1(ctx, "text", ctx.normalized("text", text).text)

    before = stage_for(["they are rats"])
    after = stage_for(["they are rats", "they are all zorblax"])
    assert before.settled and not before.near_example
    assert after.overlap < EXAMPLE_LEXICAL_OVERLAP
    assert after.near_example and not after.settled


def test_a_reloaded_pack_never_inherits_a_collected_packs_example_index() -> None:
    """The index cache is keyed by ``id(pack)``; CPython reuses a collected object's id, so a pack
    loaded after another was dropped must still get its own examples (this once failed in CI)."""
    import gc

    from watchkeeper.signals.classifiers import detector as mod

    enc = HashEncoder()
    old = make_pack(category("hate", examples={"positive": ["they are rats"], "negative": []}))
    old_idx = mod.example_index(old, enc)
    key = (id(old), enc.name)
    assert mod._INDEXES[key][1] is old_idx
    del old
    gc.collect()
    assert key not in mod._INDEXES  # dropped with its pack

    new = make_pack(category("hate", examples={"positive": ["they are all zorblax"], "negative": []}))
    # simulate the id collision: plant a stale entry under the new pack's id
    dead = make_pack(category("hate", examples={"positive": ["they are rats"], "negative": []}))
    stale = mod.ExampleIndex(dead, enc)
    mod._INDEXES[(id(new), enc.name)] = (weakref.ref(dead), stale)
    idx = mod.example_index(new, enc)
    assert idx is not stale and idx.rare_words == {"zorblax"}
    assert mod.example_index(new, enc) is idx  # and it is cached from then on


def test_a_batch_decides_as_one_by_one_does() -> None:
    """``Engine.moderate`` runs a batch of one; a batch (prefetched, detectors in line) must give the
    same decisions as the cascade item by item (detectors in its worker pool)."""
    enc = HashEncoder()
    detectors = [ClassifierDetector(PACK, heads=HEADS, encoder=enc), ExampleMatchDetector(PACK, encoder=enc)]
    texts = [
        "you are vermin lol",
        "lovely weather today friends",
        "i will hurt you again",
        "burn the calories",
    ]
    items = [Item(id=str(i), text=t) for i, t in enumerate(texts)]
    with Cascade(PACK, detectors) as cascade:
        one_by_one = [cascade.moderate(it) for it in items]
        batch = cascade.moderate_many(items)
    for a, b in zip(one_by_one, batch, strict=True):
        assert a.flagged == b.flagged
        assert [(v.category, v.verdict, round(v.score, 6)) for v in a.verdicts] == [
            (v.category, v.verdict, round(v.score, 6)) for v in b.verdicts
        ]


def test_near_copies_of_a_negative_example_are_held_below_the_bands() -> None:
    """Only for the category whose negative example the text copies, only when it is closer to that
    example than to the category's positives, and never raised: a head below the cap keeps its score."""
    pack = make_pack(
        category(
            "hate",
            examples={
                "positive": ["they are vermin and should leave"],
                "negative": ["the vermin in my barn ate the grain"],
            },
        ),
        category("spam", examples={"positive": ["buy followers cheap"], "negative": []}),
    )
    det = ClassifierDetector(pack, heads=HEADS, encoder=HashEncoder())
    idx = det.index
    enc = HashEncoder()
    copies = idx.out_of_scope_copies(
        enc.encode(["the vermin in my barn ate the grain", "they are vermin and should leave"])
    )
    assert set(copies[0]) == {"hate"} and copies[0]["hate"][1] == "the vermin in my barn ate the grain"
    assert copies[1] == {}  # a copy of the positive example is not out of scope
    cap = det._below_bands["hate"]
    high = det._head_signal("text", "hate", 0.97, "category head", copies[0], {})
    assert high.score == cap and "held at" in (high.evidence[0].note or "")
    low = det._head_signal("text", "hate", 0.05, "category head", copies[0], {})
    assert low.score == 0.05
    other = det._head_signal("text", "spam", 0.97, "category head", copies[0], {})
    assert other.score == 0.97


def _barn_pack(holds_models: bool) -> Any:
    exception = {"id": "barn", "regex": r"\bin (?:my|the) barn\b", "scope": "text"}
    return make_pack(
        category(
            "hate",
            examples={"positive": ["you are vermin", "they are vermin and rats"], "negative": []},
            signals={"exceptions": [{**exception, "holds_models": holds_models}]},
        ),
        category("violence", examples={"positive": ["i will hurt you"], "negative": []}),
    )


@pytest.mark.parametrize("holds", [True, False])
def test_an_exception_that_holds_models_caps_the_heads_and_examples(holds: bool) -> None:
    """A text matched by one of a category's ``holds_models`` exceptions has that category's head and
    example scores held just below its lowest band, with the exception named; the same exception
    without ``holds_models`` leaves the models alone (it narrows the rules tier only)."""
    pack = _barn_pack(holds)
    clf = ClassifierDetector(pack, heads=HEADS, encoder=HashEncoder())
    ex = ExampleMatchDetector(pack, encoder=HashEncoder())
    text = "you are vermin in my barn so"
    item = Item(id="t", text=text)
    cap = clf._below_bands["hate"]
    head = max(
        (s for s in clf.detect(item, DetectContext(policy=pack, item=item)) if s.category == "hate"),
        key=lambda s: s.score,
    )
    example = [s for s in ex.detect(item, DetectContext(policy=pack, item=item)) if s.category == "hate"]
    assert example
    if holds:
        assert head.score == cap and "exception 'barn'" in (head.evidence[0].note or "")
        assert example[0].score == cap and "exception 'barn'" in (example[0].evidence[0].note or "")
        assert clf.held_by_exceptions("you are vermin in the barn") == {"hate": Hold("barn", cap)}
    else:
        assert head.score > cap and example[0].score > cap
        assert clf.held_by_exceptions(text) == {}
    # a text the exception does not match keeps its scores
    plain = Item(id="u", text="you are vermin so")
    kept = [s for s in clf.detect(plain, DetectContext(policy=pack, item=plain)) if s.category == "hate"]
    assert max(s.score for s in kept) > cap


def test_hold_below_holds_the_models_under_a_named_band_so_lower_bands_stay_reachable() -> None:
    """``hold_below: review`` puts a held score just below the review band (0.59 here) instead of
    below the lowest band (0.39), so the limit band under it still answers; a near-copy of a negative
    example is still held below the lowest band."""
    bands = [
        {"name": "remove", "min_score": 0.85, "actions": ["remove"]},
        {"name": "review", "min_score": 0.6, "actions": ["escalate_to_review"]},
        {"name": "limit", "min_score": 0.4, "actions": ["limit_reach"]},
    ]
    exception = {"id": "barn", "regex": r"\bin (?:my|the) barn\b", "scope": "text", "holds_models": True}
    pack = make_pack(
        category(
            "hate",
            bands=bands,
            examples={"positive": ["you are vermin", "they are vermin and rats"], "negative": []},
            signals={"exceptions": [{**exception, "hold_below": "review"}]},
        ),
        category("violence", examples={"positive": ["i will hurt you"], "negative": []}),
    )
    clf = ClassifierDetector(pack, heads=HEADS, encoder=HashEncoder())
    assert clf.held_by_exceptions("you are vermin in my barn") == {"hate": Hold("barn", 0.59)}
    item = Item(id="t", text="you are vermin in my barn so")
    with Cascade(pack, [clf]) as cascade:
        d = cascade.moderate(item)
    hate = max((s for s in d.signals if s.category == "hate"), key=lambda s: s.score)
    assert hate.score == pytest.approx(0.59) and "exception 'barn'" in (hate.evidence[0].note or "")
    assert [a.value for a in d.actions] == ["limit_reach"]
    assert pack.category("hate").held_score() == pytest.approx(0.39)


def test_hold_below_needs_holds_models_and_a_band_of_the_category(tmp_path: Any) -> None:
    from pathlib import Path

    import yaml

    from watchkeeper.errors import PolicyError
    from watchkeeper.policy import load_pack

    with pytest.raises(ValueError, match="hold_below needs holds_models"):
        category(
            "hate",
            signals={"exceptions": [{"id": "x", "regex": "barn", "scope": "text", "hold_below": "limit"}]},
        )
    root = Path(tmp_path)
    (root / "categories").mkdir()
    (root / "pack.yaml").write_text("name: t\nversion: '1'\ndescription: a test pack\n")
    cat = {
        "id": "hate",
        "title": "Hate",
        "severity": 3,
        "definition": "Attacks on people for who they are.",
        "in_scope": ["slurs"],
        "bands": [{"name": "review", "min_score": 0.6, "actions": ["escalate_to_review"]}],
        "signals": {
            "exceptions": [
                {"id": "barn", "regex": "barn", "scope": "text", "holds_models": True, "hold_below": "suport"}
            ]
        },
    }
    (root / "categories" / "hate.yaml").write_text(yaml.safe_dump(cat, sort_keys=False))
    with pytest.raises(PolicyError) as err:
        load_pack(root)
    text = str(err.value)
    assert re.search(r"hate\.yaml:\d+: exception 'barn' holds the models below unknown band 'suport'", text)
    assert "hate's bands: review" in text


def test_holds_models_needs_a_text_scoped_exception() -> None:
    with pytest.raises(ValueError, match="holds_models needs scope: text"):
        category(
            "hate",
            signals={"exceptions": [{"id": "x", "regex": "barn", "scope": "match", "holds_models": True}]},
        )


def test_a_category_closed_to_the_violating_head_is_never_attributed_it() -> None:
    """``violating_head: false`` (pack 2026.12.59): the category nearest by its examples, or named by
    its own rule, does not take the violating head; the next nearest category does."""
    import numpy as np

    from watchkeeper.signals.classifiers.detector import ExampleIndex, _rule_category

    closed = PACK.model_copy(
        update={
            "categories": tuple(
                c.model_copy(update={"violating_head": False}) if c.id == "hate" else c
                for c in PACK.categories
            )
        }
    )
    enc = HashEncoder()
    emb = enc.encode(["they will hurt the vermin", "they are vermin and rats"])
    assert ExampleIndex(PACK, enc).nearest_categories(emb)[0] == ["hate", "hate"]
    cats, cos = ExampleIndex(closed, enc).nearest_categories(emb)
    assert "hate" not in cats and all(c for c in cats)
    pos = ExampleIndex(closed, enc)
    sims = {c: (emb @ p.T).max(axis=1) for c, p in zip(pos.categories, pos.embeddings()[0], strict=True)}
    assert cos[0] == pytest.approx(max(v[0] for c, v in sims.items() if c != "hate"))
    assert "hate" in pos.categories  # its examples still make the example-matching signal
    assert np.isfinite(cos).all()
    rule = [Signal.ok("rules", "hate", 0.9, rule="pattern:x")]
    assert _rule_category(rule, "violence", {}) == "hate"
    assert _rule_category(rule, "violence", {}, frozenset({"hate"})) is None
