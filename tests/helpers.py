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
