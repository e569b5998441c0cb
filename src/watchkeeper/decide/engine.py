"""The decision engine: a pure function from (policy, item, signals) to a :class:`Decision`.

For every category of the pack that applies to the item's surface and kind:

* the category score is the highest score among ``ok`` signals for it (each detector reports a
  calibrated confidence; taking the maximum keeps the strongest piece of evidence explainable) —
  unless an adjudicating signal (the LLM judge, asked because the cheap tiers were unsure) exists for
  it: then the highest adjudicating score is the category score;
* score >= the category's violation threshold -> ``violating`` with the actions of its band;
  the band is the highest one that some signal reaches and whose ``detectors`` (if the band names
  any) include that signal's detector — so a pack can keep a classifier's score alone out of
  its remove band while the score still decides the verdict;
* otherwise, inside a band -> ``borderline`` with that band's actions (e.g. limit_reach, review);
* a detector that errored / timed out for the category, or could not judge the content
  (``unverified``), with no violating score -> ``uncertain``, routed by the policy's ``on_error`` /
  ``on_unverified`` actions (review by default) — an error never means "allow";
* otherwise ``clear``.

Pack rules (``pack.yaml`` ``rules:``) then add actions; ``mode: shadow`` rules are evaluated and
recorded in ``Decision.shadow_rules`` but never change the actions.
"""

from __future__ import annotations

from functools import lru_cache

from watchkeeper.policy import Band, Category, PackRule, PolicyPack
from watchkeeper.types import (
    ACTION_SEVERITY,
    Action,
    CategoryVerdict,
    Decision,
    DetectorStatus,
    FiredRule,
    Item,
    Signal,
    Verdict,
)

__all__ = ["decide"]

# Actions that a removal makes moot (the content is gone).
_MOOT_IF_REMOVED = frozenset({Action.LABEL, Action.LIMIT_REACH, Action.AGE_RESTRICT})
_FAILED = frozenset({DetectorStatus.ERROR, DetectorStatus.TIMEOUT})


def _band(category: Category, deciding: list[Signal], score: float) -> Band | None:
    """The highest band that some deciding signal reaches and whose ``detectors`` admit it
    (``score``: the highest deciding score)."""
    if not deciding:
        return None
    if not category.gated:
        return category.band_for(score)
    # a band above ``score`` is out of every signal's reach: skip it without asking each signal
    return next(
        (
            b
            for b in category.bands
            if b.min_score <= score and any(s.score >= b.min_score and b.admits(s.detector) for s in deciding)
        ),
        None,
    )


@lru_cache(maxsize=1024)
def _clear(category: str, severity: int) -> CategoryVerdict:
    """The verdict of a category no signal spoke about: clear, score 0, no band. It depends on nothing
    else, so one frozen object per category serves every item (a third of a comment's categories
    have no signal: no head, no rule match)."""
    return CategoryVerdict(category=category, verdict=Verdict.CLEAR, score=0.0, severity=severity)


def _verdict(
    policy: PolicyPack, category: Category, mine: list[Signal]
) -> tuple[CategoryVerdict, FiredRule | None]:
    """The category's verdict from ``mine``, the signals about it."""
    if not mine:
        return _clear(category.id, category.severity), None
    ok = [s for s in mine if s.status is DetectorStatus.OK]
    failed = [s for s in mine if s.status in _FAILED]
    unverified = [s for s in mine if s.status is DetectorStatus.UNVERIFIED]
    judged = [s for s in ok if s.adjudication]
    deciding = judged or ok
    score = max((s.score for s in deciding), default=0.0)
    threshold = policy.threshold(category)
    band = _band(category, deciding, score)
    actions: list[Action] = list(band.actions) if band else []
    fired: FiredRule | None = None

    if ok and score >= threshold:
        verdict = Verdict.VIOLATING
    elif judged:
        # the judge resolved what the cheap tiers could not: their failures no longer route the item
        verdict = Verdict.BORDERLINE if band is not None else Verdict.CLEAR
    elif failed or unverified:
        verdict = Verdict.UNCERTAIN
        routed = policy.on_error(category) if failed else policy.on_unverified(category)
        actions.extend(a for a in routed if a not in actions)
    elif band is not None:
        verdict = Verdict.BORDERLINE
    else:
        verdict = Verdict.CLEAR

    if band is not None:
        reason = f"score {score:.2f} >= band {band.name} ({band.min_score:.2f})"
        top = category.band_for(score)
        if top is not None and top is not band and top.detectors is not None:
            reason = (
                f"score {score:.2f} reaches band {top.name}, which only {', '.join(top.detectors)} "
                f"may place an item in: band {band.name} ({band.min_score:.2f})"
            )
        if verdict is Verdict.UNCERTAIN:
            names = sorted({s.detector for s in failed or unverified})
            reason += (
                f"; {'detector failed' if failed else 'content could not be judged'}: {', '.join(names)}"
            )
        fired = FiredRule(
            name=f"{category.id}.{band.name}",
            category=category.id,
            actions=tuple(actions),
            reason=reason,
        )
    elif verdict is Verdict.UNCERTAIN:
        what = "detector failed" if failed else "content could not be judged"
        names = sorted({s.detector for s in failed or unverified})
        fired = FiredRule(
            name=f"{category.id}.{'on_error' if failed else 'on_unverified'}",
            category=category.id,
            actions=tuple(actions),
            reason=f"{what}: {', '.join(names)}",
        )
    cv = CategoryVerdict(
        category=category.id,
        verdict=verdict,
        score=score,
        severity=category.severity,
        band=band.name if band else None,
        actions=tuple(actions),
        signals=tuple(sorted(mine, key=lambda s: (not s.adjudication, -s.score))),
    )
    return cv, fired


def _rule_matches(
    rule: PackRule, item: Item, verdicts: dict[str, CategoryVerdict], signals: list[Signal]
) -> bool:
    w = rule.when
    if w.category is not None:
        v = verdicts.get(w.category)
        if v is None or not (w.min_score <= v.score <= w.max_score):
            return False
        if w.bands is not None and v.band not in w.bands:
            return False
    if w.surfaces is not None and item.surface not in w.surfaces:
        return False
    if w.kinds is not None and item.kind not in w.kinds:
        return False
    if w.detector is not None and not any(s.detector == w.detector and s.is_ok for s in signals):
        return False
    if w.bank is not None and not any(
        s.rule == f"bank:{w.bank}" and s.is_ok and s.score > 0 for s in signals
    ):
        return False
    if w.min_author_strikes is not None:
        strikes = item.metadata.get("author_strikes", 0)
        if not isinstance(strikes, int) or strikes < w.min_author_strikes:
            return False
    return True


def _rationale(
    verdicts: list[CategoryVerdict], pack_rules: list[FiredRule], actions: tuple[Action, ...]
) -> str:
    parts: list[str] = []
    for v in sorted(verdicts, key=lambda v: (-v.score, v.category)):
        if v.verdict is Verdict.CLEAR:
            continue
        best = next((s for s in v.signals if s.is_ok), None)
        why = ""
        if best is not None and best.evidence:
            ev = best.evidence[0]
            shown = ev.excerpt if ev.excerpt is not None else ev.matched
            why = f" — {best.detector} matched {shown!r}" if shown else f" — {best.detector}"
            if ev.note:
                why += f" ({ev.note})"
        elif v.verdict is Verdict.UNCERTAIN:
            bad = next((s for s in v.signals if not s.is_ok), None)
            why = f" — {bad.detector}: {bad.status.value} ({bad.message})" if bad else ""
        parts.append(f"{v.category}: {v.verdict.value}, score {v.score:.2f}{why}")
    for r in pack_rules:
        if not r.shadow:
            parts.append(f"rule {r.name} fired: {', '.join(a.value for a in r.actions)}")
    head = ", ".join(a.value for a in actions)
    if not parts:
        return f"{head}: no category reached a band."
    return f"{head}: " + "; ".join(parts) + "."


def decide(policy: PolicyPack, item: Item, signals: list[Signal]) -> Decision:
    """Decide what to do with ``item`` given ``signals``. Pure: no I/O, no clock beyond the timestamp."""
    verdicts: list[CategoryVerdict] = []
    fired: list[FiredRule] = []
    by_category: dict[str, list[Signal]] = {}
    for s in signals:
        by_category.setdefault(s.category, []).append(s)
    for category in policy.categories:
        if not category.applies_to(item.surface, item.kind):
            continue
        cv, band_rule = _verdict(policy, category, by_category.get(category.id, []))
        verdicts.append(cv)
        if band_rule is not None:
            fired.append(band_rule)

    by_id = {v.category: v for v in verdicts}
    shadow: list[FiredRule] = []
    live_pack: list[FiredRule] = []
    for rule in policy.decision_rules:
        if not _rule_matches(rule, item, by_id, signals):
            continue
        fr = FiredRule(
            name=rule.name,
            category=rule.when.category,
            actions=rule.actions,
            shadow=rule.mode == "shadow",
            reason=rule.description,
        )
        (shadow if fr.shadow else live_pack).append(fr)
    fired.extend(live_pack)

    acts: set[Action] = {a for r in fired for a in r.actions}
    acts.discard(Action.ALLOW)
    if Action.REMOVE in acts:
        acts -= _MOOT_IF_REMOVED
    actions = tuple(sorted(acts, key=lambda a: -ACTION_SEVERITY[a])) or (Action.ALLOW,)
    return Decision(
        item_id=item.id,
        content_hash=item.content_hash(),
        policy_name=policy.name,
        policy_version=policy.version,
        actions=actions,
        verdicts=tuple(verdicts),
        fired_rules=tuple(fired),
        shadow_rules=tuple(shadow),
        rationale=_rationale(verdicts, live_pack, actions),
        automated=Action.ESCALATE_TO_REVIEW not in actions,
        signals=tuple(signals),
    )
