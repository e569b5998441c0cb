"""Row-wise int8 linear layers: close to float32, and a row's result never depends on its batch."""

from __future__ import annotations

import torch

from watchkeeper.signals.classifiers.encoder import MULTILINGUAL_MAX_CHARS, multilingual_input
from watchkeeper.signals.classifiers.quantize import RowInt8Linear, quantize_linears


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
