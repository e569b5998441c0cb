"""The OpenAI moderation API's request and response shape over Watchkeeper decisions, so existing
clients of ``POST /v1/moderations`` work unchanged.

OpenAI categories are computed from this pack's categories (a category missing from the pack scores 0):
``hate/threatening`` and ``harassment/threatening`` are the lower of the base category and violence;
``self-harm/intent`` and ``/instructions`` are self-harm's score (the pack does not split them);
``illicit`` is the highest of dangerous_acts, scam_fraud and criminal_activity, ``illicit/violent`` its
lower with violence.
Each result also carries a ``watchkeeper`` object (actions, every category's score, the decision id) that
OpenAI clients ignore.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from watchkeeper.types import Decision, Verdict

__all__ = ["ModerationRequest", "moderation_result", "request_inputs"]


class _TextPart(BaseModel):
    type: str
    text: str | None = None
    image_url: dict[str, str] | None = None


class ModerationRequest(BaseModel):
    input: str | list[str] | list[_TextPart]
    model: str | None = None


def request_inputs(req: ModerationRequest) -> list[tuple[str, list[str]]]:
    """Each input to judge as ``(text, image urls)``: a string, each string of a list, or one
    multi-modal input made of parts."""
    if isinstance(req.input, str):
        return [(req.input, [])]
    if all(isinstance(x, str) for x in req.input):
        return [(str(x), []) for x in req.input]
    texts: list[str] = []
    images: list[str] = []
    for part in req.input:
        assert isinstance(part, _TextPart)
        if part.type == "text" and part.text is not None:
            texts.append(part.text)
        elif part.type == "image_url" and part.image_url and part.image_url.get("url"):
            images.append(part.image_url["url"])
    return [("\n".join(texts), images)]


class _Scored(BaseModel):
    flagged: bool = False
    score: float = Field(default=0.0, ge=0, le=1)


def moderation_result(decision: Decision, decision_id: int | None, has_image: bool) -> dict[str, Any]:
    by_cat = {
        v.category: _Scored(flagged=v.verdict is Verdict.VIOLATING, score=v.score) for v in decision.verdicts
    }
    none = _Scored()

    def get(c: str) -> _Scored:
        return by_cat.get(c, none)

    def low(a: _Scored, b: _Scored) -> _Scored:
        return _Scored(flagged=a.flagged and b.flagged, score=min(a.score, b.score))

    def high(a: _Scored, b: _Scored) -> _Scored:
        return _Scored(flagged=a.flagged or b.flagged, score=max(a.score, b.score))

    illicit = high(high(get("dangerous_acts"), get("scam_fraud")), get("criminal_activity"))
    mapped = {
        "harassment": get("harassment"),
        "harassment/threatening": low(get("harassment"), get("violence")),
        "hate": get("hate"),
        "hate/threatening": low(get("hate"), get("violence")),
        "illicit": illicit,
        "illicit/violent": low(illicit, get("violence")),
        "self-harm": get("self_harm"),
        "self-harm/intent": get("self_harm"),
        "self-harm/instructions": get("self_harm"),
        "sexual": get("sexual"),
        "sexual/minors": get("sexual_minors"),
        "violence": get("violence"),
        "violence/graphic": get("violence_graphic"),
    }
    types = ["text", "image"] if has_image else ["text"]
    return {
        "flagged": decision.flagged,
        "categories": {k: v.flagged for k, v in mapped.items()},
        "category_scores": {k: round(v.score, 6) for k, v in mapped.items()},
        "category_applied_input_types": dict.fromkeys(mapped, types),
        "watchkeeper": {
            "decision_id": decision_id,
            "actions": [a.value for a in decision.actions],
            "policy_version": decision.policy_version,
            "scores": {v.category: round(v.score, 6) for v in decision.verdicts},
        },
    }
