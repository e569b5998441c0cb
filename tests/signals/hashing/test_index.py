"""The multi-index PDQ index: exact range search (checked against a full scan), tombstones, formats."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.signals.hashing.index import HashIndex, bits_to_hex, hamming, hex_to_bits


def _near(rng: np.random.Generator, h: np.ndarray, d: int) -> np.ndarray:
    bits = np.unpackbits(h)
    bits[rng.choice(256, size=d, replace=False)] ^= 1
    return np.packbits(bits)


def test_range_search_is_exact_up_to_31() -> None:
    rng = np.random.default_rng(3)
    db = rng.integers(0, 256, size=(20_000, 32), dtype=np.uint8)
    # clusters: near-copies at every distance 0..40 around a few hashes
    extra = [_near(rng, db[k], d) for k in range(5) for d in range(41)]
    db = np.concatenate([db, np.stack(extra)])
    index = HashIndex(db)
    for k in range(5):
        for radius in (0, 5, 16, 31):
            ids, dist = index.query(db[k], radius)
            truth = np.flatnonzero(hamming(db, db[k]) <= radius)
            assert sorted(ids.tolist()) == sorted(truth.tolist())
            assert list(dist) == sorted(dist) and (dist <= radius).all()
    wide, _ = index.query(db[0], 40)  # beyond 31: a full scan, still exact
    assert sorted(wide.tolist()) == sorted(np.flatnonzero(hamming(db, db[0]) <= 40).tolist())


def test_tombstones_and_appends() -> None:
    rng = np.random.default_rng(4)
    db = rng.integers(0, 256, size=(100, 32), dtype=np.uint8)
    index = HashIndex(db[:50])
    assert len(index) == 50
    ids = index.add(db[50:])
    assert ids.tolist() == list(range(50, 100)) and len(index) == 100
    index.remove([7])
    assert 7 not in index.query(db[7], 0)[0].tolist() and len(index) == 99
    assert index.query(db[60], 0)[0].tolist() == [60]
    assert HashIndex().query(db[0])[0].size == 0


def test_hex_round_trip_and_validation() -> None:
    h = "f" * 32 + "0" * 32
    bits = hex_to_bits([h])
    assert bits_to_hex(bits) == [h] and hamming(bits, hex_to_bits(["0" * 64]))[0] == 128
    with pytest.raises(ValueError, match="64 hex characters"):
        hex_to_bits(["abc"])
