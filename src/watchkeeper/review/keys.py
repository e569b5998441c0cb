"""API keys with roles. A key is shown once (``wk_<id>_<secret>``); only a SHA-256 of the secret is
stored. Roles: ``integrator`` (send content, read decisions, file appeals), ``reviewer`` (review the
queues named on the key), ``lead`` (every queue, QA agreement, audit, statements, appeals), ``admin``
(everything, including keys)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update

from watchkeeper.errors import InputError, NotFoundError
from watchkeeper.review.store import Store, audit_row
from watchkeeper.review.tables import ApiKeyRow, AuditRow

__all__ = ["PERMISSIONS", "ROLES", "ApiKey", "KeyStore", "Role"]

Role = Literal["integrator", "reviewer", "lead", "admin"]
ROLES: tuple[Role, ...] = ("integrator", "reviewer", "lead", "admin")

#: what each role may do
PERMISSIONS: dict[str, frozenset[str]] = {
    "integrator": frozenset({"moderate", "read", "appeal"}),
    "reviewer": frozenset({"review", "read"}),
    "lead": frozenset({"review", "read", "appeal", "audit", "qa", "statements"}),
    "admin": frozenset({"moderate", "review", "read", "appeal", "audit", "qa", "statements", "keys"}),
}


class ApiKey(BaseModel):
    model_config = ConfigDict(frozen=True)

    key_id: str
    name: str
    role: Role
    #: queues a reviewer key may work; empty: every queue (leads, admins)
    queues: tuple[str, ...] = ()
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None

    def can(self, permission: str) -> bool:
        return self.revoked_at is None and permission in PERMISSIONS[self.role]

    @property
    def actor_kind(self) -> Literal["person", "key"]:
        """Reviewer and lead keys belong to people; integrator and admin keys to systems or operators."""
        return "person" if self.role in ("reviewer", "lead") else "key"


def _audit(actor: str, action: str, key_id: str, now: datetime, **details: object) -> AuditRow:
    return audit_row(actor, action, "api_key", key_id, now, **details)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, store: Store, *, cache_s: float = 5.0) -> None:
        self.store = store
        self.cache_s = cache_s
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def create(
        self, *, name: str, role: str, queues: tuple[str, ...] = (), created_by: str = "cli"
    ) -> tuple[ApiKey, str]:
        """A new key and its token (shown once, never stored)."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if not name.strip():
            raise InputError("a key needs the name of the person or system that holds it")
        if queues and role != "reviewer":
            raise InputError("only reviewer keys are limited to queues")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        row = ApiKeyRow(
            key_id=key_id,
            secret_hash=_hash(secret),
            name=name.strip(),
            role=role,
            queues=list(queues),
            created_by=created_by,
            created_at=now,
        )
        with self.store.transaction() as s:
            s.add(row)
            s.add(
                _audit(created_by, "key.create", key_id, now, name=row.name, role=role, queues=list(queues))
            )
        return self._key(row), f"wk_{key_id}_{secret}"

    @staticmethod
    def _key(row: ApiKeyRow) -> ApiKey:
        return ApiKey(
            key_id=row.key_id,
            name=row.name,
            role=row.role,  # type: ignore[arg-type]
            queues=tuple(row.queues or ()),
            created_by=row.created_by,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )

    def authenticate(self, token: str) -> ApiKey | None:
        """The live key for ``token``, or None. Answers are cached for ``cache_s`` seconds (so a
        revocation takes effect within that time) to keep the database off the hot path."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(token)
            if hit is not None and now - hit[0] < self.cache_s:
                return hit[1]
        found = self._lookup(token)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[token] = (now, found)
        return found

    def _lookup(self, token: str) -> ApiKey | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != "wk" or not parts[1] or not parts[2]:
            return None
        with self.store.transaction() as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_id == parts[1]))
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.secret_hash, _hash(parts[2])):
                return None
            return self._key(row)

    def list(self) -> list[ApiKey]:
        with self.store.transaction() as s:
            return [self._key(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def count(self) -> int:
        return len(self.list())

    def revoke(self, key_id: str, *, by: str = "cli") -> None:
        now = datetime.now(UTC)
        with self.store.transaction() as s:
            done = s.execute(
                update(ApiKeyRow)
                .execution_options(synchronize_session=False)
                .where(ApiKeyRow.key_id == key_id, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFoundError(f"no live key {key_id!r}")
            s.add(_audit(by, "key.revoke", key_id, now))
        with self._lock:
            self._cache.clear()
