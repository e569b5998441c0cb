"""A nearest-neighbour signal over the training rows: what the most similar labelled texts were.

The heads are linear; a text's nearest labelled neighbours carry what a linear boundary misses
(the same request in other words, a known template, a near-copy of a labelled post). For each head,
a text gets two features from its ``k`` nearest training rows that label that head (cosine of the
sentence embeddings): the similarity-weighted share of them that are positive, and the highest
cosine. The heads learn a weight for both; the training rows' own features are computed leave-one-out
so the heads do not learn to trust a neighbour that is the row itself.

Measured before it was built (one logistic ``violating`` head, n-grams + embedding features, with and
without these two): holdout AUC openai_moderation 0.866 -> 0.898, hatexplain 0.882 -> 0.915, all
holdout rows 0.927 -> 0.947, and toxicchat, never trained on, 0.795 -> 0.858.

Through the whole cascade with 20 neighbours: toxicchat F1 0.466 -> 0.506, harmbench recall 0.42 ->
0.53, openai_moderation 0.715 -> 0.711, but 577-615 -> 303-354 items/s, so training leaves it off
unless asked (``watchkeeper train --neighbours 20``; docs/classifiers.md has the full table).

The bank is stored as int8 with one scale per row (cosines within ~1e-2 of float32), 384 bytes a row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["NeighbourBank", "neighbour_features"]

Matrix = npt.NDArray[np.float32]

#: how sharply the nearest neighbours outweigh the farther ones (weights exp(temperature * cosine))
TEMPERATURE = 10.0
#: rows of the bank converted to float32 at a time (bounds the temporary memory: ~6 MB)
_CHUNK = 4096


@dataclass(frozen=True)
class NeighbourBank:
    """Training rows' sentence embeddings (int8 + row scale) and their labels per head (-1: the row
    does not label that head)."""

    vectors: npt.NDArray[np.int8]  # (rows, dim)
    scales: Matrix  # (rows,)
    labels: npt.NDArray[np.int8]  # (rows, heads)
    heads: tuple[str, ...]
    k: int = 10

    @classmethod
    def build(
        cls, embeddings: Matrix, labels: npt.NDArray[np.int8], heads: tuple[str, ...], k: int
    ) -> NeighbourBank:
        scale = np.abs(embeddings).max(axis=1).clip(min=1e-12) / 127.0
        q = np.round(embeddings / scale[:, None]).astype(np.int8)
        return cls(q, scale.astype(np.float32), labels.astype(np.int8), heads, k)

    def similarities(self, emb: Matrix) -> Matrix:
        """(texts, rows) cosine of each text to every bank row."""
        out = np.empty((len(emb), len(self.vectors)), dtype=np.float32)
        for i in range(0, len(self.vectors), _CHUNK):
            block = self.vectors[i : i + _CHUNK].astype(np.float32) * self.scales[i : i + _CHUNK, None]
            out[:, i : i + len(block)] = emb @ block.T
        return out

    def features(self, emb: Matrix, *, exclude: npt.NDArray[np.int64] | None = None) -> dict[str, Matrix]:
        """Per head, ``(texts, 2)``: the weighted positive share of the ``k`` nearest rows that label
        the head, and the highest such cosine. ``exclude[i]`` is a bank row text ``i`` may not use
        (itself, at training; -1 for none)."""
        if len(emb) == 0 or len(self.vectors) == 0:
            return {h: np.zeros((len(emb), 2), dtype=np.float32) for h in self.heads}
        sims = self.similarities(emb)
        if exclude is not None:
            rows = np.where(exclude >= 0)[0]
            sims[rows, exclude[rows]] = -np.inf
        return {h: neighbour_features(sims, self.labels[:, j], self.k) for j, h in enumerate(self.heads)}


def neighbour_features(sims: Matrix, labels: npt.NDArray[np.int8], k: int) -> Matrix:
    """:meth:`NeighbourBank.features` for one head's labels (-1 = unlabelled, never a neighbour)."""
    out = np.zeros((len(sims), 2), dtype=np.float32)
    usable = np.where(labels >= 0)[0]
    if len(usable) == 0:
        return out
    s = sims[:, usable]
    y = labels[usable].astype(np.float32)
    kk = min(k, len(usable))
    idx = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
    top = np.take_along_axis(s, idx, axis=1)
    finite = np.isfinite(top)
    top_f = np.where(finite, top, -1.0)
    w = np.where(finite, np.exp(TEMPERATURE * (top_f - top_f.max(axis=1, keepdims=True))), 0.0)
    total = w.sum(axis=1)
    share = (w * y[idx]).sum(axis=1) / np.where(total > 0, total, 1.0)
    out[:, 0] = share
    out[:, 1] = top_f.max(axis=1)
    return out
