"""Who is calling: an API key from ``Authorization: Bearer wk_...`` (or the console's session cookie),
checked against the key store; each route names the permission it needs (see
:data:`watchkeeper.review.keys.PERMISSIONS`). With auth turned off (a trusted laptop) every caller is
an anonymous admin — and is recorded as such."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from watchkeeper.review.keys import ApiKey
from watchkeeper.review.workflow import Actor

__all__ = ["COOKIE", "Principal", "actor_of", "principal", "require"]

COOKIE = "wk_session"

_ANONYMOUS = ApiKey(
    key_id="anonymous",
    name="anonymous",
    role="admin",
    created_by="settings",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def principal(request: Request) -> ApiKey:
    """The caller's key. Keys are cached for a few seconds, so this rarely touches the database."""
    service = request.app.state.service
    if not service.settings.auth:
        return _ANONYMOUS
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(COOKIE, "")
    if not token:
        raise HTTPException(
            401, "missing API key (Authorization: Bearer wk_...)", {"WWW-Authenticate": "Bearer"}
        )
    key: ApiKey | None = service.keys.authenticate(token)
    if key is None:
        raise HTTPException(401, "unknown or revoked API key", {"WWW-Authenticate": "Bearer"})
    return key


async def _principal(request: Request) -> ApiKey:
    # async so FastAPI runs it on the event loop instead of a worker thread (the lookup is cached)
    return principal(request)


Principal = Annotated[ApiKey, Depends(_principal)]


def require(permission: str) -> Callable[[ApiKey], Awaitable[ApiKey]]:
    async def check(key: Principal) -> ApiKey:
        if not key.can(permission):
            raise HTTPException(403, f"role {key.role!r} may not {permission}")
        return key

    return check


def actor_of(key: ApiKey) -> Actor:
    return Actor(
        name=key.name,
        kind=key.actor_kind,
        queues=frozenset(key.queues) if key.role == "reviewer" else None,
    )
