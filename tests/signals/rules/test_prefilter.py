from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.policy import load_pack
from watchkeeper.signals import DetectContext
from watchkeeper.signals.rules.lexicon import RulesDetector
from watchkeeper.signals.rules.prefilter import Prefilter, fold, required_literals
from watchkeeper.types import Item

PACK = Path(__file__).resolve().parents[3] / "policies" / "default"


def needs(regex: str) -> list[set[str]]:
    return [set(s) for s in required_literals(re.compile(regex, re.IGNORECASE))]


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        # optional parts drop out of the strings, the alternatives multiply out
        (
            r"how (?:to|do i) make (?:a )?bombs?",
            [{f"how {v} make {a}bomb{s}" for v in ("to", "do i") for a in ("", "a ") for s in ("", "s")}],
        ),
        # a part that is not literal splits the text into separate requirements
        (r"\bi will \w+ you\b", [{"i will "}, {" you"}]),
        # a repeated letter: its first copy ends one literal, its last starts the next
        (r"\bkis+es\b", [{"kis"}, {"ses"}]),
        (r"gr[ae]y wolf", [{"gray wolf", "grey wolf"}]),
        # case: literals are lower case whatever the pattern wrote
        (r"Free MONEY", [{"free money"}]),
        # zero-width assertions require nothing and add nothing
        (r"(?<!not )\bscam(?!mer)", [{"scam"}]),
        # each alternative gives its own most telling literal
        (r"(?:kill|\w+ing) them", [{"kill", "ing"}, {" them"}]),
        # an alternative with no literal of its own: the alternation requires nothing
        (r"(?:kill|\w+) them", [{" them"}]),
        (r"(?:murder|kill)(?:ing)? them", [{"murder them", "murdering them", "kill them", "killing them"}]),
    ],
)
def test_required_literals(regex: str, expected: list[set[str]]) -> None:
    assert sorted(map(sorted, needs(regex))) == sorted(map(sorted, expected))


@pytest.mark.parametrize(
    "regex",
    [
        r"[^a]+",  # negated class
        r"\w+\s+\w+",  # categories only
        r"(a)\1",  # one-letter literals are too common to skip anything
        r"(?:ab)*xy",  # an optional repeat and a two-letter literal
        r"caf\u00e9",  # non-ASCII: "caf" alone is kept, the rest requires nothing
        r"(?:abc|de)",  # one alternative too short to be a requirement
    ],
)
def test_what_cannot_be_required_is_not(regex: str) -> None:
    for s in needs(regex):
        assert all(len(a) >= 3 and a.isascii() for a in s)
    if regex.startswith("caf"):
        assert needs(regex) == [{"caf"}]
    else:
        assert needs(regex) == []


def test_fold_agrees_with_re_ignorecase_on_every_code_point() -> None:
    """Every character re's case-insensitive matching takes for an ASCII letter or digit folds to it,
    so a literal the prefilter looks for is in the folded text whenever the pattern can match."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for x in "abcdefghijklmnopqrstuvwxyz0123456789":
        equivalents = re.findall(re.escape(x), everything, re.IGNORECASE)
        assert len(equivalents) >= 1
        for ch in equivalents:
            assert fold(ch) == x, (x, hex(ord(ch)))
    assert fold("İSTANBUL ſcam") == "istanbul scam"


def test_overlapping_literals_are_all_found() -> None:
    pf = Prefilter([r"\bguns\b", r"shotgun", r"gun", r"tgu", r"rifle"])
    assert pf.candidates("Shotguns for sale") == {0, 1, 2, 3}
    assert pf.unfiltered == 0


def test_an_expression_without_requirements_is_always_searched() -> None:
    pf = Prefilter([r"\w+ \w+", r"spam"])
    assert pf.unfiltered == 1
    assert pf.candidates("hello") == {0}
    assert pf.candidates("SPAM") == {0, 1}
    assert Prefilter([]).candidates("anything") == frozenset()


def _pack_expressions() -> tuple[RulesDetector, list[re.Pattern[str]]]:
    detector = RulesDetector(load_pack(PACK))
    exprs: list[re.Pattern[str]] = []
    for r in detector._rules:
        exprs += [p for _, p, _, _ in r.patterns]
        exprs += [e for e, _ in (*r.exceptions, *r.text_exceptions)]
    return detector, exprs


DETECTOR, EXPRESSIONS = _pack_expressions()
PREFILTER = Prefilter(EXPRESSIONS)


def test_the_default_pack_is_mostly_filterable() -> None:
    assert len(EXPRESSIONS) > 50
    assert PREFILTER.unfiltered <= len(EXPRESSIONS) // 10
    # an ordinary comment needs few of the pack's expressions searched
    can = PREFILTER.candidates(fold("what a lovely sunset at the beach today, thanks for sharing"))
    assert len(can) <= len(EXPRESSIONS) // 10


@pytest.mark.parametrize("index", range(len(EXPRESSIONS)))
def test_never_skips_a_pack_expression_that_matches(index: int) -> None:
    """Texts generated to match each of the default pack's patterns and exceptions, inside other
    text: the prefilter must let every one through (a skip would be a missed match)."""
    pattern = EXPRESSIONS[index]
    around = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(before=around, match=st.from_regex(pattern), after=around)
    def check(before: str, match: str, after: str) -> None:
        text = before + match + after
        if pattern.search(text):
            assert index in PREFILTER.candidates(text), (pattern.pattern[:80], text)

    check()


class _SearchEverything:
    def candidates(self, text: str) -> frozenset[int]:
        return frozenset(range(len(EXPRESSIONS)))


def test_detector_signals_are_the_same_without_the_prefilter() -> None:
    """Every example in the default pack, and look-alikes: same signals with every expression searched."""
    pack = DETECTOR.policy
    texts = [t for c in pack.categories for t in (*c.examples.positive, *c.examples.negative)]
    texts += ["how do i get a gun license", "h0w to m@ke a b0mb", "ſend me nudes", "KİLL YOURSELF"]
    unfiltered = RulesDetector(pack)
    unfiltered._prefilter = _SearchEverything()  # type: ignore[assignment]
    matched = 0
    for i, text in enumerate(texts):
        item = Item(id=str(i), text=text)
        a = DETECTOR.detect(item, DetectContext(policy=pack, item=item))
        b = unfiltered.detect(item, DetectContext(policy=pack, item=item))
        assert a == b, text
        matched += bool(a)
    assert matched > len(texts) // 3
