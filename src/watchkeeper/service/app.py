"""The HTTP API (FastAPI): thin routes over the engine, the store and the review workflow.

Moderation (``POST /v1/moderate`` — synchronous for text, a job for slow media; ``POST /v1/moderations``
in the OpenAI moderation API's shape; ``GET /v1/jobs/{id}``), decisions and their enforcement, appeals,
review queues and cases (claim, release, decide), QA agreement, KPIs, labelled data, statements of
reasons (DSA), the audit log, API keys and sink events; ``/healthz``, ``/metrics`` (Prometheus) and the
reviewer console under ``/console``. Every route but health and metrics needs an API key with the right
role (:mod:`watchkeeper.service.auth`). Domain errors map to HTTP in one place; request bodies over
``max_request_bytes`` get 413 before they are read.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from watchkeeper.act.sinks import Dispatcher, SinkTarget
from watchkeeper.engine import Engine, freeze_long_lived
from watchkeeper.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    NotFoundError,
    WatchkeeperError,
)
from watchkeeper.review.banks import BankStore
from watchkeeper.review.jobs import Job, JobStore
from watchkeeper.review.keys import ApiKey, KeyStore, Role
from watchkeeper.review.outbox import Outbox, OutboxEvent
from watchkeeper.review.store import AuditEntry, Store, StoredDecision
from watchkeeper.review.workflow import (
    Actor,
    Appeal,
    Case,
    CaseView,
    Enforcement,
    KappaReport,
    QueueStats,
    Review,
    Workflow,
)
from watchkeeper.service.auth import actor_of, require
from watchkeeper.service.openai_compat import ModerationRequest, moderation_result, request_inputs
from watchkeeper.settings import Settings, load_settings
from watchkeeper.types import Action, Decision, Item, MediaRef

log = logging.getLogger(__name__)

#: the sink name job callbacks are delivered under (their URL comes with each job)
CALLBACK_SINK = "callback"

__all__ = ["ModerateResponse", "Service", "create_app"]


class ModerateResponse(BaseModel):
    decision_id: int
    created: bool
    decision: Decision


Outcome = tuple[StoredDecision, bool]


class _Batcher:
    """Micro-batching: concurrent requests are handled together by one thread that owns the engine — one
    query for replays, one for authors' strikes, one ``Engine.moderate_many`` call (one encoder pass)
    and one database transaction for the whole batch. A batch closes at ``max_batch`` items or
    ``max_wait_s`` after its first item."""

    def __init__(
        self,
        process: Callable[[list[Item]], list[Outcome]],
        *,
        max_batch: int = 64,
        max_wait_s: float = 0.005,
    ) -> None:
        self.process = process
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._q: queue.Queue[tuple[Item, Future[Outcome]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="wk-batcher", daemon=True)
        self._thread.start()

    def submit(self, item: Item) -> Future[Outcome]:
        fut: Future[Outcome] = Future()
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
                outcomes = self.process([item for item, _ in batch])
            except Exception as exc:  # every waiting request gets the error, none hangs
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            for (_, fut), outcome in zip(batch, outcomes, strict=True):
                fut.set_result(outcome)


class Service:
    """What the routes share: the engine (owned by the micro-batching thread), the store, the review
    workflow, API keys, background jobs, the sink dispatcher and metrics."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        *,
        settings: Settings | None = None,
        max_request_bytes: int | None = None,
        max_batch: int = 64,
        decide_timeout_s: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        start_workers: bool = True,
    ) -> None:
        self.settings = settings or load_settings()
        self.engine = engine
        self.store = store
        self.max_request_bytes = max_request_bytes or self.settings.max_request_bytes
        self.decide_timeout_s = decide_timeout_s
        self.workflow = Workflow(store, engine.policy, sinks=[s.name for s in self.settings.sinks])
        self._transport = transport
        self._extractors: Any = None
        self._batcher = _Batcher(self._process, max_batch=max_batch)
        self.keys = KeyStore(store)
        self.jobs = JobStore(store)
        self.outbox = Outbox(store)
        targets = {
            s.name: SinkTarget(s.name, s.url, s.secret.get_secret_value(), s.timeout_s)
            for s in self.settings.sinks
        }
        if self.settings.callback_secret is not None:
            targets[CALLBACK_SINK] = SinkTarget(
                CALLBACK_SINK, None, self.settings.callback_secret.get_secret_value()
            )
        self.dispatcher = Dispatcher(
            self.outbox, targets, max_attempts=self.settings.sink_max_attempts, transport=transport
        )
        self._stop = threading.Event()
        self._workers = [
            threading.Thread(target=self._job_loop, name=f"wk-jobs-{i}", daemon=True)
            for i in range(self.settings.job_workers)
        ]
        if start_workers:
            self.dispatcher.start()
            for t in self._workers:
                t.start()
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
        self.queue_depth = Gauge(
            "watchkeeper_queue_cases", "Cases waiting or claimed", ["queue", "state"], registry=self.registry
        )
        self.outbox_events = Gauge(
            "watchkeeper_sink_events", "Sink events by delivery status", ["status"], registry=self.registry
        )
        self.appeal_overturn = Gauge(
            "watchkeeper_appeal_overturn_rate",
            "Share of decided appeals that were overturned",
            registry=self.registry,
        )
        self.automation = Gauge(
            "watchkeeper_automation_rate", "Share of decisions no person reviewed", registry=self.registry
        )

    def _process(self, items: list[Item]) -> list[Outcome]:
        """One batch: stored decisions answer replays; the rest get their authors' active strikes (for the
        policy's repeat-offender rules, unless the caller sent a count), are decided together and
        stored together with their enforcement, cases and sink events."""
        keys = [(i.id, i.content_hash()) for i in items]  # hashed once per item
        stored = self.workflow.store.find_decisions(keys)
        fresh: dict[tuple[str, str], Item] = {}
        for key, item in zip(keys, items, strict=True):
            if key not in stored:
                fresh.setdefault(key, item)  # the same item twice in one batch is decided once
        counts = self.workflow.strike_counts(
            i.author_id for i in fresh.values() if i.author_id and "author_strikes" not in i.metadata
        )
        todo = [
            i
            if not i.author_id or "author_strikes" in i.metadata
            else i.model_copy(
                update={"metadata": {**i.metadata, "author_strikes": counts.get(i.author_id, 0)}}
            )
            for i in fresh.values()
        ]
        decisions = self.engine.moderate_many(todo) if todo else []
        recorded = self.workflow.record_many(list(zip(todo, decisions, strict=True))) if todo else []
        made = dict(zip(fresh, recorded, strict=True))
        out: list[Outcome] = []
        answered: set[tuple[str, str]] = set()
        for key in keys:
            if key in stored:
                out.append((stored[key], False))
            elif key in answered:  # a second copy within the batch gets the first one's decision
                out.append((made[key][0], False))
            else:
                answered.add(key)
                out.append(made[key])
        return out

    def moderate(self, item: Item, route: str) -> tuple[StoredDecision, bool]:
        start = time.perf_counter()
        outcome = self._batcher.submit(item).result(timeout=self.decide_timeout_s)
        return self._count(outcome, route, start)

    async def moderate_async(self, item: Item, route: str) -> tuple[StoredDecision, bool]:
        start = time.perf_counter()
        fut = asyncio.wrap_future(self._batcher.submit(item))
        outcome = await asyncio.wait_for(fut, timeout=self.decide_timeout_s)
        return self._count(outcome, route, start)

    def _count(self, outcome: Outcome, route: str, start: float) -> Outcome:
        stored, created = outcome
        if created:
            self.latency.labels(route).observe(time.perf_counter() - start)
            decision = stored.decision
            self.decisions.labels(decision.primary_action.value, str(decision.automated).lower()).inc()
        else:
            self.replays.inc()
        return stored, created

    def is_async(self, item: Item, mode: str) -> bool:
        if mode != "auto":
            return mode == "async"
        return item.kind.value in self.settings.async_kinds

    def _job_loop(self) -> None:
        while not self._stop.is_set():
            try:
                leased = self.jobs.lease()
            except Exception:  # the database may be briefly unavailable
                log.exception("job lease failed")
                leased = None
            if leased is None:
                self._stop.wait(0.2)
                continue
            self.run_job(*leased)

    def _analysed(self, item: Item) -> Item:
        """A media item with its frames hashed and its text extracted (fetched within the media limits)."""
        if (
            item.kind.value not in self.settings.async_kinds
            or not item.media
            or "media_hashes" in item.metadata
        ):
            return item
        from watchkeeper.extract.media import HASHES_ONLY, Extractors, analyse_file
        from watchkeeper.extract.video import DEFAULT_LIMITS
        from watchkeeper.ingest.fetch import fetch_media

        if self._extractors is None:
            self._extractors = Extractors.default() if self.settings.media_extractors else HASHES_ONLY
        with tempfile.TemporaryDirectory(prefix="wk-job-") as tmp:
            path = fetch_media(
                item.media[0].uri,
                media_root=self.settings.media_root,
                allowed_hosts=self.settings.media_fetch_hosts,
                max_bytes=DEFAULT_LIMITS.max_bytes,
                workdir=Path(tmp),
                transport=self._transport,
            )
            analysed = analyse_file(
                path,
                item_id=item.id,
                text=item.text,
                fields=dict(item.fields),
                extractors=self._extractors,
                author_id=item.author_id,
                surface=item.surface,
                language=item.language,
                metadata=dict(item.metadata),
            ).item
        # keep the caller's media reference (the temp copy is gone), with the content's digest
        media = (item.media[0].model_copy(update={"sha256": analysed.media[0].sha256}), *item.media[1:])
        return analysed.model_copy(update={"media": media})

    def run_job(self, job: Job, item: Item) -> Job:
        from watchkeeper.extract.video import MediaError

        try:
            item = self._analysed(item)
        except MediaError as exc:  # the media itself was refused: no retry can help
            return self.jobs.finish(job.id, error=str(exc), final=True)
        try:
            stored, _ = self.moderate(item, "job")
        except Exception as exc:  # recorded on the job; retried while attempts remain
            log.exception("job %s failed", job.id)
            return self.jobs.finish(job.id, error=f"{type(exc).__name__}: {exc}")
        done = self.jobs.finish(job.id, decision_id=stored.id)
        if job.callback_url:
            self.outbox.add(
                sink=CALLBACK_SINK,
                url=job.callback_url,
                event="job.completed",
                key=f"job-{job.id}",
                payload={
                    "event": "job.completed",
                    "job_id": job.id,
                    "item_id": item.id,
                    "decision_id": stored.id,
                    "primary_action": stored.decision.primary_action.value,
                    "actions": [a.value for a in stored.decision.actions],
                    "flagged": stored.decision.flagged,
                    "policy_version": stored.decision.policy_version,
                },
            )
        return done

    def reload_banks(self) -> None:
        """Make the hashes detector see bank changes now (in this process; other workers on restart)."""
        for d in self.engine.cascade.detectors:
            reload = getattr(d, "reload", None)
            if d.name == "hashes" and callable(reload):
                reload()

    def refresh_gauges(self) -> None:
        self.queue_depth.clear()
        for q in self.workflow.queue_stats(Actor("metrics", "machine")):
            self.queue_depth.labels(q.queue, "open").set(q.open)
            self.queue_depth.labels(q.queue, "claimed").set(q.claimed)
            self.queue_depth.labels(q.queue, "overdue").set(q.overdue)
        self.outbox_events.clear()
        for status, n in self.outbox.counts().items():
            self.outbox_events.labels(status).set(n)
        kpis = self.workflow.kpis()
        if kpis["appeal_overturn_rate"] is not None:
            self.appeal_overturn.set(kpis["appeal_overturn_rate"])
        if kpis["automation_rate"] is not None:
            self.automation.set(kpis["automation_rate"])

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        for t in self._workers:
            if t.is_alive():
                t.join(timeout=5)
        self.dispatcher.close()
        self._batcher.close()


class _BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413: at once when Content-Length says so, and
    while reading when the body is streamed (chunked) without one — nothing past the limit is kept."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Any) -> None:
        await JSONResponse({"detail": f"request body over {self.max_bytes} bytes"}, status_code=413)(
            {"type": "http"},
            None,  # type: ignore[arg-type]
            send,
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


async def get_service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


Svc = Annotated[Service, Depends(get_service)]
Moderator = Annotated[ApiKey, Depends(require("moderate"))]
Reader = Annotated[ApiKey, Depends(require("read"))]
Reviewer = Annotated[ApiKey, Depends(require("review"))]
Appellant = Annotated[ApiKey, Depends(require("appeal"))]
Lead = Annotated[ApiKey, Depends(require("qa"))]
Auditor = Annotated[ApiKey, Depends(require("audit"))]
Reporter = Annotated[ApiKey, Depends(require("statements"))]
Admin = Annotated[ApiKey, Depends(require("keys"))]


class JobAccepted(BaseModel):
    job_id: str
    status: str
    status_url: str
    created: bool


class AppealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    appellant: str = Field(min_length=1, max_length=512, description="the user who appeals (platform id)")
    reason: str = Field(default="", max_length=5000)


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    category: str | None = None
    note: str = Field(default="", max_length=5000)


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: Role
    queues: tuple[str, ...] = ()


class BankHashes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashes: list[str] = Field(min_length=1, max_length=100_000)
    quality: int | None = Field(default=None, ge=0, le=100)
    source: str = Field(default="api", max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class KeyCreated(BaseModel):
    key: ApiKey
    token: str = Field(description="shown once; only a hash is stored")


_STATUS = {NotFoundError: 404, ConflictError: 409, AccessDeniedError: 403, InputError: 422}


def create_app(service: Service, *, close_on_shutdown: bool = False) -> FastAPI:
    """The ASGI app over ``service``. ``close_on_shutdown``: stop its threads when the server stops
    (for servers that built the service themselves, like :func:`app_from_settings`)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            service.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Watchkeeper",
        version="0.2.0",
        description="Trust & safety engine: written policy in, explained moderation decisions out; "
        "review queues, appeals, enforcement sinks and statements of reasons.",
    )
    app.state.service = service

    app.add_middleware(_BodyLimit, max_bytes=service.max_request_bytes)

    @app.exception_handler(WatchkeeperError)
    async def domain_error(_request: Request, exc: WatchkeeperError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
        return JSONResponse({"detail": str(exc), "type": type(exc).__name__}, status_code=status)

    @app.post(
        "/v1/moderate",
        response_model=ModerateResponse | JobAccepted,
        tags=["moderation"],
        responses={202: {"model": JobAccepted, "description": "slow media: decided in the background"}},
    )
    async def moderate(
        item: Item,
        svc: Svc,
        key: Moderator,
        callback_url: Annotated[str | None, Query(pattern=r"^https?://", max_length=2000)] = None,
        mode: Annotated[Literal["auto", "sync", "async"], Query()] = "auto",
    ) -> Response:
        """Decide one item (idempotent by item id + content). Video, images and LIVE segments (setting
        ``async_kinds``) become a job: 202 with a status URL, and a signed callback when done."""
        if svc.is_async(item, mode):
            if callback_url and svc.settings.callback_secret is None:
                raise InputError("callback_url needs WATCHKEEPER_CALLBACK_SECRET set on the server")
            job, created = await run_in_threadpool(
                svc.jobs.submit, item, callback_url=callback_url, submitted_by=key.name
            )
            accepted = JobAccepted(
                job_id=job.id, status=job.status, status_url=f"/v1/jobs/{job.id}", created=created
            )
            return Response(accepted.model_dump_json(), status_code=202, media_type="application/json")
        # the event loop waits on the batch without holding a worker thread
        stored, created = await svc.moderate_async(item, "moderate")
        body = ModerateResponse(decision_id=stored.id, created=created, decision=stored.decision)
        # serialised once by pydantic (the hot path skips FastAPI's re-validation of the response)
        return Response(
            body.model_dump_json(), status_code=201 if created else 200, media_type="application/json"
        )

    @app.get("/v1/jobs/{job_id}", response_model=Job, tags=["moderation"])
    def get_job(job_id: str, svc: Svc, _key: Reader) -> Job:
        job = svc.jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        return job

    @app.post("/v1/moderations", tags=["moderation"])
    def moderations(req: ModerationRequest, svc: Svc, _key: Moderator) -> dict[str, Any]:
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

    # --- decisions, enforcement, appeals -------------------------------------------------------------

    @app.get("/v1/decisions/{decision_id}", response_model=StoredDecision, tags=["decisions"])
    def get_decision(decision_id: int, svc: Svc, _key: Reader) -> StoredDecision:
        found = svc.store.get_decision(decision_id)
        if found is None:
            raise HTTPException(404, f"no decision {decision_id}")
        return found

    @app.get("/v1/decisions", response_model=list[StoredDecision], tags=["decisions"])
    def list_decisions(
        svc: Svc,
        _key: Reader,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        before_id: int | None = None,
        flagged: bool | None = None,
    ) -> list[StoredDecision]:
        return svc.store.list_decisions(limit=limit, before_id=before_id, flagged=flagged)

    @app.get("/v1/decisions/{decision_id}/enforcement", response_model=list[Enforcement], tags=["decisions"])
    def enforcement(decision_id: int, svc: Svc, _key: Reader, active: bool = False) -> list[Enforcement]:
        """Every action applied to the item and its author, and every reversal (``active``: in effect)."""
        return svc.workflow.enforcement(decision_id, include_reversed=not active)

    @app.post("/v1/decisions/{decision_id}/appeals", response_model=Appeal, status_code=201, tags=["appeals"])
    def file_appeal(decision_id: int, body: AppealRequest, svc: Svc, key: Appellant) -> Appeal:
        """A user's appeal: re-opens the decision in the appeals queue for a different reviewer."""
        return svc.workflow.appeal(
            decision_id, appellant=body.appellant, reason=body.reason, actor=actor_of(key)
        )

    @app.get("/v1/appeals", response_model=list[Appeal], tags=["appeals"])
    def list_appeals(
        svc: Svc,
        _key: Appellant,
        status: Literal["open", "upheld", "overturned"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[Appeal]:
        return svc.workflow.appeals(status=status, limit=limit)

    @app.get("/v1/appeals/{appeal_id}", response_model=Appeal, tags=["appeals"])
    def get_appeal(appeal_id: int, svc: Svc, _key: Appellant) -> Appeal:
        return svc.workflow.get_appeal(appeal_id)

    # --- review queues -------------------------------------------------------------------------------

    @app.get("/v1/queues", response_model=list[QueueStats], tags=["review"])
    def queues(svc: Svc, key: Reviewer) -> list[QueueStats]:
        """The caller's queues with open, claimed and overdue (past SLA) counts."""
        return svc.workflow.queue_stats(actor_of(key))

    @app.post("/v1/queues/{queue}/claim", response_model=Case | None, tags=["review"])
    def claim_next(queue: str, svc: Svc, key: Reviewer, response: Response) -> Case | None:
        """Claim the next case of a queue (SLA-breached first, then priority). 204 when the queue is empty."""
        if queue not in svc.workflow.queue_ids():
            raise NotFoundError(f"no queue {queue!r}")
        case = svc.workflow.claim(actor_of(key), queue=queue)
        if case is None:
            response.status_code = 204
        return case

    @app.get("/v1/cases", response_model=list[Case], tags=["review"])
    def list_cases(
        svc: Svc,
        key: Reviewer,
        queue: str | None = None,
        status: Literal["open", "claimed", "closed"] | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[Case]:
        return svc.workflow.cases(actor_of(key), queue=queue, status=status, limit=limit)

    @app.get("/v1/cases/{case_id}", response_model=CaseView, tags=["review"])
    def get_case(case_id: int, svc: Svc, key: Reviewer) -> CaseView:
        return svc.workflow.case_view(case_id, actor_of(key))

    @app.post("/v1/cases/{case_id}/claim", response_model=Case, tags=["review"])
    def claim_case(case_id: int, svc: Svc, key: Reviewer) -> Case:
        case = svc.workflow.claim(actor_of(key), case_id=case_id)
        if case is None:
            raise ConflictError(f"case {case_id} is not free to claim (closed, held, or not yours to take)")
        return case

    @app.post("/v1/cases/{case_id}/release", status_code=204, tags=["review"])
    def release_case(case_id: int, svc: Svc, key: Reviewer) -> None:
        svc.workflow.release(case_id, actor_of(key))

    @app.post("/v1/cases/{case_id}/decision", response_model=Review, status_code=201, tags=["review"])
    def decide_case(case_id: int, body: ReviewRequest, svc: Svc, key: Reviewer) -> Review:
        """Decide a claimed case; the enforcement sinks apply it (first reviews and appeals)."""
        return svc.workflow.decide(
            case_id, actor_of(key), action=body.action, category=body.category, note=body.note
        )

    # --- quality, reports, audit ---------------------------------------------------------------------

    @app.get("/v1/qa/agreement", response_model=KappaReport, tags=["quality"])
    def agreement(svc: Svc, _key: Lead) -> KappaReport:
        """Cohen's kappa between first reviews and blind QA second reviews, per reviewer and category."""
        return svc.workflow.agreement()

    @app.get("/v1/kpis", tags=["quality"])
    def kpis(svc: Svc, _key: Lead) -> dict[str, Any]:
        """Automation rate, appeal overturn rate, time to decision, SLA attainment."""
        return svc.workflow.kpis()

    @app.get("/v1/labels", tags=["quality"])
    def labels(svc: Svc, _key: Lead) -> list[dict[str, Any]]:
        """Reviewer decisions as labelled data (the shared dataset JSONL row format)."""
        return list(svc.workflow.labelled_rows())

    @app.get("/v1/statements", tags=["transparency"])
    def statements(
        svc: Svc,
        _key: Reporter,
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 100,
    ) -> dict[str, Any]:
        """Statements of reasons, in the body shape of the DSA Transparency Database's multiple endpoint
        (``{"statements": [...]}``, at most 100 per call)."""
        found = svc.workflow.statements(since=since, limit=limit)
        return {"statements": [st.model_dump(exclude_none=True) for st in found]}

    @app.get("/v1/audit", response_model=list[AuditEntry], tags=["audit"])
    def audit(
        svc: Svc,
        _key: Auditor,
        subject_type: str | None = None,
        subject_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[AuditEntry]:
        return svc.store.audit_log(subject_type=subject_type, subject_id=subject_id, limit=limit)

    # --- administration ------------------------------------------------------------------------------

    @app.post("/v1/keys", response_model=KeyCreated, status_code=201, tags=["admin"])
    def create_key(body: KeyRequest, svc: Svc, key: Admin) -> KeyCreated:
        unknown = set(body.queues) - set(svc.workflow.queue_ids())
        if unknown:
            raise InputError(f"unknown queues: {', '.join(sorted(unknown))}")
        created, token = svc.keys.create(
            name=body.name, role=body.role, queues=body.queues, created_by=key.name
        )
        return KeyCreated(key=created, token=token)

    @app.get("/v1/keys", response_model=list[ApiKey], tags=["admin"])
    def list_keys(svc: Svc, _key: Admin) -> list[ApiKey]:
        return svc.keys.list()

    @app.delete("/v1/keys/{key_id}", status_code=204, tags=["admin"])
    def revoke_key(key_id: str, svc: Svc, key: Admin) -> None:
        svc.keys.revoke(key_id, by=key.name)

    @app.get("/v1/sinks/events", response_model=list[OutboxEvent], tags=["admin"])
    def sink_events(
        svc: Svc,
        _key: Admin,
        status: Literal["pending", "delivered", "dead"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[OutboxEvent]:
        return svc.outbox.events(status=status, limit=limit)

    @app.post("/v1/sinks/events/{event_id}/redeliver", status_code=204, tags=["admin"])
    def redeliver(event_id: int, svc: Svc, _key: Admin) -> None:
        svc.outbox.redeliver(event_id)

    @app.get("/v1/banks", tags=["banks"])
    def banks(svc: Svc, _key: Lead) -> list[dict[str, Any]]:
        """The pack's hash banks, what a match does, and how many live hashes each holds."""
        counts = BankStore(svc.store).counts()
        return [
            {**b.model_dump(mode="json"), "hashes": counts.get(b.name, 0)}
            for b in svc.engine.policy.manifest.banks
        ]

    @app.post("/v1/banks/{bank}/hashes", tags=["banks"])
    def add_hashes(bank: str, body: BankHashes, svc: Svc, key: Admin) -> dict[str, int]:
        """Add PDQ hashes (64 hex characters) to a bank; matching uses them at once."""
        if svc.engine.policy.bank(bank) is None:
            raise NotFoundError(f"no bank {bank!r} in the policy pack")
        added, already = BankStore(svc.store).add(
            bank,
            [(h, body.quality) for h in body.hashes],
            source=body.source,
            added_by=key.name,
            note=body.note,
        )
        svc.reload_banks()
        return {"added": added, "already": already}

    @app.post("/v1/banks/{bank}/hashes/remove", tags=["banks"])
    def remove_hashes(bank: str, body: BankHashes, svc: Svc, key: Admin) -> dict[str, int]:
        if svc.engine.policy.bank(bank) is None:
            raise NotFoundError(f"no bank {bank!r} in the policy pack")
        removed = BankStore(svc.store).remove(bank, body.hashes, removed_by=key.name)
        svc.reload_banks()
        return {"removed": removed}

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
            "auth": svc.settings.auth,
        }

    @app.get("/metrics", tags=["ops"])
    def metrics(svc: Svc) -> Response:
        svc.refresh_gauges()
        return Response(generate_latest(svc.registry), media_type=CONTENT_TYPE_LATEST)

    from watchkeeper.service.console import mount_console

    mount_console(app)
    return app


def app_from_settings() -> FastAPI:
    """App factory for multi-process serving (``watchkeeper serve --workers N``): each worker process
    builds its own engine and service from the environment; the schema was migrated by the parent."""
    settings = load_settings()
    engine = Engine.load(settings.policy_dir, detectors=settings.detectors or None)
    store = Store(settings.database_url)
    app = create_app(Service(engine, store, settings=settings), close_on_shutdown=True)
    freeze_long_lived()  # the worker keeps all of it until it exits
    return app
