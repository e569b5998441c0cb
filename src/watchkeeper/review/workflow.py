"""What happens to a decision after it is made, carried out in the database: enforcement applied and
reversed, strikes and suspensions, review cases in queues with claims, QA double review, appeals,
sink events (written to the outbox in the same transaction), statements of reasons and labelled data.

The choices are made by the pure planners in :mod:`watchkeeper.act.plan`; this module only stores
them. Every change is in the append-only audit log with the person or key that made it.

Claims: on PostgreSQL the next case is picked with ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent
reviewers never wait on or receive the same case; on SQLite (one writer at a time) a single
conditional ``UPDATE`` picks and claims it atomically. A claim carries a token and expires after the
pack's ``review.claim_ttl_s``; an expired claim can be taken by the next reviewer.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeeper.act.plan import (
    ENFORCEABLE,
    CasePlan,
    case_plan,
    enforceable,
    priority,
    qa_sampled,
    reach_factor,
    reconcile,
    strike_due,
    top_category,
)
from watchkeeper.act.statements import StatementOfReasons, build_statement
from watchkeeper.errors import AccessDeniedError, ConflictError, InputError, NotFoundError
from watchkeeper.policy import PolicyPack
from watchkeeper.review.outbox import pending_row
from watchkeeper.review.store import ActorKind, Store, StoredDecision
from watchkeeper.review.tables import (
    AppealRow,
    AuditRow,
    CaseRow,
    DecisionRow,
    EnforcementRow,
    ReviewRow,
    StrikeRow,
)
from watchkeeper.types import Action, Decision, Item

__all__ = [
    "Actor",
    "Appeal",
    "Case",
    "CaseView",
    "Enforcement",
    "KappaReport",
    "QueueStats",
    "Review",
    "Workflow",
]

CaseKind = Literal["review", "qa", "appeal"]
Step = Literal["automated", "review", "appeal", "strikes"]


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (reviewer, lead), a key (an integration) or the machine. ``queues`` limits a
    reviewer to those queues; ``None`` means every queue."""

    name: str
    kind: ActorKind = "person"
    queues: frozenset[str] | None = None

    def may_review(self, queue: str) -> bool:
        return self.queues is None or queue in self.queues


MACHINE = Actor("engine", "machine")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Case(_Frozen):
    id: int
    decision_id: int
    kind: CaseKind
    queue: str
    status: Literal["open", "claimed", "closed"]
    priority: float
    category: str | None
    severity: int
    uncertainty: float
    reach: float
    reason: str
    opened_at: datetime
    sla_due_at: datetime
    claimed_by: str | None = None
    claim_token: str | None = None
    claim_expires_at: datetime | None = None
    closed_at: datetime | None = None
    exclude_reviewer: str | None = None
    parent_case_id: int | None = None
    appeal_id: int | None = None

    def overdue(self, now: datetime) -> bool:
        return self.status != "closed" and _aware(self.sla_due_at) < now


class Enforcement(_Frozen):
    id: int
    decision_id: int
    item_id: str
    author_id: str | None
    action: Action
    category: str | None
    source: Step
    actor: str
    reverses_id: int | None
    created_at: datetime
    ends_at: datetime | None = None


class Review(_Frozen):
    id: int
    case_id: int
    decision_id: int
    kind: CaseKind
    reviewer: str
    category: str | None
    action: Action
    note: str
    policy_version: str
    created_at: datetime


class Appeal(_Frozen):
    id: int
    decision_id: int
    appellant: str
    reason: str
    status: Literal["open", "upheld", "overturned"]
    submitted_by: str
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    case_id: int | None = None


class CaseView(_Frozen):
    """A case with everything a reviewer needs: the stored decision and item, active enforcement and
    the reviews made so far (QA cases hide the first reviewer's answer)."""

    case: Case
    decision: StoredDecision
    enforcement: list[Enforcement]
    reviews: list[Review]
    appeal: Appeal | None = None


class QueueStats(_Frozen):
    queue: str
    title: str
    sla_minutes: int
    open: int
    claimed: int
    overdue: int
    oldest_open_at: datetime | None


class KappaReport(_Frozen):
    """Agreement between first and QA reviewers (Cohen's kappa; None when undefined, e.g. one label only)."""

    pairs: int
    observed_agreement: float | None
    kappa: float | None
    by_reviewer: dict[str, dict[str, float | int | None]]
    by_category: dict[str, dict[str, float | int | None]]


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _model(model: type[Any], row: Any, **extra: Any) -> Any:
    data = {k: getattr(row, k) for k in model.model_fields if hasattr(row, k)}
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = _aware(value)
    data.update(extra)
    return model.model_validate(data)


def _audit(
    s: Session,
    actor: Actor,
    event: str,
    subject_type: str,
    subject_id: object,
    now: datetime,
    /,
    **details: Any,
) -> None:
    note = details.pop("note", None)
    s.add(
        AuditRow(
            at=now,
            actor=actor.name,
            actor_kind=actor.kind,
            action=event,
            subject_type=subject_type,
            subject_id=str(subject_id),
            details=details,
            note=note,
        )
    )


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels; None when undefined (no pairs, or chance agreement is 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first: dict[str, int] = defaultdict(int)
    second: dict[str, int] = defaultdict(int)
    for a, b in pairs:
        first[a] += 1
        second[b] += 1
    expected = sum(first[k] * second.get(k, 0) for k in first) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1.0 - expected)


class Workflow:
    """Enforcement, review, appeals and exports over one :class:`Store`, following one policy pack."""

    def __init__(self, store: Store, policy: PolicyPack, *, sinks: Iterable[str] = ()) -> None:
        self.store = store
        self.policy = policy
        #: names of the sinks that receive enforcement events (their URLs and secrets live in settings)
        self.sinks = tuple(sinks)

    # --- decisions -> enforcement and cases (inside record_decision's transaction) ---------------------

    def record(self, item: Item, decision: Decision) -> tuple[StoredDecision, bool]:
        """Store a decision and carry it out (enforcement, strikes, case, sink events) atomically;
        a replay of the same item and content returns the stored decision and does nothing else."""
        return self.store.record_decision(item, decision, then=self._on_decision)

    def record_many(self, pairs: Sequence[tuple[Item, Decision]]) -> list[tuple[StoredDecision, bool]]:
        """:meth:`record` for a batch, in one transaction."""
        return self.store.record_decisions(pairs, then=self._on_decision)

    def strike_counts(self, author_ids: Iterable[str], *, now: datetime | None = None) -> dict[str, int]:
        """Active strikes of many authors in one query (authors without strikes are absent)."""
        ids = sorted(set(author_ids))
        if not ids:
            return {}
        now = now or datetime.now(UTC)
        q = (
            select(StrikeRow.author_id, func.count())
            .where(StrikeRow.author_id.in_(ids), StrikeRow.voided_at.is_(None), StrikeRow.expires_at > now)
            .group_by(StrikeRow.author_id)
        )
        with self.store.transaction() as s:
            return {str(a): int(n) for a, n in s.execute(q).all()}

    def _on_decision(self, s: Session, row: DecisionRow, item: Item, decision: Decision) -> None:
        now = row.created_at
        category, _, _ = top_category(decision)
        if enforceable(decision.actions):  # a new decision has nothing in effect yet
            self._enforce(s, row, item, decision.actions, category, "automated", MACHINE, now, fresh=True)
        plan = case_plan(self.policy, item, decision)
        if plan is not None:
            self._open_case(s, row.id, plan, "review", now)

    def active_strikes(self, author_id: str, *, now: datetime | None = None) -> int:
        with self.store.transaction() as s:
            return self._strike_count(s, author_id, now or datetime.now(UTC))

    @staticmethod
    def _strike_count(s: Session, author_id: str, now: datetime) -> int:
        q = select(func.count()).where(
            StrikeRow.author_id == author_id, StrikeRow.voided_at.is_(None), StrikeRow.expires_at > now
        )
        return int(s.scalar(q) or 0)

    @staticmethod
    def _active(s: Session, decision_id: int) -> dict[Action, EnforcementRow]:
        rows = list(s.scalars(select(EnforcementRow).where(EnforcementRow.decision_id == decision_id)))
        reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
        return {Action(r.action): r for r in rows if r.reverses_id is None and r.id not in reversed_ids}

    def _enforce(
        self,
        s: Session,
        drow: DecisionRow,
        item: Item,
        wanted: Iterable[Action],
        category: str | None,
        step: Step,
        actor: Actor,
        now: datetime,
        *,
        fresh: bool = False,
    ) -> tuple[list[EnforcementRow], list[EnforcementRow]]:
        """Bring the decision's enforcement to ``wanted``: apply what is missing, reverse what is no longer
        wanted (voiding the strikes that came with it), give a strike and suspend on the strike limit.
        ``fresh``: the decision was just stored, so nothing is in effect yet (saves a query)."""
        active = {} if fresh else self._active(s, drow.id)
        to_apply, to_reverse = reconcile(active, wanted)
        person = step in ("review", "appeal")
        automated_detection = str(item.metadata.get("source", "")).lower() in ("", "automated", "none")
        applied: list[EnforcementRow] = []
        reversed_: list[EnforcementRow] = []
        for action in to_reverse:
            old = active[action]
            row = self._add_enforcement(
                s, drow, action, old.category, step, actor, now, automated_detection, person, reverses=old
            )
            reversed_.append(row)
            for strike in s.scalars(
                select(StrikeRow).where(StrikeRow.enforcement_id == old.id, StrikeRow.voided_at.is_(None))
            ):
                strike.voided_at = now
                _audit(
                    s,
                    actor,
                    "strike.void",
                    "account",
                    strike.author_id,
                    now,
                    strike_id=strike.id,
                    decision_id=drow.id,
                )
        spec = self.policy.manifest.enforcement
        account_ends = now + timedelta(days=spec.suspension_days) if spec.suspension_days else None
        for action in to_apply:
            ends = account_ends if action is Action.SUSPEND_ACCOUNT else None
            applied.append(
                self._add_enforcement(
                    s, drow, action, category, step, actor, now, automated_detection, person, ends=ends
                )
            )
        author = drow.author_id
        if author and strike_due(self.policy, to_apply, category):
            strike = StrikeRow(
                author_id=author,
                enforcement_id=applied[0].id,
                decision_id=drow.id,
                category=category,
                created_at=now,
                expires_at=now + timedelta(days=spec.strike_expiry_days),
            )
            s.add(strike)
            s.flush()
            count = self._strike_count(s, author, now)
            _audit(
                s,
                actor,
                "strike.add",
                "account",
                author,
                now,
                strike_id=strike.id,
                decision_id=drow.id,
                active=count,
            )
            if count >= spec.suspend_at and not self._suspended(s, author, now):
                applied.append(
                    self._add_enforcement(
                        s,
                        drow,
                        Action.SUSPEND_ACCOUNT,
                        category,
                        "strikes",
                        MACHINE,
                        now,
                        automated_detection,
                        False,
                        ends=account_ends,
                    )
                )
        return applied, reversed_

    @staticmethod
    def _suspended(s: Session, author_id: str, now: datetime) -> bool:
        rows = list(
            s.scalars(
                select(EnforcementRow).where(
                    EnforcementRow.author_id == author_id,
                    EnforcementRow.action == Action.SUSPEND_ACCOUNT.value,
                )
            )
        )
        reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
        return any(
            r.reverses_id is None
            and r.id not in reversed_ids
            and (r.ends_at is None or _aware(r.ends_at) > now)
            for r in rows
        )

    def _add_enforcement(
        self,
        s: Session,
        drow: DecisionRow,
        action: Action,
        category: str | None,
        step: Step,
        actor: Actor,
        now: datetime,
        automated_detection: bool,
        person: bool,
        *,
        reverses: EnforcementRow | None = None,
        ends: datetime | None = None,
    ) -> EnforcementRow:
        row = EnforcementRow(
            decision_id=drow.id,
            item_id=drow.item_id,
            author_id=drow.author_id,
            action=action.value,
            category=category,
            source=step,
            actor=actor.name,
            automated_detection=automated_detection,
            automated_decision=not person,
            reverses_id=reverses.id if reverses else None,
            created_at=now,
            ends_at=ends,
        )
        s.add(row)
        s.flush()
        event = "enforcement.reversed" if reverses else "enforcement.applied"
        _audit(
            s,
            actor,
            event,
            "decision",
            drow.id,
            now,
            enforcement_id=row.id,
            action=action.value,
            step=step,
            category=category,
        )
        payload = {
            "event": event,
            "enforcement_id": row.id,
            "decision_id": drow.id,
            "item_id": drow.item_id,
            "author_id": drow.author_id,
            "action": action.value,
            "category": category,
            "step": step,
            "reverses": reverses.id if reverses else None,
            "ends_at": ends.isoformat() if ends else None,
            "policy_version": self.policy.version,
            "at": now.isoformat(),
        }
        self._emit(s, event, f"enforcement-{row.id}", payload, now)
        return row

    def _emit(self, s: Session, event: str, key: str, payload: dict[str, Any], now: datetime) -> None:
        for sink in self.sinks:
            s.add(pending_row(sink=sink, event=event, key=key, payload=payload, now=now))

    def _open_case(
        self,
        s: Session,
        decision_id: int,
        plan: CasePlan,
        kind: CaseKind,
        now: datetime,
        *,
        exclude: str | None = None,
        parent: int | None = None,
        appeal_id: int | None = None,
    ) -> CaseRow:
        row = CaseRow(
            decision_id=decision_id,
            kind=kind,
            queue=plan.queue.id,
            status="open",
            priority=plan.priority,
            category=plan.category,
            severity=plan.severity,
            uncertainty=plan.uncertainty,
            reach=plan.reach,
            reason=plan.reason,
            opened_at=now,
            sla_due_at=now + timedelta(minutes=plan.queue.sla_minutes),
            exclude_reviewer=exclude,
            parent_case_id=parent,
            appeal_id=appeal_id,
        )
        s.add(row)
        s.flush()
        _audit(
            s,
            MACHINE,
            "case.open",
            "case",
            row.id,
            now,
            kind=kind,
            queue=row.queue,
            decision_id=decision_id,
            priority=row.priority,
        )
        return row

    # --- queues and claims ---------------------------------------------------------------------------

    def queue_ids(self) -> list[str]:
        spec = self.policy.manifest.review
        return [q.id for q in spec.queues] + [spec.default_queue.id, spec.appeals_queue.id]

    def queue_stats(self, actor: Actor, *, now: datetime | None = None) -> list[QueueStats]:
        now = now or datetime.now(UTC)
        spec = self.policy.manifest.review
        queues = [*spec.queues, spec.default_queue, spec.appeals_queue]
        with self.store.transaction() as s:
            rows = s.execute(
                select(
                    CaseRow.queue,
                    CaseRow.status,
                    func.count(),
                    func.min(CaseRow.opened_at),
                    func.sum(case((CaseRow.sla_due_at < now, 1), else_=0)),
                )
                .where(CaseRow.status != "closed")
                .group_by(CaseRow.queue, CaseRow.status)
            ).all()
        counts: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"open": 0, "claimed": 0, "overdue": 0, "oldest": None}
        )
        for queue, status, n, oldest, overdue in rows:
            c = counts[queue]
            c[status] = int(n)
            c["overdue"] += int(overdue or 0)
            if status == "open" and oldest is not None:
                c["oldest"] = _aware(oldest)
        return [
            QueueStats(
                queue=q.id,
                title=q.title or q.id,
                sla_minutes=q.sla_minutes,
                open=counts[q.id]["open"],
                claimed=counts[q.id]["claimed"],
                overdue=counts[q.id]["overdue"],
                oldest_open_at=counts[q.id]["oldest"],
            )
            for q in queues
            if actor.may_review(q.id)
        ]

    def _claimable(self, reviewer: str, now: datetime) -> Any:
        return and_(
            or_(CaseRow.status == "open", and_(CaseRow.status == "claimed", CaseRow.claim_expires_at < now)),
            or_(CaseRow.exclude_reviewer.is_(None), CaseRow.exclude_reviewer != reviewer),
        )

    def claim(
        self,
        actor: Actor,
        *,
        queue: str | None = None,
        case_id: int | None = None,
        now: datetime | None = None,
    ) -> Case | None:
        """Claim a case for ``actor``: ``case_id`` if given (and free), else the first in ``queue`` (or in any
        of the actor's queues) by SLA breach, priority and age. None when there is nothing to take."""
        now = now or datetime.now(UTC)
        if queue is not None and not actor.may_review(queue):
            raise AccessDeniedError(f"{actor.name} does not review queue {queue!r}")
        allowed = [queue] if queue else [q for q in self.queue_ids() if actor.may_review(q)]
        cond = and_(self._claimable(actor.name, now), CaseRow.queue.in_(allowed))
        if case_id is not None:
            cond = and_(cond, CaseRow.id == case_id)
        order = (case((CaseRow.sla_due_at < now, 0), else_=1), CaseRow.priority.desc(), CaseRow.id)
        token = uuid.uuid4().hex
        ttl = timedelta(seconds=self.policy.manifest.review.claim_ttl_s)
        expires = now + ttl
        values: dict[str, Any] = {
            "status": "claimed",
            "claimed_by": actor.name,
            "claim_token": token,
            "claimed_at": now,
            "claim_expires_at": expires,
        }
        with self.store.transaction() as s:
            if self.store.dialect == "postgresql":
                row = s.scalar(
                    select(CaseRow).where(cond).order_by(*order).limit(1).with_for_update(skip_locked=True)
                )
                if row is None:
                    return None
                for key, value in values.items():
                    setattr(row, key, value)
            else:
                pick = select(CaseRow.id).where(cond).order_by(*order).limit(1).scalar_subquery()
                s.execute(
                    update(CaseRow)
                    .execution_options(synchronize_session=False)
                    .where(CaseRow.id == pick, cond)
                    .values(**values)
                )
                row = s.scalar(select(CaseRow).where(CaseRow.claim_token == token))
                if row is None:
                    return None
            _audit(
                s,
                actor,
                "case.claim",
                "case",
                row.id,
                now,
                queue=row.queue,
                expires=expires.isoformat(),
            )
            result: Case = _model(Case, row)
            return result

    def release(self, case_id: int, actor: Actor, *, now: datetime | None = None) -> None:
        """Give a claimed case back to its queue (the reviewer skipped it)."""
        now = now or datetime.now(UTC)
        with self.store.transaction() as s:
            done = s.execute(
                update(CaseRow)
                .execution_options(synchronize_session=False)
                .where(CaseRow.id == case_id, CaseRow.status == "claimed", CaseRow.claimed_by == actor.name)
                .values(
                    status="open", claimed_by=None, claim_token=None, claimed_at=None, claim_expires_at=None
                )
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError(f"case {case_id} is not claimed by {actor.name}")
            _audit(s, actor, "case.release", "case", case_id, now)

    def cases(
        self, actor: Actor, *, queue: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[Case]:
        q = select(CaseRow).order_by(CaseRow.priority.desc(), CaseRow.id).limit(limit)
        if queue is not None:
            if not actor.may_review(queue):
                raise AccessDeniedError(f"{actor.name} does not review queue {queue!r}")
            q = q.where(CaseRow.queue == queue)
        elif actor.queues is not None:
            q = q.where(CaseRow.queue.in_(sorted(actor.queues)))
        if status is not None:
            q = q.where(CaseRow.status == status)
        with self.store.transaction() as s:
            return [_model(Case, r) for r in s.scalars(q)]

    def case_view(self, case_id: int, actor: Actor) -> CaseView:
        with self.store.transaction() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFoundError(f"no case {case_id}")
            if not actor.may_review(row.queue):
                raise AccessDeniedError(f"{actor.name} does not review queue {row.queue!r}")
            reviews = [
                _model(Review, r)
                for r in s.scalars(
                    select(ReviewRow).where(ReviewRow.decision_id == row.decision_id).order_by(ReviewRow.id)
                )
            ]
            if row.kind == "qa":  # a QA reviewer judges blind
                reviews = []
            enforcement = [_model(Enforcement, r) for r in self._active(s, row.decision_id).values()]
            appeal_row = s.get(AppealRow, row.appeal_id) if row.appeal_id else None
            case_model: Case = _model(Case, row)
        stored = self.store.get_decision(case_model.decision_id)
        assert stored is not None
        appeal = _model(Appeal, appeal_row, case_id=case_id) if appeal_row else None
        return CaseView(
            case=case_model, decision=stored, enforcement=enforcement, reviews=reviews, appeal=appeal
        )

    # --- reviewing -------------------------------------------------------------------------------------

    def decide(
        self,
        case_id: int,
        actor: Actor,
        *,
        action: Action,
        category: str | None,
        note: str = "",
        now: datetime | None = None,
    ) -> Review:
        """Record a reviewer's decision on a case they hold, and carry it out: a first review sets the
        item's enforcement (and may open a blind QA review for someone else), a QA review is recorded
        for agreement only, an appeal review upholds or overturns (reversing enforcement)."""
        now = now or datetime.now(UTC)
        if category is not None and category not in self.policy.category_ids():
            raise InputError(f"unknown category {category!r}")
        if action in ENFORCEABLE and category is None:
            raise InputError(f"{action.value} needs the category it enforces")
        with self.store.transaction() as s:
            closed = s.execute(
                update(CaseRow)
                .execution_options(synchronize_session=False)
                .where(
                    CaseRow.id == case_id,
                    CaseRow.status == "claimed",
                    CaseRow.claimed_by == actor.name,
                    CaseRow.claim_expires_at >= now,
                )
                .values(status="closed", closed_at=now, claim_token=None)
            )
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFoundError(f"no case {case_id}")
            if closed.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError(
                    f"case {case_id} is not claimed by {actor.name} (no claim, or it expired): claim it again"
                )
            if not actor.may_review(row.queue):
                raise AccessDeniedError(f"{actor.name} does not review queue {row.queue!r}")
            review = ReviewRow(
                case_id=row.id,
                decision_id=row.decision_id,
                kind=row.kind,
                reviewer=actor.name,
                category=category,
                action=action.value,
                note=note,
                policy_version=self.policy.version,
                created_at=now,
            )
            s.add(review)
            s.flush()
            _audit(
                s,
                actor,
                "case.decide",
                "case",
                row.id,
                now,
                kind=row.kind,
                action=action.value,
                category=category,
                note=note or None,
            )
            drow = s.get(DecisionRow, row.decision_id)
            assert drow is not None
            item = Item.model_validate(drow.item)
            if row.kind == "review":
                self._enforce(s, drow, item, [action], category, "review", actor, now)
                rate = self.policy.manifest.review.qa_sample_rate
                if qa_sampled(row.id, rate):
                    plan = CasePlan(
                        queue=next(
                            (
                                q
                                for q in (
                                    *self.policy.manifest.review.queues,
                                    self.policy.manifest.review.default_queue,
                                )
                                if q.id == row.queue
                            ),
                            self.policy.manifest.review.default_queue,
                        ),
                        category=row.category,
                        severity=row.severity,
                        uncertainty=row.uncertainty,
                        reach=row.reach,
                        priority=row.priority,
                        reason=f"quality sample of case {row.id}",
                    )
                    self._open_case(s, row.decision_id, plan, "qa", now, exclude=actor.name, parent=row.id)
            elif row.kind == "appeal":
                _, reversed_ = self._enforce(s, drow, item, [action], category, "appeal", actor, now)
                appeal = s.get(AppealRow, row.appeal_id) if row.appeal_id else None
                if appeal is not None:
                    appeal.status = "overturned" if reversed_ else "upheld"
                    appeal.decided_at = now
                    appeal.decided_by = actor.name
                    _audit(s, actor, f"appeal.{appeal.status}", "appeal", appeal.id, now, decision_id=drow.id)
                    self._emit(
                        s,
                        "appeal.decided",
                        f"appeal-{appeal.id}",
                        {
                            "event": "appeal.decided",
                            "appeal_id": appeal.id,
                            "decision_id": drow.id,
                            "item_id": drow.item_id,
                            "outcome": appeal.status,
                            "at": now.isoformat(),
                        },
                        now,
                    )
            result: Review = _model(Review, review)
            return result

    # --- appeals ---------------------------------------------------------------------------------------

    def appeal(
        self, decision_id: int, *, appellant: str, reason: str, actor: Actor, now: datetime | None = None
    ) -> Appeal:
        """A user's appeal of an enforced decision: re-opens it in the appeals queue for a reviewer other
        than the one who decided it. One appeal per decision."""
        now = now or datetime.now(UTC)
        spec = self.policy.manifest.review
        try:
            with self.store.transaction() as s:
                drow = s.get(DecisionRow, decision_id)
                if drow is None:
                    raise NotFoundError(f"no decision {decision_id}")
                active = self._active(s, decision_id)
                if not active:
                    raise ConflictError(f"decision {decision_id} has no enforcement in effect to appeal")
                last_reviewer = s.scalar(
                    select(ReviewRow.reviewer)
                    .where(ReviewRow.decision_id == decision_id, ReviewRow.kind.in_(("review", "appeal")))
                    .order_by(ReviewRow.id.desc())
                    .limit(1)
                )
                appeal = AppealRow(
                    decision_id=decision_id,
                    appellant=appellant,
                    reason=reason,
                    status="open",
                    submitted_by=actor.name,
                    created_at=now,
                )
                s.add(appeal)
                s.flush()
                decision = Decision.model_validate(
                    {k: v for k, v in drow.decision.items() if k not in ("primary_action", "flagged")}
                )
                category, severity, _ = top_category(decision)
                category = category or next(iter(active.values())).category
                if category in self.policy.category_ids():
                    severity = self.policy.category(category).severity
                item = Item.model_validate(drow.item)
                reach = reach_factor(item.metadata, spec.reach_views_per_hour)
                plan = CasePlan(
                    queue=spec.appeals_queue,
                    category=category,
                    severity=severity,
                    uncertainty=1.0,
                    reach=round(reach, 4),
                    priority=priority(severity, reach, 1.0),
                    reason=f"appeal {appeal.id}: {reason[:200]}",
                )
                case_row = self._open_case(
                    s, decision_id, plan, "appeal", now, exclude=last_reviewer, appeal_id=appeal.id
                )
                _audit(
                    s,
                    actor,
                    "appeal.open",
                    "appeal",
                    appeal.id,
                    now,
                    decision_id=decision_id,
                    case_id=case_row.id,
                )
                result: Appeal = _model(Appeal, appeal, case_id=case_row.id)
                return result
        except IntegrityError as exc:
            raise ConflictError(f"decision {decision_id} has already been appealed") from exc

    def appeals(
        self, *, status: str | None = None, limit: int = 100, appeal_id: int | None = None
    ) -> list[Appeal]:
        q = select(AppealRow, CaseRow.id).join(CaseRow, CaseRow.appeal_id == AppealRow.id, isouter=True)
        q = q.order_by(AppealRow.id.desc()).limit(limit)
        if status is not None:
            q = q.where(AppealRow.status == status)
        if appeal_id is not None:
            q = q.where(AppealRow.id == appeal_id)
        with self.store.transaction() as s:
            return [_model(Appeal, a, case_id=cid) for a, cid in s.execute(q).all()]

    def get_appeal(self, appeal_id: int) -> Appeal:
        found = self.appeals(appeal_id=appeal_id, limit=1)
        if not found:
            raise NotFoundError(f"no appeal {appeal_id}")
        return found[0]

    # --- enforcement, metrics and exports -------------------------------------------------------------

    def enforcement(self, decision_id: int, *, include_reversed: bool = True) -> list[Enforcement]:
        with self.store.transaction() as s:
            if not include_reversed:
                return [_model(Enforcement, r) for r in self._active(s, decision_id).values()]
            q = (
                select(EnforcementRow)
                .where(EnforcementRow.decision_id == decision_id)
                .order_by(EnforcementRow.id)
            )
            return [_model(Enforcement, r) for r in s.scalars(q)]

    def kpis(self) -> dict[str, Any]:
        """Operational figures: automation rate, appeal overturn rate, review volume and decision time."""
        with self.store.transaction() as s:
            decisions = int(s.scalar(select(func.count()).select_from(DecisionRow)) or 0)
            reviewed = int(
                s.scalar(
                    select(func.count(func.distinct(CaseRow.decision_id))).where(CaseRow.kind == "review")
                )
                or 0
            )
            appeals = dict(s.execute(select(AppealRow.status, func.count()).group_by(AppealRow.status)).all())
            closed = [
                (o, c, d)
                for o, c, d in s.execute(
                    select(CaseRow.opened_at, CaseRow.closed_at, CaseRow.sla_due_at).where(
                        CaseRow.status == "closed"
                    )
                ).all()
                if c is not None
            ]
        decided = int(appeals.get("upheld", 0)) + int(appeals.get("overturned", 0))
        waits = sorted((_aware(c) - _aware(o)).total_seconds() for o, c, _ in closed)
        within_sla = sum(_aware(c) <= _aware(d) for _, c, d in closed)
        return {
            "decisions": decisions,
            "decisions_reviewed_by_people": reviewed,
            "automation_rate": None if not decisions else round(1 - reviewed / decisions, 4),
            "appeals": {k: int(v) for k, v in appeals.items()},
            "appeal_overturn_rate": None
            if not decided
            else round(int(appeals.get("overturned", 0)) / decided, 4),
            "cases_closed": len(closed),
            "case_time_to_decision_s_p50": waits[len(waits) // 2] if waits else None,
            "cases_within_sla": None if not closed else round(within_sla / len(closed), 4),
        }

    def agreement(self) -> KappaReport:
        """Cohen's kappa between first reviews and their blind QA second reviews, overall, per reviewer
        (pairs the reviewer took part in) and per category (binary: did each reviewer pick it)."""
        with self.store.transaction() as s:
            qa = list(s.scalars(select(ReviewRow).where(ReviewRow.kind == "qa")))
            parents = {c.id: c.parent_case_id for c in s.scalars(select(CaseRow).where(CaseRow.kind == "qa"))}
            firsts = {
                r.case_id: r
                for r in s.scalars(
                    select(ReviewRow).where(ReviewRow.case_id.in_([p for p in parents.values() if p]))
                )
            }

        def label(r: ReviewRow) -> str:
            return r.category if r.category and Action(r.action) in ENFORCEABLE else "none"

        pairs: list[tuple[ReviewRow, ReviewRow]] = []
        for second in qa:
            first = firsts.get(parents.get(second.case_id) or -1)
            if first is not None:
                pairs.append((first, second))
        labelled = [(label(a), label(b)) for a, b in pairs]

        def summary(items: list[tuple[str, str]]) -> dict[str, float | int | None]:
            kappa = cohen_kappa(items)
            return {
                "pairs": len(items),
                "observed_agreement": round(sum(a == b for a, b in items) / len(items), 4) if items else None,
                "kappa": None if kappa is None else round(kappa, 4),
            }

        by_reviewer: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (a, b), (la, lb) in zip(pairs, labelled, strict=True):
            by_reviewer[a.reviewer].append((la, lb))
            by_reviewer[b.reviewer].append((la, lb))
        cats = sorted({x for pair in labelled for x in pair} - {"none"})
        overall = summary(labelled)
        return KappaReport(
            pairs=len(labelled),
            observed_agreement=overall["observed_agreement"],
            kappa=overall["kappa"],
            by_reviewer={r: summary(v) for r, v in sorted(by_reviewer.items())},
            by_category={c: summary([(str(a == c), str(b == c)) for a, b in labelled]) for c in cats},
        )

    def labelled_rows(self) -> Iterator[dict[str, Any]]:
        """Reviewer decisions as labelled data in the shared dataset format (the latest human verdict per
        decision: an appeal's over a first review's; QA reviews are for agreement, not labels)."""
        with self.store.transaction() as s:
            rows = list(
                s.scalars(
                    select(ReviewRow).where(ReviewRow.kind.in_(("review", "appeal"))).order_by(ReviewRow.id)
                )
            )
        latest: dict[int, ReviewRow] = {}
        for r in rows:
            latest[r.decision_id] = r
        cats = self.policy.category_ids()
        for decision_id, r in sorted(latest.items()):
            stored = self.store.get_decision(decision_id)
            if stored is None:  # pragma: no cover - reviews reference stored decisions
                continue
            violating = Action(r.action) in ENFORCEABLE and r.category is not None
            yield {
                "id": f"review:{decision_id}",
                "text": "\n".join(v for _, v in stored.item.texts()),
                "labels": {"action": r.action, "category": r.category},
                "source": "watchkeeper_review",
                "lang": stored.item.language,
                "context": {
                    "item_id": stored.item.id,
                    "kind": stored.item.kind.value,
                    "surface": stored.item.surface.value,
                    "reviewer": r.reviewer,
                    "review_kind": r.kind,
                    "policy_version": r.policy_version,
                    "reviewed_at": _aware(r.created_at).isoformat(),
                },
                # a reviewer names one category: it is positive; the others are unknown, not negative,
                # except when the reviewer found no violation at all
                "taxonomy": {c: 1 for c in cats if violating and c == r.category}
                if violating
                else dict.fromkeys(cats, 0),
                "flagged": int(violating),
            }

    def statements(
        self, *, since: datetime | None = None, limit: int | None = None
    ) -> list[StatementOfReasons]:
        """Statements of reasons for every enforcement step (actions applied together) since ``since``."""
        q = select(EnforcementRow).where(EnforcementRow.reverses_id.is_(None)).order_by(EnforcementRow.id)
        if since is not None:
            q = q.where(EnforcementRow.created_at >= since)
        with self.store.transaction() as s:
            rows = list(s.scalars(q))
        groups: dict[tuple[int, str, datetime], list[EnforcementRow]] = defaultdict(list)
        for r in rows:
            groups[(r.decision_id, r.source, r.created_at)].append(r)
        out: list[StatementOfReasons] = []
        for (decision_id, step, at), group in groups.items():
            stored = self.store.get_decision(decision_id)
            if stored is None:  # pragma: no cover
                continue
            category = next((g.category for g in group if g.category), None)
            aigc = stored.decision.verdict_for("aigc")
            out.append(
                build_statement(
                    self.policy,
                    puid=f"wk-{decision_id}-{step}-{group[0].id}",
                    item=stored.item,
                    actions=enforceable(Action(g.action) for g in group),
                    category=category,
                    step=step,  # type: ignore[arg-type]
                    decided_at=_aware(at),
                    decision_created_at=_aware(stored.created_at),
                    account_ends_at=next((_aware(g.ends_at) for g in group if g.ends_at), None),
                    synthetic=bool(aigc and aigc.verdict.value == "violating"),
                )
            )
            if limit is not None and len(out) >= limit:
                break
        return out
