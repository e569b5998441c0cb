"""Policy-example matching with the real bundled encoder: editing the YAML changes behaviour, no retraining."""

from __future__ import annotations

from pathlib import Path

import yaml

from watchkeeper.engine import Engine
from watchkeeper.policy import load_pack
from watchkeeper.signals.classifiers.detector import ExampleMatchDetector
from watchkeeper.signals.classifiers.encoder import shared_encoder
from watchkeeper.signals.rules.lexicon import RulesDetector

SLANG = "go touch grass you absolute skibidi glorp"
POSITIVE = "you are such a skibidi glorp, go touch grass"


def engine_for(pack_dir: Path) -> Engine:
    pack = load_pack(pack_dir)
    return Engine(pack, [RulesDetector(pack), ExampleMatchDetector(pack, encoder=shared_encoder())])


def test_adding_and_removing_an_example_changes_the_decision(pack_copy: Path) -> None:
    path = pack_copy / "categories" / "harassment.yaml"
    original = yaml.safe_load(path.read_text(encoding="utf-8"))

    assert not engine_for(pack_copy).moderate_text(SLANG).flagged

    with_example = dict(original)
    with_example["examples"] = {
        "positive": [*original["examples"]["positive"], POSITIVE],
        "negative": original["examples"]["negative"],
    }
    path.write_text(yaml.safe_dump(with_example, allow_unicode=True), encoding="utf-8")
    d = engine_for(pack_copy).moderate_text(SLANG)
    v = d.verdict_for("harassment")
    assert d.flagged and v is not None and v.verdict.value == "violating"
    assert "skibidi glorp" in (v.signals[0].evidence[0].note or "")

    path.write_text(yaml.safe_dump(original, allow_unicode=True), encoding="utf-8")
    assert not engine_for(pack_copy).moderate_text(SLANG).flagged


def test_unrelated_text_is_not_matched(pack_copy: Path) -> None:
    e = engine_for(pack_copy)
    for text in [
        "The sunset over the lake was beautiful tonight",
        "Can you share the recipe for that pasta?",
    ]:
        assert not e.moderate_text(text).flagged
