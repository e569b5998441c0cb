"""SQL tables (SQLAlchemy 2 typed models). Only the store modules import SQLAlchemy.

Schema changes go through Alembic migrations in ``review/migrations``; ``Store.migrate()`` applies them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AuditRow", "Base", "DecisionRow"]


class Base(DeclarativeBase):
    pass


class DecisionRow(Base):
    """One decision per (item id, content hash): a retried request finds it instead of deciding again."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("item_id", "content_hash", name="uq_decisions_item_content"),
        Index("ix_decisions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
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

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(16))  # machine | person | key
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(512))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
