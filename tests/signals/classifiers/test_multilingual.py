"""The multilingual heads: trained from non-English rows (+ English twins), saved with the artifact, and
used for text in their languages; other categories stay unverified in those languages."""

from __future__ import annotations

import random
from pathlib import Path

from tests.helpers import HashEncoder, category, make_pack
from tests.signals.classifiers.test_training import synthetic_rows
from watchkeeper.decide import decide
from watchkeeper.signals import DetectContext
from watchkeeper.signals.classifiers.detector import ClassifierDetector, judgeability
from watchkeeper.signals.classifiers.heads import HeadSet
from watchkeeper.signals.classifiers.training import TrainConfig, TrainRow, train_heads
from watchkeeper.types import DetectorStatus, Item, Verdict

BAD_DE = ["ihr seid alle ungeziefer", "diese leute sind dreckige ratten", "solche menschen sind abschaum"]
GOOD_DE = ["schönes wetter heute", "tolles rezept, danke dir", "bis morgen beim training"]


class MultilingualHashEncoder(HashEncoder):
    name = "hash-multilingual"


def german_rows(n: int = 900, seed: int = 0) -> list[TrainRow]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        bad = rnd.random() < 0.5
        text = f"{rnd.choice(BAD_DE if bad else GOOD_DE)} {rnd.choice(['ja', 'also', 'heute', 'echt'])}"
        labels = {"hate": int(bad), "violating": int(bad)} | ({} if bad else {"__all_negative__": 1})
        rows.append(TrainRow(f"de:{i}", text, "mhc-like", labels, lang="de"))
    return rows


CONFIG = TrainConfig(seed=3, min_positives=5, min_language_rows=100, target_prior=None)
HEADS = train_heads(
    synthetic_rows() + german_rows(),
    HashEncoder(),
    config=CONFIG,
    multilingual_encoder=MultilingualHashEncoder(),
)
PACK = make_pack(
    category("hate", examples={"positive": ["you are vermin"], "negative": ["vermin control"]}),
    category("violence", examples={"positive": ["i will hurt you"], "negative": ["hurt my knee"]}),
)


def test_multilingual_heads_are_trained_only_for_labelled_categories_and_languages(tmp_path: Path) -> None:
    assert set(HEADS.multilingual) == {"hate"}
    assert HEADS.languages == ("de",)
    assert HEADS.multilingual_encoder == "hash-multilingual"
    # English-only heads are unchanged by the German rows (trained on English rows only)
    assert "violating" in HEADS.full
    card = HEADS.card["multilingual"]["heads"]["hate"]
    assert card["holdout_by_language"]["de"]["f1"] > 0.9
    HEADS.save(tmp_path / "h.npz")
    back = HeadSet.load(tmp_path / "h.npz")
    assert back.languages == ("de",) and set(back.multilingual) == {"hate"}
    assert back.multilingual_encoder == "hash-multilingual"


def run(text: str, language: str | None) -> list:  # type: ignore[type-arg]
    det = ClassifierDetector(
        PACK, heads=HEADS, encoder=HashEncoder(), multilingual_encoder=MultilingualHashEncoder()
    )
    item = Item(id="t", text=text, language=language)
    return det.detect(item, DetectContext(policy=PACK, item=item))


def test_text_in_a_trained_language_is_scored_for_hate_and_unverified_for_the_rest() -> None:
    bad = {s.category: s for s in run("diese leute sind dreckige ratten", "de")}
    good = {s.category: s for s in run("schönes wetter heute, also", "de")}
    assert bad["hate"].status is DetectorStatus.OK and bad["hate"].score > 0.8
    assert good["hate"].status is DetectorStatus.OK and good["hate"].score < 0.2
    for signals in (bad, good):
        assert signals["violence"].status is DetectorStatus.UNVERIFIED
        assert "judged for hate only" in (signals["violence"].message or "")
    d = decide(PACK, Item(id="t", text="x"), list(bad.values()))
    assert d.verdict_for("hate").verdict is Verdict.VIOLATING  # type: ignore[union-attr]


def test_a_language_without_heads_stays_unverified() -> None:
    signals = run("vous êtes tous de la vermine, dégagez", "fr")
    assert signals and {s.status for s in signals} == {DetectorStatus.UNVERIFIED}


def test_judgeability_routes_by_declared_and_detected_language() -> None:
    langs = frozenset({"de"})
    assert judgeability("Ich hasse euch alle, ihr seid Abschaum", None, langs) == ("multilingual", "de")
    assert judgeability("anything at all", "de-AT", langs) == ("multilingual", "de")
    assert judgeability("anything at all", "en-GB", langs) == ("ok", None)
    assert judgeability("Je vais te tuer demain matin", None, langs)[0] == "unverified"
