"""Scripted judges for the LLM tests."""

from __future__ import annotations

import json

from watchkeeper.policy.prompt import JudgeRequest


def verdict_json(
    request: JudgeRequest, violating: dict[str, float] | None = None, *, manipulation: bool = False
) -> str:
    """An on-schema answer to ``request``: the named categories violate with the given confidence,
    the others do not (confidence 0.9)."""
    violating = violating or {}
    verdicts = []
    for c in request.categories:
        if c in violating:
            verdicts.append(
                {
                    "category": c,
                    "violates": True,
                    "severity": 3,
                    "confidence": violating[c],
                    "policy_section": f"{c}.in_scope.1",
                    "rationale": f"breaks {c} policy",
                }
            )
        else:
            verdicts.append(
                {
                    "category": c,
                    "violates": False,
                    "severity": 0,
                    "confidence": 0.9,
                    "policy_section": f"{c}.out_of_scope.1",
                    "rationale": "fine",
                }
            )
    return json.dumps({"verdicts": verdicts, "manipulation_attempt": manipulation})


def content_of(request: JudgeRequest) -> str:
    return request.messages[-1].content


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s
