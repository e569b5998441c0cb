"""From a media file to an :class:`~watchkeeper.types.Item` the detectors can judge: the video is probed
and sampled (:mod:`watchkeeper.extract.video`), every sampled frame (or the image) is PDQ-hashed, and
the item carries the time-coded results in ``metadata``:

- ``media_hashes``: ``[{"pdq", "quality", "t", "frame"}]`` for the hash-bank detector;
- ``frames``: ``[{"t", "index", "reason"}]`` for the reviewer console's timeline;
- ``media``: the probe (container, codecs, duration, size) and the time each stage took.

Images are read with Pillow, whose decompression-bomb guard is set from the same pixel limit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from watchkeeper.extract.ocr import RapidOcrReader, TextReader, read_frames
from watchkeeper.extract.provenance import read_provenance
from watchkeeper.extract.segments import Segment, join_segments
from watchkeeper.extract.speech import Recogniser, WhisperRecogniser
from watchkeeper.extract.video import DEFAULT_LIMITS, Frame, MediaError, MediaLimits, extract_audio, sample
from watchkeeper.extract.visual import NudeNetDetector, OpenNsfwScorer, VisualDetector
from watchkeeper.signals.hashing.index import hamming
from watchkeeper.signals.hashing.pdq import hash_image
from watchkeeper.types import Item, ItemKind, MediaRef

__all__ = [
    "HASHES_ONLY",
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "Extractors",
    "MediaAnalysis",
    "analyse_file",
    "is_media_path",
]

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".ts", ".3gp"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"})


def is_media_path(value: str) -> bool:
    p = Path(value)
    return p.suffix.lower() in VIDEO_SUFFIXES | IMAGE_SUFFIXES and p.is_file()


@dataclass(frozen=True)
class MediaAnalysis:
    item: Item
    timings_s: dict[str, float] = field(default_factory=dict)


def _image(path: Path, limits: MediaLimits) -> np.ndarray[Any, Any]:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with Image.open(path) as im:
            if im.width * im.height > limits.max_pixels:
                raise MediaError("resolution", f"{im.width}x{im.height} is over the pixel limit")
            return np.asarray(im.convert("RGB"))
    except Image.DecompressionBombError as exc:
        raise MediaError("bomb", str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise MediaError("unreadable", f"{path.name} is not a readable image ({exc})") from exc


def _frame_entries(frames: tuple[Frame, ...], thumbnails: int) -> list[dict[str, Any]]:
    """Each sampled frame's time, index and reason; up to ``thumbnails`` of them (evenly spread) with a
    256 px JPEG data URI, so a reviewer sees the video on its timeline without the file."""
    import base64
    import io

    from PIL import Image

    step = max(1, -(-len(frames) // thumbnails)) if thumbnails > 0 else 0
    out: list[dict[str, Any]] = []
    for n, f in enumerate(frames):
        entry: dict[str, Any] = {"t": f.timecode_s, "index": f.index, "reason": f.reason}
        if step and n % step == 0:
            im = Image.fromarray(f.image)
            im.thumbnail((256, 256))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=60)
            entry["uri"] = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
        out.append(entry)
    return out


def _distinct(bits: list[np.ndarray[Any, Any]], skip: int) -> list[int]:
    keep: list[int] = []
    for i, b in enumerate(bits):
        if not keep or int(hamming(b, bits[keep[-1]])) > skip:
            keep.append(i)
    return keep


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Extractors:
    """Which extractors run, and with which engines (each behind its own seam; None: skip the stage)."""

    ocr: TextReader | None = None
    speech: Recogniser | None = None
    visual: tuple[VisualDetector, ...] = ()
    ocr_max_frames: int = 14
    #: small JPEG thumbnails kept on the item for the reviewer console's timeline (0: none)
    thumbnails: int = 12

    @classmethod
    def default(cls) -> Extractors:
        """The bundled offline models: RapidOCR, Whisper tiny.en, NudeNet and open_nsfw."""
        return cls(
            ocr=RapidOcrReader(), speech=WhisperRecogniser(), visual=(NudeNetDetector(), OpenNsfwScorer())
        )


HASHES_ONLY = Extractors()


def analyse_file(
    path: str | Path,
    *,
    item_id: str | None = None,
    text: str = "",
    fields: dict[str, str] | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
    extractors: Extractors = HASHES_ONLY,
    **item_fields: Any,
) -> MediaAnalysis:
    """Probe, sample and hash a video or image file, run the chosen extractors (OCR of frames, speech
    to text, visual detection) and return the item to moderate, with time-coded results."""
    path = Path(path)
    segments: list[Segment] = []
    timings: dict[str, float] = {}
    start = time.perf_counter()
    if path.suffix.lower() in IMAGE_SUFFIXES:
        if path.stat().st_size > limits.max_bytes:
            raise MediaError("too_large", f"{path.name} is over the {limits.max_bytes} byte limit")
        rgb = _image(path, limits)
        timings["decode"] = time.perf_counter() - start
        t = time.perf_counter()
        h = hash_image(rgb)
        timings["hashing"] = time.perf_counter() - t
        meta: dict[str, Any] = {
            "media_hashes": [{"pdq": h.hex, "quality": h.quality, "t": None, "frame": None}],
            "media": {"width": int(rgb.shape[1]), "height": int(rgb.shape[0])},
        }
        still = [Frame(0, 0.0, rgb, "first")]
        if extractors.ocr is not None:
            t = time.perf_counter()
            segments += read_frames(still, [h.bits], extractors.ocr, max_frames=1)[0]
            timings["ocr"] = time.perf_counter() - t
        if extractors.visual:
            t = time.perf_counter()
            meta["visual"] = [v.as_dict() for d in extractors.visual for v in d.detect(still)]
            timings["visual"] = time.perf_counter() - t
        kind = ItemKind.IMAGE
        mime = f"image/{path.suffix.lower().lstrip('.').replace('jpg', 'jpeg')}"
    else:
        video = sample(path, limits)
        timings["decode"] = video.seconds
        t = time.perf_counter()
        hashes = []
        bits = []
        for f in video.frames:
            h = hash_image(f.image)
            bits.append(h.bits)
            hashes.append({"pdq": h.hex, "quality": h.quality, "t": f.timecode_s, "frame": f.index})
        timings["hashing"] = time.perf_counter() - t
        ocr_read = 0
        if extractors.ocr is not None:
            t = time.perf_counter()
            found, ocr_read = read_frames(
                video.frames, bits, extractors.ocr, max_frames=extractors.ocr_max_frames
            )
            segments += found
            timings["ocr"] = time.perf_counter() - t
        if extractors.speech is not None:
            t = time.perf_counter()
            audio = extract_audio(path, limits)
            timings["audio"] = time.perf_counter() - t
            if audio is not None:
                t = time.perf_counter()
                segments += extractors.speech.transcribe(audio)
                timings["asr"] = time.perf_counter() - t
        visual: list[dict[str, Any]] = []
        if extractors.visual:
            t = time.perf_counter()
            # a frame showing the same picture as the last one looked at (PDQ within 16) is skipped
            distinct = [video.frames[i] for i in _distinct(bits, 16)]
            visual = [v.as_dict() for d in extractors.visual for v in d.detect(distinct)]
            timings["visual"] = time.perf_counter() - t
        p = video.probe
        meta = {
            "media_hashes": hashes,
            "frames": _frame_entries(video.frames, extractors.thumbnails),
            "duration_s": p.duration_s,
            "media": {
                "container": p.container, "video_codec": p.video_codec, "audio_codec": p.audio_codec,
                "width": p.width, "height": p.height, "fps": p.fps, "frames": p.frame_count,
                "decoded_frames": video.decoded_frames, "size_bytes": p.size_bytes,
                "ocr_frames_read": ocr_read,
            },
        }  # fmt: skip
        if extractors.visual:
            meta["visual"] = visual
        kind = ItemKind.VIDEO
        mime = (
            "video/mp4"
            if path.suffix.lower() in (".mp4", ".m4v")
            else f"video/{path.suffix.lower().lstrip('.')}"
        )
    t = time.perf_counter()
    credentials = read_provenance(path)
    timings["provenance"] = time.perf_counter() - t
    if credentials is not None:
        meta["provenance"] = credentials.as_dict()
    meta["media"]["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    texts, layout = join_segments(segments)
    if layout:
        meta["segments"] = layout
    fields = {**(fields or {}), **texts}
    extra_meta = item_fields.pop("metadata", {}) or {}
    item = Item(
        id=item_id or path.name,
        kind=kind,
        text=text,
        fields=fields,
        media=(MediaRef(uri=path.resolve().as_uri(), mime_type=mime, sha256=_sha256(path)),),
        metadata={**extra_meta, **meta},
        **item_fields,
    )
    return MediaAnalysis(item, timings)
