"""The HTTP API (FastAPI): thin routes over the engine and the store.

``POST /v1/moderate`` (an Item -> its stored Decision; idempotent by item id + content hash),
``POST /v1/moderations`` (the OpenAI moderation API's shape), ``GET /v1/decisions[/{id}]``,
``GET /v1/audit``, ``GET /healthz``, ``GET /metrics`` (Prometheus). Domain errors map to HTTP in one
place; request bodies over ``max_request_bytes`` get 413 before they are read.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from concurrent.futures import Future
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel

from watchkeeper.engine import Engine
from watchkeeper.errors import InputError, WatchkeeperError
from watchkeeper.review.store import AuditEntry, Store, StoredDecision
from watchkeeper.service.openai_compat import ModerationRequest, moderation_result, request_inputs
from watchkeeper.types import Decision, Item, MediaRef

__all__ = ["ModerateResponse", "Service", "create_app"]


class ModerateResponse(BaseModel):
    decision_id: int
    created: bool
    decision: Decision


class _Batcher:
    """Micro-batching: concurrent requests are decided together with ``Engine.moderate_many`` (one
    encoder call for the batch instead of one per item), by one thread that owns the engine. A batch
    closes at ``max_batch`` items or ``max_wait_s`` after its first item."""

    def __init__(self, engine: Engine, *, max_batch: int = 64, max_wait_s: float = 0.005) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._q: queue.Queue[tuple[Item, Future[Decision]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="wk-batcher", daemon=True)
        self._thread.start()

    def submit(self, item: Item) -> Future[Decision]:
        fut: Future[Decision] = Future()
        self._q.put((item, fut))
        return fut

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._q.get()
            if first is None:
                return
            batch = [first]
            deadline = time.perf_counter() + self.max_wait_s
            while len(batch) < self.max_batch:
                left = deadline - time.perf_counter()
                try:
                    nxt = self._q.get(timeout=max(0.0, left)) if left > 0 else self._q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._q.put(None)  # finish this batch, then stop
                    break
                batch.append(nxt)
            try:
                decisions = self.engine.moderate_many([item for item, _ in batch])
            except Exception as exc:  # every waiting request gets the error, none hangs
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            for (_, fut), decision in zip(batch, decisions, strict=True):
                fut.set_result(decision)


class Service:
    """What the routes share: the engine (owned by the micro-batching thread), the store and metrics."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        *,
        max_request_bytes: int = 1_000_000,
        max_batch: int = 64,
        decide_timeout_s: float = 120.0,
    ) -> None:
        self.engine = engine
        self.store = store
        self.max_request_bytes = max_request_bytes
        self.decide_timeout_s = decide_timeout_s
        self._batcher = _Batcher(engine, max_batch=max_batch)
        self.registry = CollectorRegistry()
        self.decisions = Counter(
            "watchkeeper_decisions_total",
            "Decisions made",
            ["primary_action", "automated"],
            registry=self.registry,
        )
        self.replays = Counter(
            "watchkeeper_idempotent_replays_total",
            "Requests answered from a stored decision",
            registry=self.registry,
        )
        self.latency = Histogram(
            "watchkeeper_moderation_seconds", "Time to decide one item", ["route"], registry=self.registry
        )

    def moderate(self, item: Item, route: str) -> tuple[StoredDecision, bool]:
        existing = self.store.find_decision(item.id, item.content_hash())
        if existing is not None:
            self.replays.inc()
            return existing, False
        start = time.perf_counter()
        decision = self._batcher.submit(item).result(timeout=self.decide_timeout_s)
        stored, created = self.store.record_decision(item, decision)
        self.latency.labels(route).observe(time.perf_counter() - start)
        if created:
            self.decisions.labels(decision.primary_action.value, str(decision.automated).lower()).inc()
        else:
            self.replays.inc()
        return stored, created

    def close(self) -> None:
        self._batcher.close()


class _BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413: at once when Content-Length says so, and
    while reading when the body is streamed (chunked) without one — nothing past the limit is kept."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Any) -> None:
        await JSONResponse({"detail": f"request body over {self.max_bytes} bytes"}, status_code=413)(
            {"type": "http"}, None, send  # type: ignore[arg-type]
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        rejected = False

        async def limited_receive() -> Any:
            nonlocal seen, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # answer now; the app sees the client gone and anything it sends is dropped
                    rejected = True
                    await self._reject(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Any) -> None:
            if not rejected:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)


def get_service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


Svc = Annotated[Service, Depends(get_service)]


def create_app(service: Service) -> FastAPI:
    app = FastAPI(
        title="Watchkeeper",
        version="0.1.0",
        description="Trust & safety engine: written policy in, explained moderation decisions out.",
    )
    app.state.service = service

    app.add_middleware(_BodyLimit, max_bytes=service.max_request_bytes)

    @app.exception_handler(WatchkeeperError)
    async def domain_error(_request: Request, exc: WatchkeeperError) -> JSONResponse:
        status = 422 if isinstance(exc, InputError) else 500
        return JSONResponse({"detail": str(exc), "type": type(exc).__name__}, status_code=status)

    @app.post("/v1/moderate", response_model=ModerateResponse, tags=["moderation"])
    def moderate(item: Item, svc: Svc, response: Response) -> ModerateResponse:
        """Decide one item (idempotent: the same item id and content return the stored decision)."""
        stored, created = svc.moderate(item, "moderate")
        response.status_code = 201 if created else 200
        return ModerateResponse(decision_id=stored.id, created=created, decision=stored.decision)

    @app.post("/v1/moderations", tags=["moderation"])
    def moderations(req: ModerationRequest, svc: Svc) -> dict[str, Any]:
        """OpenAI moderation API compatible endpoint."""
        results = []
        for i, (text, images) in enumerate(request_inputs(req)):
            if not text and not images:
                raise HTTPException(422, f"input {i} is empty")
            item = Item(
                id=f"openai:{uuid.uuid5(uuid.NAMESPACE_URL, text + '|'.join(images)).hex}",
                text=text,
                media=tuple(MediaRef(uri=u, mime_type="image/*") for u in images),
            )
            stored, _ = svc.moderate(item, "moderations")
            results.append(moderation_result(stored.decision, stored.id, bool(images)))
        return {
            "id": f"modr-{uuid.uuid4().hex[:24]}",
            "model": req.model or "watchkeeper",
            "results": results,
        }

    @app.get("/v1/decisions/{decision_id}", response_model=StoredDecision, tags=["decisions"])
    def get_decision(decision_id: int, svc: Svc) -> StoredDecision:
        found = svc.store.get_decision(decision_id)
        if found is None:
            raise HTTPException(404, f"no decision {decision_id}")
        return found

    @app.get("/v1/decisions", response_model=list[StoredDecision], tags=["decisions"])
    def list_decisions(
        svc: Svc,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        before_id: int | None = None,
        flagged: bool | None = None,
    ) -> list[StoredDecision]:
        return svc.store.list_decisions(limit=limit, before_id=before_id, flagged=flagged)

    @app.get("/v1/audit", response_model=list[AuditEntry], tags=["audit"])
    def audit(
        svc: Svc,
        subject_type: str | None = None,
        subject_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[AuditEntry]:
        return svc.store.audit_log(subject_type=subject_type, subject_id=subject_id, limit=limit)

    @app.get("/healthz", tags=["ops"])
    def healthz(svc: Svc) -> dict[str, Any]:
        try:
            decisions = svc.store.count_decisions()
        except Exception as exc:  # the database is down: say so, do not crash
            raise HTTPException(503, f"store unavailable: {type(exc).__name__}") from exc
        return {
            "status": "ok",
            "policy": svc.engine.policy.name,
            "policy_version": svc.engine.policy.version,
            "detectors": svc.engine.detector_names,
            "database": svc.store.dialect,
            "decisions": decisions,
        }

    @app.get("/metrics", tags=["ops"])
    def metrics(svc: Svc) -> Response:
        return Response(generate_latest(svc.registry), media_type=CONTENT_TYPE_LATEST)

    return app
