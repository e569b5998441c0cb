"""Video ingestion: probing, frame sampling at scene cuts and a floor rate, audio, and a table of
hostile files that must be refused with a clear reason — never a crash or a hang."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media import make_video, tone
from watchkeeper.extract.video import MediaError, MediaLimits, extract_audio, probe, sample


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 s, 640x360, scenes changing at 2 s and 4 s, a 440 Hz tone."""
    return make_video(tmp_path_factory.mktemp("v") / "clip.mp4", audio=tone(6.0))


def test_probe_reads_the_streams(clip: Path) -> None:
    p = probe(clip)
    assert (p.video_codec, p.audio_codec, p.width, p.height) == ("h264", "aac", 640, 360)
    assert p.duration_s == pytest.approx(6.0, abs=0.1) and p.fps == 30 and p.frame_count == 180


def test_frames_at_scene_cuts_and_floor_rate(clip: Path, tmp_path: Path) -> None:
    s = sample(clip)
    assert [(f.timecode_s, f.reason) for f in s.frames] == [(0.0, "first"), (2.0, "scene"), (4.0, "scene")]
    assert all(f.image.shape == (360, 640, 3) and f.image.dtype == np.uint8 for f in s.frames)
    assert s.decoded_frames == 180
    # one long scene: the floor rate fills in every 2 s
    still = make_video(tmp_path / "still.mp4", seconds=7, scene_every_s=None)
    assert [f.timecode_s for f in sample(still).frames] == [0.0, 2.0, 4.0, 6.0]
    # the cap keeps the first frame and the sharpest cuts
    busy = make_video(tmp_path / "busy.mp4", seconds=6, scene_every_s=0.25)
    capped = sample(busy, MediaLimits(max_frames=5)).frames
    assert len(capped) == 5 and capped[0].reason == "first"
    # large frames are scaled down for the extractors
    big = make_video(tmp_path / "big.mp4", seconds=1, width=1920, height=1080)
    assert sample(big).frames[0].image.shape == (720, 1280, 3)


def test_audio_track_is_mono_16k(clip: Path, tmp_path: Path) -> None:
    audio = extract_audio(clip)
    assert audio is not None and audio.dtype == np.float32
    assert len(audio) == pytest.approx(6.0 * 16000, rel=0.03)
    spectrum = np.abs(np.fft.rfft(audio[16000:32000]))
    assert abs(int(np.argmax(spectrum)) - 440) <= 2  # the tone survived (1 Hz bins over 1 s)
    assert extract_audio(make_video(tmp_path / "silent.mp4", seconds=1)) is None


def _png(path: Path) -> Path:
    Image.new("RGB", (64, 64), (255, 0, 0)).save(path, format="PNG")  # named .mp4 on purpose
    return path


def _truncated(path: Path, *, faststart: bool) -> Path:
    full = make_video(path.with_name(path.stem + "-full.mp4"), seconds=4, faststart=faststart)
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _audio_only(path: Path) -> Path:
    import fractions

    import av

    out = av.open(str(path), "w", format="mp4")
    a = out.add_stream("aac", rate=16000)
    samples = tone(1.0)
    for k in range(0, len(samples), 1024):
        f = av.AudioFrame.from_ndarray(samples[None, k : k + 1024], format="fltp", layout="mono")
        f.sample_rate, f.pts, f.time_base = 16000, k, fractions.Fraction(1, 16000)
        for p in a.encode(f):
            out.mux(p)
    for p in a.encode():
        out.mux(p)
    out.close()
    return path


HOSTILE: list[tuple[str, Callable[[Path], Path], MediaLimits, str]] = [
    ("zero-length", lambda p: (p.write_bytes(b""), p)[1], MediaLimits(), "empty"),
    (
        "random bytes",
        lambda p: (p.write_bytes(np.random.default_rng(1).bytes(50_000)), p)[1],
        MediaLimits(),
        "unreadable",
    ),
    (
        "text file",
        lambda p: (p.write_text("hello, I am not a video\n" * 100), p)[1],
        MediaLimits(),
        "unreadable",
    ),
    ("png image", _png, MediaLimits(), "not_video"),
    ("audio only", _audio_only, MediaLimits(), "not_video"),
    ("truncated (index at the end)", lambda p: _truncated(p, faststart=False), MediaLimits(), "unreadable"),
    ("truncated (index first)", lambda p: _truncated(p, faststart=True), MediaLimits(), "unreadable"),
    (
        "enormous resolution",
        lambda p: make_video(p, seconds=0.1, fps=10, width=4608, height=4608),
        MediaLimits(),
        "resolution",
    ),
    (
        "decompression bomb",
        lambda p: make_video(p, seconds=4),
        MediaLimits(max_decoded_pixels=640 * 360 * 50),
        "bomb",
    ),
    ("too long", lambda p: make_video(p, seconds=4), MediaLimits(max_duration_s=3), "too_long"),
    ("too big a file", lambda p: make_video(p, seconds=1), MediaLimits(max_bytes=1000), "too_large"),
    ("codec not accepted", lambda p: make_video(p, seconds=1, codec="ffv1"), MediaLimits(), "codec"),
    (
        "decode over time budget",
        lambda p: make_video(p, seconds=4),
        MediaLimits(decode_timeout_s=0.0),
        "timeout",
    ),
]


@pytest.mark.parametrize(("name", "make", "limits", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, make: Callable[[Path], Path], limits: MediaLimits, reason: str
) -> None:
    path = make(tmp_path / "hostile.mp4")
    start = time.perf_counter()
    with pytest.raises(MediaError) as info:
        sample(path, limits)
    assert info.value.reason == reason, str(info.value)
    assert str(info.value).startswith(reason + ":") and len(str(info.value)) > len(reason) + 10
    assert time.perf_counter() - start < 10, "refusing must be quick"


def test_long_videos_are_sampled_by_seeking(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "long.mp4", seconds=10, scene_every_s=4.0)
    s = sample(clip, MediaLimits(seek_above_s=5, max_frames=5))
    assert [(f.index, f.timecode_s) for f in s.frames] == [
        (0, 0.0),
        (60, 2.0),
        (120, 4.0),
        (180, 6.0),
        (240, 8.0),
    ]
    assert [f.reason for f in s.frames] == ["first", "floor", "scene", "floor", "scene"]
    assert s.decoded_frames <= 300  # never more than one pass; usually far less
