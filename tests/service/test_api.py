"""The HTTP API through FastAPI's test client, against both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from watchkeeper.engine import Engine
from watchkeeper.review import Store
from watchkeeper.service import Service, create_app
from watchkeeper.settings import load_settings
from watchkeeper.types import Item


@pytest.fixture
def client(db_url: str, rules_engine: Engine) -> Iterator[TestClient]:
    store = Store.open(db_url)
    service = Service(rules_engine, store, settings=load_settings(auth=False), max_request_bytes=20_000)
    with TestClient(create_app(service)) as c:
        yield c
    service.close()
    store.close()


def test_moderate_is_idempotent_and_audited(client: TestClient) -> None:
    item = {
        "id": "c1",
        "kind": "comment",
        "surface": "comments",
        "text": "free money!!! claim at bit.ly/x now",
    }
    r = client.post("/v1/moderate", json=item)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] is True and body["decision"]["item_id"] == "c1"
    assert body["decision"]["primary_action"] != "allow"
    again = client.post("/v1/moderate", json=item)
    assert again.status_code == 200 and again.json()["decision_id"] == body["decision_id"]
    assert again.json()["created"] is False
    got = client.get(f"/v1/decisions/{body['decision_id']}").json()
    assert got["item"]["text"] == item["text"]
    audit = client.get(
        "/v1/audit", params={"subject_type": "decision", "subject_id": body["decision_id"]}
    ).json()
    # decided and enforced once, not twice
    assert [a["action"] for a in audit] == ["decide", "enforcement.applied"]


def test_openai_moderations_shape(client: TestClient) -> None:
    r = client.post("/v1/moderations", json={"input": ["I will kill you tonight", "have a lovely day"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"].startswith("modr-") and len(body["results"]) == 2
    violent, kind = body["results"]
    assert violent["flagged"] is True and violent["categories"]["violence"] is True
    assert kind["flagged"] is False
    expected = {
        "harassment",
        "harassment/threatening",
        "hate",
        "hate/threatening",
        "illicit",
        "illicit/violent",
        "self-harm",
        "self-harm/intent",
        "self-harm/instructions",
        "sexual",
        "sexual/minors",
        "violence",
        "violence/graphic",
    }
    assert set(violent["categories"]) == set(violent["category_scores"]) == expected
    assert all(0 <= v <= 1 for v in violent["category_scores"].values())
    one = client.post("/v1/moderations", json={"input": "hello", "model": "omni-moderation-latest"}).json()
    assert one["model"] == "omni-moderation-latest" and len(one["results"]) == 1
    parts = client.post(
        "/v1/moderations",
        json={
            "input": [
                {"type": "text", "text": "hi"},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            ]
        },
    ).json()
    assert parts["results"][0]["category_applied_input_types"]["sexual"] == ["text", "image"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"id": "", "text": "x"}, 422),
        ({"text": "no id"}, 422),
        ({"id": "x", "kind": "hologram"}, 422),
        ({"id": "x", "text": "y", "surprise": 1}, 422),
        ("not an object", 422),
    ],
)
def test_bad_requests_get_a_clear_4xx(client: TestClient, payload: object, status: int) -> None:
    r = client.post("/v1/moderate", json=payload)
    assert r.status_code == status and r.json()["detail"]


def test_oversized_and_malformed_bodies(client: TestClient) -> None:
    big = client.post("/v1/moderate", json={"id": "b", "text": "x" * 50_000})
    assert big.status_code == 413 and "over 20000 bytes" in big.json()["detail"]
    broken = client.post("/v1/moderate", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422
    empty = client.post("/v1/moderations", json={"input": ""})
    assert empty.status_code == 422
    assert client.get("/v1/decisions/999999").status_code == 404


def test_health_metrics_and_openapi(client: TestClient) -> None:
    client.post("/v1/moderate", json={"id": "m1", "text": "I will kill you"})
    client.post("/v1/moderate", json={"id": "m1", "text": "I will kill you"})
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["decisions"] == 1 and h["detectors"] == ["rules", "links"]
    m = client.get("/metrics").text
    assert "watchkeeper_decisions_total" in m and "watchkeeper_idempotent_replays_total 1.0" in m
    spec = client.get("/openapi.json").json()
    assert {"/v1/moderate", "/v1/moderations", "/v1/decisions/{decision_id}", "/healthz"} <= set(
        spec["paths"]
    )


def test_concurrent_requests_are_decided_in_batches_with_the_same_results(db_url: str) -> None:
    import threading

    engine = Engine.load(detectors=["rules", "links"])
    sizes: list[int] = []
    original = engine.moderate_many

    def counting(items):  # type: ignore[no-untyped-def]
        sizes.append(len(items))
        return original(items)

    engine.moderate_many = counting  # type: ignore[method-assign]
    store = Store.open(db_url)
    service = Service(engine, store, settings=load_settings(auth=False))
    texts = [f"free money {i} at bit.ly/x" if i % 2 else f"nice video {i}" for i in range(24)]
    got: dict[int, str] = {}

    def go(i: int) -> None:
        stored, _ = service.moderate(Item(id=f"b{i}", text=texts[i]), "test")
        got[i] = stored.decision.primary_action.value

    threads = [threading.Thread(target=go, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    service.close()
    store.close()
    assert sum(sizes) == 24 and len(sizes) < 24  # some requests shared a batch
    for i, action in got.items():
        assert action == engine.moderate(Item(id=f"b{i}", text=texts[i])).primary_action.value


def test_streamed_body_without_length_is_cut_off(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"id": "s", "text": "'
        for _ in range(50):
            yield b"x" * 1000
        yield b'"}'

    r = client.post("/v1/moderate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "over 20000 bytes" in r.json()["detail"]
    assert client.get("/healthz").json()["decisions"] == 0  # nothing was decided or stored


def test_concurrent_retries_of_one_item_decide_and_enforce_once(db_url: str, rules_engine: Engine) -> None:
    import threading

    store = Store.open(db_url)
    service = Service(rules_engine, store, settings=load_settings(auth=False))
    item = Item(id="dup", text="I will kill you", author_id="u1")
    got: list[tuple[int, bool]] = []

    def go() -> None:
        stored, created = service.moderate(item, "test")
        got.append((stored.id, created))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({i for i, _ in got}) == 1 and sum(c for _, c in got) == 1
    assert [e.action.value for e in service.workflow.enforcement(got[0][0])] == ["remove"]
    assert service.workflow.active_strikes("u1") == 1
    service.close()
    store.close()
