"""The hashes detector with a bank index built in the test (no database): thresholds per bank,
quality floor, malformed hash lists, items that were never analysed."""

from __future__ import annotations

import numpy as np

from watchkeeper.policy import PolicyPack
from watchkeeper.review.banks import BankIndex
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.hashing.detector import HashMatchDetector
from watchkeeper.signals.hashing.index import bits_to_hex
from watchkeeper.types import DetectorStatus, Item

rng = np.random.default_rng(5)
BANKED = bits_to_hex(rng.integers(0, 256, size=(2, 32), dtype=np.uint8))


def _flip(h: str, n: int) -> str:
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(h), dtype=np.uint8))
    bits[:n] ^= 1
    return bytes(np.packbits(bits)).hex()


def _pack(pack: PolicyPack, **bank: object) -> PolicyPack:
    banks = tuple(b.model_copy(update=bank) if b.name == "known-ncii" else b for b in pack.manifest.banks)
    return pack.model_copy(update={"manifest": pack.manifest.model_copy(update={"banks": banks})})


def detect(pack: PolicyPack, hashes: object) -> list:  # type: ignore[type-arg]
    det = HashMatchDetector(
        pack, loader=lambda: BankIndex([("known-ncii", BANKED[0]), ("known-csam", BANKED[1])])
    )
    item = Item(id="v", kind="video", metadata={"media_hashes": hashes})
    return det.detect(item, DetectContext(policy=pack, item=item))


def test_matches_within_the_banks_distance_and_quality(pack: PolicyPack) -> None:
    sigs = detect(pack, [{"pdq": _flip(BANKED[0], 20), "quality": 90, "t": 4.5, "frame": 135}])
    hit = [s for s in sigs if s.score > 0]
    assert [(s.category, s.rule) for s in hit] == [("sexual", "bank:known-ncii")]
    assert hit[0].evidence[0].timecode_s == 4.5 and hit[0].evidence[0].frame_index == 135
    assert not [s for s in detect(pack, [{"pdq": _flip(BANKED[0], 32), "quality": 90}]) if s.score > 0]
    assert not [s for s in detect(pack, [{"pdq": BANKED[0], "quality": 40}]) if s.score > 0]  # weak hash
    strict = _pack(pack, max_distance=10)
    assert not [s for s in detect(strict, [{"pdq": _flip(BANKED[0], 20), "quality": 90}]) if s.score > 0]


def test_malformed_or_missing_hashes(pack: PolicyPack) -> None:
    junk = [None, 3, {"pdq": 5}, {"pdq": "zz"}, {"pdq": "a" * 63}, {"quality": 99}]
    assert all(s.score == 0 for s in detect(pack, junk))
    skipped = detect(pack, None)
    assert skipped and all(s.status is DetectorStatus.SKIPPED for s in skipped)
