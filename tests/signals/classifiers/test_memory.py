"""The nearest-neighbour features: what they compute, leave-one-out at training, and the artifact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers import HashEncoder
from tests.signals.classifiers.test_training import synthetic_rows
from watchkeeper.signals.classifiers.heads import HeadSet
from watchkeeper.signals.classifiers.memory import NeighbourBank, neighbour_features
from watchkeeper.signals.classifiers.training import TrainConfig, train_heads


def unit(rows: list[list[float]]) -> np.ndarray:
    a = np.array(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_the_share_is_weighted_towards_the_nearest_labelled_rows() -> None:
    bank_vecs = unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]])
    labels = np.array([[1, 0], [1, -1], [0, 1], [0, 1]], dtype=np.int8)
    bank = NeighbourBank.build(bank_vecs, labels, ("a", "b"), k=2)
    f = bank.features(unit([[1, 0.05, 0], [0, 0.2, 1]]))
    # head a: the first query's two nearest rows are both positive; the second's are mostly negative
    assert f["a"][0, 0] == pytest.approx(1.0)
    assert f["a"][1, 0] < 0.2
    assert f["a"][0, 1] == pytest.approx(float(unit([[1, 0.05, 0]])[0] @ bank_vecs[0]), abs=0.01)
    # head b: row 1 does not label it, so the first query's neighbours are rows 0 and 2 (0 and 1)
    assert 0.0 < f["b"][0, 0] < 1.0
    assert f["b"][1, 0] == pytest.approx(1.0)


def test_an_excluded_row_is_never_its_own_neighbour() -> None:
    vecs = unit([[1, 0], [0, 1], [0.1, 1]])
    labels = np.array([[1], [0], [0]], dtype=np.int8)
    bank = NeighbourBank.build(vecs, labels, ("a",), k=1)
    with_self = bank.features(vecs)["a"]
    left_out = bank.features(vecs, exclude=np.array([0, 1, 2]))["a"]
    assert with_self[0, 0] == 1.0 and with_self[0, 1] == pytest.approx(1.0, abs=0.01)
    assert left_out[0, 0] == 0.0 and left_out[0, 1] < 0.2  # its nearest other row is negative


def test_an_unlabelled_head_gives_zero_features() -> None:
    sims = np.array([[0.9, 0.1]], dtype=np.float32)
    assert np.array_equal(neighbour_features(sims, np.array([-1, -1], dtype=np.int8), 5), np.zeros((1, 2)))


def test_int8_bank_cosines_are_close_to_float32() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(300, 64)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    bank = NeighbourBank.build(vecs, np.zeros((300, 1), dtype=np.int8), ("a",), k=3)
    assert np.abs(bank.similarities(vecs[:20]) - vecs[:20] @ vecs.T).max() < 0.01


def test_heads_trained_with_neighbours_ship_the_bank_and_read_it(tmp_path: Path) -> None:
    heads = train_heads(
        synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5, neighbours=5)
    )
    assert heads.bank is not None and heads.bank.k == 5
    assert set(heads.bank.heads) == set(heads.full)
    assert all(h.knn is not None and h.knn.shape == (2,) for h in heads.full.values())
    assert all(h.knn is None for h in heads.lexical.values())
    path = tmp_path / "h.npz"
    heads.save(path)
    back = HeadSet.load(path)
    assert back.bank is not None and np.array_equal(back.bank.vectors, heads.bank.vectors)
    assert back.bank.heads == heads.bank.heads
    assert np.array_equal(back.full["violating"].knn, heads.full["violating"].knn)  # type: ignore[arg-type]
    off = train_heads(synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5, neighbours=0))
    assert off.bank is None and all(h.knn is None for h in off.full.values())


def test_a_head_that_needs_neighbour_features_refuses_to_run_without_them() -> None:
    heads = train_heads(
        synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5, neighbours=5)
    )
    h = heads.full["violating"]
    with pytest.raises(ValueError, match="nearest-neighbour"):
        h.proba(np.zeros((1, len(h.lex)), dtype=np.float32), np.zeros((1, 64), dtype=np.float32))


def test_the_detector_reads_the_bank_in_the_batch_path_and_one_item_at_a_time() -> None:
    from tests.signals.classifiers.test_detector import PACK, batch_matches_alone
    from watchkeeper.signals.classifiers.detector import ClassifierDetector

    heads = train_heads(
        synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5, neighbours=5)
    )
    det = ClassifierDetector(PACK, heads=heads, encoder=HashEncoder())
    alone = batch_matches_alone(det, ["you are vermin lol", "i will hurt you again"], tol=1e-5)
    assert max(s.score for s in alone[0] if s.category == "hate") > 0.8


def test_a_negative_neighbour_count_is_refused() -> None:
    with pytest.raises(ValueError, match="neighbours"):
        TrainConfig(neighbours=-1)
