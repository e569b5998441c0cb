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

Through the whole cascade, 80 neighbours against none (heads ``2026.12.01.9``, a 14,238-row bank;
docs/classifiers.md has the full table, with 20 and 40 neighbours and the full bank):
openai_moderation holdout F1 0.721 -> 0.738, toxicchat 0.467 -> 0.520, toxigen 0.632 -> 0.698,
harmbench recall 0.42 -> 0.53. Contrast sets (XSTest: each safe prompt has an unsafe twin one word
away) stay out of the bank, where they pulled safe prompts towards their twins. A lookup costs
~11 ms per batch of 42 dev texts on one core (~16 ms against the full
27,000-row bank), against ~120 ms for the first version (an int8 -> float32 copy of the bank and a
NumPy partial sort per head per batch).

The bank is stored as int8 with one scale per row (cosines within ~1e-2 of float32), 384 bytes a row.
A lookup quantises the texts the same way and takes the exact integer dot products with the
process's int8 kernel (:class:`.quantize.Int8Product`: oneDNN, ``torch._int_mm`` or float32, whichever
is fastest here; a sum of 384 products of int8 values stays below 2**24, so float32 holds it exactly).
All give the same bits, so the features, and the heads' scores, do not depend on the CPU.
The ``k`` nearest rows for every head come from one partial sort of a candidate pool (:data:`POOL_FACTOR`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import torch

from watchkeeper.signals.classifiers.quantize import Int8Product

__all__ = ["NeighbourBank", "neighbour_features"]

Matrix = npt.NDArray[np.float32]

#: how sharply the nearest neighbours outweigh the farther ones (weights exp(temperature * cosine))
TEMPERATURE = 10.0
#: bank rows multiplied at a time by the int and float kernels (bounds the temporaries: 42 texts x
#: 4,096 rows is 0.7 MB; the float kernel's float32 copy of a block is 6 MB); oneDNN takes the whole
#: bank, packed once
_CHUNK = 4096
#: the lookup's candidate pool, in multiples of ``k``: one partial sort of this many nearest rows
#: serves every group of heads (each group's rows are 49-90 % of the shipped bank; a text whose pool
#: holds fewer than k of a group's rows is searched exactly over them). Against one ``topk`` per
#: group (11 groups, k = 80, 17,628 rows), batches of 64 comments on one core: 24.0 -> 15.7 ms with a
#: ``torch.topk`` pool of 5k. NumPy's ``argpartition`` does not slow down with the pool's size as
#: ``topk`` does (44 x 17,628 cosines: 2.4 ms for any pool, ``topk`` 2.1 ms for 80 rows and 5.6 ms
#: for 400), so a wider pool now costs little and spares most exact searches (a quarter of the
#: text-group pairs needed one at 5k): batches of 44 dev comments, 17.4 -> 11.1-11.9 ms at 12k (8k:
#: 12.4, 16k: 11.5, 25k: 15.0), the same features to 1e-7
POOL_FACTOR = 12


def _quantize(x: Matrix) -> tuple[npt.NDArray[np.int8], Matrix]:
    """Each row as int8 values and its scale (max |x| / 127)."""
    scale = (np.abs(x).max(axis=1) if x.size else np.zeros(len(x))).clip(min=1e-12) / 127.0
    return np.round(x / scale[:, None]).astype(np.int8), scale.astype(np.float32)


@dataclass(frozen=True)
class _Group:
    """Heads that the same bank rows label: those rows (None: every row) and their mask."""

    rows: npt.NDArray[np.int64] | None
    mask: npt.NDArray[np.bool_] | None
    heads: tuple[int, ...]


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
        q, scale = _quantize(embeddings)
        return cls(q, scale, labels.astype(np.int8), heads, k)

    @cached_property
    def _groups(self) -> tuple[_Group, ...]:
        """Heads grouped by the bank rows that label them."""
        by_rows: dict[bytes, tuple[npt.NDArray[np.bool_], list[int]]] = {}
        for j in range(len(self.heads)):
            usable = self.labels[:, j] >= 0
            by_rows.setdefault(np.packbits(usable).tobytes(), (usable, []))[1].append(j)
        return tuple(
            _Group(None, None, tuple(js)) if mask.all() else _Group(np.flatnonzero(mask), mask, tuple(js))
            for mask, js in by_rows.values()
        )

    @cached_property
    def _product(self) -> Int8Product:
        """The exact integer products of texts with every bank row, by the process's int8 kernel."""
        return Int8Product(torch.from_numpy(self.vectors).t(), block=_CHUNK)

    def similarities(self, emb: Matrix) -> Matrix:
        """(texts, rows) cosine of each text to every bank row, the text quantised like the bank;
        the same bits from every int8 kernel."""
        q, q_scale = _quantize(np.asarray(emb, dtype=np.float32))
        dots: Matrix = self._product(torch.from_numpy(q)).numpy()
        dots *= q_scale[:, None]
        dots *= self.scales[None, :]
        return dots

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
        all_sims = torch.from_numpy(sims)
        # one partial sort over the whole bank for every group of heads: each group's k nearest
        # usable rows are the first k usable ones among the ``pool`` nearest overall, whenever at
        # least k of those are usable (the rest of the bank is no nearer than the pool's last row)
        cand_sims_np, cand_np = _nearest_first(sims, min(POOL_FACTOR * self.k, sims.shape[1]))
        out: dict[str, Matrix] = {}
        for group in self._groups:
            if group.rows is not None and len(group.rows) == 0:
                out.update({self.heads[j]: np.zeros((len(emb), 2), dtype=np.float32) for j in group.heads})
                continue
            top, idx = self._nearest(all_sims, group, cand_np, cand_sims_np)
            for j in group.heads:
                out[self.heads[j]] = _weighted(top, self.labels[idx, j])
        return out

    def _nearest(
        self,
        all_sims: torch.Tensor,
        group: _Group,
        cand: npt.NDArray[np.int64],
        cand_sims: Matrix,
    ) -> tuple[Matrix, npt.NDArray[np.int64]]:
        """The cosines and bank rows of each text's ``k`` nearest rows that ``group`` may use, in
        descending order, from the candidate pool; a text whose pool holds fewer than ``k`` usable
        rows gets an exact search over the group's rows."""
        usable, mask = group.rows, group.mask
        if usable is None or mask is None:
            k = min(self.k, all_sims.shape[1])
            return np.ascontiguousarray(cand_sims[:, :k]), np.ascontiguousarray(cand[:, :k])
        k = min(self.k, len(usable))
        ok = mask[cand]
        rank = np.cumsum(ok, axis=1)
        keep = ok & (rank <= k)
        short = rank[:, -1] < k
        top = np.empty((len(cand), k), dtype=np.float32)
        idx = np.empty((len(cand), k), dtype=np.int64)
        full = ~short
        if full.any():
            top[full] = cand_sims[full][keep[full]].reshape(-1, k)
            idx[full] = cand[full][keep[full]].reshape(-1, k)
        if short.any():
            rows = torch.from_numpy(np.flatnonzero(short))
            sub = all_sims.index_select(0, rows).index_select(1, torch.from_numpy(usable))
            s_top, s_pos = torch.topk(sub, k, dim=1)
            top[short], idx[short] = s_top.numpy(), usable[s_pos.numpy()]
        return top, idx


def _nearest_first(sims: Matrix, pool: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
    """Each row's ``pool`` largest values and their columns, largest first (ties in column order of
    the partition, which is the same on every machine for the same input)."""
    n = sims.shape[1]
    part = np.argpartition(sims, n - pool, axis=1)[:, n - pool :]
    vals = np.take_along_axis(sims, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(vals, order, axis=1), np.take_along_axis(part, order, axis=1)


def _weighted(top: Matrix, y: npt.NDArray[np.int8]) -> Matrix:
    """The two features from each text's nearest cosines ``top`` and those rows' labels ``y``."""
    out = np.zeros((len(top), 2), dtype=np.float32)
    finite = np.isfinite(top)
    top_f = np.where(finite, top, -1.0)
    w = np.where(finite, np.exp(TEMPERATURE * (top_f - top_f.max(axis=1, keepdims=True))), 0.0)
    total = w.sum(axis=1)
    out[:, 0] = (w * y).sum(axis=1) / np.where(total > 0, total, 1.0)
    out[:, 1] = top_f.max(axis=1)
    return out


def neighbour_features(sims: Matrix, labels: npt.NDArray[np.int8], k: int) -> Matrix:
    """:meth:`NeighbourBank.features` for one head's labels (-1 = unlabelled, never a neighbour),
    from precomputed similarities."""
    usable = np.where(labels >= 0)[0]
    if len(usable) == 0:
        return np.zeros((len(sims), 2), dtype=np.float32)
    s = sims[:, usable]
    kk = min(k, len(usable))
    idx = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
    return _weighted(np.take_along_axis(s, idx, axis=1), labels[usable][idx])
