"""Pure parts of the console: evidence highlighting and the video timeline."""

from __future__ import annotations

from watchkeeper.service.console import Segment, _timeline, highlight
from watchkeeper.types import Evidence, Item, MediaRef, Signal


def test_highlight_merges_overlaps_and_clamps() -> None:
    text = "you are a total idiot and a clown"
    segs = highlight(text, [(10, 21, "harassment"), (16, 21, "hate"), (28, 33, "harassment"), (30, 99, "x")])
    assert "".join(s.text for s in segs) == text
    assert [s.text for s in segs if s.mark] == ["total idiot", "clown"]
    assert segs[1] == Segment("total idiot", "harassment")
    assert highlight("abc", []) == [Segment("abc")]
    assert highlight("abc", [(5, 9, "x"), (2, 2, "y")]) == [Segment("abc")]


def test_timeline_places_marks_and_frames() -> None:
    item = Item(
        id="v",
        kind="video",
        fields={"transcript": "x"},
        metadata={"duration_s": 40, "frames": [{"t": 10, "uri": "data:image/png;base64,AA=="}, {"bad": 1}]},
    )
    sig = Signal(
        detector="d", category="violence", score=0.8, evidence=(Evidence(timecode_s=20.0, frame_index=3),)
    )
    zero = Signal(detector="d", category="spam", score=0.0, evidence=(Evidence(timecode_s=5.0),))
    tl = _timeline(item, [sig, zero])
    assert tl is not None and tl["duration"] == 40.0
    assert [(m["t"], m["pct"], m["frame"]) for m in tl["marks"]] == [(20.0, 50.0, 3)]
    assert [(f["t"], f["pct"]) for f in tl["frames"]] == [(10.0, 25.0)]
    assert _timeline(Item(id="t", text="hi"), [sig.model_copy(update={"evidence": ()})]) is None
    pic = _timeline(
        Item(id="p", kind="image", media=(MediaRef(uri="https://x/a.png", mime_type="image/png"),)), []
    )
    assert pic is not None and pic["images"] == ["https://x/a.png"]
