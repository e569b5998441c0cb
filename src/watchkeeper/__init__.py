"""Watchkeeper: an open-source trust & safety engine.

Written policy in (a versioned policy pack), explained moderation decisions out::

    from watchkeeper import Engine, Item
    engine = Engine.load()                      # the shipped policy pack and every installed detector
    decision = engine.moderate(Item(id="c1", kind="comment", text="..."))
    decision.actions, decision.rationale, decision.policy_version
"""

from watchkeeper.decide import decide
from watchkeeper.engine import Engine
from watchkeeper.errors import PolicyError, WatchkeeperError
from watchkeeper.policy import PolicyPack, load_pack
from watchkeeper.signals import Cascade, DetectContext, Detector
from watchkeeper.types import (
    Action,
    CategoryVerdict,
    Decision,
    DetectorStatus,
    Evidence,
    FiredRule,
    Item,
    ItemKind,
    MediaRef,
    Signal,
    Surface,
    Verdict,
)

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Cascade",
    "CategoryVerdict",
    "Decision",
    "DetectContext",
    "Detector",
    "DetectorStatus",
    "Engine",
    "Evidence",
    "FiredRule",
    "Item",
    "ItemKind",
    "MediaRef",
    "PolicyError",
    "PolicyPack",
    "Signal",
    "Surface",
    "Verdict",
    "WatchkeeperError",
    "__version__",
    "decide",
    "load_pack",
]
