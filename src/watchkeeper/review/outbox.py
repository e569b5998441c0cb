"""The outbox: sink events written in the transaction that caused them, leased by the dispatcher,
retried with backoff and dead-lettered after too many attempts. A lease keeps two dispatchers (or two
server processes) from sending the same event at once; receivers dedupe on the idempotency key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, func, or_, select, update

from watchkeeper.review.store import Store
from watchkeeper.review.tables import OutboxRow

__all__ = ["Outbox", "OutboxEvent", "pending_row"]


def pending_row(
    *, sink: str, event: str, key: str, payload: dict[str, Any], now: datetime, url: str | None = None
) -> OutboxRow:
    """A new event for ``sink``, due now (add it in the transaction that caused it)."""
    return OutboxRow(
        sink=sink,
        url=url,
        event=event,
        idempotency_key=key,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


class OutboxEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    sink: str
    url: str | None
    event: str
    idempotency_key: str
    payload: dict[str, Any]
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    last_error: str | None = None


def _event(row: OutboxRow) -> OutboxEvent:
    return OutboxEvent.model_validate(row, from_attributes=True)


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, *, sink: str, event: str, key: str, payload: dict[str, Any], url: str | None = None
    ) -> None:
        now = datetime.now(UTC)
        with self.store.transaction() as s:
            exists = s.scalar(
                select(OutboxRow.id).where(OutboxRow.sink == sink, OutboxRow.idempotency_key == key)
            )
            if exists is None:
                s.add(pending_row(sink=sink, event=event, key=key, payload=payload, now=now, url=url))

    def lease(
        self, *, limit: int = 20, lease_s: float = 60.0, now: datetime | None = None
    ) -> list[OutboxEvent]:
        """Pending events that are due, leased for ``lease_s`` to the caller."""
        now = now or datetime.now(UTC)
        due = and_(
            OutboxRow.status == "pending",
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
        )
        until = now + timedelta(seconds=lease_s)
        leased: list[OutboxEvent] = []
        with self.store.transaction() as s:
            q = select(OutboxRow).where(due).order_by(OutboxRow.id).limit(limit)
            if self.store.dialect == "postgresql":
                q = q.with_for_update(skip_locked=True)
            for row in list(s.scalars(q)):
                # conditional: on SQLite another process may have leased it since the read
                done = s.execute(
                    update(OutboxRow)
                    .execution_options(synchronize_session=False)
                    .where(OutboxRow.id == row.id, due)
                    .values(lease_until=until)
                )
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    leased.append(_event(row))
        return leased

    def delivered(self, event_id: int, *, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        with self.store.transaction() as s:
            s.execute(
                update(OutboxRow)
                .execution_options(synchronize_session=False)
                .where(OutboxRow.id == event_id)
                .values(
                    status="delivered",
                    delivered_at=now,
                    attempts=OutboxRow.attempts + 1,
                    lease_until=None,
                    last_error=None,
                )
            )

    def failed(self, event_id: int, error: str, *, retry_at: datetime | None) -> None:
        """Record a failed attempt: try again at ``retry_at``, or dead-letter it (None)."""
        with self.store.transaction() as s:
            values: dict[str, Any] = {
                "attempts": OutboxRow.attempts + 1,
                "lease_until": None,
                "last_error": error[:2000],
            }
            if retry_at is None:
                values["status"] = "dead"
            else:
                values["next_attempt_at"] = retry_at
            s.execute(
                update(OutboxRow)
                .execution_options(synchronize_session=False)
                .where(OutboxRow.id == event_id)
                .values(**values)
            )

    def events(self, *, status: str | None = None, limit: int = 100) -> list[OutboxEvent]:
        q = select(OutboxRow).order_by(OutboxRow.id).limit(limit)
        if status is not None:
            q = q.where(OutboxRow.status == status)
        with self.store.transaction() as s:
            return [_event(r) for r in s.scalars(q)]

    def counts(self) -> dict[str, int]:
        with self.store.transaction() as s:
            rows = s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
        return {str(k): int(v) for k, v in rows}

    def redeliver(self, event_id: int) -> None:
        """Put a dead-lettered event back in the queue (after the receiver was fixed)."""
        with self.store.transaction() as s:
            s.execute(
                update(OutboxRow)
                .execution_options(synchronize_session=False)
                .where(OutboxRow.id == event_id, OutboxRow.status == "dead")
                .values(status="pending", next_attempt_at=datetime.now(UTC), attempts=0)
            )
