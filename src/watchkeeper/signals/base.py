"""The detector seam: one small protocol every detector — built-in or plugin — implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from watchkeeper.extract import Entity, NormalizedText, extract_entities, normalize
from watchkeeper.policy import PolicyPack
from watchkeeper.types import Item, ItemKind, Signal

__all__ = ["DetectContext", "Detector", "DetectorFactory", "Prefetcher", "Ready", "WarmUp"]


@dataclass
class DetectContext:
    """What a detector may read besides the item. Normalised text and entities are computed once per
    item and shared by every detector of the cascade (``normalized`` / ``entities`` cache them)."""

    policy: PolicyPack
    item: Item
    prior: list[Signal] = field(default_factory=list)
    _norm: dict[str, NormalizedText] = field(default_factory=dict)
    _ents: dict[str, list[Entity]] = field(default_factory=dict)
    #: per-item scratch space detectors may share (e.g. hashed features computed once for two tiers);
    #: keys are namespaced by the detector module that fills them
    memo: dict[str, Any] = field(default_factory=dict)

    def normalized(self, name: str, text: str) -> NormalizedText:
        n = self._norm.get(name)
        if n is None or n.original != text:
            n = normalize(text)
            self._norm[name] = n
        return n

    def entities(self, name: str, text: str) -> list[Entity]:
        if name not in self._ents:
            self._ents[name] = extract_entities(text)
        return self._ents[name]


@runtime_checkable
class Detector(Protocol):
    """A detector reads an item and returns signals.

    ``name`` is unique in the registry. ``cost`` orders the cascade (cheapest first: 0 rules, 10 small
    models, 100 LLM, ...). ``kinds`` lists the item kinds it reads (None: all). ``categories`` lists the
    policy categories it can speak for (None: every category of the pack); when it fails, those
    categories are the ones the policy's ``on_error`` applies to.
    ``detect`` must not mutate the item or context other than through the context's caches; raising
    is allowed (the cascade records ``Signal.error``), returning a wrong-range score is not.
    """

    name: str
    cost: int
    kinds: frozenset[ItemKind] | None
    categories: frozenset[str] | None

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]: ...


class DetectorFactory(Protocol):
    """What an entry point in the ``watchkeeper.detectors`` group names: called with the loaded pack."""

    def __call__(self, policy: PolicyPack) -> Detector: ...


@runtime_checkable
class Prefetcher(Protocol):
    """Optional extra for detectors that gain from batching (e.g. one encoder call for many items).

    ``prefetch`` is called once per batch before the items run one by one; it may only warm caches
    (results must be the same with or without it)."""

    def prefetch(self, items: list[Item], contexts: list[DetectContext]) -> None: ...


@runtime_checkable
class Ready(Protocol):
    """Optional extra for detectors that run in a worker thread under a time budget (cost >= 10).

    ``ready`` is True when ``detect`` will answer this item from what is already computed (its batch
    was prefetched, or there is nothing slow to call): the cascade then calls ``detect`` in line and
    saves the thread hop (~0.1-0.3 ms an item). It must itself be cheap and must not compute."""

    def ready(self, item: Item, ctx: DetectContext) -> bool: ...


@runtime_checkable
class WarmUp(Protocol):
    """Optional extra for detectors with a slow first call (loading a model, embedding the pack's
    examples). The engine calls ``warm_up`` once at start-up, so a per-item time budget never pays
    for loading."""

    def warm_up(self) -> None: ...
