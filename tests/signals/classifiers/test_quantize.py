"""Row-wise int8 linear layers: close to float32, and a row's result never depends on its batch."""

from __future__ import annotations

import time

import pytest
import torch

from watchkeeper.signals.classifiers.encoder import MULTILINGUAL_MAX_CHARS, multilingual_input
from watchkeeper.signals.classifiers.quantize import (
    EXACT_K,
    KERNELS,
    Int8Product,
    RowInt8Linear,
    _onednn_is_exact,
    int8_kernel,
    quantize_linears,
)

#: the kernels this machine can run (oneDNN's only where its int8 product is exact here)
AVAILABLE = tuple(k for k in KERNELS if k != "onednn" or _onednn_is_exact())
OTHERS = tuple(k for k in AVAILABLE if k != "int")


def test_int8_linear_is_close_to_float32() -> None:
    torch.manual_seed(0)
    lin = torch.nn.Linear(384, 1536)
    x = torch.randn(40, 384)
    exact = lin(x)
    approx = RowInt8Linear(lin)(x)
    rel = (approx - exact).abs().mean() / exact.abs().mean()
    assert rel < 0.02


def test_a_rows_result_does_not_depend_on_the_other_rows() -> None:
    torch.manual_seed(1)
    q = RowInt8Linear(torch.nn.Linear(64, 32))
    x = torch.randn(30, 64)
    loud = torch.cat([x[:5], 1000 * torch.randn(25, 64)])  # same first rows, huge neighbours
    assert torch.equal(q(x)[:5], q(loud)[:5])
    assert torch.equal(q(x[:1]), q(x)[:1])  # alone (padded inside the kernel call) or in a batch
    assert q(x.reshape(3, 10, 64)).shape == (3, 10, 32)


@pytest.mark.parametrize("as_float", [False, True])
def test_each_row_is_scaled_by_its_largest_magnitude(as_float: bool) -> None:
    """The scale is max|x| / 127 per row, whether that extreme is positive or negative, so every
    row's extreme lands on +-127 exactly and nothing is clipped."""
    from watchkeeper.signals.classifiers.quantize import _quantize_rows

    torch.manual_seed(2)
    x = torch.randn(40, 96)
    x[::2] -= 5.0  # half the rows have their largest magnitude on the negative side
    a, scale = _quantize_rows(x.clone(), as_float)
    assert torch.equal(scale, (x.abs().amax(dim=1, keepdim=True) / 127.0))
    assert torch.equal(a.abs().amax(dim=1).to(torch.float32), torch.full((40,), 127.0))
    assert a.dtype == (torch.float32 if as_float else torch.int8)


def test_quantize_linears_replaces_every_linear_in_place() -> None:
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(8, 4))
    )
    quantize_linears(model)
    kinds = [type(m) for m in model.modules()]
    assert torch.nn.Linear not in kinds and kinds.count(RowInt8Linear) == 2


def test_multilingual_input_is_cut_to_a_bounded_length() -> None:
    assert multilingual_input("  hola   amigo \n") == "hola amigo"
    assert len(multilingual_input("mot " * 100_000)) <= MULTILINGUAL_MAX_CHARS


def _layer_with_kernel(lin: torch.nn.Linear, kernel: str, monkeypatch: pytest.MonkeyPatch) -> RowInt8Linear:
    monkeypatch.setenv("WATCHKEEPER_INT8_KERNEL", kernel)
    int8_kernel.cache_clear()
    try:
        layer = RowInt8Linear(lin)
    finally:
        int8_kernel.cache_clear()
    assert layer.kernel == kernel
    return layer


@pytest.mark.parametrize("kernel", OTHERS)
@pytest.mark.parametrize(("k", "n", "scale"), [(384, 1536, 3.0), (1536, 384, 3.0), (64, 32, 1000.0)])
def test_every_kernel_agrees_with_int_mm_bit_for_bit(
    kernel: str, k: int, n: int, scale: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch.manual_seed(k + n)
    lin = torch.nn.Linear(k, n)
    for x in (scale * torch.randn(2, 20, k), scale * torch.randn(3, k)):  # and fewer rows than _int_mm takes
        by_int = _layer_with_kernel(lin, "int", monkeypatch)(x)
        by_other = _layer_with_kernel(lin, kernel, monkeypatch)(x)
        assert by_other.shape == (*x.shape[:-1], n)
        assert torch.equal(by_int, by_other)


@pytest.mark.parametrize("kernel", OTHERS)
def test_kernels_are_exact_past_float32s_integer_range(kernel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # every product at +127 * +127: a 1,536-term sum (24.8 million) is past 2**24, where a single
    # float32 sum would round; chunking keeps the float kernel equal to the int32 one
    lin = torch.nn.Linear(1536, 4)
    with torch.no_grad():
        lin.weight.fill_(0.5)
        lin.bias.zero_()
    x = torch.ones(17, 1536)
    assert EXACT_K < 1536
    by_int = _layer_with_kernel(lin, "int", monkeypatch)(x)
    by_other = _layer_with_kernel(lin, kernel, monkeypatch)(x)
    assert torch.equal(by_int, by_other)
    assert by_other[0, 0].item() == pytest.approx(768.0, rel=1e-4)


@pytest.mark.parametrize("kernel", OTHERS)
@pytest.mark.parametrize("k", [1536, 2500])
def test_kernels_round_past_2_24_as_int32_to_float32_does(
    kernel: str, k: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An odd exact sum past 2**24 must round once, to even, in both kernels: two chunks are added in
    float32 (one correctly rounded addition), three or more in float64."""
    lin = torch.nn.Linear(k, 3)
    with torch.no_grad():
        lin.weight.fill_(0.5)
        lin.weight[:, 0] = 0.5 * 126 / 127  # one weight quantises to 126: the sum becomes odd
        lin.weight[2, 1:] = -0.5
        lin.bias.zero_()
    x = torch.ones(17, k)
    by_int = _layer_with_kernel(lin, "int", monkeypatch)(x)
    by_other = _layer_with_kernel(lin, kernel, monkeypatch)(x)
    exact = (k - 1) * 127 * 127 + 126 * 127
    assert exact > 2**24 and exact % 2 == 1
    assert torch.equal(by_int, by_other)


def test_int8_kernel_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHKEEPER_INT8_KERNEL", raising=False)
    int8_kernel.cache_clear()
    assert int8_kernel() in AVAILABLE  # measured on this machine
    monkeypatch.setenv("WATCHKEEPER_INT8_KERNEL", "simd")
    int8_kernel.cache_clear()
    with pytest.raises(ValueError, match="WATCHKEEPER_INT8_KERNEL"):
        int8_kernel()
    int8_kernel.cache_clear()


def test_worker_thread_env_sizes_every_native_pool() -> None:
    from watchkeeper.signals.classifiers.encoder import worker_thread_env

    env = worker_thread_env(1)
    assert env["WATCHKEEPER_ENCODER_THREADS"] == "1"
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["TOKENIZERS_PARALLELISM"] == "false"
    assert "TOKENIZERS_PARALLELISM" not in worker_thread_env(2)


def test_limit_native_threads_holds_the_loaded_pools() -> None:
    """In a fresh process (the limit is process-wide): numpy's BLAS pool is held to one thread."""
    import subprocess
    import sys

    code = (
        "import numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from watchkeeper.signals.classifiers.encoder import limit_native_threads\n"
        "limit_native_threads(1)\n"
        "print(max(p['num_threads'] for p in threadpool_info()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "1"


@pytest.mark.parametrize("kernel", AVAILABLE)
@pytest.mark.parametrize("block", [0, 7, 64])
def test_an_int8_product_is_the_exact_sum_in_blocks_or_whole(kernel: str, block: int) -> None:
    gen = torch.Generator().manual_seed(3)
    w = torch.randint(-127, 128, (384, 50), generator=gen, dtype=torch.int8)
    a = torch.randint(-127, 128, (5, 384), generator=gen, dtype=torch.int8)
    product = Int8Product(
        w.t().contiguous().t(), kernel=kernel, block=block
    )  # a transposed view, as the bank's
    got = product(a.to(torch.float32) if product.float_input else a)
    assert torch.equal(got, (a.to(torch.float64) @ w.to(torch.float64)).to(torch.float32))


def test_an_int8_product_refuses_what_it_cannot_multiply() -> None:
    with pytest.raises(ValueError, match="int8"):
        Int8Product(torch.zeros(4, 4))
    with pytest.raises(ValueError, match="unknown int8 kernel"):
        Int8Product(torch.zeros(4, 4, dtype=torch.int8), kernel="simd")


def test_a_kernel_whose_first_call_is_slow_is_not_timed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # oneDNN where it runs a slow path: exact, but each call far beyond any set-up cost
    calls: list[int] = []

    def slow_exact(a: torch.Tensor, packed: object, *_: object) -> torch.Tensor:
        calls.append(a.shape[0])
        time.sleep(0.05)
        return torch.zeros(a.shape[0], 1536)

    monkeypatch.delenv("WATCHKEEPER_INT8_KERNEL", raising=False)
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize._onednn_is_exact", lambda: True)
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize._onednn_mm", slow_exact)
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize._onednn_pack", lambda w: (w, w, w))
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize.SLOW_FIRST_CALL_S", 0.02)
    int8_kernel.cache_clear()
    assert int8_kernel() in ("int", "float")
    assert len(calls) == 1  # its first call only, not five rounds more
    calls.clear()
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize.SLOW_FIRST_CALL_S", 10.0)
    int8_kernel.cache_clear()
    assert int8_kernel() in ("int", "float")  # 50 ms a call loses to the others all the same
    assert len(calls) == 6  # but it was timed: its first call and five rounds
    int8_kernel.cache_clear()


def test_onednn_is_refused_by_name_where_it_is_not_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHKEEPER_INT8_KERNEL", "onednn")
    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize._onednn_is_exact", lambda: False)
    int8_kernel.cache_clear()
    with pytest.raises(ValueError, match="oneDNN"):
        int8_kernel()
    monkeypatch.delenv("WATCHKEEPER_INT8_KERNEL")
    int8_kernel.cache_clear()
    assert int8_kernel() in ("int", "float")  # measured without it
    int8_kernel.cache_clear()


def test_onednn_is_no_candidate_in_a_build_without_its_ops(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object) -> None:
        raise AttributeError("'_OpNamespace' 'onednn' object has no attribute 'qlinear_prepack'")

    monkeypatch.setattr("watchkeeper.signals.classifiers.quantize._onednn_pack", missing)
    assert _onednn_is_exact() is False


@pytest.mark.skipif("onednn" not in AVAILABLE, reason="oneDNN's int8 product is missing or inexact here")
@pytest.mark.parametrize(("preset", "hits"), [(None, 0), ("1024", 11)])
def test_onednn_keeps_few_primitives_unless_the_environment_says_otherwise(
    preset: str | None, hits: int
) -> None:
    """Each batch's token count is a new shape and each shape a new oneDNN primitive with its own
    buffers: with oneDNN's default of 1,024 kept, a worker grew ~45 MiB more over 3,000 comments.
    oneDNN reads the cap once, at its first primitive; importing the module sets it first. Eleven
    shapes twice: with 8 kept, the second pass finds none of them (oneDNN's verbose log says so)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ONEDNN_PRIMITIVE_CACHE_CAPACITY"}
    env.update(ONEDNN_VERBOSE="all", WATCHKEEPER_INT8_KERNEL="onednn")
    if preset is not None:
        env["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] = preset
    code = (
        "import torch\n"
        "from watchkeeper.signals.classifiers.quantize import Int8Product\n"
        "p = Int8Product(torch.randint(-127, 128, (384, 96), dtype=torch.int8))\n"
        "for _ in range(2):\n"
        "    for n in range(1, 12):\n"
        "        p(torch.randint(-127, 128, (64 * n, 384), dtype=torch.int8))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    log = out.stdout + out.stderr
    assert "create:cache_miss" in log
    assert log.count("create:cache_hit") == hits
