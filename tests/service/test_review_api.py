"""The people side of the API with real keys and roles, on SQLite and PostgreSQL: moderation ->
review queue -> claim -> decision -> enforcement events -> appeal to a different reviewer -> overturn;
background jobs with signed callbacks; keys, audit attribution, statements, metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi.testclient import TestClient

from watchkeeper.act.sinks import verify_signature
from watchkeeper.act.statements import StatementOfReasons
from watchkeeper.engine import Engine
from watchkeeper.review import Store
from watchkeeper.review.keys import KeyStore
from watchkeeper.service import Service, create_app
from watchkeeper.settings import load_settings

SINK_SECRET = "sink-secret"
CALLBACK_SECRET = "callback-secret"


@dataclass
class Received:
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)

    def events(self, host: str) -> list[dict[str, object]]:
        return [json.loads(r.content) for r in self.requests if r.url.host == host]


@dataclass
class Env:
    client: TestClient
    service: Service
    received: Received
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.tokens[who]}"}

    def drain(self) -> None:
        """Deliver pending sink events now (the dispatcher thread would within half a second)."""
        while self.service.dispatcher.run_once():
            pass


@pytest.fixture
def env(db_url: str, rules_engine: Engine) -> Iterator[Env]:
    store = Store.open(db_url)
    settings = load_settings(
        auth=True,
        sinks=[{"name": "platform", "url": "https://platform.test/enforce", "secret": SINK_SECRET}],
        callback_secret=CALLBACK_SECRET,
        job_workers=1,
    )
    received = Received()
    service = Service(
        rules_engine,
        store,
        settings=settings,
        transport=httpx.MockTransport(received.handler),
        start_workers=False,
    )
    keys = KeyStore(store)
    tokens = {
        "app": keys.create(name="platform-app", role="integrator")[1],
        "alice": keys.create(name="alice", role="reviewer", queues=("scams-spam", "appeals"))[1],
        "bob": keys.create(name="bob", role="reviewer", queues=("scams-spam", "appeals"))[1],
        "hana": keys.create(name="hana", role="reviewer", queues=("self-harm",))[1],
        "lead": keys.create(name="lena", role="lead")[1],
        "admin": keys.create(name="ops", role="admin")[1],
    }
    with TestClient(create_app(service)) as c:
        yield Env(c, service, received, tokens)
    service.close()
    store.close()


SCAM = {"id": "v1", "kind": "comment", "surface": "comments", "author_id": "u9",
        "text": "free money at bit.ly/x", "metadata": {"views": 5000, "views_per_hour": 800}}  # fmt: skip


def test_every_route_needs_a_key_with_the_right_role(env: Env) -> None:
    c = env.client
    assert c.post("/v1/moderate", json=SCAM).status_code == 401
    assert (
        c.post("/v1/moderate", json=SCAM, headers={"authorization": "Bearer wk_nope_nope"}).status_code == 401
    )
    assert c.get("/healthz").status_code == 200 and c.get("/metrics").status_code == 200
    assert (
        c.post("/v1/moderate", json=SCAM, headers=env.as_("alice")).status_code == 403
    )  # reviewers don't ingest
    assert c.get("/v1/queues", headers=env.as_("app")).status_code == 403  # integrators don't review
    assert c.get("/v1/audit", headers=env.as_("alice")).status_code == 403
    assert c.get("/v1/keys", headers=env.as_("lead")).status_code == 403
    assert c.get("/v1/statements", headers=env.as_("lead")).status_code == 200
    # a reviewer sees only their queues
    assert [q["queue"] for q in c.get("/v1/queues", headers=env.as_("hana")).json()] == ["self-harm"]
    assert c.post("/v1/queues/scams-spam/claim", headers=env.as_("hana")).status_code == 403
    assert c.post("/v1/queues/nope/claim", headers=env.as_("hana")).status_code == 404
    # admins make and revoke keys through the API
    made = c.post("/v1/keys", json={"name": "new-app", "role": "integrator"}, headers=env.as_("admin"))
    assert made.status_code == 201 and made.json()["token"].startswith("wk_")
    token = made.json()["token"]
    assert c.post("/v1/moderate", json=SCAM, headers={"authorization": f"Bearer {token}"}).status_code == 201
    assert c.delete(f"/v1/keys/{made.json()['key']['key_id']}", headers=env.as_("admin")).status_code == 204
    assert c.post("/v1/moderate", json=SCAM, headers={"authorization": f"Bearer {token}"}).status_code == 401
    bad = c.post(
        "/v1/keys", json={"name": "x", "role": "reviewer", "queues": ["nope"]}, headers=env.as_("admin")
    )
    assert bad.status_code == 422


def test_review_enforce_appeal_overturn_end_to_end(env: Env) -> None:
    c = env.client
    r = c.post("/v1/moderate", json=SCAM, headers=env.as_("app"))
    assert r.status_code == 201
    decision_id = r.json()["decision_id"]
    assert set(r.json()["decision"]["actions"]) == {"escalate_to_review", "limit_reach"}
    env.drain()
    applied = env.received.events("platform.test")
    assert [(e["event"], e["action"]) for e in applied] == [("enforcement.applied", "limit_reach")]

    queues = {q["queue"]: q for q in c.get("/v1/queues", headers=env.as_("alice")).json()}
    assert queues["scams-spam"]["open"] == 1
    case = c.post("/v1/queues/scams-spam/claim", headers=env.as_("alice")).json()
    assert case["decision_id"] == decision_id and case["claimed_by"] == "alice" and case["priority"] > 3
    assert c.post("/v1/queues/scams-spam/claim", headers=env.as_("bob")).status_code == 204  # nothing left
    view = c.get(f"/v1/cases/{case['id']}", headers=env.as_("alice")).json()
    assert view["decision"]["item"]["text"] == SCAM["text"]
    # bob cannot decide alice's case; alice decides: remove for scam
    body = {"action": "remove", "category": "scam_fraud", "note": "known scam pattern"}
    assert c.post(f"/v1/cases/{case['id']}/decision", json=body, headers=env.as_("bob")).status_code == 409
    done = c.post(f"/v1/cases/{case['id']}/decision", json=body, headers=env.as_("alice"))
    assert done.status_code == 201 and done.json()["reviewer"] == "alice"
    env.drain()
    events = [(e["event"], e["action"]) for e in env.received.events("platform.test")]
    assert events[1:] == [("enforcement.reversed", "limit_reach"), ("enforcement.applied", "remove")]

    # the user appeals through the platform; alice made the decision, so only bob may take the appeal
    appeal = c.post(f"/v1/decisions/{decision_id}/appeals", json={"appellant": "u9", "reason": "it is my shop"},
                    headers=env.as_("app"))  # fmt: skip
    assert appeal.status_code == 201
    assert (
        c.post(
            f"/v1/decisions/{decision_id}/appeals", json={"appellant": "u9"}, headers=env.as_("app")
        ).status_code
        == 409
    )
    assert c.post("/v1/queues/appeals/claim", headers=env.as_("alice")).status_code == 204
    ac = c.post("/v1/queues/appeals/claim", headers=env.as_("bob")).json()
    assert ac["kind"] == "appeal"
    c.post(
        f"/v1/cases/{ac['id']}/decision",
        json={"action": "allow", "note": "legit shop"},
        headers=env.as_("bob"),
    )
    assert (
        c.get(f"/v1/appeals/{appeal.json()['id']}", headers=env.as_("app")).json()["status"] == "overturned"
    )
    active = c.get(
        f"/v1/decisions/{decision_id}/enforcement", params={"active": True}, headers=env.as_("app")
    )
    assert active.json() == []
    env.drain()
    tail = [(e["event"], e.get("action") or e.get("outcome")) for e in env.received.events("platform.test")][
        3:
    ]
    assert tail == [("enforcement.reversed", "remove"), ("appeal.decided", "overturned")]
    for req in env.received.requests:  # every event signed, each with its own idempotency key
        assert verify_signature(SINK_SECRET, req.content, req.headers["watchkeeper-signature"])
    keys = [r.headers["idempotency-key"] for r in env.received.requests]
    assert len(keys) == len(set(keys))

    # attribution, figures and exports
    audit = c.get("/v1/audit", params={"subject_type": "case"}, headers=env.as_("lead")).json()
    actors = {(a["action"], a["actor"], a["actor_kind"]) for a in audit}
    assert ("case.decide", "alice", "person") in actors and ("case.decide", "bob", "person") in actors
    kpis = c.get("/v1/kpis", headers=env.as_("lead")).json()
    assert kpis["appeal_overturn_rate"] == 1.0 and kpis["automation_rate"] == 0.0
    assert "watchkeeper_appeal_overturn_rate 1.0" in c.get("/metrics").text
    sor = c.get("/v1/statements", headers=env.as_("lead")).json()["statements"]
    assert len(sor) == 2  # the automated demotion and the reviewer's removal (reversals are not statements)
    for st in sor:
        StatementOfReasons.model_validate(st)
    labels = c.get("/v1/labels", headers=env.as_("lead")).json()
    assert labels[0]["flagged"] == 0 and labels[0]["context"]["review_kind"] == "appeal"


def test_video_becomes_a_job_with_a_signed_callback(env: Env) -> None:
    c = env.client
    video = {
        "id": "vid1",
        "kind": "video",
        "fields": {"caption": "free money at bit.ly/x"},
        "author_id": "u1",
    }
    r = c.post(
        "/v1/moderate", json=video, params={"callback_url": "https://cb.test/done"}, headers=env.as_("app")
    )
    assert r.status_code == 202 and r.json()["created"] is True
    job_id = r.json()["job_id"]
    again = c.post(
        "/v1/moderate", json=video, params={"callback_url": "https://cb.test/done"}, headers=env.as_("app")
    )
    assert again.status_code == 202 and again.json()["job_id"] == job_id and again.json()["created"] is False
    assert c.get(f"/v1/jobs/{job_id}", headers=env.as_("app")).json()["status"] == "queued"
    leased = env.service.jobs.lease()
    assert leased is not None
    env.service.run_job(*leased)
    job = c.get(f"/v1/jobs/{job_id}", headers=env.as_("app")).json()
    assert job["status"] == "done" and job["decision_id"]
    env.drain()
    callbacks = [r for r in env.received.requests if r.url.host == "cb.test"]
    assert len(callbacks) == 1
    assert verify_signature(
        CALLBACK_SECRET, callbacks[0].content, callbacks[0].headers["watchkeeper-signature"]
    )
    body = json.loads(callbacks[0].content)
    assert body["job_id"] == job_id and body["decision_id"] == job["decision_id"]
    # text stays synchronous unless asked otherwise
    assert c.post("/v1/moderate", json={"id": "t1", "text": "hi"}, headers=env.as_("app")).status_code == 201
    forced = c.post(
        "/v1/moderate", json={"id": "t2", "text": "hi"}, params={"mode": "async"}, headers=env.as_("app")
    )
    assert forced.status_code == 202
    assert c.get("/v1/jobs/nope", headers=env.as_("app")).status_code == 404


def test_job_workers_run_in_the_background(db_url: str, rules_engine: Engine) -> None:
    store = Store.open(db_url)
    service = Service(rules_engine, store, settings=load_settings(auth=False, job_workers=2))
    with TestClient(create_app(service)) as c:
        ids = [
            c.post("/v1/moderate", json={"id": f"j{i}", "kind": "image", "text": f"pic {i}"}).json()["job_id"]
            for i in range(6)
        ]
        deadline = time.time() + 30
        while time.time() < deadline:
            states = {c.get(f"/v1/jobs/{j}").json()["status"] for j in ids}
            if states == {"done"}:
                break
            time.sleep(0.1)
        assert states == {"done"}
    service.close()
    store.close()


def test_repeat_offenders_are_suspended_by_strikes(env: Env) -> None:
    c = env.client
    for i in range(3):
        item = {"id": f"k{i}", "author_id": "bully", "text": "I will kill you", "surface": "comments"}
        assert c.post("/v1/moderate", json=item, headers=env.as_("app")).status_code == 201
    env.drain()
    actions = [e["action"] for e in env.received.events("platform.test")]
    assert actions == ["remove", "remove", "remove", "suspend_account"]
    # the stored item carries the strikes the decision saw
    last = c.get("/v1/decisions", params={"limit": 1}, headers=env.as_("app")).json()[0]
    assert last["item"]["metadata"]["author_strikes"] == 2
