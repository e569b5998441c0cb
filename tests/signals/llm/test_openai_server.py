"""Integration: a real HTTP server on loopback speaking OpenAI chat completions (written for the test,
serving scripted answers), and the full cascade against it — success, 429, 500, timeouts, malformed
bodies, servers without JSON-schema support, and logprob scoring."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from watchkeeper import Engine
from watchkeeper.policy import PolicyPack
from watchkeeper.policy.prompt import JudgeFormat, render_judge_request
from watchkeeper.settings import load_settings
from watchkeeper.signals import default_registry
from watchkeeper.signals.llm import build_judge
from watchkeeper.signals.llm.backends import OpenAIChatBackend
from watchkeeper.types import Action, DetectorStatus, Item, Verdict

Step = Callable[[dict[str, Any]], tuple[int, dict[str, str], bytes]]


def completion(content: str | None, **extra: Any) -> tuple[int, dict[str, str], bytes]:
    body = {
        "id": "c1",
        "object": "chat.completion",
        "model": "served-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                **extra,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
    return 200, {"content-type": "application/json"}, json.dumps(body).encode()


def answer_for(body: dict[str, Any], violating: set[str]) -> str:
    schema = body["messages"][0]["content"]
    cats = json.loads(schema.split("following this schema:\n", 1)[1].split("\n", 1)[0])["properties"][
        "verdicts"
    ]["items"]["properties"]["category"]["enum"]
    return json.dumps(
        {
            "verdicts": [
                {
                    "category": c,
                    "violates": c in violating,
                    "severity": 3 if c in violating else 0,
                    "confidence": 0.9,
                    "policy_section": f"{c}.in_scope.1",
                    "rationale": "r",
                }
                for c in cats
            ],
            "manipulation_attempt": False,
        }
    )


class Server:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.default: Step | None = None
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                body = json.loads(raw)
                outer.bodies.append(body)
                outer.headers.append(dict(self.headers))
                outer.paths.append(self.path)
                step = outer.steps.pop(0) if outer.steps else outer.default
                assert step is not None, "no scripted answer left"
                status, headers, payload = step(body)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def engine(pack: PolicyPack, server: Server, **settings: Any) -> Engine:
    s = load_settings(
        judge_backend="openai",
        judge_base_url=server.url,
        judge_model="guard",
        judge_api_key="sk-test",
        **settings,
    )
    return Engine(pack, [default_registry().create("rules", pack), build_judge(pack, s)], warm_up=False)


TEXT = "you are such a retard"  # uncertain for the rules tier: goes to the judge


def test_full_cascade_against_the_server(pack: PolicyPack, server: Server) -> None:
    server.default = lambda b: completion(answer_for(b, {"hate"}))
    d = engine(pack, server).moderate_text(TEXT)
    assert d.flagged and d.verdict_for("hate").score == 0.9  # type: ignore[union-attr]
    body = server.bodies[0]
    assert body["model"] == "guard" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["messages"][0]["role"] == "system" and "hate" in body["messages"][0]["content"]
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_429_and_500_are_retried(pack: PolicyPack, server: Server) -> None:
    server.steps = [lambda b: (429, {"retry-after": "0"}, b"slow down"), lambda b: (500, {}, b"oops")]
    server.default = lambda b: completion(answer_for(b, set()))
    d = engine(pack, server, judge_retries=2).moderate_text(TEXT)
    assert len(server.bodies) == 3
    assert d.verdict_for("hate").verdict is Verdict.CLEAR  # type: ignore[union-attr]


def test_retries_spent_means_review(pack: PolicyPack, server: Server) -> None:
    server.default = lambda b: (503, {}, b"unavailable")
    d = engine(pack, server, judge_retries=1).moderate_text("those gypsies again")
    assert Action.ESCALATE_TO_REVIEW in d.actions
    err = next(s for s in d.signals if s.detector == "judge" and s.status is DetectorStatus.ERROR)
    assert "503" in (err.message or "")


def test_server_timeout_means_review(pack: PolicyPack, server: Server) -> None:
    def hang(b: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(2.5)
        return completion(answer_for(b, set()))

    server.default = hang
    # built before the clock starts: compiling the rules tier takes 1.7-2.3 s on a slow 2.1 GHz
    # machine, which is start-up cost, not the judge's time budget that this test measures
    eng = engine(pack, server, judge_timeout_s=1.0, judge_retries=0)
    start = time.perf_counter()
    d = eng.moderate_text("those gypsies again")
    assert time.perf_counter() - start < 2.4
    assert Action.ESCALATE_TO_REVIEW in d.actions


@pytest.mark.parametrize(
    "payload",
    [
        b"<html>502 Bad Gateway</html>",
        b'{"choices": []}',
        b'{"object": "error"}',
        b'{"choices": [{"message": {}}]}',
        json.dumps({"choices": [{"message": {"content": None, "refusal": "I can't help"}}]}).encode(),
    ],
    ids=["html", "no-choices", "no-choices-key", "no-content", "refusal"],
)
def test_malformed_bodies_mean_review(pack: PolicyPack, server: Server, payload: bytes) -> None:
    server.default = lambda b: (200, {"content-type": "application/json"}, payload)
    d = engine(pack, server, judge_retries=0).moderate_text("those gypsies again")
    assert Action.ESCALATE_TO_REVIEW in d.actions
    assert any(s.detector == "judge" and s.status is DetectorStatus.ERROR for s in d.signals)


def test_malformed_answer_text_means_review(pack: PolicyPack, server: Server) -> None:
    server.default = lambda b: completion('{"verdicts": [{"category": "hate", "violates": fal')
    d = engine(pack, server).moderate_text("those gypsies again")
    assert Action.ESCALATE_TO_REVIEW in d.actions
    err = next(s for s in d.signals if s.detector == "judge" and s.status is DetectorStatus.ERROR)
    assert "truncated" in (err.message or "") and err.evidence[0].note.startswith('{"verdicts"')  # type: ignore[union-attr]


def test_server_without_json_schema_support_steps_down(pack: PolicyPack, server: Server) -> None:
    def picky(b: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        if b.get("response_format", {}).get("type") == "json_schema":
            return 400, {}, b'{"error": "response_format json_schema is not supported"}'
        return completion(answer_for(b, set()))

    server.default = picky
    eng = engine(pack, server)
    eng.moderate_text(TEXT)
    eng.moderate_text(TEXT + " again")
    kinds = [b.get("response_format", {}).get("type") for b in server.bodies]
    assert kinds == ["json_schema", "json_object", "json_object"]  # remembered after the first refusal


def test_logprob_scoring_for_shieldgemma(pack: PolicyPack, server: Server) -> None:
    lp = {
        "content": [
            {
                "token": "No",
                "logprob": -0.105,
                "top_logprobs": [{"token": "No", "logprob": -0.105}, {"token": "Yes", "logprob": -2.303}],
            }
        ]
    }
    server.default = lambda b: completion("No", logprobs=lp)
    d = engine(pack, server, judge_format="shieldgemma").moderate_text(TEXT)
    assert server.bodies[0]["logprobs"] is True and server.bodies[0]["max_tokens"] == 1
    assert d.verdict_for("hate").score == pytest.approx(0.1 / 1.0, abs=0.01)  # type: ignore[union-attr]


def test_azure_layout_and_image_parts(pack: PolicyPack, server: Server, tmp_path: Any) -> None:
    server.default = lambda b: completion(answer_for(b, set()))
    base = server.url.removesuffix("/v1")
    backend = OpenAIChatBackend(base, "my-deployment", api_key="k", azure_api_version="2024-10-21")
    img = tmp_path / "f.jpg"
    img.write_bytes(b"\xff\xd8\xff fake jpeg")
    from watchkeeper.types import MediaRef

    item = Item(id="a", text=TEXT, media=(MediaRef(uri=str(img), mime_type="image/jpeg"),))
    (req,) = render_judge_request(pack, item, ["hate"], JudgeFormat.WATCHKEEPER)
    assert backend.complete(req, timeout_s=5).prompt_tokens == 100
    assert server.paths[0] == "/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21"
    assert "model" not in server.bodies[0]
    assert server.headers[0]["api-key"] == "k"
    parts = server.bodies[0]["messages"][1]["content"]
    assert parts[0]["type"] == "text" and parts[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_no_network_unless_configured(pack: PolicyPack) -> None:
    judge = build_judge(pack, load_settings())
    assert judge.client is None
