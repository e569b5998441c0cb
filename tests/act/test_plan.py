"""Pure planning: enforceable actions, reconciliation, priority, queue routing, QA sampling."""

from __future__ import annotations

import pytest

from watchkeeper.act.plan import (
    case_plan,
    enforceable,
    priority,
    qa_sampled,
    reach_factor,
    reconcile,
    route_queue,
    strike_due,
)
from watchkeeper.policy import PolicyPack
from watchkeeper.types import Action, CategoryVerdict, Decision, Item, Signal, Surface, Verdict

A = Action


def test_removal_makes_lighter_actions_moot_and_review_is_not_enforced() -> None:
    assert enforceable([A.LABEL, A.REMOVE, A.ESCALATE_TO_REVIEW, A.ALLOW]) == (A.REMOVE,)
    assert enforceable([A.LIMIT_REACH, A.SUSPEND_ACCOUNT, A.REMOVE]) == (A.SUSPEND_ACCOUNT, A.REMOVE)
    assert enforceable([A.ALLOW]) == ()


@pytest.mark.parametrize(
    ("active", "wanted", "apply", "reverse"),
    [
        ([], [A.REMOVE], [A.REMOVE], []),
        ([A.LIMIT_REACH], [A.REMOVE], [A.REMOVE], [A.LIMIT_REACH]),
        ([A.REMOVE], [A.ALLOW], [], [A.REMOVE]),
        ([A.REMOVE, A.SUSPEND_ACCOUNT], [A.REMOVE], [], [A.SUSPEND_ACCOUNT]),
        ([A.LABEL], [A.LABEL, A.ESCALATE_TO_REVIEW], [], []),
    ],
)
def test_reconcile(
    active: list[Action], wanted: list[Action], apply: list[Action], reverse: list[Action]
) -> None:
    assert reconcile(active, wanted) == (tuple(apply), tuple(reverse))


def test_priority_grows_with_severity_reach_and_uncertainty() -> None:
    assert priority(4, 1.0, 1.0) == 4 * priority(1, 1.0, 1.0)
    assert priority(2, 3.0, 0.5) > priority(2, 1.0, 0.5)
    assert priority(2, 1.0, 1.0) > priority(2, 1.0, 0.0) > 0  # a confident case still ranks
    assert reach_factor({}, 1000) == 1.0
    assert reach_factor({"views_per_hour": 1000}, 1000) == pytest.approx(2.0)
    assert reach_factor({"views": True, "views_per_hour": "lots"}, 1000) == 1.0  # junk is ignored
    assert reach_factor({"views_per_hour": 10**9}, 1000) <= 21.0 + 2  # capped


def test_case_plan_routes_by_category_surface_and_language(pack: PolicyPack) -> None:
    def plan(item: Item, category: str, score: float, status: str = "ok") -> object:
        sig = Signal(detector="t", category=category, score=score, status=status)  # type: ignore[arg-type]
        d = Decision(
            item_id=item.id, content_hash=item.content_hash(), policy_name=pack.name, policy_version=pack.version,
            actions=(A.ESCALATE_TO_REVIEW,),
            verdicts=(CategoryVerdict(category=category, verdict=Verdict.BORDERLINE, score=score,
                                      severity=pack.category(category).severity, actions=(A.ESCALATE_TO_REVIEW,)),),
            signals=(sig,),
        )  # fmt: skip
        return case_plan(pack, item, d)

    p1 = plan(Item(id="a", text="x"), "self_harm", 0.5)
    assert p1.queue.id == "self-harm" and p1.uncertainty == 1.0 and p1.severity == 4  # type: ignore[attr-defined]
    p2 = plan(Item(id="b", text="x", surface=Surface.LIVE), "spam", 0.9)
    assert p2.queue.id == "live"  # type: ignore[attr-defined]
    p3 = plan(Item(id="c", text="x"), "hate", 0.5, status="error")
    assert p3.uncertainty == 1.0  # type: ignore[attr-defined]
    assert route_queue(pack, None, Item(id="d", text="x")).id == "general"
    nothing = Decision(
        item_id="e", content_hash="h", policy_name="p", policy_version="1", actions=(A.REMOVE,)
    )
    assert case_plan(pack, Item(id="e", text="x"), nothing) is None


def test_strikes_follow_the_policy(pack: PolicyPack) -> None:
    assert strike_due(pack, [A.REMOVE], "hate")
    assert not strike_due(pack, [A.REMOVE], "spam")  # severity 1 < strike_min_severity 2
    assert not strike_due(pack, [A.LIMIT_REACH], "hate")
    assert not strike_due(pack, [A.REMOVE], None)


def test_qa_sampling_is_deterministic_and_near_the_rate() -> None:
    picked = [qa_sampled(i, 0.1) for i in range(20_000)]
    assert abs(sum(picked) / len(picked) - 0.1) < 0.01
    assert picked == [qa_sampled(i, 0.1) for i in range(20_000)]
    assert not any(qa_sampled(i, 0.0) for i in range(100))
    assert all(qa_sampled(i, 1.0) for i in range(100))
