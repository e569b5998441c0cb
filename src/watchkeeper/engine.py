"""The engine API the CLI, the service and library users share: load a pack, build the cascade, decide."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watchkeeper.extract.segments import with_timecodes
from watchkeeper.policy import PolicyPack, load_pack
from watchkeeper.settings import Settings, load_settings
from watchkeeper.signals import Cascade, Detector, Registry, WarmUp, default_registry
from watchkeeper.types import Decision, Item, ItemKind, Surface

__all__ = ["Engine", "freeze_long_lived"]


class Engine:
    """A loaded policy pack and its cascade of detectors. Thread-compatible: one per worker thread."""

    def __init__(
        self,
        policy: PolicyPack,
        detectors: Sequence[Detector],
        *,
        early_stop: bool = True,
        timeout_s: float = 5.0,
        warm_up: bool = True,
    ) -> None:
        self.policy = policy
        self.cascade = Cascade(policy, detectors, early_stop=early_stop, timeout_s=timeout_s)
        if warm_up:
            for d in detectors:
                if isinstance(d, WarmUp):
                    d.warm_up()

    @classmethod
    def load(
        cls,
        policy_dir: str | Path | None = None,
        *,
        detectors: Sequence[str] | None = None,
        settings: Settings | None = None,
        registry: Registry | None = None,
    ) -> Engine:
        """Load the pack (default: settings / the shipped pack) and every registered detector,
        or only the named ones."""
        s = settings or load_settings()
        policy = load_pack(policy_dir or s.policy_dir)
        names = list(detectors) if detectors else (s.detectors or None)
        reg = registry or default_registry()
        return cls(
            policy, reg.create_all(policy, names), early_stop=s.early_stop, timeout_s=s.detector_timeout_s
        )

    @property
    def detector_names(self) -> list[str]:
        return [d.name for d in self.cascade.detectors]

    def moderate(self, item: Item) -> Decision:
        """The decision for one item: a batch of one, so the encoder tiers run in the calling thread
        (as in a batch) rather than in the cascade's worker pool. PyTorch work spread over two
        threads of a process contends for the cores from then on (measured: one text 21 ms through
        MiniLM from one thread, 39 ms once a second thread had used PyTorch)."""
        return self.moderate_many([item])[0]

    def moderate_many(self, items: Sequence[Item]) -> list[Decision]:
        """Decisions for a batch of items, in order (faster than one by one: model calls are batched).
        Text evidence in transcripts and on-screen text gets the timecode it was said or shown at."""
        return [with_timecodes(d, i) for d, i in zip(self.cascade.moderate_many(items), items, strict=True)]

    def moderate_text(
        self,
        text: str,
        *,
        item_id: str = "cli",
        kind: ItemKind = ItemKind.TEXT,
        surface: Surface = Surface.OTHER,
        **extra: Any,
    ) -> Decision:
        return self.moderate(Item(id=item_id, text=text, kind=kind, surface=surface, **extra))

    def close(self) -> None:
        self.cascade.close()


def freeze_long_lived() -> None:
    """Take every object alive now out of the cyclic garbage collector's reach (``gc.collect()``, then
    ``gc.freeze()``): for a process that has loaded its engine and will moderate until it exits (a
    ``serve`` worker, a file run). The pack, the lexicons, the heads and the model wrappers are some
    360,000 objects that live as long as the process, and every collection walked them again: with
    them frozen, collections took 0.10 s instead of 0.46 s over 3,000 comments on one core (of 9.2 s).
    Objects freed by reference counting are freed as before; only cycles among frozen objects are
    never collected, and these live for the whole process anyway. Not done by :meth:`Engine.load`:
    a program that builds and drops engines (tests, notebooks) needs them collected."""
    gc.collect()
    gc.freeze()
