"""On-screen text: OCR of sampled frames, de-duplicated across frames.

The recogniser sits behind one seam (:class:`TextReader`); the default, :class:`RapidOcrReader`, runs
RapidOCR's bundled PP-OCR small detection + recognition ONNX models offline. OCR is the slowest stage
(~0.8 s per 720p frame on 2 cores), so frames are chosen: a frame whose PDQ hash is within
``skip_distance`` of the last frame read shows the same picture and is not read again, and at most
``max_frames`` are read (scene cuts first, then spread over the video). A line seen in consecutive read
frames becomes one segment spanning them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from watchkeeper.extract.lazy import Lazy
from watchkeeper.extract.segments import Segment
from watchkeeper.extract.video import Frame
from watchkeeper.signals.hashing.index import hamming

__all__ = ["RapidOcrReader", "TextReader", "read_frames"]


class TextReader(Protocol):
    def read(self, rgb: npt.NDArray[np.uint8]) -> list[tuple[str, float]]:
        """Lines of text in the image with their confidence (0-1)."""
        ...


class RapidOcrReader:
    def __init__(self, *, min_confidence: float = 0.5, threads: int = 2, max_width: int = 960) -> None:
        self.min_confidence = min_confidence
        self.threads = threads
        #: frames are read at most this wide: captions stay legible and detection is ~2x faster than at 1280
        self.max_width = max_width
        self._engine: Lazy[Any] = Lazy(self._load)

    def _load(self) -> Any:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        params = {
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
        }
        return RapidOCR(params=params)

    def read(self, rgb: npt.NDArray[np.uint8]) -> list[tuple[str, float]]:
        if rgb.shape[1] > self.max_width:
            from PIL import Image

            h = round(rgb.shape[0] * self.max_width / rgb.shape[1])
            rgb = np.asarray(Image.fromarray(rgb).resize((self.max_width, h)))
        result = self._engine.get()(np.ascontiguousarray(rgb[..., ::-1]))  # RapidOCR expects BGR
        texts = result.txts or ()
        scores = result.scores or ()
        return [
            (t, float(s))
            for t, s in zip(texts, scores, strict=False)
            if s >= self.min_confidence and any(ch.isalnum() for ch in t)  # not a lone box or dash
        ]


_SPACE = re.compile(r"\s+")


def _norm(line: str) -> str:
    return _SPACE.sub(" ", line).strip().casefold()


@dataclass
class _Open:
    text: str
    t0: float
    t1: float
    frame: int
    confidence: float


def _choose(
    frames: Sequence[Frame], hashes: Sequence[npt.NDArray[np.uint8]], most: int, skip: int
) -> list[int]:
    keep: list[int] = []
    last: npt.NDArray[np.uint8] | None = None
    for i, h in enumerate(hashes):
        if last is not None and int(hamming(h, last)) <= skip:
            continue
        keep.append(i)
        last = h
    if len(keep) <= most:
        return keep
    cuts = [i for i in keep if frames[i].reason in ("first", "scene")][:most]
    rest = [i for i in keep if i not in cuts]
    left = most - len(cuts)
    if left > 0 and rest:
        step = len(rest) / left
        cuts += [rest[int(k * step)] for k in range(left)]
    return sorted(cuts)


def read_frames(
    frames: Sequence[Frame],
    hashes: Sequence[npt.NDArray[np.uint8]],
    reader: TextReader,
    *,
    max_frames: int = 10,
    skip_distance: int = 16,
) -> tuple[list[Segment], int]:
    """OCR segments for the frames (``hashes``: each frame's PDQ bits) and how many frames were read."""
    chosen = _choose(frames, hashes, max_frames, skip_distance)
    segments: list[Segment] = []
    open_: dict[str, _Open] = {}
    for n, i in enumerate(chosen):
        f = frames[i]
        until = frames[chosen[n + 1]].timecode_s if n + 1 < len(chosen) else f.timecode_s
        seen: set[str] = set()
        for line, conf in reader.read(f.image):
            key = _norm(line)
            if not key or key in seen:
                continue
            seen.add(key)
            if key in open_:
                open_[key].t1 = max(open_[key].t1, until)
            else:
                open_[key] = _Open(line.strip(), f.timecode_s, until, f.index, conf)
        for key in [k for k in open_ if k not in seen]:
            o = open_.pop(key)
            segments.append(Segment("ocr", o.text, o.t0, o.t1, o.frame, round(o.confidence, 3)))
    segments += [Segment("ocr", o.text, o.t0, o.t1, o.frame, round(o.confidence, 3)) for o in open_.values()]
    return sorted(segments, key=lambda s: (s.t0, s.text)), len(chosen)
