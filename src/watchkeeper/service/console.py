"""The reviewer console: server-rendered pages (Jinja2) over the same workflow as the API.

``/console`` lists the reviewer's queues; "Next case" claims the highest-priority case; the case page
shows the content with the evidence highlighted (text fields, transcript, OCR), video frames on a
timeline with the flagged timecodes, the policy excerpt that applies, the decision history, and the
decision buttons (keyboard: a allow, l label, g age-restrict, d demote, r remove, s suspend, v reveal
media, n skip). Wellbeing defaults: media is blurred and greyscale until revealed, the page counts the
cases reviewed and media revealed this session, and suggests a break after the configured cases or
minutes. Sign-in is with an API key, kept in an HttpOnly, SameSite=Strict cookie.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from watchkeeper.errors import ConflictError, WatchkeeperError
from watchkeeper.review.keys import ApiKey
from watchkeeper.review.tables import ReviewRow
from watchkeeper.service.auth import COOKIE, actor_of, principal
from watchkeeper.types import Action, Item

__all__ = ["Segment", "highlight", "mount_console"]

_HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(_HERE / "templates"))

#: decision buttons: action, label, keyboard shortcut
BUTTONS = (
    (Action.ALLOW, "Allow", "a"),
    (Action.LABEL, "Label", "l"),
    (Action.AGE_RESTRICT, "Age-restrict", "g"),
    (Action.LIMIT_REACH, "Demote", "d"),
    (Action.REMOVE, "Remove", "r"),
    (Action.SUSPEND_ACCOUNT, "Suspend", "s"),
)
_START = "wk_console_start"


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str | None = None  # the category whose evidence covers this span


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` into plain and marked segments; overlapping spans merge (first label kept)."""
    spans = sorted((max(0, s), min(len(text), e), c) for s, e, c in spans if e > s and s < len(text))
    merged: list[tuple[int, int, str]] = []
    for s, e, c in spans:
        if merged and s <= merged[-1][1]:
            ps, pe, pc = merged[-1]
            merged[-1] = (ps, max(pe, e), pc)
        else:
            merged.append((s, e, c))
    out: list[Segment] = []
    pos = 0
    for s, e, c in merged:
        if s > pos:
            out.append(Segment(text[pos:s]))
        out.append(Segment(text[s:e], c))
        pos = e
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def _fields(item: Item, signals: Any) -> list[tuple[str, list[Segment]]]:
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for sig in signals:
        if sig.score <= 0:
            continue
        for ev in sig.evidence:
            if ev.start is not None and ev.end is not None:
                spans.setdefault(ev.field, []).append((ev.start, ev.end, sig.category))
    return [(name, highlight(value, spans.get(name, []))) for name, value in item.texts() if value]


def _timeline(item: Item, signals: Any) -> dict[str, Any] | None:
    marks = sorted(
        {
            (float(ev.timecode_s), sig.category, ev.frame_index, (ev.excerpt or ev.note or "")[:80])
            for sig in signals
            if sig.score > 0
            for ev in sig.evidence
            if ev.timecode_s is not None
        }
    )
    frames: list[dict[str, Any]] = [
        {"t": float(f.get("t", 0)), "uri": str(f["uri"])}
        for f in item.metadata.get("frames", [])
        if isinstance(f, dict) and "uri" in f
    ]
    images = [m.uri for m in item.media if (m.mime_type or "").startswith("image")]
    if not marks and not frames and not images:
        return None
    duration = item.metadata.get("duration_s")
    end = float(duration) if isinstance(duration, int | float) and duration > 0 else None
    times: list[float] = [t for t, *_ in marks] + [float(f["t"]) for f in frames] + [1.0]
    end = end or max(times) + 1.0
    return {
        "duration": end,
        "marks": [
            {"t": t, "pct": round(100 * t / end, 2), "category": c, "frame": fi, "label": label}
            for t, c, fi, label in marks
        ],
        "frames": [dict(f, pct=round(100 * f["t"] / end, 2)) for f in frames],
        "images": images,
    }


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{int(seconds % 60):02d}"


templates.env.filters["clock"] = _clock


def mount_console(app: FastAPI) -> None:
    app.mount("/console/static", StaticFiles(directory=str(_HERE / "static")), name="console-static")

    def who(request: Request) -> ApiKey | None:
        try:
            key = principal(request)
        except HTTPException:
            return None
        return key if key.can("review") else None

    def login_redirect() -> RedirectResponse:
        return RedirectResponse("/console/login", status_code=303)

    def wellbeing(request: Request, key: ApiKey) -> dict[str, Any]:
        svc = request.app.state.service
        start_raw = request.cookies.get(_START)
        try:
            start = datetime.fromisoformat(start_raw) if start_raw else datetime.now(UTC)
        except ValueError:
            start = datetime.now(UTC)
        with svc.store.transaction() as s:
            reviewed = int(
                s.scalar(
                    select(func.count()).where(ReviewRow.reviewer == key.name, ReviewRow.created_at >= start)
                )
                or 0
            )
        minutes = (datetime.now(UTC) - start).total_seconds() / 60
        settings = svc.settings
        return {
            "reviewed": reviewed,
            "minutes": int(minutes),
            "break_due": reviewed >= settings.break_after_cases or minutes >= settings.break_after_minutes,
            "break_after_cases": settings.break_after_cases,
            "break_after_minutes": settings.break_after_minutes,
        }

    @app.get("/console/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, error: str | None = None) -> Response:
        return templates.TemplateResponse(request, "login.html", {"error": error})

    @app.post("/console/login", include_in_schema=False)
    def login(request: Request, token: Annotated[str, Form()]) -> Response:
        svc = request.app.state.service
        key = svc.keys.authenticate(token.strip()) if svc.settings.auth else None
        if svc.settings.auth and (key is None or not key.can("review")):
            return templates.TemplateResponse(
                request,
                "login.html",
                {"error": "That key is unknown, revoked, or not a reviewer's."},
                status_code=401,
            )
        response = RedirectResponse("/console", status_code=303)
        response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict", max_age=12 * 3600)
        response.set_cookie(_START, datetime.now(UTC).isoformat(), httponly=True, samesite="strict")
        return response

    @app.post("/console/logout", include_in_schema=False)
    def logout() -> Response:
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(COOKIE)
        response.delete_cookie(_START)
        return response

    @app.get("/console", response_class=HTMLResponse, include_in_schema=False)
    def queues(request: Request, message: str | None = None) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        svc = request.app.state.service
        stats = svc.workflow.queue_stats(actor_of(key))
        mine = svc.workflow.cases(actor_of(key), status="claimed", limit=20)
        mine = [c for c in mine if c.claimed_by == key.name]
        return templates.TemplateResponse(
            request,
            "queues.html",
            {
                "key": key,
                "queues": stats,
                "mine": mine,
                "message": message,
                "now": datetime.now(UTC),
                "wellbeing": wellbeing(request, key),
            },
        )

    @app.post("/console/queues/{queue}/next", include_in_schema=False)
    def next_case(request: Request, queue: str) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        svc = request.app.state.service
        case = svc.workflow.claim(actor_of(key), queue=queue)
        if case is None:
            return RedirectResponse(f"/console?message=Queue+{queue}+is+empty", status_code=303)
        return RedirectResponse(f"/console/cases/{case.id}", status_code=303)

    @app.get("/console/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, case_id: int) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        svc = request.app.state.service
        view = svc.workflow.case_view(case_id, actor_of(key))
        policy = svc.engine.policy
        decision = view.decision.decision
        item = view.decision.item
        category = view.case.category
        excerpt = policy.category(category) if category in policy.category_ids() else None
        now = datetime.now(UTC)
        held = view.case.status == "claimed" and view.case.claimed_by == key.name
        return templates.TemplateResponse(
            request,
            "case.html",
            {
                "key": key,
                "view": view,
                "case": view.case,
                "item": item,
                "decision": decision,
                "fields": _fields(item, decision.signals),
                "timeline": _timeline(item, decision.signals),
                "excerpt": excerpt,
                "categories": policy.categories,
                "excerpts_json": json.dumps(
                    {
                        c.id: {
                            "title": c.title,
                            "definition": c.definition,
                            "in_scope": list(c.in_scope),
                            "out_of_scope": list(c.out_of_scope),
                        }
                        for c in policy.categories
                    }
                ),
                "buttons": BUTTONS,
                "held": held,
                "overdue": view.case.overdue(now),
                "due_in_min": int((view.case.sla_due_at - now).total_seconds() // 60),
                "wellbeing": wellbeing(request, key),
            },
        )

    @app.post("/console/cases/{case_id}/decide", include_in_schema=False)
    def decide(
        request: Request,
        case_id: int,
        action: Annotated[Action, Form()],
        category: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
    ) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        svc = request.app.state.service
        actor = actor_of(key)
        view = svc.workflow.case_view(case_id, actor)
        try:
            svc.workflow.decide(
                case_id, actor, action=action, category=category or None, note=note.strip()[:5000]
            )
        except WatchkeeperError as exc:
            return RedirectResponse(
                f"/console?message={type(exc).__name__}:+{str(exc)[:200]}", status_code=303
            )
        nxt = svc.workflow.claim(actor, queue=view.case.queue)
        if nxt is None:
            return RedirectResponse(
                f"/console?message=Decided.+Queue+{view.case.queue}+is+empty", status_code=303
            )
        return RedirectResponse(f"/console/cases/{nxt.id}", status_code=303)

    @app.post("/console/cases/{case_id}/claim", include_in_schema=False)
    def claim(request: Request, case_id: int) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        case = request.app.state.service.workflow.claim(actor_of(key), case_id=case_id)
        if case is None:
            raise ConflictError(f"case {case_id} is not free to claim")
        return RedirectResponse(f"/console/cases/{case_id}", status_code=303)

    @app.post("/console/cases/{case_id}/release", include_in_schema=False)
    def release(request: Request, case_id: int) -> Response:
        key = who(request)
        if key is None:
            return login_redirect()
        request.app.state.service.workflow.release(case_id, actor_of(key))
        return RedirectResponse("/console?message=Case+returned+to+the+queue", status_code=303)
