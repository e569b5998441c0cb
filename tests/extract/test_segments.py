"""Time-coded text: laying segments out as fields, and mapping text evidence back to time."""

from __future__ import annotations

from watchkeeper.extract.segments import Segment, join_segments, with_timecodes
from watchkeeper.types import Decision, Evidence, Item, Signal


def test_join_and_map_back() -> None:
    segs = [Segment("transcript", "I", 6.0, 6.2), Segment("transcript", "want", 6.2, 6.5),
            Segment("ocr", "FREE MONEY", 0.0, 4.0, frame=0), Segment("ocr", "bye", 8.0, 9.0, frame=240),
            Segment("transcript", "  ", 7.0, 7.1)]  # fmt: skip
    fields, layout = join_segments(segs)
    assert fields == {"ocr": "FREE MONEY\nbye", "transcript": "I want"}
    assert [(s["field"], s["start"], s["end"]) for s in layout] == [
        ("ocr", 0, 10), ("ocr", 11, 14), ("transcript", 0, 1), ("transcript", 2, 6)]  # fmt: skip
    item = Item(id="v", kind="video", fields=fields, metadata={"segments": layout})
    sig = Signal.ok("rules", "self_harm", 0.9, [Evidence(field="transcript", start=2, end=6, excerpt="want"),
                                                Evidence(field="ocr", start=11, end=14)])  # fmt: skip
    d = Decision(
        item_id="v", content_hash="h", policy_name="p", policy_version="1", actions=(), signals=(sig,)
    )
    out = with_timecodes(d, item)
    ev = out.signals[0].evidence
    assert (ev[0].timecode_s, ev[0].frame_index) == (6.2, None)
    assert (ev[1].timecode_s, ev[1].frame_index) == (8.0, 240)
    assert with_timecodes(d, Item(id="t", text="x")) is d
    junk = Item(
        id="j", kind="video", metadata={"segments": [{"field": 1}, "x", {"field": "ocr", "start": "0"}]}
    )
    assert with_timecodes(d, junk) is d
