"""SQL tables (SQLAlchemy 2 typed models). Only the store modules import SQLAlchemy.

Schema changes go through Alembic migrations in ``review/migrations``; ``Store.migrate()`` applies them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKeyRow",
    "AppealRow",
    "AuditRow",
    "BankEntryRow",
    "Base",
    "CaseRow",
    "DecisionRow",
    "EnforcementRow",
    "JobRow",
    "OutboxRow",
    "ReviewRow",
    "StrikeRow",
]

_ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class DecisionRow(Base):
    """One decision per (item id, content hash): a retried request finds it instead of deciding again."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("item_id", "content_hash", name="uq_decisions_item_content"),
        Index("ix_decisions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(512))
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    surface: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[str | None] = mapped_column(String(512), nullable=True)
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_version: Mapped[str] = mapped_column(String(100))
    primary_action: Mapped[str] = mapped_column(String(32))
    flagged: Mapped[bool] = mapped_column(Boolean)
    automated: Mapped[bool] = mapped_column(Boolean)
    #: the whole Decision as JSON (signals, verdicts, fired rules, rationale)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    item: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only log of every action by a machine, a person or an API key. The store offers no way
    to change or delete a row; on PostgreSQL a trigger refuses UPDATE and DELETE as well."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(16))  # machine | person | key
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(512))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class CaseRow(Base):
    """A piece of work for a person: a first review, a QA second review, or an appeal. Mutable (status,
    claim); every change is also written to the audit log."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue_status_priority", "queue", "status", "priority"),
        Index("ix_cases_decision", "decision_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(_ID, ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # review | qa | appeal
    queue: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # open | claimed | closed
    priority: Mapped[float] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    severity: Mapped[int] = mapped_column(Integer)
    uncertainty: Mapped[float] = mapped_column(Float)
    reach: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sla_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: a person who must not take this case (the first reviewer of a QA case, the original one of an appeal)
    exclude_reviewer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    parent_case_id: Mapped[int | None] = mapped_column(_ID, nullable=True)
    appeal_id: Mapped[int | None] = mapped_column(_ID, nullable=True)


class ReviewRow(Base):
    """What a person decided on a case (append-only). These rows are the labelled data reviewers make."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_case", "case_id"), Index("ix_reviews_decision", "decision_id"))

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(_ID, ForeignKey("cases.id"))
    decision_id: Mapped[int] = mapped_column(_ID, ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: no violation
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppealRow(Base):
    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("decision_id", name="uq_appeals_decision"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(_ID, ForeignKey("decisions.id"))
    appellant: Mapped[str] = mapped_column(String(512))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | upheld | overturned
    submitted_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class EnforcementRow(Base):
    """An action applied to content or an account, or the reversal of one (append-only)."""

    __tablename__ = "enforcements"
    __table_args__ = (
        Index("ix_enforcements_decision", "decision_id"),
        Index("ix_enforcements_author", "author_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(_ID, ForeignKey("decisions.id"))
    item_id: Mapped[str] = mapped_column(String(512))
    author_id: Mapped[str | None] = mapped_column(String(512), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: automated | review | appeal | strikes
    source: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    automated_detection: Mapped[bool] = mapped_column(Boolean)
    automated_decision: Mapped[bool] = mapped_column(Boolean)
    reverses_id: Mapped[int | None] = mapped_column(_ID, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StrikeRow(Base):
    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_author", "author_id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    author_id: Mapped[str] = mapped_column(String(512))
    enforcement_id: Mapped[int] = mapped_column(_ID, ForeignKey("enforcements.id"))
    decision_id: Mapped[int] = mapped_column(_ID, ForeignKey("decisions.id"))
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OutboxRow(Base):
    """An event waiting for delivery to a sink, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("sink", "idempotency_key", name="uq_outbox_sink_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    sink: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(Text, nullable=True)  # job callbacks carry their own
    event: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (UniqueConstraint("key_id", name="uq_api_keys_key_id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    queues: Mapped[list[str]] = mapped_column(JSON)  # empty: every queue (leads, admins)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class JobRow(Base):
    """Slow media decided in the background; polled at /v1/jobs/{id}, announced by callback."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status", "lease_until"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    decision_id: Mapped[int | None] = mapped_column(_ID, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BankEntryRow(Base):
    """A hash in a bank of known-bad media. Banks themselves are defined in the policy pack."""

    __tablename__ = "bank_entries"
    __table_args__ = (
        UniqueConstraint("bank", "signal_type", "hash", name="uq_bank_entries_hash"),
        Index("ix_bank_entries_bank", "bank", "removed_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    bank: Mapped[str] = mapped_column(String(100))
    signal_type: Mapped[str] = mapped_column(String(16))  # pdq
    hash: Mapped[str] = mapped_column(String(128))
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(200))  # where it came from (file, exchange, reviewer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
