"""Int8 linear layers whose result for a row never depends on the other rows.

PyTorch's dynamic quantisation picks one activation scale per *tensor*, so a text's embedding moves
with whatever else shares its batch (and with the padding): the same comment could score differently
in two batches. Here every row (token) gets its own activation scale and every output channel its
own weight scale; the int8 product is exact in int32, so a layer's result for a row is identical
whatever the batch. (Through a whole padded model, masked padding still changes attention's float
rounding, which the activation rounding can amplify to ~1e-2 in an element; the encoder therefore
runs texts packed, without padding — :mod:`.packed` — and is then batch-invariant bit for bit.)

Two kernels compute that same exact integer product, bit for bit:

* ``int``: ``torch._int_mm`` — about 2.4x faster than float32 on a CPU with int8 dot-product
  instructions (AVX-512 VNNI / AVX-VNNI), but some 30x *slower* than float32 on one without them
  (measured on an AVX2-only AMD EPYC: 9 texts/s against 272 for float32);
* ``float``: the int8 values multiplied as float32 by the ordinary float matrix product. A float32
  holds every integer below 2**24 exactly, and a chunk of at most :data:`EXACT_K` products of two int8
  values never sums past that, so each chunk's result is the exact integer; chunks are added in
  float64 (exact) and rounded to float32 once, as the int32 result is. Two chunks (MiniLM's widest
  layer) are added in float32 directly: one IEEE addition is the exact sum rounded once.

Which one runs is measured once per process on a layer-sized product (``WATCHKEEPER_INT8_KERNEL=int``
or ``float`` forces one). The heads need not know: both give the same embeddings.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from typing import Any

__all__ = ["EXACT_K", "RowInt8Linear", "int8_kernel", "quantize_linears"]

import torch

#: the most int8 x int8 products a float32 sum holds exactly (every partial sum stays below 2**24)
EXACT_K = (1 << 24) // (127 * 127)


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
        self.kernel = int8_kernel()
        # the float kernel's copy of the int8 weights, in chunks of at most EXACT_K input features
        self._w_chunks: tuple[torch.Tensor, ...] = ()
        if self.kernel == "float":
            w_f = self.w_t.to(torch.float32)
            self._w_chunks = tuple(c.contiguous() for c in torch.split(w_f, EXACT_K, dim=0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        as_float = bool(self._w_chunks)
        a, a_scale = _quantize_rows(x, as_float)
        y: torch.Tensor = (
            _float_int_mm(a, self._w_chunks) if as_float else torch._int_mm(a, self.w_t).to(torch.float32)
        )
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


def _quantize_rows(x: torch.Tensor, as_float: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Each row of ``x`` as int8 values and its scale. ``as_float``: the same integers held as float32
    (for the float kernel; skips two casts)."""
    last = getattr(_LAST, "entry", None)
    if last is not None and last[0] is x and last[3] == as_float:
        return last[1], last[2]
    rows = x.reshape(-1, x.shape[-1])
    if not as_float and rows.shape[0] <= 16:
        # the int8 kernel wants more than 16 rows; padding rows touch nothing else
        rows = torch.cat([rows, rows.new_zeros(17 - rows.shape[0], rows.shape[1])])
    # max |x| per row without an |x| copy of the input: max(max x, -min x), exactly. Two reductions,
    # not torch.aminmax: its row-wise form took 15-20x as long here (1.1 against 0.06 ms for 1,300
    # tokens x 384), 20 % of the whole encoder's time
    hi = rows.amax(dim=1, keepdim=True)
    lo = rows.amin(dim=1, keepdim=True)
    scale = torch.maximum(hi, lo.neg_()).clamp_(min=1e-12).div_(127.0)
    a = torch.div(rows, scale).round_()
    if not as_float:
        a = a.to(torch.int8)
    _LAST.entry = (x, a, scale, as_float)
    return a, scale


def _float_int_mm(a: torch.Tensor, w_chunks: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """``a @ w`` for int8 ``a`` and int8 weights held as float32 chunks: the exact integer result,
    rounded to float32 once (what ``torch._int_mm(a, w).to(torch.float32)`` returns)."""
    a_f = a if a.dtype == torch.float32 else a.to(torch.float32)
    if len(w_chunks) == 1:
        return a_f @ w_chunks[0]
    if len(w_chunks) == 2:
        # one float32 addition of two exact integers is their exact sum rounded once, as int32 -> float32
        k = w_chunks[0].shape[0]
        return (a_f[:, :k] @ w_chunks[0]).add_(a_f[:, k:] @ w_chunks[1])
    acc: torch.Tensor | None = None
    start = 0
    for w in w_chunks:
        part = (a_f[:, start : start + w.shape[0]] @ w).to(torch.float64)
        acc = part if acc is None else acc.add_(part)
        start += w.shape[0]
    assert acc is not None
    return acc.to(torch.float32)


@lru_cache(maxsize=1)
def int8_kernel() -> str:
    """``"int"`` or ``"float"``: ``WATCHKEEPER_INT8_KERNEL`` if set, else whichever computes a
    layer-sized int8 product faster here (measured once per process, ~0.1 s)."""
    forced = os.environ.get("WATCHKEEPER_INT8_KERNEL", "").strip().lower()
    if forced in ("int", "float"):
        return forced
    if forced:
        raise ValueError(f"WATCHKEEPER_INT8_KERNEL must be 'int' or 'float', not {forced!r}")
    gen = torch.Generator().manual_seed(0)
    a = torch.randint(-127, 128, (256, 384), generator=gen, dtype=torch.int8)
    w = torch.randint(-127, 128, (384, 1536), generator=gen, dtype=torch.int8)
    w_f = (w.to(torch.float32),)

    def best(fn: Any) -> float:
        fn()  # first call pays one-off set-up
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    t_int = best(lambda: torch._int_mm(a, w))
    t_float = best(lambda: _float_int_mm(a, w_f))
    return "int" if t_int <= t_float else "float"


def quantize_linears(module: torch.nn.Module) -> torch.nn.Module:
    """Replace every ``nn.Linear`` inside ``module`` with :class:`RowInt8Linear`, in place."""
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, RowInt8Linear(child))
        else:
            quantize_linears(child)
    return module
