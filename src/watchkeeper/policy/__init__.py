"""The policy pack: the single source of truth every detector, the decision engine and reports read."""

from watchkeeper.policy.loader import load_pack
from watchkeeper.policy.model import Band, Category, PackRule, PolicyPack

__all__ = ["Band", "Category", "PackRule", "PolicyPack", "load_pack"]
