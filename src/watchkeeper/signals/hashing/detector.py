"""The ``hashes`` detector: known-bad media matching against the policy's hash banks.

It reads the PDQ hashes the media extractor put on the item (``metadata["media_hashes"]``: one entry
per image or sampled frame, with its timecode and frame index) and looks each up in one index of every
live bank entry. A hash with quality below the bank's ``min_quality`` is not used; a match within the
bank's ``max_distance`` (31 at most) scores the bank's category at the bank's ``score``, with the
timecode, frame, distance and the matched bank entry as evidence, and ``rule = "bank:<name>"`` so the
pack's bank rules can act on it. The bank index is loaded from the database on the first item that has
hashes (text-only runs never touch it) and again when it is older than ``max_age_s`` (so every worker
process sees bank changes within a minute); :meth:`reload` picks them up at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["HashMatchDetector", "hashes_factory"]

_HEX = re.compile(r"^[0-9a-f]{64}$")
Loader = Callable[[], Any]  # () -> BankIndex-like: .query(hex, max_distance) -> [BankMatch]


def _default_loader() -> Any:
    from watchkeeper.review import Store
    from watchkeeper.review.banks import BankStore
    from watchkeeper.settings import load_settings

    store = Store.open(load_settings().database_url)
    try:
        return BankStore(store).load_index()
    finally:
        store.close()


class HashMatchDetector:
    name = "hashes"
    cost = 2
    kinds: frozenset[ItemKind] | None = frozenset({ItemKind.IMAGE, ItemKind.VIDEO, ItemKind.LIVE_SEGMENT})

    def __init__(self, policy: PolicyPack, loader: Loader | None = None, *, max_age_s: float = 60.0) -> None:
        self.banks = {b.name: b for b in policy.manifest.banks}
        self.categories: frozenset[str] | None = frozenset(b.category for b in self.banks.values())
        self._loader = loader or _default_loader
        self._index: Any = None
        self._loaded_at = 0.0
        self.max_age_s = max_age_s
        self._lock = threading.Lock()

    def reload(self) -> None:
        with self._lock:
            self._index, self._loaded_at = self._loader(), time.monotonic()

    def _bank_index(self) -> Any:
        with self._lock:
            if self._index is None or time.monotonic() - self._loaded_at > self.max_age_s:
                self._index, self._loaded_at = self._loader(), time.monotonic()
            return self._index

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        hashes = item.metadata.get("media_hashes")
        if not self.banks:
            return []
        if not isinstance(hashes, list) or not hashes:
            return [Signal.skipped(self.name, "no media hashes on the item (media not analysed)", c)
                    for c in sorted(self.categories or ())]  # fmt: skip
        valid = [
            h
            for h in hashes
            if isinstance(h, dict) and isinstance(h.get("pdq"), str) and _HEX.match(h["pdq"])
        ]
        index = self._bank_index() if valid else None
        best: dict[str, tuple[int, Evidence]] = {}
        matched_frames: dict[str, set[int]] = {}
        for n, h in enumerate(valid):
            assert index is not None
            quality = int(h.get("quality") or 0)
            for m in index.query(h["pdq"], 31):
                bank = self.banks.get(m.bank)
                if bank is None or m.distance > bank.max_distance or quality < bank.min_quality:
                    continue
                ev = Evidence(
                    field="media",
                    timecode_s=h.get("t"),
                    frame_index=h.get("frame"),
                    matched=m.hash,
                    note=f"bank {bank.name}: PDQ distance {m.distance}, quality {quality}",
                )
                matched_frames.setdefault(bank.name, set()).add(n)
                if bank.name not in best or m.distance < best[bank.name][0]:
                    best[bank.name] = (m.distance, ev)
        if len(valid) > 1:  # a video: how much of it matches (vPDQ's query match percentage)
            for name, (d, ev) in best.items():
                k = len(matched_frames[name])
                share = f"; {k} of {len(valid)} sampled frames ({100 * k / len(valid):.0f}%) match the bank"
                best[name] = (d, ev.model_copy(update={"note": (ev.note or "") + share}))
        signals = [
            Signal.ok(self.name, self.banks[name].category, self.banks[name].score, [ev], rule=f"bank:{name}")
            for name, (_, ev) in sorted(best.items())
        ]
        hit = {s.category for s in signals}
        signals += [Signal.ok(self.name, c, 0.0) for c in sorted((self.categories or frozenset()) - hit)]
        return signals


def hashes_factory(policy: PolicyPack) -> HashMatchDetector:
    """Entry point ``hashes`` of the ``watchkeeper.detectors`` group."""
    return HashMatchDetector(policy)
