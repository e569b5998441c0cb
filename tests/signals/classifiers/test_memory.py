"""The nearest-neighbour features: what they compute, leave-one-out at training, and the artifact."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import HashEncoder
from tests.signals.classifiers.test_quantize import AVAILABLE
from tests.signals.classifiers.test_training import synthetic_only, synthetic_rows
from watchkeeper.measure.splits import bucket_of
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
    off = train_heads(
        synthetic_rows(), HashEncoder(), config=TrainConfig(seed=1, min_positives=5, neighbours=0)
    )
    assert off.bank is None and all(h.knn is None for h in off.full.values())


def test_a_dataset_can_keep_a_share_of_its_rows_in_the_bank() -> None:
    rows = synthetic_rows()
    # no generated rows, so the bank holds the synthetic set's training rows alone
    base = synthetic_only(seed=1, min_positives=5, neighbours=5)
    full = train_heads(rows, HashEncoder(), config=base)
    cfg = dataclasses.replace(base, bank_shares=(("syn", 0.3),))
    part = train_heads(rows, HashEncoder(), config=cfg)
    again = train_heads(list(reversed(rows)), HashEncoder(), config=cfg)
    assert full.bank is not None and part.bank is not None and again.bank is not None
    share = len(part.bank.vectors) / len(full.bank.vectors)
    assert 0.22 < share < 0.38
    # the same rows whatever the order, and every head still trains and ships
    assert {v.tobytes() for v in part.bank.vectors} == {v.tobytes() for v in again.bank.vectors}
    assert set(part.full) == set(full.full)
    assert part.card["neighbours"]["bank_rows"] == len(part.bank.vectors)


def test_a_contrast_set_is_in_the_bank_for_the_category_heads_only() -> None:
    """A contrast set's rows are neighbours for the category heads (its safe prompts are close
    negatives) but never for violating (its unsafe twins one word away would mislead it)."""
    rows = synthetic_rows()
    contrast = [dataclasses.replace(r, dataset="contrast") for r in rows if r.id.endswith(("1", "2"))]
    rows = [r for r in rows if not r.id.endswith(("1", "2"))] + contrast
    base = synthetic_only(seed=1, min_positives=5, neighbours=5)
    with_set = train_heads(rows, HashEncoder(), config=dataclasses.replace(base, contrast_sets=("contrast",)))
    without = train_heads(rows, HashEncoder(), config=dataclasses.replace(base, contrast_sets=()))
    assert with_set.bank is not None and without.bank is not None
    v, h = with_set.bank.heads.index("violating"), with_set.bank.heads.index("hate")
    labelled_v = (with_set.bank.labels[:, v] >= 0).sum()
    labelled_h = (with_set.bank.labels[:, h] >= 0).sum()
    assert labelled_h == (without.bank.labels[:, h] >= 0).sum()  # category heads: unchanged
    assert labelled_v < (without.bank.labels[:, v] >= 0).sum()  # violating: the set's rows left out
    in_bank_contrast = sum(1 for r in contrast if bucket_of(r.id) == "train")
    assert (without.bank.labels[:, v] >= 0).sum() - labelled_v == in_bank_contrast


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


@pytest.mark.parametrize("rows", [5, 40])  # fewer than the int8 kernel's 17 rows, and more
def test_every_int8_kernel_gives_the_same_bits(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(500, 384)).astype(np.float32)
    bank = NeighbourBank.build(vecs, np.zeros((500, 1), dtype=np.int8), ("a",), k=3)
    got = {}
    monkeypatch.setattr("watchkeeper.signals.classifiers.memory._CHUNK", 128)  # several blocks
    for kernel in AVAILABLE:
        monkeypatch.setattr("watchkeeper.signals.classifiers.quantize.int8_kernel", lambda k=kernel: k)
        fresh = NeighbourBank.build(vecs, np.zeros((500, 1), dtype=np.int8), ("a",), k=3)
        assert fresh._product.kernel == kernel
        got[kernel] = fresh.similarities(vecs[:rows])
    assert len({g.tobytes() for g in got.values()}) == 1
    assert got["int"].tobytes() == bank.similarities(vecs[:rows]).tobytes()
    unit_vecs = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    cos = got["int"] / np.linalg.norm(vecs[:rows], axis=1)[:, None] / np.linalg.norm(vecs, axis=1)[None, :]
    assert np.abs(cos - unit_vecs[:rows] @ unit_vecs.T).max() < 0.02


def test_grouped_lookup_matches_one_head_at_a_time() -> None:
    """Heads that share labelled rows share one top-k; the result is what each head alone gives."""
    rng = np.random.default_rng(2)
    vecs = rng.normal(size=(400, 32)).astype(np.float32)
    labels = rng.integers(0, 2, size=(400, 4)).astype(np.int8)
    labels[:150, 1] = -1  # head b labels fewer rows; head c shares b's rows; head d labels none
    labels[:150, 2] = -1
    labels[:, 3] = -1
    bank = NeighbourBank.build(vecs, labels, ("a", "b", "c", "d"), k=7)
    queries = vecs[:60]
    exclude = np.arange(60)
    got = bank.features(queries, exclude=exclude)
    sims = bank.similarities(queries)
    sims[np.arange(60), exclude] = -np.inf
    for j, h in enumerate(bank.heads):
        np.testing.assert_allclose(got[h], neighbour_features(sims, labels[:, j], 7), rtol=1e-6, atol=1e-6)


def test_a_head_with_few_labelled_rows_gets_its_own_nearest_rows() -> None:
    """A head whose rows are rare in the bank still gets its own k nearest, not the bank's."""
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(2000, 16)).astype(np.float32)
    labels = np.full((2000, 3), -1, dtype=np.int8)
    labels[:, 0] = rng.integers(0, 2, 2000)  # every row
    labels[:1500, 1] = rng.integers(0, 2, 1500)  # most rows: mostly found among the candidates
    labels[::97, 2] = rng.integers(0, 2, len(labels[::97]))  # 21 rows: almost never among them
    bank = NeighbourBank.build(vecs, labels, ("all", "most", "rare"), k=5)
    queries = rng.normal(size=(30, 16)).astype(np.float32)
    got = bank.features(queries)
    sims = bank.similarities(queries)
    for j, h in enumerate(bank.heads):
        np.testing.assert_allclose(got[h], neighbour_features(sims, labels[:, j], 5), rtol=1e-6, atol=1e-6)


def test_the_candidate_pool_finds_each_heads_own_nearest_rows() -> None:
    """One partial sort serves every head: a head labelled by most rows, one labelled by a few
    (whose nearest rows often lie outside the pool, so the exact search runs), and one by all."""
    rng = np.random.default_rng(3)
    vecs = unit(rng.normal(size=(3000, 24)))
    labels = rng.integers(0, 2, size=(3000, 3)).astype(np.int8)
    labels[rng.random(3000) < 0.3, 0] = -1  # head a: 70 % of the rows
    labels[rng.random(3000) < 0.98, 1] = -1  # head b: 2 %, fewer than k in most pools
    bank = NeighbourBank.build(vecs, labels, ("a", "b", "c"), k=20)
    queries = unit(rng.normal(size=(50, 24)))
    got = bank.features(queries)
    sims = bank.similarities(queries)
    for j, head in enumerate(bank.heads):
        want = neighbour_features(sims, labels[:, j], 20)
        assert np.allclose(got[head], want, atol=1e-6), head
