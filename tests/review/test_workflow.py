"""Enforcement, strikes, review queues, claims, QA, appeals and exports — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.act.statements import StatementOfReasons
from watchkeeper.errors import AccessDeniedError, ConflictError, InputError
from watchkeeper.policy import PolicyPack
from watchkeeper.review import Store
from watchkeeper.review.outbox import Outbox
from watchkeeper.review.workflow import Actor, Workflow
from watchkeeper.types import Action, CategoryVerdict, Decision, Item, Surface, Verdict


def _pack(pack: PolicyPack, **review: object) -> PolicyPack:
    manifest = pack.manifest.model_copy(update={"review": pack.manifest.review.model_copy(update=review)})
    return pack.model_copy(update={"manifest": manifest})


def decision_for(
    item: Item, pack: PolicyPack, actions: tuple[Action, ...], category: str = "hate", score: float = 0.95
) -> Decision:
    verdict = Verdict.VIOLATING if score >= 0.5 else Verdict.BORDERLINE
    cat = pack.category(category)
    return Decision(
        item_id=item.id,
        content_hash=item.content_hash(),
        policy_name=pack.name,
        policy_version=pack.version,
        actions=actions,
        verdicts=(
            CategoryVerdict(
                category=category, verdict=verdict, score=score, severity=cat.severity, actions=actions
            ),
        ),
        rationale="test",
    )


def item(n: int, author: str = "u1", **kw: object) -> Item:
    return Item.model_validate({"id": f"i{n}", "text": f"post number {n}", "author_id": author, **kw})


def test_removals_give_strikes_and_the_third_suspends(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack, sinks=["platform"])
    for n in range(3):
        it = item(n)
        stored, created = wf.record(it, decision_for(it, pack, (Action.REMOVE,)))
        assert created
    assert wf.active_strikes("u1") == 3
    last = wf.enforcement(stored.id)
    assert [e.action for e in last] == [Action.REMOVE, Action.SUSPEND_ACCOUNT]
    assert last[1].source == "strikes" and last[1].ends_at is not None
    # strikes expire
    later = datetime.now(UTC) + timedelta(days=pack.manifest.enforcement.strike_expiry_days + 1)
    assert wf.active_strikes("u1", now=later) == 0
    # a replayed decision enforces nothing twice
    it = item(2)
    _, created = wf.record(it, decision_for(it, pack, (Action.REMOVE,)))
    assert not created and wf.active_strikes("u1") == 3
    events = Outbox(store).events()
    assert [e.event for e in events].count("enforcement.applied") == 4
    assert len({e.idempotency_key for e in events}) == len(events)


def test_low_severity_removal_gives_no_strike(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    it = item(1)
    wf.record(it, decision_for(it, pack, (Action.REMOVE,), category="spam"))  # severity 1
    assert wf.active_strikes("u1") == 0


def test_escalation_opens_a_case_in_the_policy_queue_with_priority(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    quiet = item(1)
    viral = item(2, metadata={"views": 2_000_000, "views_per_hour": 50_000})
    es = item(3, language="es")
    for it in (quiet, viral, es):
        wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    boss = Actor("lead")
    cases = wf.cases(boss)
    by_item = {wf.case_view(c.id, boss).decision.item.id: c for c in cases}
    assert by_item["i1"].queue == "hate-harassment" and by_item["i3"].queue == "hate-harassment-es"
    assert by_item["i2"].priority > 5 * by_item["i1"].priority
    assert by_item["i1"].sla_due_at - by_item["i1"].opened_at == timedelta(minutes=720)
    # a reviewer limited to one queue sees and claims only that queue
    es_only = Actor("ana", queues=frozenset({"hate-harassment-es"}))
    assert [q.queue for q in wf.queue_stats(es_only)] == ["hate-harassment-es"]
    got = wf.claim(es_only)
    assert got is not None and got.id == by_item["i3"].id
    assert wf.claim(es_only) is None
    with pytest.raises(AccessDeniedError):
        wf.claim(es_only, queue="hate-harassment")
    with pytest.raises(AccessDeniedError):
        wf.case_view(by_item["i1"].id, es_only)


def test_no_two_reviewers_ever_hold_the_same_case(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    for n in range(30):
        it = item(n, author=f"a{n}")
        wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def reviewer(name: str) -> None:
        mine: list[int] = []
        try:
            while (c := wf.claim(Actor(name))) is not None:
                mine.append(c.id)
        except BaseException as exc:
            errors.append(exc)
        got[name] = mine

    threads = [threading.Thread(target=reviewer, args=(f"r{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    claimed = [c for ids in got.values() for c in ids]
    assert len(claimed) == 30 and len(set(claimed)) == 30


def test_claims_expire_and_only_the_holder_decides(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    it = item(1)
    wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    bob, eve = Actor("bob"), Actor("eve")
    case = wf.claim(bob)
    assert case is not None
    assert wf.claim(eve) is None  # held
    with pytest.raises(ConflictError):
        wf.decide(case.id, eve, action=Action.ALLOW, category=None)
    later = datetime.now(UTC) + timedelta(seconds=pack.manifest.review.claim_ttl_s + 1)
    taken = wf.claim(eve, now=later)
    assert taken is not None and taken.id == case.id and taken.claimed_by == "eve"
    with pytest.raises(ConflictError):  # bob's claim is gone
        wf.decide(case.id, bob, action=Action.REMOVE, category="hate", now=later)
    with pytest.raises(InputError):
        wf.decide(case.id, eve, action=Action.REMOVE, category=None, now=later)
    review = wf.decide(case.id, eve, action=Action.REMOVE, category="hate", note="slur", now=later)
    assert review.reviewer == "eve"
    assert [e.action for e in wf.enforcement(case.decision_id)] == [Action.REMOVE]
    assert wf.enforcement(case.decision_id)[0].source == "review"


def test_qa_second_review_goes_to_someone_else_and_kappa_is_measured(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, _pack(pack, qa_sample_rate=1.0))
    labels = [("hate", "hate"), ("hate", None), ("harassment", "harassment"), (None, None), ("hate", "hate")]
    for n, _ in enumerate(labels):
        it = item(n, author=f"a{n}")
        wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    first, second = Actor("first"), Actor("second")
    for a, _ in labels:
        c = wf.claim(first)
        assert c is not None and c.kind == "review"
        wf.decide(c.id, first, action=Action.REMOVE if a else Action.ALLOW, category=a)
    assert wf.claim(first) is None  # the QA cases exclude the first reviewer
    qa_ids = []
    while (c := wf.claim(second)) is not None:
        assert c.kind == "qa"
        assert wf.case_view(c.id, second).reviews == []  # blind
        qa_ids.append(c)
    assert len(qa_ids) == len(labels)
    first_label = {wf.case_view(c.id, Actor("lead")).case.parent_case_id: c for c in qa_ids}
    for parent_id, qa_case in first_label.items():
        n = [c.id for c in wf.cases(Actor("lead"), status="closed") if c.kind == "review"].index(parent_id)
        b = labels[n][1]
        wf.decide(qa_case.id, second, action=Action.REMOVE if b else Action.ALLOW, category=b)
    report = wf.agreement()
    assert report.pairs == 5 and report.observed_agreement == 0.8
    # first: hate hate har none hate / QA: hate none har none hate -> p_o .8, p_e 9/25 -> kappa .6875
    from sklearn.metrics import cohen_kappa_score

    first_labels = [a or "none" for a, _ in labels]
    second_labels = [b or "none" for _, b in labels]
    assert report.kappa == pytest.approx(0.6875, abs=1e-4)
    assert report.kappa == pytest.approx(cohen_kappa_score(first_labels, second_labels), abs=1e-4)
    assert report.by_reviewer["first"]["pairs"] == 5
    assert set(report.by_category) == {"hate", "harassment"}
    # QA reviews enforce nothing of their own
    assert all(e.source != "qa" for c in qa_ids for e in wf.enforcement(c.decision_id))


def test_appeal_goes_to_another_reviewer_and_overturn_reverses(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack, sinks=["platform"])
    it = item(1, surface=Surface.FEED)
    stored, _ = wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    alice, bob = Actor("alice"), Actor("bob")
    c = wf.claim(alice)
    assert c is not None
    wf.decide(c.id, alice, action=Action.REMOVE, category="hate")
    assert wf.active_strikes("u1") == 1
    app = Actor("platform-app", "key")
    appeal = wf.appeal(stored.id, appellant="u1", reason="it was a quote", actor=app)
    with pytest.raises(ConflictError):
        wf.appeal(stored.id, appellant="u1", reason="again", actor=app)
    assert wf.claim(alice, queue="appeals") is None  # the original reviewer may not judge the appeal
    ac = wf.claim(bob, queue="appeals")
    assert ac is not None and ac.kind == "appeal" and ac.appeal_id == appeal.id
    wf.decide(ac.id, bob, action=Action.ALLOW, category=None, note="counter-speech")
    assert wf.get_appeal(appeal.id).status == "overturned"
    assert wf.enforcement(stored.id, include_reversed=False) == []
    assert [e.reverses_id is not None for e in wf.enforcement(stored.id)] == [False, True]
    assert wf.active_strikes("u1") == 0
    events = [e.event for e in Outbox(store).events()]
    assert events == ["enforcement.applied", "enforcement.reversed", "appeal.decided"]
    kpis = wf.kpis()
    assert kpis["appeal_overturn_rate"] == 1.0 and kpis["appeals"] == {"overturned": 1}
    # nothing enforced -> nothing to appeal
    it2 = item(2)
    s2, _ = wf.record(it2, decision_for(it2, pack, (Action.ALLOW,), score=0.1))
    with pytest.raises(ConflictError):
        wf.appeal(s2.id, appellant="u1", reason="?", actor=app)


def test_upheld_appeal_keeps_enforcement(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    it = item(1)
    stored, _ = wf.record(it, decision_for(it, pack, (Action.REMOVE,)))
    appeal = wf.appeal(stored.id, appellant="u1", reason="no", actor=Actor("app", "key"))
    ac = wf.claim(Actor("carol"), queue="appeals")  # automated decision: anyone may take it
    assert ac is not None
    wf.decide(ac.id, Actor("carol"), action=Action.REMOVE, category="hate")
    assert wf.get_appeal(appeal.id).status == "upheld"
    assert [e.action for e in wf.enforcement(stored.id, include_reversed=False)] == [Action.REMOVE]


def test_statements_of_reasons_follow_the_database_format(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    for n in range(3):
        it = item(n, language="de", kind="video", metadata={"created_at": "2026-11-01T10:00:00Z"})
        wf.record(it, decision_for(it, pack, (Action.REMOVE,)))
    it = item(9, author="u2", metadata={"source": "trusted_flagger"})
    wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.6))
    c = wf.claim(Actor("rev"))
    assert c is not None
    wf.decide(c.id, Actor("rev"), action=Action.LIMIT_REACH, category="hate")
    statements = wf.statements()
    assert len(statements) == 5  # 3 removals, 1 suspension by strikes, 1 reviewer demotion
    for st in statements:
        StatementOfReasons.model_validate(st.model_dump())  # round-trips its own validation
        assert st.category == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
        assert st.decision_ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        assert "post number" not in st.decision_facts  # no content, no personal data
    removal = statements[0]
    assert removal.decision_visibility == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert removal.content_type == ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO"]
    assert removal.content_language == "DE" and removal.content_date == "2026-11-01"
    assert removal.automated_detection == "Yes" and removal.automated_decision == "AUTOMATED_DECISION_FULLY"
    assert removal.source_type == "SOURCE_VOLUNTARY"
    suspension = next(s for s in statements if s.decision_account)
    assert (
        suspension.decision_account == "DECISION_ACCOUNT_SUSPENDED"
        and suspension.end_date_account_restriction
    )
    demoted = statements[-1]
    assert demoted.decision_visibility == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
    assert demoted.source_type == "SOURCE_TRUSTED_FLAGGER"
    assert (
        demoted.automated_detection == "No"
        and demoted.automated_decision == "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    assert len({s.puid for s in statements}) == 5


def test_reviewer_decisions_export_as_labelled_data(store: Store, pack: PolicyPack) -> None:
    wf = Workflow(store, pack)
    for n in range(2):
        it = item(n)
        wf.record(it, decision_for(it, pack, (Action.ESCALATE_TO_REVIEW,), score=0.55))
    r = Actor("r")
    c1, c2 = wf.claim(r), wf.claim(r)
    assert c1 and c2
    wf.decide(c1.id, r, action=Action.REMOVE, category="harassment")
    wf.decide(c2.id, r, action=Action.ALLOW, category=None)
    rows = {row["id"]: row for row in wf.labelled_rows()}
    assert len(rows) == 2
    positive = next(v for v in rows.values() if v["flagged"])
    negative = next(v for v in rows.values() if not v["flagged"])
    assert positive["taxonomy"] == {"harassment": 1} and positive["text"].startswith("post number")
    assert set(negative["taxonomy"].values()) == {0} and negative["context"]["reviewer"] == "r"
