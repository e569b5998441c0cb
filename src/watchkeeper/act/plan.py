"""Pure planning of what follows a decision: which actions are enforced, whether a person must look,
in which queue and with what priority, whether the author gets a strike. No I/O here: the review
workflow (:mod:`watchkeeper.review.workflow`) carries the plan out in one database transaction."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from watchkeeper.policy import PolicyPack
from watchkeeper.policy.model import QueueSpec
from watchkeeper.types import ACTION_SEVERITY, Action, Decision, DetectorStatus, Item, Verdict

__all__ = [
    "ENFORCEABLE",
    "CasePlan",
    "case_plan",
    "enforceable",
    "priority",
    "qa_sampled",
    "reach_factor",
    "reconcile",
    "route_queue",
    "strike_due",
    "top_category",
]

#: actions a sink applies; ``allow`` needs nothing and ``escalate_to_review`` opens a case instead
ENFORCEABLE = frozenset(
    {Action.LABEL, Action.AGE_RESTRICT, Action.LIMIT_REACH, Action.REMOVE, Action.SUSPEND_ACCOUNT}
)


def enforceable(actions: Iterable[Action]) -> tuple[Action, ...]:
    """The actions to apply, most restrictive first; a removal makes label / limit / age-restrict moot."""
    wanted = {a for a in actions if a in ENFORCEABLE}
    if Action.REMOVE in wanted:
        wanted -= {Action.LABEL, Action.LIMIT_REACH, Action.AGE_RESTRICT}
    return tuple(sorted(wanted, key=lambda a: -ACTION_SEVERITY[a]))


def reconcile(
    active: Iterable[Action], wanted: Iterable[Action]
) -> tuple[tuple[Action, ...], tuple[Action, ...]]:
    """(to apply, to reverse) that turn the ``active`` enforcement into ``wanted``."""
    have, want = set(active), set(enforceable(wanted))
    order = sorted(ACTION_SEVERITY, key=lambda a: -ACTION_SEVERITY[a])
    return tuple(a for a in order if a in want - have), tuple(a for a in order if a in have - want)


def top_category(decision: Decision) -> tuple[str | None, int, float]:
    """(category, severity, score) a decision is mostly about: the gravest violating or borderline
    verdict, then the highest score; (None, 1, 0.0) when every verdict is clear."""
    ranked = [v for v in decision.verdicts if v.verdict is not Verdict.CLEAR]
    if not ranked:
        return None, 1, 0.0
    best = max(
        ranked,
        key=lambda v: (
            v.verdict is Verdict.VIOLATING,
            v.verdict is not Verdict.UNCERTAIN,
            v.severity,
            v.score,
        ),
    )
    return best.category, best.severity, best.score


def reach_factor(metadata: Mapping[str, Any], views_per_hour: float) -> float:
    """1 for content nobody has seen; doubles at ``views_per_hour`` (view velocity), and grows slowly with
    total views. Reads ``metadata["views"]`` and ``metadata["views_per_hour"]`` when they are numbers."""

    def num(key: str) -> float:
        value = metadata.get(key, 0)
        return (
            float(value)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0
            else 0.0
        )

    velocity = min(num("views_per_hour") / views_per_hour, 20.0)
    return 1.0 + velocity + math.log10(1.0 + num("views")) / 6.0


def _uncertainty(policy: PolicyPack, decision: Decision, category: str | None, score: float) -> float:
    """1 at the violation threshold (or when a detector could not judge), 0 far from it."""
    if any(
        s.status in (DetectorStatus.ERROR, DetectorStatus.TIMEOUT, DetectorStatus.UNVERIFIED)
        for s in decision.signals
    ):
        return 1.0
    if category is None:
        return 0.5
    threshold = policy.threshold(policy.category(category))
    span = max(threshold, 1.0 - threshold)
    return max(0.0, 1.0 - abs(score - threshold) / span)


def priority(severity: int, reach: float, uncertainty: float) -> float:
    """severity x reach x uncertainty, with a floor on uncertainty so confident severe cases still rank."""
    return round(severity * reach * (0.2 + 0.8 * uncertainty), 6)


def route_queue(policy: PolicyPack, category: str | None, item: Item) -> QueueSpec:
    spec = policy.manifest.review
    for queue in spec.queues:
        if queue.matches(category, item.surface, item.language):
            return queue
    return spec.default_queue


@dataclass(frozen=True)
class CasePlan:
    queue: QueueSpec
    category: str | None
    severity: int
    uncertainty: float
    reach: float
    priority: float
    reason: str


def case_plan(policy: PolicyPack, item: Item, decision: Decision) -> CasePlan | None:
    """The review case a decision opens, or None when no person needs to look."""
    if Action.ESCALATE_TO_REVIEW not in decision.actions:
        return None
    category, severity, score = top_category(decision)
    uncertainty = _uncertainty(policy, decision, category, score)
    reach = reach_factor(item.metadata, policy.manifest.review.reach_views_per_hour)
    why = [r.name for r in decision.fired_rules if Action.ESCALATE_TO_REVIEW in r.actions]
    why += [v.category for v in decision.verdicts if Action.ESCALATE_TO_REVIEW in v.actions]
    return CasePlan(
        queue=route_queue(policy, category, item),
        category=category,
        severity=severity,
        uncertainty=round(uncertainty, 4),
        reach=round(reach, 4),
        priority=priority(severity, reach, uncertainty),
        reason="review requested by: " + (", ".join(dict.fromkeys(why)) or "policy"),
    )


def strike_due(policy: PolicyPack, applied: Iterable[Action], category: str | None) -> bool:
    """Whether applying ``applied`` for ``category`` gives the author a strike."""
    spec = policy.manifest.enforcement
    if category is None or not set(applied) & set(spec.strike_actions):
        return False
    return policy.category(category).severity >= spec.strike_min_severity


def qa_sampled(case_id: int, rate: float, salt: str = "watchkeeper-qa") -> bool:
    """Deterministic sampling of cases for a second (QA) review: the same case is always in or out."""
    if rate <= 0:
        return False
    h = int.from_bytes(hashlib.sha256(f"{salt}:{case_id}".encode()).digest()[:8], "big")
    return h / 2**64 < rate
