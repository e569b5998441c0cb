"""The SQL store behind one narrow interface: decisions (idempotent by item id + content hash) and the
append-only audit log. SQLite (WAL) is the embedded default; PostgreSQL is production.
The schema is created and upgraded by Alembic migrations (``Store.migrate``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from watchkeeper.review.tables import AuditRow, DecisionRow
from watchkeeper.types import Decision, Item

__all__ = ["ActorKind", "AuditEntry", "DecisionHook", "Store", "StoredDecision", "audit_row"]

ActorKind = Literal["machine", "person", "key"]
DecisionHook = Callable[[Session, DecisionRow, Item, Decision], None]


class StoredDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    item: Item
    decision: Decision
    created_at: datetime


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    actor_kind: ActorKind
    action: str
    subject_type: str
    subject_id: str
    details: dict[str, Any]
    note: str | None = None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a committed transaction survives the process being killed (the SIGKILL test); only
    # an OS crash or power loss may drop the last commits. Production durability is PostgreSQL's job.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def audit_row(
    actor: str, action: str, subject_type: str, subject_id: str, now: datetime, **details: Any
) -> AuditRow:
    """An audit entry for an operator action: the CLI acts as the operator's machine, anything else
    through an API key."""
    return AuditRow(
        at=now,
        actor=actor,
        actor_kind="machine" if actor == "cli" else "key",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        kw: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            kw["connect_args"] = {"check_same_thread": False}
        self.engine: SAEngine = create_engine(url, **kw)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and bring the schema up to date."""
        store = cls(url)
        store.migrate()
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One database transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as s, s.begin():
            yield s

    _session = transaction

    @staticmethod
    def _stored(row: DecisionRow) -> StoredDecision:
        return StoredDecision(
            id=row.id,
            item=Item.model_validate(row.item),
            decision=Decision.model_validate(
                {k: v for k, v in row.decision.items() if k not in ("primary_action", "flagged")}
            ),
            created_at=row.created_at,
        )

    # --- decisions ---------------------------------------------------------------------------------

    def record_decision(
        self,
        item: Item,
        decision: Decision,
        *,
        actor: str = "engine",
        then: DecisionHook | None = None,
    ) -> tuple[StoredDecision, bool]:
        """Store ``decision`` for ``item`` with its audit entry, in one transaction. Returns the stored
        decision and whether it is new; a decision already stored for the same item id and content is
        returned unchanged (idempotent: a retried request never decides or enforces twice).

        ``then(session, row, item, decision)`` runs inside the same transaction for a new decision only
        (enforcement, strikes, review cases, outbox events): all of it is stored, or none."""
        return self.record_decisions([(item, decision)], actor=actor, then=then)[0]

    def record_decisions(
        self,
        pairs: Sequence[tuple[Item, Decision]],
        *,
        actor: str = "engine",
        then: DecisionHook | None = None,
    ) -> list[tuple[StoredDecision, bool]]:
        """:meth:`record_decision` for many items in one transaction (one commit for a whole batch). If
        any of them is already stored (a concurrent retry), each is recorded in its own transaction
        instead, so every item still gets its own answer."""
        if len(pairs) > 1:
            try:
                return self._record(pairs, actor, then)
            except IntegrityError:
                pass
        out: list[tuple[StoredDecision, bool]] = []
        for item, decision in pairs:
            try:
                out += self._record([(item, decision)], actor, then)
            except IntegrityError:
                existing = self.find_decision(item.id, decision.content_hash)
                if existing is None:  # pragma: no cover - the unique constraint said it exists
                    raise
                out.append((existing, False))
        return out

    def _record(
        self, pairs: Sequence[tuple[Item, Decision]], actor: str, then: DecisionHook | None
    ) -> list[tuple[StoredDecision, bool]]:
        now = datetime.now(UTC)
        rows = [
            DecisionRow(
                item_id=item.id,
                content_hash=decision.content_hash,
                kind=item.kind.value,
                surface=item.surface.value,
                author_id=item.author_id,
                policy_name=decision.policy_name,
                policy_version=decision.policy_version,
                primary_action=decision.primary_action.value,
                flagged=decision.flagged,
                automated=decision.automated,
                decision=decision.model_dump(mode="json"),
                item=item.model_dump(mode="json"),
                created_at=now,
            )
            for item, decision in pairs
        ]
        with self._session() as s:
            s.add_all(rows)
            s.flush()
            for row, (item, decision) in zip(rows, pairs, strict=True):
                s.add(
                    AuditRow(
                        at=now,
                        actor=actor,
                        actor_kind="machine",
                        action="decide",
                        subject_type="decision",
                        subject_id=str(row.id),
                        details={
                            "item_id": item.id,
                            "actions": [a.value for a in decision.actions],
                            "policy_version": decision.policy_version,
                            "automated": decision.automated,
                        },
                    )
                )
                if then is not None:
                    then(s, row, item, decision)
        return [
            (StoredDecision(id=row.id, item=item, decision=decision, created_at=now), True)
            for row, (item, decision) in zip(rows, pairs, strict=True)
        ]

    def find_decisions(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], StoredDecision]:
        """Stored decisions for many (item id, content hash) pairs, in one query."""
        if not keys:
            return {}
        wanted = set(keys)
        with self._session() as s:
            rows = s.scalars(select(DecisionRow).where(DecisionRow.item_id.in_({k[0] for k in keys})))
            return {
                (r.item_id, r.content_hash): self._stored(r)
                for r in rows
                if (r.item_id, r.content_hash) in wanted
            }

    def find_decision(self, item_id: str, content_hash: str) -> StoredDecision | None:
        with self._session() as s:
            row = s.scalar(
                select(DecisionRow).where(
                    DecisionRow.item_id == item_id, DecisionRow.content_hash == content_hash
                )
            )
            return self._stored(row) if row else None

    def get_decision(self, decision_id: int) -> StoredDecision | None:
        with self._session() as s:
            row = s.get(DecisionRow, decision_id)
            return self._stored(row) if row else None

    def list_decisions(
        self, *, limit: int = 50, before_id: int | None = None, flagged: bool | None = None
    ) -> list[StoredDecision]:
        q = select(DecisionRow).order_by(DecisionRow.id.desc()).limit(limit)
        if before_id is not None:
            q = q.where(DecisionRow.id < before_id)
        if flagged is not None:
            q = q.where(DecisionRow.flagged == flagged)
        with self._session() as s:
            return [self._stored(r) for r in s.scalars(q)]

    def count_decisions(self) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.count()).select_from(DecisionRow)) or 0)

    # --- audit log ---------------------------------------------------------------------------------

    def audit(
        self,
        *,
        actor: str,
        actor_kind: ActorKind,
        action: str,
        subject_type: str,
        subject_id: str,
        details: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> AuditEntry:
        row = AuditRow(
            at=datetime.now(UTC),
            actor=actor,
            actor_kind=actor_kind,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details or {},
            note=note,
        )
        with self._session() as s:
            s.add(row)
            s.flush()
            return self._entry(row)

    @staticmethod
    def _entry(row: AuditRow) -> AuditEntry:
        return AuditEntry(
            id=row.id,
            at=row.at,
            actor=row.actor,
            actor_kind=row.actor_kind,  # type: ignore[arg-type]
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            details=row.details,
            note=row.note,
        )

    def audit_log(
        self, *, subject_type: str | None = None, subject_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        q = select(AuditRow).order_by(AuditRow.id).limit(limit)
        if subject_type is not None:
            q = q.where(AuditRow.subject_type == subject_type)
        if subject_id is not None:
            q = q.where(AuditRow.subject_id == subject_id)
        with self._session() as s:
            return [self._entry(r) for r in s.scalars(q)]
