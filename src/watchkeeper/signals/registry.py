"""Detector registry. Built-ins register through the same entry-point group plugins use
(``watchkeeper.detectors`` in a package's ``pyproject.toml``); names must be unique."""

from __future__ import annotations

from importlib.metadata import entry_points

from watchkeeper.errors import RegistryError
from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import Detector, DetectorFactory

__all__ = ["ENTRY_POINT_GROUP", "Registry", "default_registry"]

ENTRY_POINT_GROUP = "watchkeeper.detectors"


class Registry:
    def __init__(self) -> None:
        self._factories: dict[str, DetectorFactory] = {}
        self._origin: dict[str, str] = {}

    def register(self, name: str, factory: DetectorFactory, origin: str = "<code>") -> None:
        if name in self._factories:
            raise RegistryError(
                f"detector name {name!r} is registered twice ({self._origin[name]} and {origin})"
            )
        self._factories[name] = factory
        self._origin[name] = origin

    def names(self) -> list[str]:
        return sorted(self._factories)

    def origin(self, name: str) -> str:
        return self._origin[name]

    def create(self, name: str, policy: PolicyPack) -> Detector:
        try:
            factory = self._factories[name]
        except KeyError:
            raise RegistryError(
                f"no detector named {name!r}; registered: {', '.join(self.names())}"
            ) from None
        detector = factory(policy)
        if not isinstance(detector, Detector):
            raise RegistryError(f"{name!r} did not build a Detector (got {type(detector).__name__})")
        if detector.name != name:
            raise RegistryError(f"entry point {name!r} built a detector named {detector.name!r}")
        return detector

    def create_all(self, policy: PolicyPack, names: list[str] | None = None) -> list[Detector]:
        return [self.create(n, policy) for n in (names or self.names())]

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> Registry:
        reg = cls()
        for ep in entry_points(group=group):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plugin must be reported, not crash the engine silently
                raise RegistryError(f"cannot load detector plugin {ep.name!r} ({ep.value}): {exc}") from exc
            reg.register(ep.name, factory, origin=ep.value)
        return reg


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """Every detector installed in this environment (built-ins and plugins), loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry.from_entry_points()
    return _DEFAULT
