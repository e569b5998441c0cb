"""The ``nudity`` detector: NudeNet's body-part findings on sampled frames (``metadata["visual"]``) as a
score for the ``sexual`` category, with every finding's timecode, frame and box as evidence.

Only exposed genitalia, anus, female breasts and buttocks count (NudeNet), and the whole-frame open_nsfw
score (label ``NSFW``); covered parts, faces, bellies, feet, armpits and male chests do not. The score
is the strongest such finding; what it leads to (label,
age-restrict, remove) is the policy's bands, not this detector. It cannot tell a minor from an adult:
``sexual_minors`` needs a person or a hash-bank match.
"""

from __future__ import annotations

from typing import Any

from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["EXPLICIT", "NudityDetector"]

EXPLICIT = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "ANUS_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
    }
)


class NudityDetector:
    name = "nudity"
    cost = 3
    kinds: frozenset[ItemKind] | None = frozenset({ItemKind.IMAGE, ItemKind.VIDEO, ItemKind.LIVE_SEGMENT})
    categories: frozenset[str] | None = frozenset({"sexual"})

    def __init__(self, policy: PolicyPack) -> None:
        self.enabled = "sexual" in policy.category_ids()

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        if not self.enabled:
            return []
        findings = item.metadata.get("visual")
        if not isinstance(findings, list):
            return [
                Signal.skipped(self.name, "no visual findings on the item (frames not analysed)", "sexual")
            ]
        hits: list[dict[str, Any]] = [
            f for f in findings
            if isinstance(f, dict) and f.get("label") in EXPLICIT and isinstance(f.get("score"), int | float)
        ]  # fmt: skip
        if not hits:
            return [Signal.ok(self.name, "sexual", 0.0)]
        hits.sort(key=lambda f: -float(f["score"]))
        evidence = [
            Evidence(
                field="frames",
                timecode_s=f.get("t") if isinstance(f.get("t"), int | float) else None,
                frame_index=f.get("frame") if isinstance(f.get("frame"), int) else None,
                matched=str(f["label"]),
                note=f"{f['label']} {float(f['score']):.2f} box {f.get('box')}",
            )
            for f in hits[:10]
        ]
        return [
            Signal.ok(
                self.name, "sexual", min(1.0, float(hits[0]["score"])), evidence, rule=str(hits[0]["label"])
            )
        ]


def nudity_factory(policy: PolicyPack) -> NudityDetector:
    """Entry point ``nudity`` of the ``watchkeeper.detectors`` group."""
    return NudityDetector(policy)
