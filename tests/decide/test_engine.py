from __future__ import annotations

import pytest

from tests.helpers import category, make_pack
from watchkeeper.decide import decide
from watchkeeper.types import Action, Evidence, Item, ItemKind, Signal, Surface, Verdict

PACK = make_pack(
    category("hate"),
    category("spam", severity=1, violation_threshold=0.5, on_error=["limit_reach"]),
    category("minor_safety", surfaces=["dm", "comments"]),
    rules=[
        {
            "name": "strikes",
            "when": {"category": "hate", "min_score": 0.9, "min_author_strikes": 3},
            "actions": ["suspend_account"],
        },
        {
            "name": "dm-review",
            "when": {"category": "minor_safety", "min_score": 0.3, "surfaces": ["dm"]},
            "actions": ["escalate_to_review"],
        },
        {
            "name": "trial",
            "when": {"category": "spam", "min_score": 0.2, "max_score": 0.4},
            "actions": ["limit_reach"],
            "mode": "shadow",
        },
    ],
)
ITEM = Item(id="i1", text="some text", surface=Surface.FEED)


def sig(cat: str, score: float, det: str = "rules") -> Signal:
    return Signal.ok(det, cat, score, [Evidence(start=0, end=4, excerpt="some")])


@pytest.mark.parametrize(
    ("score", "verdict", "actions"),
    [
        (0.95, Verdict.VIOLATING, (Action.REMOVE,)),
        (0.9, Verdict.VIOLATING, (Action.REMOVE,)),  # band minimum is inclusive
        (0.7, Verdict.VIOLATING, (Action.ESCALATE_TO_REVIEW,)),
        (0.5, Verdict.BORDERLINE, (Action.LIMIT_REACH,)),
        (0.1, Verdict.CLEAR, (Action.ALLOW,)),
    ],
)
def test_bands_and_threshold(score: float, verdict: Verdict, actions: tuple[Action, ...]) -> None:
    d = decide(PACK, ITEM, [sig("hate", score)])
    assert d.verdict_for("hate").verdict is verdict  # type: ignore[union-attr]
    assert d.actions == actions
    assert d.flagged is (verdict is Verdict.VIOLATING)
    assert d.policy_version == "7" and d.policy_name == "test-pack"


def test_highest_signal_wins_and_is_explained() -> None:
    d = decide(PACK, ITEM, [sig("hate", 0.3, "a"), sig("hate", 0.92, "b")])
    v = d.verdict_for("hate")
    assert v is not None and v.score == 0.92 and v.band == "remove"
    assert "hate: violating, score 0.92" in d.rationale
    assert "b matched 'some'" in d.rationale
    assert [r.name for r in d.fired_rules] == ["hate.remove"]


def test_error_never_means_allow() -> None:
    d = decide(PACK, ITEM, [Signal.error("model", "boom", category="hate")])
    v = d.verdict_for("hate")
    assert v is not None and v.verdict is Verdict.UNCERTAIN
    assert d.actions == (Action.ESCALATE_TO_REVIEW,)  # the pack default
    assert not d.automated
    assert "model: error (boom)" in d.rationale


def test_error_uses_the_category_on_error() -> None:
    d = decide(PACK, ITEM, [Signal.timeout("model", category="spam")])
    assert d.actions == (Action.LIMIT_REACH,)
    assert d.fired_rules[0].name == "spam.on_error"


def test_confident_signal_outweighs_another_detectors_error() -> None:
    d = decide(PACK, ITEM, [Signal.error("model", "boom", category="hate"), sig("hate", 0.95)])
    assert d.verdict_for("hate").verdict is Verdict.VIOLATING  # type: ignore[union-attr]
    assert d.actions == (Action.REMOVE,)


def test_unverified_goes_to_review() -> None:
    d = decide(PACK, ITEM, [Signal.unverified("clf", "language not supported", category="hate")])
    assert d.verdict_for("hate").verdict is Verdict.UNCERTAIN  # type: ignore[union-attr]
    assert d.actions == (Action.ESCALATE_TO_REVIEW,)
    assert d.fired_rules[0].name == "hate.on_unverified"


def test_skipped_signals_do_not_count() -> None:
    d = decide(PACK, ITEM, [Signal.skipped("llm", "early stop", category="hate")])
    assert d.actions == (Action.ALLOW,)
    assert d.automated


def test_shadow_rules_are_recorded_but_never_act() -> None:
    d = decide(PACK, ITEM, [sig("spam", 0.3)])
    assert d.actions == (Action.ALLOW,)
    assert [r.name for r in d.shadow_rules] == ["trial"]
    assert d.shadow_rules[0].shadow
    assert d.shadow_rules[0].actions == (Action.LIMIT_REACH,)


def test_pack_rules_read_surface_and_author_strikes() -> None:
    dm = Item(id="m", kind=ItemKind.MESSAGE, text="x", surface=Surface.DM)
    d = decide(PACK, dm, [sig("minor_safety", 0.35)])
    assert d.actions == (Action.ESCALATE_TO_REVIEW,)
    assert "rule dm-review fired" in d.rationale

    repeat = Item(id="r", text="x", metadata={"author_strikes": 3})
    d2 = decide(PACK, repeat, [sig("hate", 0.95)])
    assert d2.actions == (Action.SUSPEND_ACCOUNT, Action.REMOVE)
    first = Item(id="f", text="x", metadata={"author_strikes": 1})
    assert decide(PACK, first, [sig("hate", 0.95)]).actions == (Action.REMOVE,)


def test_category_scoped_to_surfaces() -> None:
    d = decide(PACK, ITEM, [sig("minor_safety", 0.99)])  # feed: minor_safety applies to dm and comments only
    assert d.verdict_for("minor_safety") is None
    assert d.actions == (Action.ALLOW,)


def test_removal_makes_lesser_visibility_actions_moot() -> None:
    d = decide(PACK, ITEM, [sig("hate", 0.95), sig("spam", 0.45)])
    assert d.actions == (Action.REMOVE,)
    d2 = decide(PACK, ITEM, [sig("hate", 0.7), sig("spam", 0.45)])
    assert d2.actions == (Action.ESCALATE_TO_REVIEW, Action.LIMIT_REACH)


def test_decide_is_pure() -> None:
    signals = [sig("hate", 0.7), Signal.error("m", "x", category="spam")]
    a = decide(PACK, ITEM, signals)
    b = decide(PACK, ITEM, list(signals))
    assert a.model_dump(exclude={"decided_at"}) == b.model_dump(exclude={"decided_at"})
    assert a.content_hash == ITEM.content_hash()


def test_json_spells_the_action_vocabulary() -> None:
    d = decide(PACK, ITEM, [sig("hate", 0.95)])
    data = d.model_dump(mode="json")
    assert data["actions"] == ["remove"]
    assert data["primary_action"] == "remove"
    assert data["flagged"] is True
    assert {a.value for a in Action} == {
        "allow",
        "label",
        "age_restrict",
        "limit_reach",
        "remove",
        "suspend_account",
        "escalate_to_review",
    }


def test_scores_outside_unit_interval_are_rejected() -> None:
    with pytest.raises(ValueError, match="less than or equal to 1"):
        Signal.ok("x", "hate", 1.5)
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        Signal.ok("x", "hate", -0.1)


def test_an_adjudicating_signal_replaces_the_cheap_tiers_score() -> None:
    item = Item(id="j", text="x")
    cheap = Signal.ok("rules", "hate", 0.7)
    cleared = decide(PACK, item, [cheap, Signal.judged("judge", "hate", 0.05)])
    hate = cleared.verdict_for("hate")
    assert hate is not None and hate.verdict is Verdict.CLEAR and hate.score == 0.05
    assert hate.signals[0].detector == "judge"  # the deciding signal comes first
    raised = decide(PACK, item, [cheap, Signal.judged("judge", "hate", 0.95)])
    assert raised.flagged and Action.REMOVE in raised.actions
    # an ordinary (non-adjudicating) judge signal only joins the maximum
    kept = decide(PACK, item, [cheap, Signal.ok("judge", "hate", 0.05)])
    assert kept.flagged


def test_the_judge_resolves_a_failed_cheap_tier() -> None:
    item = Item(id="j", text="x")
    d = decide(
        PACK, item, [Signal.error("clf", "boom", category="hate"), Signal.judged("judge", "hate", 0.1)]
    )
    assert d.verdict_for("hate").verdict is Verdict.CLEAR  # type: ignore[union-attr]
    assert Action.ESCALATE_TO_REVIEW not in d.actions


def test_failure_inside_a_band_keeps_both_the_band_and_the_routing() -> None:
    item = Item(id="b", text="x")
    d = decide(
        PACK, item, [Signal.ok("rules", "hate", 0.45), Signal.error("judge", "bad answer", category="hate")]
    )
    assert set(d.actions) >= {Action.LIMIT_REACH, Action.ESCALATE_TO_REVIEW}
    assert d.verdict_for("hate").verdict is Verdict.UNCERTAIN  # type: ignore[union-attr]


GATED = make_pack(
    category(
        "self_harm",
        violation_threshold=0.5,
        bands=[
            {"name": "remove", "min_score": 0.9, "actions": ["remove"], "detectors": ["rules", "judge"]},
            {"name": "support", "min_score": 0.5, "actions": ["label", "escalate_to_review"]},
        ],
    )
)


@pytest.mark.parametrize(
    ("signals", "band", "actions"),
    [
        # a classifier's 1.0 alone falls to the support band; the verdict is still "violating"
        ([("classifier", 1.0)], "support", (Action.ESCALATE_TO_REVIEW, Action.LABEL)),
        ([("rules", 0.95)], "remove", (Action.REMOVE,)),
        ([("classifier", 1.0), ("rules", 0.92)], "remove", (Action.REMOVE,)),
        # a rule below the remove band leaves the classifier's higher score in support too
        ([("classifier", 0.99), ("rules", 0.7)], "support", (Action.ESCALATE_TO_REVIEW, Action.LABEL)),
        ([("classifier", 0.3)], None, (Action.ALLOW,)),
    ],
)
def test_a_band_can_admit_only_some_detectors(
    signals: list[tuple[str, float]], band: str | None, actions: tuple[Action, ...]
) -> None:
    d = decide(GATED, ITEM, [sig("self_harm", score, det) for det, score in signals])
    v = d.verdict_for("self_harm")
    assert v is not None and v.band == band
    assert v.score == max(score for _, score in signals)
    assert d.actions == actions
    assert d.flagged is (v.score >= 0.5)


def test_the_gated_band_is_explained() -> None:
    d = decide(GATED, ITEM, [sig("self_harm", 1.0, "classifier")])
    (fired,) = d.fired_rules
    assert fired.name == "self_harm.support"
    assert "only rules, judge may place" in fired.reason


def test_an_adjudicating_judge_reaches_a_gated_band() -> None:
    # the judge's score replaces the classifier's, and the judge is admitted to the remove band
    judged = Signal.judged("judge", "self_harm", 0.95)
    d = decide(GATED, ITEM, [sig("self_harm", 0.6, "classifier"), judged])
    assert d.verdict_for("self_harm").band == "remove"  # type: ignore[union-attr]


def test_a_rule_can_require_the_band_a_gated_category_reached() -> None:
    """``when.bands``: the rule acts only where the decision placed the category in one of these bands,
    after the bands' ``detectors`` — so an account is suspended on a rule's evidence, never on a
    classifier's score alone."""
    pack = make_pack(
        category(
            "sexual_minors",
            violation_threshold=0.5,
            bands=[
                {"name": "remove", "min_score": 0.85, "actions": ["remove"], "detectors": ["rules"]},
                {"name": "review", "min_score": 0.4, "actions": ["escalate_to_review"]},
            ],
        ),
        rules=[
            {
                "name": "suspend",
                "when": {"category": "sexual_minors", "min_score": 0.85, "bands": ["remove"]},
                "actions": ["suspend_account"],
            }
        ],
    )
    head = decide(pack, ITEM, [sig("sexual_minors", 0.97, "classifier")])
    assert head.actions == (Action.ESCALATE_TO_REVIEW,) and head.flagged
    ruled = decide(pack, ITEM, [sig("sexual_minors", 0.9, "rules")])
    assert ruled.actions == (Action.SUSPEND_ACCOUNT, Action.REMOVE)
    assert [r.name for r in ruled.fired_rules] == ["sexual_minors.remove", "suspend"]


def test_a_rule_naming_bands_needs_a_category() -> None:
    from watchkeeper.policy.model import RuleCondition

    with pytest.raises(ValueError, match="bands needs category"):
        RuleCondition(bands=("remove",))


def test_the_shipped_pack_suspends_only_on_rule_evidence(pack) -> None:  # type: ignore[no-untyped-def]
    """Pack 2026.12.24: the sexual_minors head scored a drug sale 0.97 and csam-suspend suspended the
    account; now the head alone goes to the specialist queue and a rule's match still suspends."""
    head = decide(pack, ITEM, [sig("sexual_minors", 0.97, "classifier")])
    assert Action.SUSPEND_ACCOUNT not in head.actions and Action.REMOVE not in head.actions
    assert Action.ESCALATE_TO_REVIEW in head.actions and head.flagged
    ruled = decide(pack, ITEM, [sig("sexual_minors", 0.9, "rules")])
    assert Action.SUSPEND_ACCOUNT in ruled.actions and Action.REMOVE in ruled.actions


def test_a_category_no_signal_speaks_about_is_clear_with_its_own_severity() -> None:
    """Categories with no signal share one frozen verdict each (the hot path of a comment with few
    signals): clear, score 0, no band, no actions, and the category's own severity, even when two
    packs give the same category different severities."""
    item = Item(id="1", text="hello")
    other = make_pack(category("hate", severity=1), category("spam", severity=1))
    for pack in (PACK, other, PACK):
        d = decide(pack, item, [Signal.ok("rules", "spam", 0.1)])
        hate = d.verdict_for("hate")
        assert hate is not None
        want = next(c for c in pack.categories if c.id == "hate").severity
        assert (hate.verdict, hate.score, hate.band, hate.actions, hate.signals) == (
            Verdict.CLEAR,
            0.0,
            None,
            (),
            (),
        )
        assert hate.severity == want
    assert decide(PACK, item, []).actions == (Action.ALLOW,)
