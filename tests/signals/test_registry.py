from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from watchkeeper.errors import RegistryError
from watchkeeper.policy import PolicyPack
from watchkeeper.signals import ENTRY_POINT_GROUP, Registry, default_registry
from watchkeeper.signals.rules.lexicon import RulesDetector
from watchkeeper.signals.rules.links import LinkSpamDetector


def test_builtins_register_through_entry_points() -> None:
    reg = default_registry()
    assert {"rules", "links"} <= set(reg.names())
    assert reg.origin("rules") == "watchkeeper.signals.rules.lexicon:RulesDetector"


def test_duplicate_names_are_refused() -> None:
    reg = Registry()
    reg.register("rules", RulesDetector)
    with pytest.raises(RegistryError, match="registered twice"):
        reg.register("rules", LinkSpamDetector)


def test_unknown_name(pack: PolicyPack) -> None:
    with pytest.raises(RegistryError, match="no detector named 'nope'"):
        default_registry().create("nope", pack)


def test_name_must_match_entry_point(pack: PolicyPack) -> None:
    reg = Registry()
    reg.register("other", RulesDetector)
    with pytest.raises(RegistryError, match="built a detector named 'rules'"):
        reg.create("other", pack)


def test_plugins_load_the_same_way(monkeypatch: pytest.MonkeyPatch, pack: PolicyPack) -> None:
    eps = [
        EntryPoint("rules", "watchkeeper.signals.rules.lexicon:RulesDetector", ENTRY_POINT_GROUP),
        EntryPoint("broken", "no_such_module_xyz:Thing", ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr("watchkeeper.signals.registry.entry_points", lambda group: eps)
    with pytest.raises(RegistryError, match="cannot load detector plugin 'broken'"):
        Registry.from_entry_points()
    monkeypatch.setattr("watchkeeper.signals.registry.entry_points", lambda group: eps[:1])
    reg = Registry.from_entry_points()
    assert reg.create("rules", pack).name == "rules"
