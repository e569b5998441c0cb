"""The cascade: cheap detectors first, costlier ones only while the outcome is still open.

Detectors run in ascending ``cost``; detectors of equal cost form one stage. After each stage, if some
category has an ok signal at or above its policy ``stop_score`` (a confident violation), the remaining
stages are skipped and recorded as ``skipped`` signals, so the decision shows they did not run.
A detector that raises or overruns its time budget yields ``error`` / ``timeout`` signals for the
categories it covers; the policy's ``on_error`` decides what that means (never a silent "allow").
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from itertools import groupby

from watchkeeper.decide import decide
from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext, Detector, Prefetcher, Ready
from watchkeeper.types import Decision, DetectorStatus, Item, Signal

__all__ = ["INLINE_COST_LIMIT", "Cascade"]

#: detectors cheaper than this run inline (no thread hop); costlier ones run in a worker with a timeout,
#: unless they are :class:`Ready` for the item (its answer is already computed)
INLINE_COST_LIMIT = 10


class Cascade:
    def __init__(
        self,
        policy: PolicyPack,
        detectors: Sequence[Detector],
        *,
        early_stop: bool = True,
        timeout_s: float = 5.0,
        max_workers: int = 4,
    ) -> None:
        names = [d.name for d in detectors]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate detector names in cascade: {names}")
        self.policy = policy
        self.detectors = sorted(detectors, key=lambda d: d.cost)
        self.early_stop = early_stop
        self.timeout_s = timeout_s
        self._pool: ThreadPoolExecutor | None = None
        self._max_workers = max_workers
        self._ready = {d.name: d.ready for d in detectors if isinstance(d, Ready)}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Cascade:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def budget_for(self, detector: Detector) -> float:
        """A detector's time budget per item: its own ``timeout_s`` attribute if it has one (the LLM
        judge sets its own, longer budget), else the cascade's."""
        own = getattr(detector, "timeout_s", None)
        return float(own) if isinstance(own, int | float) and own > 0 else self.timeout_s

    def _covered(self, detector: Detector) -> list[str]:
        ids = self.policy.category_ids()
        if detector.categories is None:
            return list(ids)
        return [c for c in ids if c in detector.categories]

    def _failed(self, detector: Detector, status: DetectorStatus, message: str) -> list[Signal]:
        make = Signal.timeout if status is DetectorStatus.TIMEOUT else Signal.error
        return [make(detector.name, message, category=c) for c in self._covered(detector)]

    def _run_one(self, detector: Detector, item: Item, ctx: DetectContext) -> list[Signal]:
        if detector.kinds is not None and item.kind not in detector.kinds:
            return [Signal.skipped(detector.name, f"does not read {item.kind.value} items")]
        start = time.perf_counter()
        try:
            ready = self._ready.get(detector.name)
            if detector.cost < INLINE_COST_LIMIT or (ready is not None and ready(item, ctx)):
                out = detector.detect(item, ctx)
            else:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="wk-detector")
                future = self._pool.submit(detector.detect, item, ctx)
                budget = self.budget_for(detector)
                try:
                    out = future.result(timeout=budget)
                except FutureTimeout:
                    future.cancel()
                    return self._failed(detector, DetectorStatus.TIMEOUT, f"no answer within {budget:g}s")
        except Exception as exc:  # any detector failure becomes an error signal, never an allow
            return self._failed(detector, DetectorStatus.ERROR, f"{type(exc).__name__}: {exc}")
        elapsed = (time.perf_counter() - start) * 1000
        checked: list[Signal] = []
        for s in out:
            if not isinstance(s, Signal):
                return self._failed(
                    detector, DetectorStatus.ERROR, f"returned {type(s).__name__}, not Signal"
                )
            checked.append(s if s.latency_ms is not None else s.model_copy(update={"latency_ms": elapsed}))
        return checked

    def _confident(self, signals: Iterable[Signal]) -> bool:
        for s in signals:
            if s.is_ok:
                try:
                    cat = self.policy.category(s.category)
                except KeyError:
                    continue
                if s.score >= cat.stop_score:
                    return True
        return False

    def _stages(self) -> list[list[Detector]]:
        return [list(group) for _, group in groupby(self.detectors, key=lambda d: d.cost)]

    def _stop_after(self, stages: list[list[Detector]], i: int, ctx: DetectContext) -> bool:
        """Whether the cascade ends after stage ``i`` for this item; if so, the later stages are
        recorded as skipped."""
        if not (self.early_stop and self._confident(ctx.prior)):
            return False
        for later in stages[i + 1 :]:
            ctx.prior.extend(
                Signal.skipped(d.name, "cascade stopped early on a confident result") for d in later
            )
        return True

    def run(self, item: Item, ctx: DetectContext | None = None) -> list[Signal]:
        """All signals for ``item``, stage by stage, cheapest first."""
        ctx = ctx or DetectContext(policy=self.policy, item=item)
        stages = self._stages()
        for i, stage in enumerate(stages):
            for detector in stage:
                ctx.prior.extend(self._run_one(detector, item, ctx))
            if self._stop_after(stages, i, ctx):
                break
        return ctx.prior

    def moderate(self, item: Item) -> Decision:
        """Run the cascade and decide under the cascade's policy."""
        return decide(self.policy, item, self.run(item))

    def moderate_many(self, items: Sequence[Item]) -> list[Decision]:
        """Decisions for a batch, in order; the same as calling :meth:`moderate` on each item.

        The batch goes through the cascade stage by stage. Before a stage runs, its detectors that are
        :class:`Prefetcher` warm their caches for the items still open (one encoder call instead of one
        per item); an item a cheaper stage already settled (early stop) is never prefetched, so the
        batch path does no more work for it than :meth:`moderate` would."""
        contexts = [DetectContext(policy=self.policy, item=it) for it in items]
        stages = self._stages()
        open_rows = list(range(len(items)))
        for i, stage in enumerate(stages):
            if not open_rows:
                break
            for d in stage:
                if isinstance(d, Prefetcher):
                    # a failed prefetch only loses the speed-up; detect() reports real errors
                    with contextlib.suppress(Exception):
                        d.prefetch([items[j] for j in open_rows], [contexts[j] for j in open_rows])
            still_open: list[int] = []
            for j in open_rows:
                for detector in stage:
                    contexts[j].prior.extend(self._run_one(detector, items[j], contexts[j]))
                if not self._stop_after(stages, i, contexts[j]):
                    still_open.append(j)
            open_rows = still_open
        return [decide(self.policy, it, ctx.prior) for it, ctx in zip(items, contexts, strict=True)]
