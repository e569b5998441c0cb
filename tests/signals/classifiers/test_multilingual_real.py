"""The shipped multilingual hate head with the real bundled e5 encoder, on sentences written for this
test (not taken from any dataset)."""

from __future__ import annotations

import pytest

from watchkeeper.engine import Engine
from watchkeeper.types import Action, DetectorStatus, Item


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(detectors=["classifier"])


@pytest.mark.parametrize(
    ("language", "hateful", "benign"),
    [
        (
            "de",
            "Alle Muslime sind Abschaum und sollten aus diesem Land verschwinden.",
            "Ich freue mich auf das Wochenende mit meiner Familie.",
        ),
        (
            "fr",
            "Les immigrés sont des parasites, il faut tous les expulser.",
            "Je pense que les immigrés enrichissent notre culture.",
        ),
        ("it", "Odio tutti i gay, sono malati e disgustosi.", "Adoro passeggiare al mare con il mio cane."),
    ],
)
def test_hate_is_judged_in_other_languages(engine: Engine, language: str, hateful: str, benign: str) -> None:
    bad = engine.moderate(Item(id="bad", text=hateful, language=language))
    good = engine.moderate(Item(id="good", text=benign, language=language))
    hate_bad = next(s for s in bad.signals if s.category == "hate")
    hate_good = next(s for s in good.signals if s.category == "hate")
    assert hate_bad.status is DetectorStatus.OK and hate_bad.score > 0.8
    assert hate_good.status is DetectorStatus.OK and hate_good.score < 0.3
    assert bad.flagged and not good.flagged
    # categories the multilingual heads do not cover cannot be judged: the benign item still goes
    # to a person rather than being called safe
    assert Action.ESCALATE_TO_REVIEW in good.actions
    assert any(s.status is DetectorStatus.UNVERIFIED and s.category == "sexual" for s in good.signals)


def test_language_is_detected_when_not_declared(engine: Engine) -> None:
    d = engine.moderate(Item(id="x", text="Odio tutti i gay, sono malati e disgustosi."))
    assert d.flagged
