"""Statements of reasons (DSA Art. 17) in the EU DSA Transparency Database API format.

One statement per enforcement step (the actions applied together to one item by the machine, a
reviewer or an appeal), shaped exactly like the database's ``POST /api/v1/statement`` body and validated
here against its rules (enumerations, required-if fields, length limits, PUID characters), so an export
is refused by us, not by the database. Statements never carry the content itself or personal data: the
facts name the policy, the detection path and the decision path.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.policy import PolicyPack
from watchkeeper.types import Action, Item, ItemKind

__all__ = ["StatementOfReasons", "build_statement", "content_types"]

Visibility = Literal[
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
]
ContentType = Literal[
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
]

#: enforcement action -> the visibility restriction it is
VISIBILITY: dict[Action, Visibility] = {
    Action.REMOVE: "DECISION_VISIBILITY_CONTENT_REMOVED",
    Action.AGE_RESTRICT: "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    Action.LIMIT_REACH: "DECISION_VISIBILITY_CONTENT_DEMOTED",
    Action.LABEL: "DECISION_VISIBILITY_CONTENT_LABELLED",
}

_KIND_TYPES: dict[ItemKind, ContentType] = {
    ItemKind.IMAGE: "CONTENT_TYPE_IMAGE",
    ItemKind.VIDEO: "CONTENT_TYPE_VIDEO",
    ItemKind.LIVE_SEGMENT: "CONTENT_TYPE_VIDEO",
}


class StatementOfReasons(BaseModel):
    """The Transparency Database's statement body (field names and values as its API spells them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision_visibility: list[Visibility] | None = None
    decision_visibility_other: str | None = Field(default=None, max_length=500)
    decision_monetary: (
        Literal["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"]
        | None
    ) = None
    decision_provision: (
        Literal[
            "DECISION_PROVISION_PARTIAL_SUSPENSION",
            "DECISION_PROVISION_TOTAL_SUSPENSION",
            "DECISION_PROVISION_PARTIAL_TERMINATION",
            "DECISION_PROVISION_TOTAL_TERMINATION",
        ]
        | None
    ) = None
    decision_account: Literal["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"] | None = None
    account_type: Literal["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"] | None = None
    decision_ground: Literal["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"]
    decision_ground_reference_url: str | None = None
    illegal_content_legal_ground: str | None = Field(default=None, max_length=500)
    illegal_content_explanation: str | None = Field(default=None, max_length=2000)
    incompatible_content_ground: str | None = Field(default=None, max_length=500)
    incompatible_content_explanation: str | None = Field(default=None, max_length=2000)
    incompatible_content_illegal: Literal["Yes", "No"] | None = None
    content_type: list[ContentType] = Field(min_length=1)
    content_type_other: str | None = Field(default=None, max_length=500)
    category: str = Field(pattern=r"^STATEMENT_CATEGORY_[A-Z_]+$")
    territorial_scope: list[str] = Field(min_length=1)
    content_language: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    content_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    application_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    end_date_account_restriction: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    end_date_visibility_restriction: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    decision_facts: str = Field(min_length=1, max_length=5000)
    source_type: Literal[
        "SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"
    ]
    source_identity: str | None = Field(default=None, max_length=500)
    automated_detection: Literal["Yes", "No"]
    automated_decision: Literal[
        "AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"
    ]
    puid: str = Field(min_length=1, max_length=500, pattern=r"^[A-Za-z0-9_-]+$")

    @model_validator(mode="after")
    def _database_rules(self) -> StatementOfReasons:
        if not (
            self.decision_visibility
            or self.decision_monetary
            or self.decision_provision
            or self.decision_account
        ):
            raise ValueError("one of decision_visibility/_monetary/_provision/_account is required")
        visibility = self.decision_visibility or []
        if "DECISION_VISIBILITY_OTHER" in visibility and not self.decision_visibility_other:
            raise ValueError("decision_visibility_other is required with DECISION_VISIBILITY_OTHER")
        if self.decision_ground == "DECISION_GROUND_ILLEGAL_CONTENT":
            if not (self.illegal_content_legal_ground and self.illegal_content_explanation):
                raise ValueError("illegal content needs illegal_content_legal_ground and _explanation")
        elif not (self.incompatible_content_ground and self.incompatible_content_explanation):
            raise ValueError("incompatible content needs incompatible_content_ground and _explanation")
        if "CONTENT_TYPE_OTHER" in self.content_type and not self.content_type_other:
            raise ValueError("content_type_other is required with CONTENT_TYPE_OTHER")
        if self.content_date < "2000-01-01" or self.application_date < "2020-01-01":
            raise ValueError(
                "content_date must be on or after 2000-01-01, application_date on or after 2020-01-01"
            )
        for end in (self.end_date_account_restriction, self.end_date_visibility_restriction):
            if end is not None and end < self.application_date:
                raise ValueError("end dates must be on or after the application date")
        return self


def content_types(item: Item, *, synthetic: bool) -> list[ContentType]:
    types: list[ContentType] = [_KIND_TYPES.get(item.kind, "CONTENT_TYPE_TEXT")]
    if item.kind in (ItemKind.VIDEO, ItemKind.IMAGE, ItemKind.LIVE_SEGMENT) and item.text.strip():
        types.append("CONTENT_TYPE_TEXT")
    if synthetic:
        types.append("CONTENT_TYPE_SYNTHETIC_MEDIA")
    return sorted(set(types))


def _day(value: object, fallback: datetime) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
    return fallback.date().isoformat()


_SOURCES = {
    "user_report": "SOURCE_ARTICLE_16",
    "notice": "SOURCE_ARTICLE_16",
    "trusted_flagger": "SOURCE_TRUSTED_FLAGGER",
    "authority": "SOURCE_TYPE_OTHER_NOTIFICATION",
}


def build_statement(
    policy: PolicyPack,
    *,
    puid: str,
    item: Item,
    actions: tuple[Action, ...],
    category: str | None,
    step: Literal["automated", "review", "appeal", "strikes"],
    decided_at: datetime,
    decision_created_at: datetime,
    account_ends_at: datetime | None = None,
    synthetic: bool = False,
) -> StatementOfReasons:
    """The statement for one enforcement step. ``step`` says who decided: the machine alone
    (``automated``, ``strikes``) or a person (``review``, ``appeal``) after automated detection or a notice.

    Item metadata read: ``source`` (``user_report``/``notice``/``trusted_flagger``/``authority``; default:
    the platform's own initiative, i.e. automated detection), ``created_at`` (the content date),
    ``account_type`` (``business``/``private``)."""
    spec = policy.manifest.statements
    cat = policy.category(category) if category in policy.category_ids() else None
    notice = _SOURCES.get(str(item.metadata.get("source", "")).lower())
    automated_detection = notice is None
    person = step in ("review", "appeal")
    if not person:
        automated_decision = "AUTOMATED_DECISION_FULLY"
    elif automated_detection:
        automated_decision = "AUTOMATED_DECISION_PARTIALLY"
    else:
        automated_decision = "AUTOMATED_DECISION_NOT_AUTOMATED"
    visibility = [VISIBILITY[a] for a in actions if a in VISIBILITY]
    title = cat.title if cat else "platform rules"
    how = {
        "automated": "detected and decided by automated systems applying the policy",
        "strikes": "account restricted automatically after repeated violations within the strike period",
        "review": "flagged by automated systems and decided by a human moderator"
        if automated_detection
        else "reported by a notice and decided by a human moderator",
        "appeal": "decided by a human moderator on the user's appeal",
    }[step]
    facts = (
        f"The content was found to violate the '{title}' policy "
        f"(policy {policy.name} version {policy.version}); {how}."
    )
    account_type = str(item.metadata.get("account_type", "")).lower()
    language = (item.language or "").split("-")[0].upper()
    ground = spec.incompatible_content_ground.format(category=category or "", title=title)
    return StatementOfReasons(
        decision_visibility=visibility or None,
        decision_account="DECISION_ACCOUNT_SUSPENDED" if Action.SUSPEND_ACCOUNT in actions else None,
        end_date_account_restriction=account_ends_at.date().isoformat()
        if account_ends_at and Action.SUSPEND_ACCOUNT in actions
        else None,
        account_type={"business": "ACCOUNT_TYPE_BUSINESS", "private": "ACCOUNT_TYPE_PRIVATE"}.get(
            account_type
        ),  # type: ignore[arg-type]
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        decision_ground_reference_url=spec.ground_reference_url,
        incompatible_content_ground=ground[:500],
        incompatible_content_explanation=(
            cat.definition if cat else "The content breaks the platform's rules."
        )[:2000],
        content_type=content_types(item, synthetic=synthetic),
        category=spec.category_map.get(category or "", spec.fallback_category),
        territorial_scope=list(spec.territorial_scope),
        content_language=language if re.fullmatch(r"[A-Z]{2}", language) else None,
        content_date=_day(item.metadata.get("created_at"), decision_created_at),
        application_date=decided_at.date().isoformat(),
        decision_facts=facts[:5000],
        source_type=notice or "SOURCE_VOLUNTARY",  # type: ignore[arg-type]
        automated_detection="Yes" if automated_detection else "No",
        automated_decision=automated_decision,  # type: ignore[arg-type]
        puid=puid,
    )
