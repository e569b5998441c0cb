from __future__ import annotations

import time
from dataclasses import dataclass, field

from tests.helpers import category, make_pack
from watchkeeper.signals import Cascade, DetectContext
from watchkeeper.types import Action, Decision, DetectorStatus, Item, ItemKind, Signal

PACK = make_pack(category("hate", stop_score=0.95), category("spam"))
ITEM = Item(id="i", text="hello")


@dataclass
class Scripted:
    """A detector that returns what it is told, and records that it ran."""

    name: str
    cost: int
    result: list[Signal] = field(default_factory=list)
    raises: Exception | None = None
    sleep_s: float = 0.0
    kinds: frozenset[ItemKind] | None = None
    categories: frozenset[str] | None = None
    calls: int = 0

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        self.calls += 1
        if self.sleep_s:
            time.sleep(self.sleep_s)
        if self.raises:
            raise self.raises
        return list(self.result)


def test_runs_cheapest_first_and_sees_prior_signals() -> None:
    seen: list[int] = []

    @dataclass
    class Peek(Scripted):
        def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
            seen.append(len(ctx.prior))
            return []

    a = Scripted("a", 0, [Signal.ok("a", "hate", 0.2)])
    b = Peek("b", 10)
    with Cascade(PACK, [b, a]) as cascade:
        cascade.run(ITEM)
    assert seen == [1]


def test_stops_early_on_a_confident_result() -> None:
    cheap = Scripted("cheap", 0, [Signal.ok("cheap", "hate", 0.97)])
    costly = Scripted("costly", 100, [Signal.ok("costly", "hate", 0.1)])
    with Cascade(PACK, [cheap, costly]) as cascade:
        signals = cascade.run(ITEM)
    assert costly.calls == 0
    skipped = [s for s in signals if s.detector == "costly"]
    assert [s.status for s in skipped] == [DetectorStatus.SKIPPED]


def test_no_early_stop_below_stop_score_or_when_disabled() -> None:
    cheap = Scripted("cheap", 0, [Signal.ok("cheap", "hate", 0.9)])
    costly = Scripted("costly", 100, [])
    with Cascade(PACK, [cheap, costly]) as cascade:
        cascade.run(ITEM)
    assert costly.calls == 1
    cheap2 = Scripted("cheap", 0, [Signal.ok("cheap", "hate", 0.99)])
    costly2 = Scripted("costly", 100, [])
    with Cascade(PACK, [cheap2, costly2], early_stop=False) as cascade:
        cascade.run(ITEM)
    assert costly2.calls == 1


def test_a_crashing_detector_becomes_error_signals_for_its_categories() -> None:
    bad = Scripted("bad", 0, raises=RuntimeError("model file missing"), categories=frozenset({"spam"}))
    with Cascade(PACK, [bad]) as cascade:
        signals = cascade.run(ITEM)
        decision = cascade.moderate(ITEM)
    assert [(s.category, s.status) for s in signals] == [("spam", DetectorStatus.ERROR)]
    assert "model file missing" in (signals[0].message or "")
    assert decision.actions == (Action.ESCALATE_TO_REVIEW,)


def test_a_slow_detector_times_out() -> None:
    slow = Scripted("slow", 100, sleep_s=2.0)
    with Cascade(PACK, [slow], timeout_s=0.1) as cascade:
        start = time.perf_counter()
        signals = cascade.run(ITEM)
        assert time.perf_counter() - start < 1.5
    assert {s.status for s in signals} == {DetectorStatus.TIMEOUT}
    assert {s.category for s in signals} == {"hate", "spam"}


def test_a_detector_returning_garbage_is_an_error() -> None:
    weird = Scripted("weird", 0, result=["not a signal"])  # type: ignore[list-item]
    with Cascade(PACK, [weird]) as cascade:
        signals = cascade.run(ITEM)
    assert {s.status for s in signals} == {DetectorStatus.ERROR}


def test_detectors_skip_kinds_they_do_not_read() -> None:
    video_only = Scripted("frames", 0, kinds=frozenset({ItemKind.VIDEO}))
    with Cascade(PACK, [video_only]) as cascade:
        signals = cascade.run(ITEM)
    assert video_only.calls == 0
    assert signals[0].status is DetectorStatus.SKIPPED


def test_duplicate_names_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="duplicate"):
        Cascade(PACK, [Scripted("x", 0), Scripted("x", 1)])


@dataclass
class ReadyWhenTold(Scripted):
    """A costly detector that says whether its answer is already computed, and records its thread."""

    is_ready: bool = False
    threads: list[str] = field(default_factory=list)

    def ready(self, item: Item, ctx: DetectContext) -> bool:
        return self.is_ready

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        import threading

        self.threads.append(threading.current_thread().name)
        return super().detect(item, ctx)


def test_a_ready_detector_runs_in_line_and_others_in_a_worker() -> None:
    import threading

    ready = ReadyWhenTold("ready", 100, is_ready=True)
    busy = ReadyWhenTold("busy", 100, is_ready=False)
    with Cascade(PACK, [ready, busy]) as cascade:
        cascade.run(ITEM)
    assert ready.threads == [threading.current_thread().name]
    assert busy.threads and busy.threads[0].startswith("wk-detector")


def test_a_ready_detector_that_fails_is_still_an_error_signal() -> None:
    broken = ReadyWhenTold("broken", 100, is_ready=True, raises=RuntimeError("boom"))
    with Cascade(PACK, [broken]) as cascade:
        signals = cascade.run(ITEM)
    assert {s.status for s in signals} == {DetectorStatus.ERROR}
    assert "boom" in (signals[0].message or "")


@dataclass
class Batching(Scripted):
    """A costly detector that prefetches per batch; it scores 'bad' items, and records what it was
    asked to prefetch."""

    prefetched: list[str] = field(default_factory=list)

    def prefetch(self, items: list[Item], contexts: list[DetectContext]) -> None:
        self.prefetched.extend(it.id for it in items)

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        self.calls += 1
        return [Signal.ok(self.name, "spam", 0.7 if "bad" in (item.text or "") else 0.1)]


@dataclass
class Slurs(Scripted):
    """A cheap detector that is confident on items containing 'slur'."""

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        self.calls += 1
        return [Signal.ok(self.name, "hate", 0.99 if "slur" in (item.text or "") else 0.0)]


def test_a_batch_prefetches_only_the_items_a_cheaper_stage_left_open() -> None:
    items = [
        Item(id="a", text="a slur"),
        Item(id="b", text="bad offer"),
        Item(id="c", text="hello"),
        Item(id="d", text="slur and bad offer"),
    ]
    costly = Batching("costly", 10)
    with Cascade(PACK, [Slurs("cheap", 0), costly]) as cascade:
        batch = cascade.moderate_many(items)
    assert costly.prefetched == ["b", "c"]
    assert costly.calls == 2
    singles_costly = Batching("costly", 10)
    with Cascade(PACK, [Slurs("cheap", 0), singles_costly]) as cascade:
        singles = [cascade.moderate(it) for it in items]
    assert singles_costly.prefetched == []

    def shape(d: Decision) -> list[tuple[str, str | None, DetectorStatus, float]]:
        return [(s.detector, s.category, s.status, s.score) for s in d.signals]

    assert [shape(d) for d in batch] == [shape(d) for d in singles]
    assert [d.actions for d in batch] == [d.actions for d in singles]
    with Cascade(PACK, [Slurs("cheap", 0), all_items := Batching("costly", 10)], early_stop=False) as cascade:
        cascade.moderate_many(items)
    assert all_items.prefetched == ["a", "b", "c", "d"]
