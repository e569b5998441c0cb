"""Domain types shared by every stage of the pipeline.

Everything here is a frozen pydantic model: results are values, never tuples or dicts, so they can be
hashed, compared, logged and serialised to JSON the same way everywhere (CLI, API, audit log).

Score contract: every ``score`` in this module is a probability-like confidence in ``[0, 1]`` that the
content violates the named category (1 = certainly violating). Validation rejects anything outside.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

__all__ = [
    "ACTION_SEVERITY",
    "Action",
    "CategoryVerdict",
    "Decision",
    "DetectorStatus",
    "Evidence",
    "FiredRule",
    "Item",
    "ItemKind",
    "MediaRef",
    "Signal",
    "Surface",
    "Verdict",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemKind(StrEnum):
    """What kind of content an item is; detectors declare which kinds they read."""

    TEXT = "text"
    COMMENT = "comment"
    POST = "post"
    SEARCH_QUERY = "search_query"
    IMAGE = "image"
    VIDEO = "video"
    LIVE_SEGMENT = "live_segment"
    MESSAGE = "message"


class Surface(StrEnum):
    """Where on the platform the content appears (policy can scope categories to surfaces)."""

    FEED = "feed"
    COMMENTS = "comments"
    DM = "dm"
    SEARCH = "search"
    LIVE = "live"
    PROFILE = "profile"
    ADS = "ads"
    OTHER = "other"


class Action(StrEnum):
    """The enforcement vocabulary. Spelling here is the wire format (JSON, API, audit log)."""

    ALLOW = "allow"
    LABEL = "label"
    AGE_RESTRICT = "age_restrict"
    LIMIT_REACH = "limit_reach"  # not eligible for recommendation
    ESCALATE_TO_REVIEW = "escalate_to_review"
    REMOVE = "remove"
    SUSPEND_ACCOUNT = "suspend_account"


#: Ordering used to pick the primary (most restrictive) action of a decision.
ACTION_SEVERITY: dict[Action, int] = {
    Action.ALLOW: 0,
    Action.LABEL: 1,
    Action.LIMIT_REACH: 2,
    Action.AGE_RESTRICT: 3,
    Action.ESCALATE_TO_REVIEW: 4,
    Action.REMOVE: 5,
    Action.SUSPEND_ACCOUNT: 6,
}


class DetectorStatus(StrEnum):
    """A run status, not a verdict: an ``error`` never means "allow"."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"
    UNVERIFIED = "unverified"  # ran, but cannot judge this content (language, length, media)


class MediaRef(_Frozen):
    """A pointer to media the item carries (a file path or URL), never the bytes themselves."""

    uri: str
    mime_type: str | None = None
    sha256: str | None = None


class Item(_Frozen):
    """One piece of content to moderate.

    ``text`` is the main user-written text (post body, comment, query, message). ``fields`` holds other
    named text parts (caption, title, description, bio) that detectors also read.
    """

    id: str = Field(min_length=1, max_length=512)
    kind: ItemKind = ItemKind.TEXT
    text: str = Field(default="", max_length=1_000_000)
    fields: dict[str, str] = Field(default_factory=dict)
    media: tuple[MediaRef, ...] = ()
    author_id: str | None = None
    surface: Surface = Surface.OTHER
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def texts(self) -> list[tuple[str, str]]:
        """All text parts as ``(field name, text)``; ``"text"`` first, empty parts left out."""
        parts = [("text", self.text)] if self.text else []
        parts.extend((name, value) for name, value in self.fields.items() if value)
        return parts

    def content_hash(self) -> str:
        """Stable hash of the judged content (text parts and media), for caching and idempotency."""
        h = hashlib.sha256()
        for name, value in self.texts():
            h.update(name.encode() + b"\x00" + value.encode() + b"\x01")
        for m in self.media:
            h.update(b"media\x00" + (m.sha256 or m.uri).encode() + b"\x01")
        return h.hexdigest()


class Evidence(_Frozen):
    """Why a signal fired: a span of what the user actually wrote (original offsets), or a timecode."""

    field: str = "text"
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    excerpt: str | None = None
    matched: str | None = None  # the normalised form / term / pattern that matched
    timecode_s: float | None = Field(default=None, ge=0)
    frame_index: int | None = Field(default=None, ge=0)
    note: str | None = None


class Signal(_Frozen):
    """One detector's opinion about one category. Build with the named constructors."""

    detector: str
    category: str
    score: float = Field(ge=0.0, le=1.0)
    status: DetectorStatus = DetectorStatus.OK
    evidence: tuple[Evidence, ...] = ()
    rule: str | None = None  # the rule / term id inside the detector that produced it
    message: str | None = None  # for error / timeout / skipped / unverified
    latency_ms: float | None = Field(default=None, ge=0)
    #: an adjudicating signal (the LLM judge's verdict on a category it was asked about) replaces the
    #: cheap tiers' score for that category instead of joining their maximum
    adjudication: bool = False

    @classmethod
    def ok(
        cls,
        detector: str,
        category: str,
        score: float,
        evidence: tuple[Evidence, ...] | list[Evidence] = (),
        rule: str | None = None,
    ) -> Signal:
        return cls(detector=detector, category=category, score=score, evidence=tuple(evidence), rule=rule)

    @classmethod
    def judged(
        cls,
        detector: str,
        category: str,
        score: float,
        evidence: tuple[Evidence, ...] | list[Evidence] = (),
        rule: str | None = None,
    ) -> Signal:
        """An adjudicating verdict: the category's score becomes this one (see ``adjudication``)."""
        return cls(
            detector=detector,
            category=category,
            score=score,
            evidence=tuple(evidence),
            rule=rule,
            adjudication=True,
        )

    @classmethod
    def error(cls, detector: str, message: str, category: str = "*") -> Signal:
        return cls(
            detector=detector, category=category, score=0.0, status=DetectorStatus.ERROR, message=message
        )

    @classmethod
    def timeout(cls, detector: str, message: str = "timed out", category: str = "*") -> Signal:
        return cls(
            detector=detector, category=category, score=0.0, status=DetectorStatus.TIMEOUT, message=message
        )

    @classmethod
    def skipped(cls, detector: str, message: str, category: str = "*") -> Signal:
        return cls(
            detector=detector, category=category, score=0.0, status=DetectorStatus.SKIPPED, message=message
        )

    @classmethod
    def unverified(cls, detector: str, message: str, category: str = "*") -> Signal:
        return cls(
            detector=detector, category=category, score=0.0, status=DetectorStatus.UNVERIFIED, message=message
        )

    @property
    def is_ok(self) -> bool:
        return self.status is DetectorStatus.OK


class Verdict(StrEnum):
    VIOLATING = "violating"
    BORDERLINE = "borderline"  # a band acted (e.g. limit_reach / review) but below the violation threshold
    CLEAR = "clear"
    UNCERTAIN = "uncertain"  # a detector errored or could not judge; the policy routed it


class CategoryVerdict(_Frozen):
    category: str
    verdict: Verdict
    score: float = Field(ge=0.0, le=1.0)
    severity: int = Field(ge=1, le=4)
    band: str | None = None
    actions: tuple[Action, ...] = ()
    signals: tuple[Signal, ...] = ()


class FiredRule(_Frozen):
    """A decision rule (band or pack rule) that matched; shadow rules are recorded but never act."""

    name: str
    category: str | None = None
    actions: tuple[Action, ...] = ()
    shadow: bool = False
    reason: str = ""


class Decision(_Frozen):
    """The outcome for one item: what to do, why, and under which policy version."""

    item_id: str
    content_hash: str
    policy_name: str
    policy_version: str
    actions: tuple[Action, ...]
    verdicts: tuple[CategoryVerdict, ...] = ()
    fired_rules: tuple[FiredRule, ...] = ()
    shadow_rules: tuple[FiredRule, ...] = ()
    rationale: str = ""
    automated: bool = True
    signals: tuple[Signal, ...] = ()
    decided_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def primary_action(self) -> Action:
        """The most restrictive action (``allow`` when there is none)."""
        if not self.actions:
            return Action.ALLOW
        return max(self.actions, key=lambda a: ACTION_SEVERITY[a])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def flagged(self) -> bool:
        """True when any category verdict is ``violating`` (the binary target used in evaluation)."""
        return any(v.verdict is Verdict.VIOLATING for v in self.verdicts)

    def verdict_for(self, category: str) -> CategoryVerdict | None:
        return next((v for v in self.verdicts if v.category == category), None)
