"""Model backends: the one seam between the judge and a language model.

A backend turns one rendered :class:`~watchkeeper.policy.prompt.JudgeRequest` into one
:class:`BackendReply`, or raises :class:`~watchkeeper.errors.BackendError` (``retryable`` for 429, 5xx,
timeouts and dropped connections). Retries, budgets, caching and the circuit breaker live in
:mod:`watchkeeper.signals.llm.client`, above this seam, so every backend gets them.

* :class:`OpenAIChatBackend` — any server speaking OpenAI chat completions (vLLM, Ollama, llama.cpp
  server, LM Studio, OpenAI, Azure OpenAI), with JSON-schema structured output where the server
  supports it and image content parts for vision-language models;
* :class:`~watchkeeper.signals.llm.local.TransformersBackend` — a Hugging Face model from a local path;
* :class:`~watchkeeper.signals.llm.local.LlamaCppBackend` — a GGUF file in process (optional extra);
* :class:`ScriptedBackend` — scripted replies for tests (yours and ours), behind the same seam.

No backend opens a network connection unless it was configured with an address.
"""

from __future__ import annotations

import base64
import math
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlparse

import httpx
from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.errors import BackendError
from watchkeeper.policy.prompt import ChatMessage, JudgeRequest
from watchkeeper.types import MediaRef

__all__ = [
    "BackendReply",
    "ChatBackend",
    "OpenAIChatBackend",
    "ScriptedBackend",
    "StructuredOutput",
    "estimate_tokens",
]

StructuredOutput = Literal["auto", "json_schema", "json_object", "none"]
#: images bigger than this are not inlined into a request (the judge says so in its signal)
MAX_IMAGE_BYTES = 8 * 1024 * 1024


class BackendReply(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    model: str = ""
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    #: P(first score token) / (P(first) + P(second)) for requests with ``score_tokens``
    yes_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    #: probabilities of the first generated token's candidates, when the backend reports them
    first_token_probs: dict[str, float] = Field(default_factory=dict)
    finish_reason: str | None = None


@runtime_checkable
class ChatBackend(Protocol):
    """``kind`` names the backend type ("openai", "transformers", ...); ``model`` the model it runs.
    ``complete`` must be safe to call from several threads."""

    kind: str
    model: str

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply: ...


def estimate_tokens(request: JudgeRequest) -> int:
    """A budget estimate before the call: ~4 characters a token for the prompt, plus the answer cap."""
    return math.ceil(request.prompt_chars() / 4) + request.max_tokens


class ScriptedBackend:
    """Replies from a script: a function of the request, or a sequence consumed in order (an
    exception in the sequence is raised). Records every request; thread-safe."""

    kind = "scripted"

    def __init__(
        self,
        script: Callable[[JudgeRequest], BackendReply | str] | Iterable[BackendReply | str | Exception],
        model: str = "scripted",
    ) -> None:
        self.model = model
        self.requests: list[JudgeRequest] = []
        self._lock = threading.Lock()
        if callable(script):
            self._fn: Callable[[JudgeRequest], BackendReply | str] | None = script
            self._queue: list[BackendReply | str | Exception] = []
        else:
            self._fn = None
            self._queue = list(script)

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply:
        with self._lock:
            self.requests.append(request)
            if self._fn is None:
                if not self._queue:
                    raise BackendError("script exhausted", retryable=False)
                step = self._queue.pop(0)
        if self._fn is not None:
            step = self._fn(request)  # outside the lock: scripts may block to simulate slow models
        if isinstance(step, Exception):
            raise step
        return step if isinstance(step, BackendReply) else BackendReply(text=step, model=self.model)


def _image_part(ref: MediaRef) -> dict[str, Any]:
    scheme = urlparse(ref.uri).scheme
    if scheme in ("http", "https", "data"):
        return {"type": "image_url", "image_url": {"url": ref.uri}}
    path = Path(ref.uri[7:] if ref.uri.startswith("file://") else ref.uri)
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise BackendError(f"image {path.name} is {len(data)} bytes, over {MAX_IMAGE_BYTES}", retryable=False)
    b64 = base64.b64encode(data).decode()
    return {"type": "image_url", "image_url": {"url": f"data:{ref.mime_type or 'image/jpeg'};base64,{b64}"}}


def _wire_message(m: ChatMessage) -> dict[str, Any]:
    if not m.images:
        return {"role": m.role, "content": m.content}
    parts: list[dict[str, Any]] = [{"type": "text", "text": m.content}]
    parts.extend(_image_part(ref) for ref in m.images)
    return {"role": m.role, "content": parts}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _token_probs(choice: dict[str, Any]) -> dict[str, float]:
    """First generated token's top candidates as ``{stripped token: probability}`` (summed by spelling)."""
    try:
        first = choice["logprobs"]["content"][0]
        candidates = first.get("top_logprobs") or [first]
    except (KeyError, IndexError, TypeError):
        return {}
    out: dict[str, float] = {}
    for c in candidates:
        try:
            tok = str(c["token"]).strip()
            out[tok] = out.get(tok, 0.0) + math.exp(float(c["logprob"]))
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
    return out


class OpenAIChatBackend:
    """An OpenAI-compatible chat-completions server.

    ``base_url`` is the API root (``http://127.0.0.1:8000/v1`` for vLLM, ``http://127.0.0.1:11434/v1``
    for Ollama, ``http://127.0.0.1:8080/v1`` for llama.cpp's server). With ``azure_api_version`` set,
    ``base_url`` is the Azure resource endpoint and ``model`` the deployment name.
    ``structured``: ``auto`` asks for ``json_schema`` output and steps down to ``json_object``, then to
    plain text, the first time the server rejects the option (remembered for the process).
    ``transport`` is httpx's seam (tests pass ``httpx.MockTransport``)."""

    kind = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        azure_api_version: str | None = None,
        structured: StructuredOutput = "auto",
        transport: httpx.BaseTransport | None = None,
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("OpenAIChatBackend needs a base_url")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.azure_api_version = azure_api_version
        self.extra_body = dict(extra_body or {})
        self._mode: StructuredOutput = "json_schema" if structured == "auto" else structured
        self._auto = structured == "auto"
        headers = {"content-type": "application/json"}
        if api_key:
            if azure_api_version:
                headers["api-key"] = api_key
            else:
                headers["authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(headers=headers, transport=transport)
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        if self.azure_api_version:
            return (
                f"{self.base_url}/openai/deployments/{self.model}/chat/completions"
                f"?api-version={self.azure_api_version}"
            )
        return f"{self.base_url}/chat/completions"

    @property
    def structured_mode(self) -> StructuredOutput:
        return self._mode

    def close(self) -> None:
        self._client.close()

    def _body(self, request: JudgeRequest, mode: StructuredOutput) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messages": [_wire_message(m) for m in request.messages],
            "temperature": 0,
            "max_tokens": request.max_tokens,
        }
        if not self.azure_api_version:
            body["model"] = self.model
        if request.json_schema is not None and mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "watchkeeper_verdict", "schema": request.json_schema, "strict": True},
            }
        elif request.json_schema is not None and mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        if request.score_tokens is not None or request.json_schema is None:
            body["logprobs"] = True
            body["top_logprobs"] = 10
        body.update(self.extra_body)
        return body

    def _post(self, body: dict[str, Any], timeout_s: float) -> httpx.Response:
        try:
            return self._client.post(self.url, json=body, timeout=timeout_s)
        except httpx.TimeoutException as exc:
            raise BackendError(
                f"no answer within {timeout_s:g}s ({type(exc).__name__})", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise BackendError(f"cannot reach {self.base_url}: {exc}", retryable=True) from exc

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply:
        mode = self._mode
        response = self._post(self._body(request, mode), timeout_s)
        while (
            self._auto
            and response.status_code in (400, 422)
            and request.json_schema is not None
            and mode != "none"
            and "response_format" in response.text
        ):
            mode = "json_object" if mode == "json_schema" else "none"
            with self._lock:
                self._mode = mode
            response = self._post(self._body(request, mode), timeout_s)
        status = response.status_code
        if status == 429 or status == 408 or status >= 500:
            raise BackendError(
                f"HTTP {status} from {self.base_url}: {response.text[:200]}",
                retryable=True,
                status=status,
                retry_after=_retry_after(response),
            )
        if status >= 400:
            raise BackendError(
                f"HTTP {status} from {self.base_url}: {response.text[:300]}", retryable=False, status=status
            )
        try:
            payload = response.json()
            choice = payload["choices"][0]
            message = choice["message"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BackendError(
                f"malformed chat-completions body ({type(exc).__name__}): {response.text[:200]!r}",
                retryable=False,
            ) from exc
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            refusal = message.get("refusal") if isinstance(message, dict) else None
            reason = f"model refused: {refusal}" if refusal else "reply has no text content"
            raise BackendError(reason, retryable=False)
        usage = payload.get("usage") or {}
        probs = _token_probs(choice)
        yes: float | None = None
        if request.score_tokens is not None and probs:
            a, b = (probs.get(t, 0.0) for t in request.score_tokens)
            yes = a / (a + b) if a + b > 0 else None
        return BackendReply(
            text=content,
            model=str(payload.get("model") or self.model),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            yes_probability=yes,
            first_token_probs=probs,
            finish_reason=choice.get("finish_reason"),
        )
