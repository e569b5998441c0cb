"""The ``provenance`` detector: an ``aigc`` signal from content credentials (C2PA) or generator tags.

Declared AI generation is a disclosure, not a violation: the signal scores the ``aigc`` category in its
label band (0.7 for a C2PA credential with an intact signature, 0.55 for an invalid one or a bare
generator tag), so the default policy applies the AI label and never removes. The evidence names the
generator, the signer, the actions and the validation state.
"""

from __future__ import annotations

from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["ProvenanceDetector", "provenance_factory"]


class ProvenanceDetector:
    name = "provenance"
    cost = 1
    kinds: frozenset[ItemKind] | None = frozenset({ItemKind.IMAGE, ItemKind.VIDEO, ItemKind.LIVE_SEGMENT})
    categories: frozenset[str] | None = frozenset({"aigc"})

    def __init__(self, policy: PolicyPack) -> None:
        self.enabled = "aigc" in policy.category_ids()

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        if not self.enabled:
            return []
        p = item.metadata.get("provenance")
        if not isinstance(p, dict) or not p.get("ai"):
            return [Signal.ok(self.name, "aigc", 0.0)]
        intact = p.get("source") == "c2pa" and p.get("validation") in ("Valid", "Trusted")
        score = 0.7 if intact else 0.55
        parts = [str(p.get("ai")), f"generator {p.get('generator')}" if p.get("generator") else "",
                 f"signed by {p.get('signer')}" if p.get("signer") else "",
                 f"credential {p.get('validation')}" if p.get("validation") else "",
                 "edited" if p.get("edited") else ""]  # fmt: skip
        ev = Evidence(field="provenance", matched=str(p.get("source")), note="; ".join(x for x in parts if x))
        return [Signal.ok(self.name, "aigc", score, [ev], rule=f"{p.get('source')}:ai")]


def provenance_factory(policy: PolicyPack) -> ProvenanceDetector:
    """Entry point ``provenance`` of the ``watchkeeper.detectors`` group."""
    return ProvenanceDetector(policy)
