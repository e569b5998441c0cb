"""Video ingestion with PyAV (FFmpeg inside the wheel): probe and validate first, then sample frames at
scene cuts plus a floor rate, and extract the audio track.

Every file is probed before anything is decoded, against hard limits (:class:`MediaLimits`): size,
container, codecs, duration, resolution, pixel count, frame count, total decoded pixels. Truncated,
corrupt, empty, enormous-resolution, decompression-bomb and non-video files are refused with a
:class:`MediaError` whose ``reason`` is a stable code and whose message says why — never a crash, and
never a hang: each stage checks its own time budget while it decodes.

Frames are chosen in one sequential decode pass (robust to any keyframe layout — encoders do not always
put keyframes at scene cuts): the first frame, a
frame wherever the picture changes sharply from the previous one (a scene cut: mean absolute difference
of 32x18 colour thumbnails over ``scene_threshold``), and a frame whenever ``floor_interval_s`` passed
without one; over ``max_frames`` the cuts with the largest change are kept first, then frames evenly.
Videos longer than ``seek_above_s`` are sampled by seeking to keyframes instead, so their cost does not
grow with their length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from watchkeeper.errors import InputError

__all__ = [
    "DEFAULT_LIMITS",
    "Frame",
    "MediaError",
    "MediaLimits",
    "Probe",
    "VideoSample",
    "extract_audio",
    "probe",
    "sample",
]

#: codecs that are still images, not video (a PNG or JPEG handed over as a video)
_STILL_CODECS = frozenset({"png", "mjpeg", "bmp", "tiff", "webp", "gif", "jpeg2000", "apng", "qoi"})


class MediaError(InputError):
    """A media file that is refused. ``reason`` is a stable code: ``empty``, ``too_large``,
    ``unreadable`` (corrupt, truncated or not a media file), ``not_video``, ``codec``, ``too_long``,
    ``resolution``, ``too_many_frames``, ``bomb``, ``timeout``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason


@dataclass(frozen=True)
class MediaLimits:
    max_bytes: int = 512 * 1024 * 1024
    max_duration_s: float = 15 * 60.0
    max_width: int = 4096
    max_height: int = 4096
    max_pixels: int = 3840 * 2160
    max_fps: float = 120.0
    #: decoded pixels allowed for one video (frames x width x height): the decompression-bomb guard
    max_decoded_pixels: int = 20 * 60 * 60 * 1920 * 1080
    video_codecs: frozenset[str] = frozenset(
        {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "mpeg1video", "h263", "prores", "theora"}
    )
    floor_interval_s: float = 2.0
    scene_threshold: float = 0.15
    max_frames: int = 48
    #: videos longer than this are sampled by seeking to keyframes instead of decoding every frame
    seek_above_s: float = 180.0
    #: sampled frames are scaled down to at most this width (OCR, hashing and nudity need no more)
    frame_max_width: int = 1280
    probe_timeout_s: float = 5.0
    decode_timeout_s: float = 30.0
    audio_timeout_s: float = 30.0


DEFAULT_LIMITS = MediaLimits()


@dataclass(frozen=True)
class Probe:
    container: str
    video_codec: str
    audio_codec: str | None
    duration_s: float
    width: int
    height: int
    fps: float
    frame_count: int
    size_bytes: int


@dataclass(frozen=True)
class Frame:
    index: int  # position in the video's frame sequence (0-based)
    timecode_s: float
    image: npt.NDArray[np.uint8] = field(repr=False)  # H x W x 3, RGB
    reason: Literal["first", "scene", "floor"]
    change: float = 0.0  # thumbnail difference from the previous frame (0..1)


@dataclass(frozen=True)
class VideoSample:
    probe: Probe
    frames: tuple[Frame, ...]
    decoded_frames: int
    seconds: float


def _open(path: Path) -> Any:
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise MediaError("unreadable", f"{path.name} is not a readable media file ({exc})") from exc


def probe(path: str | Path, limits: MediaLimits = DEFAULT_LIMITS) -> Probe:
    """Validate ``path`` as a video against ``limits`` without decoding it."""
    import av

    path = Path(path)
    start = time.perf_counter()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError("unreadable", f"cannot read {path}: {exc}") from exc
    if size == 0:
        raise MediaError("empty", f"{path.name} is empty (0 bytes)")
    if size > limits.max_bytes:
        raise MediaError("too_large", f"{path.name} is {size} bytes, over the {limits.max_bytes} limit")
    container = _open(path)
    try:
        if not container.streams.video:
            raise MediaError("not_video", f"{path.name} has no video stream ({container.format.name})")
        vs = container.streams.video[0]
        ctx = vs.codec_context
        codec = ctx.name
        if codec in _STILL_CODECS:
            raise MediaError("not_video", f"{path.name} is a still image ({codec}), not a video")
        if codec not in limits.video_codecs:
            raise MediaError("codec", f"video codec {codec!r} is not accepted")
        width, height = int(ctx.width or 0), int(ctx.height or 0)
        if width <= 0 or height <= 0:
            raise MediaError("unreadable", f"{path.name}: the video stream has no frame size")
        if width > limits.max_width or height > limits.max_height or width * height > limits.max_pixels:
            raise MediaError(
                "resolution", f"{width}x{height} is over the {limits.max_width}x{limits.max_height} limit"
            )
        if vs.duration is not None and vs.time_base is not None:
            duration = float(vs.duration * vs.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        else:
            duration = 0.0
        if duration <= 0:
            raise MediaError("unreadable", f"{path.name}: no duration (truncated or a raw stream)")
        if duration > limits.max_duration_s:
            raise MediaError("too_long", f"{duration:.0f} s is over the {limits.max_duration_s:.0f} s limit")
        fps = float(vs.average_rate or vs.guessed_rate or 0) or 30.0
        if fps > limits.max_fps:
            raise MediaError("too_many_frames", f"{fps:.0f} frames/s is over the {limits.max_fps:.0f} limit")
        frames = int(vs.frames or round(duration * fps))
        if frames * width * height > limits.max_decoded_pixels:
            raise MediaError(
                "bomb", f"{frames} frames of {width}x{height} would decode to more pixels than allowed"
            )
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        if time.perf_counter() - start > limits.probe_timeout_s:
            raise MediaError("timeout", f"probing took over {limits.probe_timeout_s} s")
        return Probe(
            container=container.format.name,
            video_codec=codec,
            audio_codec=audio,
            duration_s=round(duration, 3),
            width=width,
            height=height,
            fps=round(fps, 3),
            frame_count=frames,
            size_bytes=size,
        )
    finally:
        container.close()


def _rgb(frame: Any, max_width: int) -> npt.NDArray[np.uint8]:
    if frame.width > max_width:
        height = max(2, round(frame.height * max_width / frame.width / 2) * 2)
        return frame.to_ndarray(width=max_width, height=height, format="rgb24")  # type: ignore[no-any-return]
    return frame.to_ndarray(format="rgb24")  # type: ignore[no-any-return]


def sample(path: str | Path, limits: MediaLimits = DEFAULT_LIMITS) -> VideoSample:
    """Probe, then decode once and keep the first frame, scene cuts and floor-rate frames (long videos:
    seek instead, see :func:`_sample_by_seeking`)."""
    import av

    path = Path(path)
    info = probe(path, limits)
    if info.duration_s > limits.seek_above_s:
        return _sample_by_seeking(path, info, limits)
    start = time.perf_counter()
    container = _open(path)
    picked: list[Frame] = []
    decoded = 0
    pixels = 0
    try:
        vs = container.streams.video[0]
        vs.thread_type = "AUTO"
        prev: npt.NDArray[np.float32] | None = None
        last_t = -1e9
        try:
            for frame in container.decode(vs):
                decoded += 1
                pixels += frame.width * frame.height
                if pixels > limits.max_decoded_pixels:
                    raise MediaError("bomb", f"decoded over {limits.max_decoded_pixels} pixels; refused")
                if time.perf_counter() - start > limits.decode_timeout_s:
                    raise MediaError("timeout", f"decoding took over {limits.decode_timeout_s} s")
                t = float(frame.pts * frame.time_base) if frame.pts is not None else decoded / info.fps
                thumb = frame.to_ndarray(width=32, height=18, format="rgb24").astype(np.float32) / 255.0
                change = float(np.abs(thumb - prev).mean()) if prev is not None else 1.0
                prev = thumb
                reason: Literal["first", "scene", "floor"] | None = None
                if not picked:
                    reason = "first"
                elif change >= limits.scene_threshold:
                    reason = "scene"
                elif t - last_t >= limits.floor_interval_s:
                    reason = "floor"
                if reason is not None:
                    picked.append(
                        Frame(decoded - 1, round(t, 3), _rgb(frame, limits.frame_max_width), reason, change)
                    )
                    last_t = t
        except av.error.FFmpegError as exc:
            if not picked:
                raise MediaError("unreadable", f"{path.name} could not be decoded ({exc})") from exc
            raise MediaError(
                "unreadable", f"{path.name} is corrupt or truncated after {decoded} frames ({exc})"
            ) from exc
        if not picked:
            raise MediaError("unreadable", f"{path.name} has no decodable frames (truncated?)")
        if decoded < 0.9 * info.frame_count - 2:
            raise MediaError(
                "unreadable", f"{path.name} is truncated: {decoded} of its {info.frame_count} frames decoded"
            )
    finally:
        container.close()
    return VideoSample(info, _cap(picked, limits.max_frames), decoded, round(time.perf_counter() - start, 3))


def _sample_by_seeking(path: Path, info: Probe, limits: MediaLimits) -> VideoSample:
    """Long videos: ``max_frames`` evenly spaced points (never closer than the floor interval); for each,
    seek to the keyframe before it and decode forward to it. Decoding cost grows with the number of
    samples and the keyframe interval, not with the video's length. A sample that differs sharply from
    the previous one is marked as a scene change."""
    import av

    start = time.perf_counter()
    step = max(limits.floor_interval_s, info.duration_s / limits.max_frames)
    targets = [i * step for i in range(int(info.duration_s / step) + 1) if i * step < info.duration_s]
    container = _open(path)
    picked: list[Frame] = []
    decoded = 0
    try:
        vs = container.streams.video[0]
        vs.thread_type = "AUTO"
        prev: npt.NDArray[np.float32] | None = None
        frames: Any = None
        position = -1e9  # time of the last decoded frame
        for target in targets:
            if frames is None or target - position > 10.0:  # far ahead: seek; near: keep decoding
                container.seek(int(target / vs.time_base), stream=vs, backward=True, any_frame=False)
                frames = container.decode(vs)
            chosen = None
            try:
                for frame in frames:
                    decoded += 1
                    if time.perf_counter() - start > limits.decode_timeout_s:
                        raise MediaError("timeout", f"decoding took over {limits.decode_timeout_s} s")
                    position = float(frame.pts * frame.time_base) if frame.pts is not None else target
                    if position >= target - 0.5 / info.fps:
                        chosen = frame
                        break
            except av.error.FFmpegError as exc:
                raise MediaError("unreadable", f"{path.name} is corrupt near {target:.1f} s ({exc})") from exc
            if chosen is None:
                continue
            t = float(chosen.pts * chosen.time_base) if chosen.pts is not None else target
            thumb = chosen.to_ndarray(width=32, height=18, format="rgb24").astype(np.float32) / 255.0
            change = float(np.abs(thumb - prev).mean()) if prev is not None else 1.0
            prev = thumb
            reason: Literal["first", "scene", "floor"] = (
                "first" if not picked else "scene" if change >= limits.scene_threshold else "floor"
            )
            index = round(t * info.fps)
            if picked and index <= picked[-1].index:
                continue
            picked.append(Frame(index, round(t, 3), _rgb(chosen, limits.frame_max_width), reason, change))
        if not picked:
            raise MediaError("unreadable", f"{path.name} has no decodable frames (truncated?)")
    finally:
        container.close()
    return VideoSample(info, tuple(picked), decoded, round(time.perf_counter() - start, 3))


def _cap(frames: list[Frame], most: int) -> tuple[Frame, ...]:
    if len(frames) <= most:
        return tuple(frames)
    first, rest = frames[0], frames[1:]
    cuts = sorted((f for f in rest if f.reason == "scene"), key=lambda f: -f.change)[: most - 1]
    left = most - 1 - len(cuts)
    others = [f for f in rest if f.reason != "scene"]
    if left > 0 and others:
        step = len(others) / left
        cuts += [others[int(i * step)] for i in range(min(left, len(others)))]
    return (first, *sorted(cuts, key=lambda f: f.index))


def extract_audio(
    path: str | Path, limits: MediaLimits = DEFAULT_LIMITS, *, sample_rate: int = 16000
) -> npt.NDArray[np.float32] | None:
    """The first audio track as mono float32 at ``sample_rate`` (None when there is none)."""
    import av

    path = Path(path)
    start = time.perf_counter()
    container = _open(path)
    try:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        chunks: list[npt.NDArray[np.float32]] = []
        budget = int(limits.max_duration_s * sample_rate) + sample_rate
        total = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    data = out.to_ndarray().reshape(-1).astype(np.float32)
                    chunks.append(data)
                    total += len(data)
                if total > budget:
                    raise MediaError("too_long", "the audio track is longer than the duration limit")
                if time.perf_counter() - start > limits.audio_timeout_s:
                    raise MediaError("timeout", f"audio extraction took over {limits.audio_timeout_s} s")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
        except av.error.FFmpegError as exc:
            raise MediaError(
                "unreadable", f"the audio track of {path.name} could not be decoded ({exc})"
            ) from exc
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    finally:
        container.close()
