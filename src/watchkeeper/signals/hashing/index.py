"""Exact range search over 256-bit perceptual hashes (PDQ) by multi-index hashing.

A hash is cut into 16 chunks of 16 bits. Two hashes within Hamming distance 31 must agree on at least
one chunk to within 1 bit (pigeonhole: 16 chunks each 2 or more bits apart make 32 or more). So a query
looks up, in each chunk's table, its own chunk value and the 16 values one bit away (272 buckets in
all), and checks the few candidates found with an exact popcount. Recall is 1.0 for every distance up
to 31 by construction, whatever the data; speed depends on how evenly hashes fill the buckets (random
hashes: ~15 per bucket at 1M). Tables are CSR arrays (offsets per chunk value + ids sorted by it), so
a query is a handful of vectorised numpy calls, no Python loop over candidates.

Written here rather than taken from faiss: faiss's ``IndexBinaryMultiHash`` implements the same idea
but measured 1.8 ms per range query at 1M hashes on this machine, over the 1 ms budget.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_GUARANTEED_DISTANCE", "HashIndex", "bits_to_hex", "hamming", "hex_to_bits"]

CHUNKS = 16
CHUNK_BITS = 16
#: the largest distance with guaranteed recall (2 * CHUNKS - 1)
MAX_GUARANTEED_DISTANCE = 2 * CHUNKS - 1
_FLIPS = np.array([0] + [1 << b for b in range(CHUNK_BITS)], dtype=np.int64)

Hashes = npt.NDArray[np.uint8]  # (n, 32)


def hex_to_bits(hexes: Sequence[str]) -> Hashes:
    """64-character hex strings (PDQ's text form) -> (n, 32) uint8."""
    out = np.zeros((len(hexes), 32), dtype=np.uint8)
    for i, h in enumerate(hexes):
        if len(h) != 64:
            raise ValueError(f"a PDQ hash is 64 hex characters, got {len(h)}: {h[:20]!r}")
        out[i] = np.frombuffer(bytes.fromhex(h), dtype=np.uint8)
    return out


def bits_to_hex(bits: Hashes) -> list[str]:
    return [bytes(row).hex() for row in np.atleast_2d(bits)]


def hamming(a: Hashes, b: Hashes) -> npt.NDArray[np.int64]:
    """Row-wise Hamming distances between (n, 32) and (n, 32) or (32,) arrays."""
    x = np.bitwise_xor(np.ascontiguousarray(a), np.ascontiguousarray(b)).view(np.uint64)
    out: npt.NDArray[np.int64] = np.bitwise_count(x).sum(axis=-1, dtype=np.int64)
    return out


class HashIndex:
    """Append-only index of 256-bit hashes; ``remove`` tombstones an id (a bank entry taken out)."""

    def __init__(self, hashes: Hashes | None = None) -> None:
        self._hashes: Hashes = np.zeros((0, 32), dtype=np.uint8)
        self._words: npt.NDArray[np.uint64] = np.zeros((0, 4), dtype=np.uint64)  # the same bits, 4 words
        self._alive: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._offsets = np.zeros((CHUNKS, (1 << CHUNK_BITS) + 1), dtype=np.int64)
        self._ids = np.zeros((CHUNKS, 0), dtype=np.int32)
        if hashes is not None and len(hashes):
            self.add(hashes)

    def __len__(self) -> int:
        return int(self._alive.sum())

    @property
    def nbytes(self) -> int:
        """Memory held (the word view shares the hashes' buffer)."""
        return int(self._hashes.nbytes + self._alive.nbytes + self._offsets.nbytes + self._ids.nbytes)

    @staticmethod
    def _chunks(hashes: Hashes) -> npt.NDArray[np.int64]:
        """(n, 16) chunk values (big-endian 16-bit words)."""
        h = np.ascontiguousarray(hashes).astype(np.int64)
        return (h[:, 0::2] << 8) | h[:, 1::2]

    def add(self, hashes: Hashes) -> npt.NDArray[np.int64]:
        """Add (n, 32) hashes; returns their ids (positions). Rebuilds the tables (bulk loads are cheap:
        one stable sort per chunk)."""
        hashes = np.asarray(hashes, dtype=np.uint8).reshape(-1, 32)
        first = len(self._hashes)
        self._hashes = np.concatenate([self._hashes, hashes])
        self._words = self._hashes.view(np.uint64)
        self._alive = np.concatenate([self._alive, np.ones(len(hashes), dtype=bool)])
        chunks = self._chunks(self._hashes)
        ids = np.empty((CHUNKS, len(self._hashes)), dtype=np.int32)  # positions: 2^31 hashes at most
        offsets = np.zeros((CHUNKS, (1 << CHUNK_BITS) + 1), dtype=np.int64)
        for c in range(CHUNKS):
            order = np.argsort(chunks[:, c], kind="stable")
            ids[c] = order
            counts = np.bincount(chunks[:, c], minlength=1 << CHUNK_BITS)
            offsets[c, 1:] = np.cumsum(counts)
        self._ids, self._offsets = ids, offsets
        return np.arange(first, len(self._hashes), dtype=np.int64)

    def remove(self, ids: Sequence[int]) -> None:
        self._alive[np.asarray(ids, dtype=np.int64)] = False

    def query(self, h: Hashes, max_distance: int = 31) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(ids, distances) of every live hash within ``max_distance`` of ``h``, nearest first.
        Exact for ``max_distance`` <= 31; larger values fall back to a full scan."""
        q = np.asarray(h, dtype=np.uint8).reshape(32)
        if not len(self._hashes):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if max_distance > MAX_GUARANTEED_DISTANCE:
            cand = np.flatnonzero(self._alive)
        else:
            probes = self._chunks(q[None, :])[0][:, None] ^ _FLIPS[None, :]  # (16, 17)
            rows = np.arange(CHUNKS)[:, None]
            starts = self._offsets[rows, probes].ravel()
            ends = self._offsets[rows, probes + 1].ravel()
            lengths = ends - starts
            total = int(lengths.sum())
            if total == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            # positions inside the flattened (chunk, sorted ids) table, without a Python loop
            base = (np.repeat(np.arange(CHUNKS), 17) * len(self._hashes) + starts).repeat(lengths)
            within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            # a candidate found through several chunks is a near neighbour: dedupe after filtering
            cand = self._ids.ravel()[base + within]
        qw = q.view(np.uint64)
        dist = np.bitwise_count(self._words[cand] ^ qw).sum(axis=1, dtype=np.int64)
        keep = (dist <= max_distance) & self._alive[cand]
        cand, first = np.unique(cand[keep], return_index=True)
        dist = dist[keep][first]
        order = np.argsort(dist, kind="stable")
        return cand[order], dist[order]
