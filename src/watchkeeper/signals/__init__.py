"""Signals: the detector protocol, the registry (entry points) and the cascade."""

from watchkeeper.signals.base import DetectContext, Detector, DetectorFactory, Prefetcher, WarmUp
from watchkeeper.signals.cascade import Cascade
from watchkeeper.signals.registry import ENTRY_POINT_GROUP, Registry, default_registry

__all__ = [
    "ENTRY_POINT_GROUP",
    "Cascade",
    "DetectContext",
    "Detector",
    "DetectorFactory",
    "Prefetcher",
    "Registry",
    "WarmUp",
    "default_registry",
]
