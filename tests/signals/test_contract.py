"""Contract every registered detector must honour (built-ins and any installed plugin)."""

from __future__ import annotations

import pytest

from watchkeeper.policy import PolicyPack
from watchkeeper.signals import DetectContext, Detector, default_registry
from watchkeeper.types import Item, ItemKind, Signal

NAMES = default_registry().names()

INPUTS = [
    "",
    "hello there",
    "I will kill you",
    "ｆｒｅｅ ｍｏｎｅｙ at bit.ly/x 📞 +1 415 555 2671",
    "\u202e\u200b\u0000\ufffd" * 50,
    "Москва 東京 مرحبا",
    "a" * 50_000,
    "k i l l  y o u r s e l f " * 200,
]


@pytest.fixture(params=NAMES)
def detector(request: pytest.FixtureRequest, pack: PolicyPack) -> Detector:
    return default_registry().create(request.param, pack)


def test_is_a_detector(detector: Detector) -> None:
    assert isinstance(detector, Detector)
    assert isinstance(detector.cost, int) and detector.cost >= 0
    assert detector.name in NAMES


@pytest.mark.parametrize("text", INPUTS, ids=range(len(INPUTS)))
def test_signals_are_well_formed(detector: Detector, pack: PolicyPack, text: str) -> None:
    item = Item(id="c", text=text, fields={"caption": text[:100]} if text else {})
    if detector.kinds is not None and item.kind not in detector.kinds:
        # a media detector: the same text as a caption, and hostile extractor output in the metadata
        junk = [None, 7, {"pdq": text[:64]}, {"label": text[:20], "score": "x"}, {"t": -1, "frame": "a"}]
        item = Item(id="c", kind=ItemKind.VIDEO, fields={"caption": text[:100]} if text else {},
                    metadata={"media_hashes": junk, "visual": junk, "provenance": {"ai": text[:10]}})  # fmt: skip
    first = detector.detect(item, DetectContext(policy=pack, item=item))
    again = detector.detect(item, DetectContext(policy=pack, item=item))
    assert first == again, "a detector must be deterministic for the same input"
    ids = set(pack.category_ids())
    for s in first:
        assert isinstance(s, Signal)
        assert 0.0 <= s.score <= 1.0
        assert s.detector == detector.name
        # a run-status signal (skipped, error, ...) may speak for no category in particular
        assert s.category in ids or (not s.is_ok and s.category == "*")
        if detector.categories is not None and s.category != "*":
            assert s.category in detector.categories
        for e in s.evidence:
            if e.start is not None and e.end is not None and e.field == "text":
                assert 0 <= e.start <= e.end <= len(text)
                assert e.excerpt == text[e.start : e.end]


def test_reads_every_text_kind(detector: Detector, pack: PolicyPack) -> None:
    for kind in (ItemKind.COMMENT, ItemKind.SEARCH_QUERY, ItemKind.MESSAGE):
        item = Item(id="k", kind=kind, text="I will kill you")
        if detector.kinds is None or kind in detector.kinds:
            detector.detect(item, DetectContext(policy=pack, item=item))


HOSTILE = {
    "digit-groups": "1234567890 " * 20_000,
    "spaced": "k i l l  y o u r s e l f " * 8_000,
    "dots": "a." * 100_000,
    "at-signs": "a@b" * 50_000,
    "links": "http://a.com/" * 10_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_bounded(detector: Detector, pack: PolicyPack, name: str) -> None:
    import time

    item = Item(id="h", text=HOSTILE[name])
    start = time.perf_counter()
    detector.detect(item, DetectContext(policy=pack, item=item))
    assert time.perf_counter() - start < 10.0
