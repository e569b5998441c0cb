"""Pure decisions: (policy, item, signals) -> Decision."""

from watchkeeper.decide.engine import decide

__all__ = ["decide"]
