"""The LLM judge: reads the written policy and the content, only for what the cheap tiers are unsure of.

Routing (:func:`route`, pure): for each category that applies to the item, the judge is asked when the
cheap tiers' best score is inside the pack's uncertain band, when the category is severe enough to
always deserve a second look and some signal reached the severe floor, or when a cheap tier could not
judge the item or failed. Confident scores (at or above the band) and clear items never reach it.

Authority: the judge's verdict on a category it was asked about *replaces* the cheap tiers' score
(an adjudicating signal), so an LLM that understands counter-speech can clear what a keyword flagged —
except when the item tried to manipulate moderation (a ``moderation_evasion`` signal from the rules
tier, or the judge itself reporting the attempt). Then the judge's signals are ordinary evidence that can
only raise a score, so an injected "output safe" can never flip a verdict.

Failure: an unavailable judge (budget, circuit open, retries spent, time budget) or an answer that does
not parse yields ``error`` signals for the categories asked, with the raw output kept in the evidence;
the pack's ``on_error`` sends them to people.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.errors import JudgeUnavailableError
from watchkeeper.policy import PolicyPack
from watchkeeper.policy.prompt import JudgeFormat, JudgeRequest, render_judge_request, request_key
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.llm.backends import BackendReply
from watchkeeper.signals.llm.client import JudgeClient, ReplyCache
from watchkeeper.signals.llm.parse import (
    JudgeAnswer,
    ParseFailure,
    parse_json_answer,
    parse_llama_guard,
    parse_qwen3guard,
    parse_yes_no,
)
from watchkeeper.types import DetectorStatus, Evidence, Item, Signal

__all__ = ["JudgeOutcome", "LLMJudgeDetector", "Route", "route"]

_FAILED = frozenset({DetectorStatus.ERROR, DetectorStatus.TIMEOUT})
#: a manipulation signal at or above this takes the judge's authority away for the item
MANIPULATION_MIN_SCORE = 0.5
#: raw model output kept in a failure signal's evidence (for debugging), in characters
RAW_KEPT_CHARS = 4000


@dataclass(frozen=True)
class Route:
    """Which categories the judge is asked about, and why (category -> reason)."""

    categories: tuple[str, ...]
    reasons: dict[str, str]


def route(policy: PolicyPack, item: Item, prior: Sequence[Signal]) -> Route:
    spec = policy.manifest.judge
    chosen: dict[str, str] = {}
    by_category: dict[str, list[Signal]] = {}
    for s in prior:
        by_category.setdefault(s.category, []).append(s)
    wildcard = by_category.get("*", [])
    for cat in policy.categories:
        if not cat.applies_to(item.surface, item.kind) or cat.id == spec.manipulation_category:
            continue
        own = by_category.get(cat.id, [])
        mine = own + wildcard
        ok = [s.score for s in own if s.is_ok]
        score = max(ok, default=0.0)
        low, high = policy.judge_band(cat)
        if score >= high:
            continue  # the cheap tiers are confident
        if ok and score >= low:
            chosen[cat.id] = f"score {score:.2f} in the uncertain band [{low:.2f}, {high:.2f})"
        elif policy.judge_always(cat) and score >= spec.severe_floor:
            chosen[cat.id] = f"severity {cat.severity} category with score {score:.2f}"
        elif spec.on_unverified and any(s.status is DetectorStatus.UNVERIFIED for s in mine):
            chosen[cat.id] = "a cheap tier could not judge the content"
        elif spec.on_error and any(s.status in _FAILED for s in mine):
            chosen[cat.id] = "a cheap tier failed"
    return Route(tuple(chosen), chosen)


@dataclass(frozen=True)
class JudgeOutcome:
    """What one judge run produced, for callers that want more than signals (the labeller)."""

    signals: tuple[Signal, ...]
    answers: tuple[JudgeAnswer, ...]
    failures: tuple[ParseFailure | str, ...]
    calls: int
    cached: int


class LLMJudgeDetector:
    """The judge as a cascade detector (cost 100: after rules and small models)."""

    cost = 100
    kinds = None
    categories = None

    def __init__(
        self,
        policy: PolicyPack,
        client: JudgeClient | None,
        *,
        fmt: JudgeFormat = JudgeFormat.WATCHKEEPER,
        cache: ReplyCache | None = None,
        timeout_s: float = 30.0,
        max_tokens: int = 512,
        name: str = "judge",
    ) -> None:
        self.name = name
        self.policy = policy
        self.client = client
        self.fmt = fmt
        self.cache = cache
        self.judge_timeout_s = timeout_s
        #: the cascade's budget for this detector: the judge's own budget plus a margin, so the judge
        #: reports its own failure (with reasons) before the cascade gives up on it
        self.timeout_s = timeout_s + 2.0
        self.max_tokens = max_tokens

    def warm_up(self) -> None:
        backend = self.client.backend if self.client else None
        warm = getattr(backend, "warm_up", None)
        if callable(warm):
            warm()

    @property
    def model(self) -> str:
        return self.client.backend.model if self.client else "none"

    def ready(self, item: Item, ctx: DetectContext) -> bool:
        """With no backend there is nothing slow to wait for: routing alone runs, in line."""
        return self.client is None

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        r = route(self.policy, item, ctx.prior)
        if not r.categories:
            return [Signal.skipped(self.name, "not needed: the cheap tiers were confident or found nothing")]
        if self.client is None:
            return [
                Signal.skipped(
                    self.name, f"no LLM backend configured ({len(r.categories)} uncertain categories)"
                )
            ]
        return list(self.judge(item, r.categories, prior=ctx.prior).signals)

    def _manipulated(self, prior: Sequence[Signal]) -> bool:
        cat = self.policy.manifest.judge.manipulation_category
        return any(s.is_ok and s.category == cat and s.score >= MANIPULATION_MIN_SCORE for s in prior)

    def judge(self, item: Item, categories: Sequence[str], *, prior: Sequence[Signal] = ()) -> JudgeOutcome:
        """Ask the model about ``categories`` of ``item`` (no routing) and turn the answers into signals."""
        assert self.client is not None
        deadline = time.monotonic() + self.judge_timeout_s
        requests = render_judge_request(
            self.policy, item, tuple(categories), self.fmt, max_tokens=self.max_tokens
        )
        manipulated = self._manipulated(prior)
        signals: list[Signal] = []
        answers: list[JudgeAnswer] = []
        failures: list[ParseFailure | str] = []
        calls = cached = 0
        for req in requests:
            key = request_key(req, self.client.backend.model, self.policy.version)
            reply = self.cache.get(key) if self.cache is not None else None
            fresh = reply is None
            if reply is None:
                try:
                    calls += 1
                    reply = self.client.complete(req, timeout_s=max(0.01, deadline - time.monotonic()))
                except JudgeUnavailableError as exc:
                    failures.append(str(exc))
                    signals.extend(
                        Signal.error(self.name, f"LLM judge unavailable: {exc}", category=c)
                        for c in req.categories
                    )
                    continue
            else:
                cached += 1
            parsed = self._parse(req, reply, item)
            if isinstance(parsed, ParseFailure):
                failures.append(parsed)
                signals.extend(self._failure(c, parsed) for c in req.categories)
                continue
            if fresh and self.cache is not None:
                self.cache.put(key, reply)
            answers.append(parsed)
            signals.extend(self._signals(parsed, authoritative=not manipulated))
        return JudgeOutcome(tuple(signals), tuple(answers), tuple(failures), calls, cached)

    def _parse(self, req: JudgeRequest, reply: BackendReply, item: Item) -> JudgeAnswer | ParseFailure:
        spec = self.policy.manifest.judge
        if req.format in (JudgeFormat.WATCHKEEPER, JudgeFormat.GPT_OSS_SAFEGUARD):
            content = "\n".join(t for _, t in item.texts())
            return parse_json_answer(reply.text, req.categories, content=content)
        if req.format is JudgeFormat.SHIELDGEMMA:
            return parse_yes_no(
                reply.text,
                req.categories[0],
                yes_probability=reply.yes_probability,
                confidence=spec.text_answer_confidence,
            )
        word = reply.text.strip().split("\n", 1)[0].strip().lower()
        probs = {k.lower(): v for k, v in reply.first_token_probs.items()}
        conf = spec.text_answer_confidence
        if req.format is JudgeFormat.LLAMA_GUARD:
            p_safe, p_unsafe = probs.get("safe", 0.0), probs.get("unsafe", 0.0)
            if p_safe + p_unsafe > 0 and word in ("safe", "unsafe"):
                conf = (p_safe if word == "safe" else p_unsafe) / (p_safe + p_unsafe)
            return parse_llama_guard(reply.text, req.categories, spec.hazard_map, confidence=conf)
        return parse_qwen3guard(reply.text, req.categories, spec.hazard_map, confidence=conf)

    def _failure(self, category: str, failure: ParseFailure) -> Signal:
        return Signal(
            detector=self.name,
            category=category,
            score=0.0,
            status=DetectorStatus.ERROR,
            message=f"LLM answer failed closed: {failure.reason}",
            evidence=(Evidence(field="llm_output", note=failure.raw[:RAW_KEPT_CHARS]),),
        )

    def _signals(self, answer: JudgeAnswer, *, authoritative: bool) -> list[Signal]:
        spec = self.policy.manifest.judge
        authoritative = authoritative and spec.authoritative and not answer.manipulation_attempt
        out: list[Signal] = []
        for a in answer.answers:
            evidence = (
                Evidence(
                    field="llm_rationale",
                    matched=a.policy_section or None,
                    note=(a.rationale or ("violates" if a.violates else "does not violate"))[:400],
                ),
            )
            make = Signal.judged if authoritative else Signal.ok
            out.append(
                make(self.name, a.category, round(a.score, 6), evidence, rule=a.policy_section or None)
            )
        manip = spec.manipulation_category
        if answer.manipulation_attempt and manip and manip in self.policy.category_ids():
            out.append(
                Signal.ok(
                    self.name,
                    manip,
                    0.9,
                    [
                        Evidence(
                            field="llm_rationale",
                            note="the judge reported an attempt to manipulate moderation",
                        )
                    ],
                    rule="manipulation_attempt",
                )
            )
        return out
