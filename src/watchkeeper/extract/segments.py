"""Time-coded text from media (on-screen text, speech) and the way back from text evidence to time.

Extractors produce :class:`Segment` s; :func:`join_segments` lays them out as the item's text fields
(``ocr``, ``transcript``) and records where each segment sits (``metadata["segments"]``), so the text
detectors read them like any other text. :func:`with_timecodes` then gives every piece of text evidence
that points into such a field the timecode (and frame) of the segment it falls in.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from watchkeeper.types import Decision, Evidence, Item, Signal

__all__ = ["Segment", "join_segments", "with_timecodes"]

_SEPARATOR = {"transcript": " ", "ocr": "\n"}


@dataclass(frozen=True)
class Segment:
    field: str  # ocr | transcript
    text: str
    t0: float
    t1: float
    frame: int | None = None
    confidence: float | None = None


def join_segments(segments: Iterable[Segment]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(fields, layout): each field's text, and ``{"field", "start", "end", "t0", "t1", "frame"}`` per
    segment in the order they appear in it."""
    parts: dict[str, list[str]] = {}
    layout: list[dict[str, Any]] = []
    lengths: dict[str, int] = {}
    for seg in sorted(segments, key=lambda s: (s.field, s.t0)):
        text = seg.text.strip()
        if not text:
            continue
        sep = _SEPARATOR.get(seg.field, " ")
        start = lengths.get(seg.field, 0)
        if start:
            start += len(sep)
        parts.setdefault(seg.field, []).append(text)
        lengths[seg.field] = start + len(text)
        layout.append({"field": seg.field, "start": start, "end": start + len(text), "t0": round(seg.t0, 3),
                       "t1": round(seg.t1, 3), "frame": seg.frame})  # fmt: skip
    return {f: _SEPARATOR.get(f, " ").join(ps) for f, ps in parts.items()}, layout


def _index(layout: Any) -> dict[str, tuple[list[int], list[Mapping[str, Any]]]]:
    by_field: dict[str, tuple[list[int], list[Mapping[str, Any]]]] = {}
    if not isinstance(layout, list):
        return by_field
    for seg in layout:
        if (
            isinstance(seg, Mapping)
            and isinstance(seg.get("start"), int)
            and isinstance(seg.get("field"), str)
        ):
            starts, segs = by_field.setdefault(seg["field"], ([], []))
            starts.append(seg["start"])
            segs.append(seg)
    return by_field


def with_timecodes(decision: Decision, item: Item) -> Decision:
    """``decision`` with timecodes on text evidence that points into time-coded fields (unchanged when
    the item has no ``metadata["segments"]``)."""
    index = _index(item.metadata.get("segments"))
    if not index:
        return decision

    def ev(e: Evidence) -> Evidence:
        if e.timecode_s is not None or e.start is None or e.field not in index:
            return e
        starts, segs = index[e.field]
        i = bisect_right(starts, e.start) - 1
        if i < 0:
            return e
        seg = segs[i]
        t0 = seg.get("t0")
        if not isinstance(t0, int | float):
            return e
        frame = seg.get("frame")
        return e.model_copy(
            update={"timecode_s": float(t0), "frame_index": frame if isinstance(frame, int) else None}
        )

    def sig(s: Signal) -> Signal:
        return s.model_copy(update={"evidence": tuple(ev(e) for e in s.evidence)}) if s.evidence else s

    verdicts = tuple(
        v.model_copy(update={"signals": tuple(sig(s) for s in v.signals)}) for v in decision.verdicts
    )
    return decision.model_copy(
        update={"verdicts": verdicts, "signals": tuple(sig(s) for s in decision.signals)}
    )
