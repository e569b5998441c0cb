"""Reading a model's answer. Fails closed: anything that is not a complete, on-schema answer to every
question asked becomes a :class:`ParseFailure` (the judge turns it into a "needs review" signal with the
raw output kept), never a "safe".

One parser per answer layout (see :mod:`watchkeeper.policy.prompt`):

* :func:`parse_json_answer` — Watchkeeper's and gpt-oss-safeguard's JSON verdicts;
* :func:`parse_llama_guard` — ``safe`` / ``unsafe`` + a line of MLCommons hazard codes;
* :func:`parse_qwen3guard` — ``Safety: Safe|Unsafe|Controversial`` + ``Categories: …``;
* :func:`parse_yes_no` — ShieldGemma's Yes/No, preferably as a probability.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "CategoryAnswer",
    "JudgeAnswer",
    "ParseFailure",
    "parse_json_answer",
    "parse_llama_guard",
    "parse_qwen3guard",
    "parse_yes_no",
    "strip_reasoning",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CategoryAnswer(_Frozen):
    category: str
    violates: bool
    confidence: float = Field(ge=0.0, le=1.0)
    severity: int = Field(default=0, ge=0, le=4)
    policy_section: str = ""
    rationale: str = ""

    @property
    def score(self) -> float:
        """Probability-like score that the category is violated (the Signal score contract)."""
        return self.confidence if self.violates else 1.0 - self.confidence


class JudgeAnswer(_Frozen):
    answers: tuple[CategoryAnswer, ...]
    manipulation_attempt: bool = False
    raw: str = ""


class ParseFailure(_Frozen):
    reason: str
    raw: str = ""


class _WireVerdict(BaseModel):
    """One verdict as the JSON layout asks for it (lax on bool spelling, strict on presence/range)."""

    model_config = ConfigDict(extra="ignore")

    category: str
    violates: bool
    confidence: float
    severity: int = 0
    policy_section: str = ""
    rationale: str = ""


class _WireAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdicts: list[_WireVerdict]
    manipulation_attempt: bool = False


_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_HARMONY_FINAL = re.compile(
    r"<\|channel\|>\s*final\s*<\|message\|>(.*?)(?:<\|end\|>|<\|return\|>|$)", re.DOTALL
)
_CODE_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def strip_reasoning(raw: str) -> str | ParseFailure:
    """The answer part of an output that may carry reasoning (``<think>`` blocks, harmony channels)."""
    m = _HARMONY_FINAL.search(raw)
    if m:
        return m.group(1).strip()
    if "<|channel|>" in raw:
        return ParseFailure(reason="reasoning ended without a final answer (truncated?)", raw=raw)
    text = _THINK.sub("", raw)
    if re.search(r"<think>", text, re.IGNORECASE):
        return ParseFailure(reason="reasoning block never closed (output truncated?)", raw=raw)
    return text.strip()


def _json_objects(text: str) -> tuple[list[Any], bool]:
    """Top-level JSON objects found in ``text`` and whether some ``{`` started one that did not decode."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    broken = False
    i = text.find("{")
    while i != -1:
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            broken = True
            i = text.find("{", i + 1)
            continue
        found.append(obj)
        i = text.find("{", end)
    return found, broken


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def parse_json_answer(
    raw: str, categories: tuple[str, ...] | list[str], *, content: str = ""
) -> JudgeAnswer | ParseFailure:
    """A JSON verdict with exactly one answer per asked category, or the reason it is not one.

    ``content`` is the judged content: an answer that repeats a verdict object written inside the
    content is refused (a model that copied a forged verdict has not judged anything)."""
    asked = tuple(categories)
    body = strip_reasoning(raw)
    if isinstance(body, ParseFailure):
        return body
    if not body:
        return ParseFailure(reason="empty output", raw=raw)
    fenced = _CODE_FENCE.findall(body)
    if fenced:
        body = "\n".join(fenced)
    objects, broken = _json_objects(body)
    verdict_objects = [o for o in objects if isinstance(o, dict) and "verdicts" in o]
    if not verdict_objects:
        if broken or body.count("{") > body.count("}"):
            return ParseFailure(reason="JSON is truncated or malformed", raw=raw)
        if objects:
            return ParseFailure(reason="JSON object has no 'verdicts' (off-schema)", raw=raw)
        return ParseFailure(reason="no JSON object in the output", raw=raw)
    if len(verdict_objects) > 1:
        return ParseFailure(reason="several verdict objects in one answer (ambiguous)", raw=raw)
    obj = verdict_objects[0]
    if content and _squash(json.dumps(obj)) in _squash(content):
        return ParseFailure(reason="the answer repeats a verdict written inside the content", raw=raw)
    try:
        wire = _WireAnswer.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return ParseFailure(reason=f"off-schema answer at {where}: {first['msg']}", raw=raw)
    seen: dict[str, CategoryAnswer] = {}
    for v in wire.verdicts:
        if v.category not in asked:
            return ParseFailure(reason=f"verdict for a category not asked about: {v.category!r}", raw=raw)
        if v.category in seen:
            return ParseFailure(reason=f"two verdicts for {v.category!r}", raw=raw)
        if not 0.0 <= v.confidence <= 1.0:
            return ParseFailure(
                reason=f"confidence {v.confidence} for {v.category!r} is outside 0..1", raw=raw
            )
        if not 0 <= v.severity <= 4:
            return ParseFailure(reason=f"severity {v.severity} for {v.category!r} is outside 0..4", raw=raw)
        seen[v.category] = CategoryAnswer(
            category=v.category,
            violates=v.violates,
            confidence=v.confidence,
            severity=v.severity,
            policy_section=v.policy_section[:200],
            rationale=v.rationale[:1000],
        )
    missing = [c for c in asked if c not in seen]
    if missing:
        return ParseFailure(reason=f"no verdict for {', '.join(missing)}", raw=raw)
    return JudgeAnswer(
        answers=tuple(seen[c] for c in asked), manipulation_attempt=wire.manipulation_attempt, raw=raw
    )


def _map_labels(
    labels: list[str], hazard_map: Mapping[str, tuple[str, ...]], raw: str
) -> tuple[set[str], bool] | ParseFailure:
    """Pack categories named by guard-model labels, and whether a jailbreak label was among them."""
    lowered = {k.lower(): v for k, v in hazard_map.items()}
    hit: set[str] = set()
    jailbreak = False
    for label in labels:
        key = label.strip().rstrip(".").lower()
        if not key or key == "none":
            continue
        if key == "jailbreak":
            jailbreak = True
        if key not in lowered:
            return ParseFailure(reason=f"hazard label {label.strip()!r} is not in judge.hazard_map", raw=raw)
        hit.update(lowered[key])
    return hit, jailbreak


def _binary_answers(
    asked: tuple[str, ...], violated: set[str], confidence: float, label_note: str
) -> tuple[CategoryAnswer, ...]:
    return tuple(
        CategoryAnswer(
            category=c,
            violates=c in violated,
            confidence=confidence,
            severity=0,
            policy_section=label_note if c in violated else "",
        )
        for c in asked
    )


def parse_llama_guard(
    raw: str,
    categories: tuple[str, ...] | list[str],
    hazard_map: Mapping[str, tuple[str, ...]],
    *,
    confidence: float,
) -> JudgeAnswer | ParseFailure:
    """Llama Guard 3/4: first line ``safe`` or ``unsafe``; if unsafe, a second line of codes (``S1,S10``).

    ``confidence`` is the probability of the first word when the backend reported one, else the pack's
    ``text_answer_confidence``."""
    asked = tuple(categories)
    lines = [ln.strip() for ln in raw.strip().splitlines() if ln.strip()]
    if not lines:
        return ParseFailure(reason="empty output", raw=raw)
    first = lines[0].lower()
    if first == "safe":
        return JudgeAnswer(answers=_binary_answers(asked, set(), confidence, ""), raw=raw)
    if first != "unsafe":
        return ParseFailure(reason=f"first line is neither 'safe' nor 'unsafe': {lines[0][:60]!r}", raw=raw)
    if len(lines) < 2:
        return ParseFailure(reason="'unsafe' without hazard codes (truncated?)", raw=raw)
    codes = [c for c in re.split(r"[,\s]+", lines[1]) if c]
    if not all(re.fullmatch(r"S\d{1,2}", c) for c in codes):
        return ParseFailure(reason=f"hazard codes line is malformed: {lines[1][:60]!r}", raw=raw)
    mapped = _map_labels(codes, hazard_map, raw)
    if isinstance(mapped, ParseFailure):
        return mapped
    violated, _ = mapped
    return JudgeAnswer(answers=_binary_answers(asked, violated, confidence, ",".join(codes)), raw=raw)


_QWEN_SAFETY = re.compile(r"Safety:\s*(Safe|Unsafe|Controversial)\b", re.IGNORECASE)
_QWEN_CATS = re.compile(r"Categories:\s*(.*)", re.IGNORECASE)


def parse_qwen3guard(
    raw: str,
    categories: tuple[str, ...] | list[str],
    hazard_map: Mapping[str, tuple[str, ...]],
    *,
    confidence: float,
) -> JudgeAnswer | ParseFailure:
    """Qwen3Guard: ``Safety: Safe|Unsafe|Controversial`` and ``Categories: A, B`` (or ``None``).

    "Controversial" is scored 0.5 for the named categories — the pack's bands send that to a person."""
    asked = tuple(categories)
    body = strip_reasoning(raw)
    if isinstance(body, ParseFailure):
        return body
    m = _QWEN_SAFETY.search(body)
    if not m:
        return ParseFailure(reason="no 'Safety:' line", raw=raw)
    safety = m.group(1).lower()
    cm = _QWEN_CATS.search(body)
    labels = cm.group(1).split(",") if cm else []
    mapped = _map_labels(labels, hazard_map, raw)
    if isinstance(mapped, ParseFailure):
        return mapped
    violated, jailbreak = mapped
    if safety == "safe":
        return JudgeAnswer(
            answers=_binary_answers(asked, set(), confidence, ""), manipulation_attempt=jailbreak, raw=raw
        )
    if not cm:
        return ParseFailure(reason=f"'Safety: {m.group(1)}' without a 'Categories:' line", raw=raw)
    note = cm.group(1).strip()
    answers = _binary_answers(asked, violated, confidence, note)
    if safety == "controversial":  # the named categories are a coin toss: the pack's bands decide
        answers = tuple(a.model_copy(update={"confidence": 0.5}) if a.violates else a for a in answers)
    return JudgeAnswer(answers=answers, manipulation_attempt=jailbreak, raw=raw)


def parse_yes_no(
    raw: str, category: str, *, yes_probability: float | None, confidence: float
) -> JudgeAnswer | ParseFailure:
    """ShieldGemma: the probability of "Yes" is the score; without one, the first word decides."""
    if yes_probability is not None:
        if not 0.0 <= yes_probability <= 1.0:
            return ParseFailure(reason=f"yes-probability {yes_probability} outside 0..1", raw=raw)
        violates = yes_probability >= 0.5
        conf = yes_probability if violates else 1.0 - yes_probability
        return JudgeAnswer(
            answers=(CategoryAnswer(category=category, violates=violates, confidence=conf),), raw=raw
        )
    word = re.match(r"\s*(yes|no)\b", raw, re.IGNORECASE)
    if not word:
        return ParseFailure(reason="answer does not start with Yes or No", raw=raw)
    violates = word.group(1).lower() == "yes"
    return JudgeAnswer(
        answers=(CategoryAnswer(category=category, violates=violates, confidence=confidence),), raw=raw
    )
