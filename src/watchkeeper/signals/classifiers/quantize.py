"""Int8 linear layers whose result for a row never depends on the other rows.

PyTorch's dynamic quantisation picks one activation scale per *tensor*, so a text's embedding moves
with whatever else shares its batch (and with the padding): the same comment could score differently
in two batches. Here every row (token) gets its own activation scale and every output channel its
own weight scale; the int8 product is exact in int32, so a layer's result for a row is identical
whatever the batch. (Through a whole padded model, masked padding still changes attention's float
rounding, which the activation rounding can amplify to ~1e-2 in an element; the encoder therefore
runs texts packed, without padding — :mod:`.packed` — and is then batch-invariant bit for bit.)

Three kernels compute that same exact integer product, bit for bit:

* ``onednn``: oneDNN's int8 matrix product (``torch.ops.onednn.qlinear_pointwise`` with unit scales,
  the weights pre-packed once), which writes the exact int32 sums straight out as float32. On a CPU
  with AMX (Intel Sapphire Rapids and later) it took the encoder from 3.25 to 2.85 ms a comment on
  one core, and one int8 layer product 1.5-3x less time than ``torch._int_mm``;
* ``int``: ``torch._int_mm`` — about 2.4x faster than float32 on a CPU with int8 dot-product
  instructions (AVX-512 VNNI / AVX-VNNI), but some 30x *slower* than float32 on one without them
  (measured on an AVX2-only AMD EPYC: 9 texts/s against 272 for float32);
* ``float``: the int8 values multiplied as float32 by the ordinary float matrix product. A float32
  holds every integer below 2**24 exactly, and a chunk of at most :data:`EXACT_K` products of two int8
  values never sums past that, so each chunk's result is the exact integer; chunks are added in
  float64 (exact) and rounded to float32 once, as the int32 result is. Two chunks (MiniLM's widest
  layer) are added in float32 directly: one IEEE addition is the exact sum rounded once.

Which one runs is measured once per process on a layer-sized product (``WATCHKEEPER_INT8_KERNEL=onednn``,
``int`` or ``float`` forces one); ``onednn`` is a candidate only where the op exists and gives the
exact sums on a check product (extreme values included). The heads need not know: every kernel gives
the same embeddings.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache

__all__ = [
    "EXACT_K",
    "KERNELS",
    "ONEDNN_PRIMITIVE_CACHE",
    "SLOW_FIRST_CALL_S",
    "Int8Product",
    "RowInt8Linear",
    "int8_kernel",
    "quantize_linears",
]

#: oneDNN primitives kept per process (its default is 1,024). Each batch's token count is a new
#: matrix shape and each shape a new primitive holding its own buffers: with the default, a worker's
#: peak RSS grew 194-197 MiB over 3,000 comments in batches of 64, with 8 kept 148-156 (the encoder
#: alone, 6,400 texts: 166-200 against 82-100). One batch's forward needs four (MiniLM's four weight
#: shapes at one token count) and the neighbour lookup one more, so 8 keeps every primitive a batch
#: reuses; throughput was the same within the machine's noise. oneDNN reads this when it creates its
#: first primitive: set here, before any is; an explicit environment setting wins.
ONEDNN_PRIMITIVE_CACHE = 8
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_PRIMITIVE_CACHE))

import torch  # noqa: E402  (after the oneDNN setting above)

#: the most int8 x int8 products a float32 sum holds exactly (every partial sum stays below 2**24)
EXACT_K = (1 << 24) // (127 * 127)
#: the kernels, in the order they are preferred when two measure the same
KERNELS = ("onednn", "int", "float")
#: ``torch._int_mm`` on a CPU wants more than this many rows
_INT_MM_MIN_ROWS = 17
#: oneDNN's rows are padded to a multiple of this (see :meth:`Int8Product.__call__`)
_ONEDNN_ROWS = 64
#: a kernel whose first call on :func:`int8_kernel`'s probe takes longer than this (seconds) is out of
#: the running: oneDNN's exact int8 product took 3.4-3.7 s a call there on an AMD EPYC with AVX-512 VNNI
#: and no AMX, where ``torch._int_mm`` took 2.6 ms, and timing it five more times made the choice
#: cost 22 s of every process's start
SLOW_FIRST_CALL_S = 0.5


class Int8Product:
    """``a @ w`` for one int8 matrix ``w`` (``(k, n)``) and int8 rows ``a``: the exact integer result,
    rounded to float32 once (what ``torch._int_mm(a, w).to(torch.float32)`` returns), by ``kernel``
    (default: the process's, :func:`int8_kernel`). ``block`` > 0 multiplies that many columns of ``w``
    at a time and keeps no float copy of ``w`` (a large matrix, such as the neighbour bank, at the cost
    of converting each block per call in the float kernel)."""

    def __init__(self, w: torch.Tensor, *, kernel: str | None = None, block: int = 0) -> None:
        if w.dtype != torch.int8 or w.dim() != 2:
            raise ValueError("Int8Product wants a 2-d int8 matrix")
        self.kernel = kernel or int8_kernel()
        self.k, self.n = w.shape
        self.block = block if 0 < block < self.n else 0
        self._w = w  # the int kernel's operand, and the float kernel's in blocks
        self._float_chunks: tuple[torch.Tensor, ...] = ()
        self._onednn: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
        if self.kernel == "onednn":
            self._onednn = _onednn_pack(w)
            self._w = w.new_empty((0, self.n))  # the packed copy is all oneDNN reads (a view would keep w)
        elif self.kernel == "float" and not self.block:
            self._float_chunks = _float_chunks(w)
        elif self.kernel not in KERNELS:
            raise ValueError(f"unknown int8 kernel {self.kernel!r}")

    @property
    def float_input(self) -> bool:
        """Whether the kernel takes its int8 rows held as float32 (saves two casts)."""
        return self.kernel == "float"

    def __call__(self, a: torch.Tensor) -> torch.Tensor:
        if self._onednn is not None:
            rows = a.shape[0]
            # oneDNN builds (and caches) one primitive per shape: rows padded to a multiple of
            # _ONEDNN_ROWS keep the shapes few, so the cache does not grow with every batch's length
            pad = -rows % _ONEDNN_ROWS
            if pad:
                a = torch.cat([a, a.new_zeros(pad, a.shape[1])])
            return _onednn_mm(a, *self._onednn)[:rows]
        if self.kernel == "float":
            if not self.block:
                return _float_int_mm(a, self._float_chunks)
            return torch.cat(
                [
                    _float_int_mm(a, _float_chunks(self._w[:, i : i + self.block]))
                    for i in range(0, self.n, self.block)
                ],
                dim=1,
            )
        rows = a.shape[0]
        if rows < _INT_MM_MIN_ROWS:  # padding rows touch nothing else
            a = torch.cat([a, a.new_zeros(_INT_MM_MIN_ROWS - rows, a.shape[1])])
        if not self.block:
            return torch._int_mm(a, self._w)[:rows].to(torch.float32)
        out = torch.empty((rows, self.n), dtype=torch.float32)
        for i in range(0, self.n, self.block):
            out[:, i : i + self.block].copy_(torch._int_mm(a, self._w[:, i : i + self.block])[:rows])
        return out


class RowInt8Linear(torch.nn.Module):
    """``y = x W^T + b`` with W as int8 per output channel and x quantised to int8 per row."""

    w_scale: torch.Tensor
    bias: torch.Tensor

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        w = linear.weight.detach().float()
        scale = w.abs().amax(dim=1).clamp(min=1e-12) / 127.0
        # the int8 weights (inputs x outputs) live in the kernel's own form only
        w_t = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()
        self.register_buffer("w_scale", scale[None, :].contiguous())
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(w.shape[0])
        self.register_buffer("bias", bias)
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        self.product = Int8Product(w_t)
        self.kernel = self.product.kernel

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        a, a_scale = _quantize_rows(x, self.product.float_input)
        y = self.product(a)
        y.mul_(a_scale).mul_(self.w_scale).add_(self.bias)
        out: torch.Tensor = y.reshape(*shape[:-1], self.out_features)
        return out


#: per thread, the last input quantised, so the query, key and value layers (one input) quantise it
#: once; thread-local so two encoders running in two threads never see each other's input
_LAST = threading.local()


def _quantize_rows(x: torch.Tensor, as_float: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Each row of ``x`` as int8 values and its scale. ``as_float``: the same integers held as float32
    (for the float kernel; skips two casts)."""
    last = getattr(_LAST, "entry", None)
    if last is not None and last[0] is x and last[3] == as_float:
        return last[1], last[2]
    rows = x.reshape(-1, x.shape[-1])
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


def _float_chunks(w: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The float kernel's copy of int8 ``w``, in chunks of at most :data:`EXACT_K` rows (inputs)."""
    return tuple(c.contiguous() for c in torch.split(w.to(torch.float32), EXACT_K, dim=0))


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


def _onednn_pack(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """oneDNN's packed copy of int8 ``w`` (``(k, n)``) and unit scales / zero points per column."""
    packed = torch.ops.onednn.qlinear_prepack(w.t().contiguous(), None)
    n = w.shape[1]
    return packed, torch.ones(n, dtype=torch.float32), torch.zeros(n, dtype=torch.int64)


def _onednn_mm(
    a: torch.Tensor, packed: torch.Tensor, ones: torch.Tensor, zeros: torch.Tensor
) -> torch.Tensor:
    """The exact int32 sums of ``a @ w`` written as float32: every scale 1, every zero point 0."""
    y: torch.Tensor = torch.ops.onednn.qlinear_pointwise(
        a, 1.0, 0, packed, ones, zeros, None, 1.0, 0, torch.float32, "none", [], ""
    )
    return y


def _onednn_is_exact() -> bool:
    """Whether oneDNN's int8 product exists here and gives the exact sums, extremes included (every
    input at +-127, where a kernel that adds pairs in 16 bits would saturate)."""
    gen = torch.Generator().manual_seed(1)
    a = torch.randint(-127, 128, (40, 1536), generator=gen, dtype=torch.int8)
    w = torch.randint(-127, 128, (1536, 96), generator=gen, dtype=torch.int8)
    a[:4] = 127
    a[4:8] = -127
    w[:, :8] = 127
    try:  # a build without the ops raises AttributeError; one whose oneDNN refuses them, RuntimeError
        got = _onednn_mm(a, *_onednn_pack(w))
    except (AttributeError, RuntimeError):
        return False
    want = (a.to(torch.float64) @ w.to(torch.float64)).to(torch.float32)
    return bool(torch.equal(got, want))


@lru_cache(maxsize=1)
def int8_kernel() -> str:
    """``"onednn"``, ``"int"`` or ``"float"``: ``WATCHKEEPER_INT8_KERNEL`` if set, else whichever
    computes a layer-sized int8 product fastest here (measured once per process: ~0.2 s, or ~4 s
    where oneDNN's first call is slow and it drops out, :data:`SLOW_FIRST_CALL_S`)."""
    forced = os.environ.get("WATCHKEEPER_INT8_KERNEL", "").strip().lower()
    if forced and forced not in KERNELS:
        raise ValueError(f"WATCHKEEPER_INT8_KERNEL must be one of {', '.join(KERNELS)}, not {forced!r}")
    if forced == "onednn" and not _onednn_is_exact():
        raise ValueError(
            "WATCHKEEPER_INT8_KERNEL=onednn, but oneDNN's int8 product is missing or inexact here"
        )
    if forced:
        return forced
    gen = torch.Generator().manual_seed(0)
    a = torch.randint(-127, 128, (256, 384), generator=gen, dtype=torch.int8)
    w = torch.randint(-127, 128, (384, 1536), generator=gen, dtype=torch.int8)
    candidates = [k for k in KERNELS if k != "onednn" or _onednn_is_exact()]
    calls: list[tuple[str, Int8Product, torch.Tensor]] = []
    # oneDNN's first call last: the others' first calls are cheap, and one of them is always kept
    for k in sorted(candidates, key=lambda k: k == "onednn"):
        product = Int8Product(w, kernel=k)
        x = a.to(torch.float32) if product.float_input else a
        t0 = time.perf_counter()
        product(x)  # the first call pays one-off set-up
        if calls and time.perf_counter() - t0 > SLOW_FIRST_CALL_S:
            continue  # hundreds of times a layer product: set-up cannot explain that
        calls.append((k, product, x))
    candidates = [k for k, _, _ in calls]
    # the best of five rounds, the kernels taking turns, so a burst of load elsewhere on the machine
    # slows every kernel's round alike rather than one kernel's whole measurement
    timed = dict.fromkeys(candidates, float("inf"))
    for _ in range(5):
        for k, product, x in calls:
            t0 = time.perf_counter()
            product(x)
            timed[k] = min(timed[k], time.perf_counter() - t0)
    return min(candidates, key=lambda k: (timed[k], KERNELS.index(k)))


def quantize_linears(module: torch.nn.Module) -> torch.nn.Module:
    """Replace every ``nn.Linear`` inside ``module`` with :class:`RowInt8Linear`, in place."""
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, RowInt8Linear(child))
        else:
            quantize_linears(child)
    return module
