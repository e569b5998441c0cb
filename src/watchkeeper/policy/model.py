"""The policy pack as typed, frozen data.

A pack is a folder: ``pack.yaml`` (name, version, defaults, decision rules, link lists) and
``categories/<id>.yaml``, one file per harm category. The loader (:mod:`watchkeeper.policy.loader`)
turns the folder into a :class:`PolicyPack` or raises one :class:`~watchkeeper.errors.PolicyError`
listing every problem with file:line; these models only describe shapes and local invariants.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from watchkeeper.types import Action, ItemKind, Surface

__all__ = [
    "Band",
    "Category",
    "CategorySignals",
    "Examples",
    "ExceptionSpec",
    "LinkLists",
    "PackDefaults",
    "PackManifest",
    "PackRule",
    "PatternSpec",
    "PolicyPack",
    "RuleCondition",
    "TermSpec",
]

Score = Annotated[float, Field(ge=0.0, le=1.0)]


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"regex does not compile: {exc}") from exc
    return value


Regex = Annotated[str, Field(min_length=1), AfterValidator(_check_regex)]
CATEGORY_ID = r"^[a-z][a-z0-9_]{1,63}$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Model):
    """A confidence band: from ``min_score`` (inclusive) up to the next band's ``min_score``."""

    name: str = Field(min_length=1)
    min_score: Score
    actions: tuple[Action, ...] = Field(min_length=1)


class TermSpec(_Model):
    """A lexicon entry. ``term`` is matched on word boundaries over normalised text."""

    term: str = Field(min_length=1)
    score: Score | None = None  # None: the category's ``term_score``
    note: str | None = None


class PatternSpec(_Model):
    """A regular expression matched over normalised text (case-insensitive)."""

    id: str = Field(min_length=1)
    regex: Regex
    score: Score
    note: str | None = None


class ExceptionSpec(_Model):
    """An out-of-scope context. ``scope: match`` drops term and pattern matches that overlap it;
    ``scope: text`` drops every match of the category in a text part where it occurs."""

    id: str = Field(min_length=1)
    regex: Regex
    scope: Literal["match", "text"] = "match"
    note: str | None = None


class CategorySignals(_Model):
    """What the rules tier looks for in this category."""

    term_score: Score = 0.9
    terms: tuple[TermSpec, ...] = ()
    patterns: tuple[PatternSpec, ...] = ()
    domains: tuple[str, ...] = ()
    domain_score: Score = 0.9
    #: out-of-scope contexts: a term/pattern match inside one of these matches is dropped
    exceptions: tuple[ExceptionSpec, ...] = ()

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_from_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"term": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("domains")
    @classmethod
    def _domains_lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for d in value:
            if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", d.lower()):
                raise ValueError(f"{d!r} is not a domain name like 'example.com'")
        return tuple(d.lower() for d in value)


class Examples(_Model):
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


class Category(_Model):
    """One harm category: the written policy and how confidence maps to action."""

    id: str = Field(pattern=CATEGORY_ID)
    title: str = Field(min_length=1)
    severity: int = Field(ge=1, le=4)
    definition: str = Field(min_length=10)
    in_scope: tuple[str, ...] = Field(min_length=1)
    out_of_scope: tuple[str, ...] = ()
    examples: Examples = Examples()
    surfaces: tuple[Surface, ...] | Literal["all"] = "all"
    kinds: tuple[ItemKind, ...] | Literal["all"] = "all"
    #: score at or above which the category counts as violated (the binary verdict used in evaluation)
    violation_threshold: Score | None = None
    bands: tuple[Band, ...] = Field(min_length=1)
    #: what a detector error / timeout means for this category (never silently "allow")
    on_error: tuple[Action, ...] | None = None
    #: what "the model could not judge this content" means for this category
    on_unverified: tuple[Action, ...] | None = None
    #: a rules-tier score at or above this ends the cascade early (no costlier detector needed)
    stop_score: Score = 0.95
    signals: CategorySignals = CategorySignals()

    @field_validator("bands")
    @classmethod
    def _bands_ordered(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        mins = [b.min_score for b in bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bands must be listed from highest min_score to lowest, with distinct min_score")
        names = [b.name for b in bands]
        if len(set(names)) != len(names):
            raise ValueError("band names must be unique within a category")
        return bands

    def band_for(self, score: float) -> Band | None:
        """The band a score falls in, or None below the lowest band."""
        return next((b for b in self.bands if score >= b.min_score), None)

    def applies_to(self, surface: Surface, kind: ItemKind) -> bool:
        return (self.surfaces == "all" or surface in self.surfaces) and (
            self.kinds == "all" or kind in self.kinds
        )


class PackDefaults(_Model):
    violation_threshold: Score = 0.5
    on_error: tuple[Action, ...] = (Action.ESCALATE_TO_REVIEW,)
    on_unverified: tuple[Action, ...] = (Action.ESCALATE_TO_REVIEW,)


class RuleCondition(_Model):
    """All given conditions must hold. ``category``'s score is the decided (max) score."""

    category: str | None = None
    min_score: Score = 0.0
    max_score: Score = 1.0
    surfaces: tuple[Surface, ...] | None = None
    kinds: tuple[ItemKind, ...] | None = None
    detector: str | None = None  # a signal from this detector must be present (any category)
    min_author_strikes: int | None = Field(default=None, ge=0)  # reads item.metadata["author_strikes"]


class PackRule(_Model):
    """A decision rule on top of the bands. ``mode: shadow`` rules are recorded but never act."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str = ""
    when: RuleCondition
    actions: tuple[Action, ...] = Field(min_length=1)
    mode: Literal["live", "shadow"] = "live"


class LinkLists(_Model):
    """Lists the link/contact detector reads (see :mod:`watchkeeper.signals.rules.links`)."""

    shorteners: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()
    suspicious_tlds: tuple[str, ...] = ()
    solicitation_terms: tuple[str, ...] = ()
    money_terms: tuple[str, ...] = ()
    urgency_terms: tuple[str, ...] = ()


class PackManifest(_Model):
    """The contents of ``pack.yaml``."""

    name: str = Field(min_length=1)
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
    description: str = ""
    defaults: PackDefaults = PackDefaults()
    rules: tuple[PackRule, ...] = ()
    links: LinkLists = LinkLists()


class PolicyPack(_Model):
    """A whole, validated pack. Only :func:`watchkeeper.policy.load_pack` should build one from files."""

    manifest: PackManifest
    categories: tuple[Category, ...]
    source: str = "<memory>"

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def threshold(self, category: Category) -> float:
        if category.violation_threshold is not None:
            return category.violation_threshold
        return self.manifest.defaults.violation_threshold

    def on_error(self, category: Category) -> tuple[Action, ...]:
        return category.on_error if category.on_error is not None else self.manifest.defaults.on_error

    def on_unverified(self, category: Category) -> tuple[Action, ...]:
        if category.on_unverified is not None:
            return category.on_unverified
        return self.manifest.defaults.on_unverified
