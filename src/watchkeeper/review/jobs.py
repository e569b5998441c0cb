"""Background jobs for slow media: submitted once (the job id is derived from the item id and content,
so a retried submission finds the same job), leased by a worker, and re-leased if the worker dies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from watchkeeper.review.store import Store
from watchkeeper.review.tables import JobRow
from watchkeeper.types import Item

__all__ = ["Job", "JobStore"]


class Job(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: Literal["queued", "running", "done", "failed"]
    item_id: str
    decision_id: int | None = None
    error: str | None = None
    attempts: int
    callback_url: str | None = None
    submitted_by: str
    created_at: datetime
    updated_at: datetime


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        item_id=str(row.item.get("id")),
        decision_id=row.decision_id,
        error=row.error,
        attempts=row.attempts,
        callback_url=row.callback_url,
        submitted_by=row.submitted_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class JobStore:
    def __init__(self, store: Store, *, max_attempts: int = 3) -> None:
        self.store = store
        self.max_attempts = max_attempts

    @staticmethod
    def job_id(item: Item) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"watchkeeper:{item.id}:{item.content_hash()}").hex

    def submit(self, item: Item, *, callback_url: str | None, submitted_by: str) -> tuple[Job, bool]:
        now = datetime.now(UTC)
        row = JobRow(
            id=self.job_id(item),
            item=item.model_dump(mode="json"),
            status="queued",
            callback_url=callback_url,
            attempts=0,
            submitted_by=submitted_by,
            created_at=now,
            updated_at=now,
        )
        try:
            with self.store.transaction() as s:
                s.add(row)
        except IntegrityError:
            existing = self.get(row.id)
            assert existing is not None
            return existing, False
        return _job(row), True

    def get(self, job_id: str) -> Job | None:
        with self.store.transaction() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    def lease(self, *, lease_s: float = 300.0) -> tuple[Job, Item] | None:
        """The oldest queued job (or one whose worker's lease ran out), marked running for ``lease_s``."""
        now = datetime.now(UTC)
        ready = or_(
            JobRow.status == "queued",
            and_(JobRow.status == "running", JobRow.lease_until < now),
        )
        with self.store.transaction() as s:
            q = select(JobRow).where(ready).order_by(JobRow.created_at).limit(1)
            if self.store.dialect == "postgresql":
                q = q.with_for_update(skip_locked=True)
            row = s.scalar(q)
            if row is None:
                return None
            done = s.execute(
                update(JobRow)
                .execution_options(synchronize_session=False)
                .where(JobRow.id == row.id, ready)
                .values(
                    status="running",
                    attempts=JobRow.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_s),
                    updated_at=now,
                )
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return None
            s.refresh(row)
            return _job(row), Item.model_validate(row.item)

    def finish(
        self, job_id: str, *, decision_id: int | None = None, error: str | None = None, final: bool = False
    ) -> Job:
        """Done with a decision, or failed: retried while attempts remain (unless ``final``: the input
        itself was refused, so trying again cannot help), else failed for good."""
        now = datetime.now(UTC)
        with self.store.transaction() as s:
            row = s.get(JobRow, job_id)
            assert row is not None
            if error is None:
                row.status, row.decision_id, row.error = "done", decision_id, None
            else:
                row.status = "queued" if row.attempts < self.max_attempts and not final else "failed"
                row.error = error[:2000]
            row.lease_until = None
            row.updated_at = now
            s.flush()
            return _job(row)
