"""Int8 linear layers whose result for a row never depends on the other rows.

PyTorch's dynamic quantisation picks one activation scale per *tensor*, so a text's embedding moves
with whatever else shares its batch (and with the padding): the same comment could score differently
in two batches. Here every row (token) gets its own activation scale and every output channel its
own weight scale; the int8 product is exact in int32 (``torch._int_mm``), so a layer's result for a
row is identical whatever the batch (through a whole model, float rounding in attention or layer norm
can still flip one rounding step now and then: median element difference 3e-8, max ~1e-2), and the
product is about 2.4x faster than float32 on this CPU.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["RowInt8Linear", "quantize_linears"]

import torch


class RowInt8Linear(torch.nn.Module):
    """``y = x W^T + b`` with W as int8 per output channel and x quantised to int8 per row."""

    w_t: torch.Tensor
    w_scale: torch.Tensor
    bias: torch.Tensor

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-12) / 127.0
        self.register_buffer("w_t", torch.round(w / scale[:, None]).to(torch.int8).t().contiguous())
        self.register_buffer("w_scale", scale[None, :].contiguous())
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(w.shape[0])
        self.register_buffer("bias", bias)
        self.in_features = linear.in_features
        self.out_features = linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        a, a_scale = _quantize_rows(x)
        acc: Any = torch._int_mm(a, self.w_t)
        y: torch.Tensor = acc.to(torch.float32)
        y.mul_(a_scale).mul_(self.w_scale).add_(self.bias)
        out: torch.Tensor = y[: _rows(shape)].reshape(*shape[:-1], self.out_features)
        return out


#: per thread, the last input quantised, so the query, key and value layers (one input) quantise it
#: once; thread-local so two encoders running in two threads never see each other's input
_LAST = threading.local()


def _rows(shape: torch.Size) -> int:
    n = 1
    for d in shape[:-1]:
        n *= d
    return n


def _quantize_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    last = getattr(_LAST, "entry", None)
    if last is not None and last[0] is x:
        return last[1], last[2]
    rows = x.reshape(-1, x.shape[-1])
    if rows.shape[0] <= 16:  # the int8 kernel wants more than 16 rows; padding rows touch nothing else
        rows = torch.cat([rows, rows.new_zeros(17 - rows.shape[0], rows.shape[1])])
    scale = rows.abs().amax(dim=1, keepdim=True).clamp_(min=1e-12).div_(127.0)
    a = torch.div(rows, scale).round_().to(torch.int8)
    _LAST.entry = (x, a, scale)
    return a, scale


def quantize_linears(module: torch.nn.Module) -> torch.nn.Module:
    """Replace every ``nn.Linear`` inside ``module`` with :class:`RowInt8Linear`, in place."""
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, RowInt8Linear(child))
        else:
            quantize_linears(child)
    return module
