"""Small policy packs built in memory for exact tests."""

from __future__ import annotations

from typing import Any

from watchkeeper.policy.model import Category, PackManifest, PolicyPack


def category(cid: str, **over: Any) -> Category:
    data: dict[str, Any] = {
        "id": cid,
        "title": cid.title(),
        "severity": 3,
        "definition": f"{cid} content the platform does not allow.",
        "in_scope": ["the obvious cases"],
        "violation_threshold": 0.6,
        "bands": [
            {"name": "remove", "min_score": 0.9, "actions": ["remove"]},
            {"name": "review", "min_score": 0.6, "actions": ["escalate_to_review"]},
            {"name": "limit", "min_score": 0.4, "actions": ["limit_reach"]},
        ],
    }
    data.update(over)
    return Category.model_validate(data)


def make_pack(
    *categories: Category, rules: list[dict[str, Any]] | None = None, **manifest: Any
) -> PolicyPack:
    m = {"name": "test-pack", "version": "7", "rules": rules or []}
    m.update(manifest)
    return PolicyPack(manifest=PackManifest.model_validate(m), categories=categories)


class HashEncoder:
    """A deterministic stand-in for the sentence encoder in unit tests: a normalised bag of hashed
    words (texts sharing words are similar). Counts calls so tests can see when it ran."""

    name = "hash-encoder"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Any) -> Any:
        import hashlib

        import numpy as np

        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out
