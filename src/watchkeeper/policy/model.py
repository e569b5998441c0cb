"""The policy pack as typed, frozen data.

A pack is a folder: ``pack.yaml`` (name, version, defaults, decision rules, link lists) and
``categories/<id>.yaml``, one file per harm category. The loader (:mod:`watchkeeper.policy.loader`)
turns the folder into a :class:`PolicyPack` or raises one :class:`~watchkeeper.errors.PolicyError`
listing every problem with file:line; these models only describe shapes and local invariants.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from watchkeeper.types import Action, ItemKind, Surface

__all__ = [
    "DSA_CATEGORIES",
    "Band",
    "BankSpec",
    "Category",
    "CategoryJudge",
    "CategorySignals",
    "EnforcementSpec",
    "Examples",
    "ExceptionSpec",
    "JudgeSpec",
    "LinkLists",
    "PackDefaults",
    "PackManifest",
    "PackRule",
    "PatternSpec",
    "PolicyPack",
    "QueueSpec",
    "ReviewSpec",
    "RuleCondition",
    "StatementsSpec",
    "TermSpec",
    "expand_vocabularies",
    "vocabulary_regex",
]

Score = Annotated[float, Field(ge=0.0, le=1.0)]


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"regex does not compile: {exc}") from exc
    return value


Regex = Annotated[str, Field(min_length=1), AfterValidator(_check_regex)]
VOCABULARY_NAME = r"^[a-z][a-z0-9_]{0,63}$"
#: ``{{name}}`` in a pattern's or exception's regex: the pack's vocabulary of that name
VOCABULARY_REF = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")


def vocabulary_regex(words: tuple[str, ...]) -> str:
    """A non-capturing alternation matching any of ``words`` literally (case-folded; a space in a word
    matches any run of whitespace), longest first so that "trans people" wins over "trans"."""
    alts = sorted({w.casefold() for w in words}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in alts) + ")"


def expand_vocabularies(regex: str, vocabularies: dict[str, tuple[str, ...]] | None) -> str:
    """``regex`` with every ``{{name}}`` replaced by :func:`vocabulary_regex` of that vocabulary.

    ``vocabularies=None`` means the pack's vocabularies are unknown (pack.yaml failed to load): each
    reference becomes a placeholder so the rest of the expression is still checked, without a second
    error about a name that may well exist."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if vocabularies is None:
            return "(?:_)"
        if name not in vocabularies:
            known = ", ".join(sorted(vocabularies)) or "none (add a vocabularies: section to pack.yaml)"
            raise ValueError(f"unknown vocabulary {{{{{name}}}}}; known vocabularies: {known}")
        return vocabulary_regex(vocabularies[name])

    return VOCABULARY_REF.sub(sub, regex)


def _expand_in_context(value: object, info: ValidationInfo) -> object:
    """Field validator body for a regex that may name vocabularies; the loader passes the pack's
    vocabularies as validation context (``{"vocabularies": {...} | None}``)."""
    if not isinstance(value, str) or not VOCABULARY_REF.search(value):
        return value
    ctx = info.context if isinstance(info.context, dict) else {}
    return expand_vocabularies(value, ctx.get("vocabularies", {}))


CATEGORY_ID = r"^[a-z][a-z0-9_]{1,63}$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Model):
    """A confidence band: from ``min_score`` (inclusive) up to the next band's ``min_score``."""

    name: str = Field(min_length=1)
    min_score: Score
    actions: tuple[Action, ...] = Field(min_length=1)
    #: the detectors (by name: ``rules``, ``hashes``, ``judge``, ``classifier``, ``examples``...)
    #: whose scores may place an item in this band; None means any. A score from another detector
    #: falls to the highest lower band it may reach. This is for evidence the policy will not act on
    #: alone: a classifier that cannot tell a cry for help from promotion may send self-harm to
    #: support and review, while removal needs a rule or the judge. The category's score, and so
    #: the violation verdict, is still the highest score.
    detectors: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.+-]*$")], ...] | None = Field(
        default=None, min_length=1
    )

    def admits(self, detector: str) -> bool:
        """Whether a score from ``detector`` may place an item in this band."""
        return self.detectors is None or detector in self.detectors


class TermSpec(_Model):
    """A lexicon entry. ``term`` is matched on word boundaries over normalised text."""

    term: str = Field(min_length=1)
    score: Score | None = None  # None: the category's ``term_score``
    note: str | None = None


class PatternSpec(_Model):
    """A regular expression matched over normalised text (case-insensitive). ``{{name}}`` in it stands
    for the pack's vocabulary of that name (``vocabularies:`` in pack.yaml), expanded at load."""

    id: str = Field(min_length=1)
    regex: Regex
    score: Score
    note: str | None = None

    _vocabularies = field_validator("regex", mode="before")(_expand_in_context)


class ExceptionSpec(_Model):
    """An out-of-scope context. ``scope: match`` drops term and pattern matches that overlap it;
    ``scope: text`` drops every match of the category in a text part where it occurs. With
    ``holds_models`` (``scope: text`` only) the category's classifier and example-matching scores
    for that text part are also held just below its lowest band, as a near-copy of a negative
    example's are: for a context the models misread as a whole (harm the writer means to do to
    themselves, read by the violence head as a threat). ``hold_below`` names one of the category's
    bands to hold them just below instead, so the bands under it stay reachable (a recovery story
    keeps self_harm's resources label but not its review). ``keeps_rules`` (with ``holds_models``)
    holds the models only and leaves the category's term and pattern matches standing: for a context
    the models misread that a slur or a pattern still makes violating ("pit bulls are dangerous
    animals" is not hate; the same sentence with a slur in it is)."""

    id: str = Field(min_length=1)
    regex: Regex
    scope: Literal["match", "text"] = "match"
    holds_models: bool = False
    hold_below: str | None = Field(default=None, min_length=1)
    keeps_rules: bool = False
    note: str | None = None

    _vocabularies = field_validator("regex", mode="before")(_expand_in_context)

    @model_validator(mode="after")
    def _models_need_text_scope(self) -> ExceptionSpec:
        if self.holds_models and self.scope != "text":
            raise ValueError("holds_models needs scope: text (the models score a whole text part)")
        if self.hold_below is not None and not self.holds_models:
            raise ValueError("hold_below needs holds_models: true (it says where the held scores go)")
        if self.keeps_rules and not self.holds_models:
            raise ValueError("keeps_rules needs holds_models: true (else the exception would do nothing)")
        return self


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


class CategoryJudge(_Model):
    """Per-category override of when the LLM judge is asked (see :class:`JudgeSpec`)."""

    min_score: Score | None = None
    max_score: Score | None = None
    #: ask the judge whenever any cheap-tier signal for this category reaches ``JudgeSpec.severe_floor``
    always: bool | None = None


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
    #: False: the binary violating head's score is never given to this category, neither by its
    #: examples being nearest nor by one of its rules firing (its examples still make the example-
    #: matching signal). For a harm that is a frame around other content, which the violating head was
    #: trained to look through (a jailbreak persona wrapped around a request): the head measures the
    #: request inside, so its score belongs to the request's own category
    violating_head: bool = True
    signals: CategorySignals = CategorySignals()
    judge: CategoryJudge = CategoryJudge()

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

    @cached_property
    def gated(self) -> bool:
        """Whether some band admits only some detectors (:attr:`Band.detectors`)."""
        return any(b.detectors is not None for b in self.bands)

    def held_score(self, exception: ExceptionSpec | None = None) -> float:
        """Where a held model score goes: just below the band ``exception.hold_below`` names, else
        just below the lowest band (a near-copy of a negative example, or an exception without it)."""
        band = next((b for b in self.bands if exception and b.name == exception.hold_below), None)
        floor = band.min_score if band is not None else min(b.min_score for b in self.bands)
        return max(0.0, round(floor - 0.01, 4))

    def band_for(self, score: float) -> Band | None:
        """The band a score falls in, or None below the lowest band (whatever the bands'
        ``detectors``: the decision applies those, :mod:`watchkeeper.decide.engine`)."""
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
    #: a known-bad media match from this hash bank (see ``banks:``)
    bank: str | None = None
    #: ``category``'s band must be one of these: the band the decision placed it in, after the
    #: bands' ``detectors`` (so a rule can act only where a rule, a hash match or the judge did)
    bands: tuple[str, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _bands_need_category(self) -> RuleCondition:
        if self.bands is not None and self.category is None:
            raise ValueError("bands needs category: the bands are that category's")
        return self


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
    #: domains a platform rewrites every link into (X's ``t.co``): the poster did not choose them, so a
    #: link through one is a link, not a shortener hiding where it goes
    wrappers: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()
    suspicious_tlds: tuple[str, ...] = ()
    solicitation_terms: tuple[str, ...] = ()
    money_terms: tuple[str, ...] = ()
    urgency_terms: tuple[str, ...] = ()


#: MLCommons hazard taxonomy codes (Llama Guard 3/4) -> this pack's default categories
DEFAULT_HAZARD_MAP: dict[str, tuple[str, ...]] = {
    "S1": ("violence",),  # violent crimes
    "S2": ("criminal_activity", "scam_fraud"),  # non-violent crimes (fraud, scams, hacking, ...)
    "S3": ("sexual",),  # sex-related crimes
    "S4": ("sexual_minors",),  # child sexual exploitation
    "S5": (),  # defamation: no category of its own here
    "S6": ("dangerous_acts",),  # specialized advice (dangerous medical, financial, ...)
    "S7": (),  # privacy
    "S8": ("intellectual_property",),  # intellectual property
    "S9": ("violence", "extremism"),  # indiscriminate weapons (CBRNE)
    "S10": ("hate",),  # hate
    "S11": ("self_harm",),  # suicide and self-harm
    "S12": ("sexual",),  # sexual content
    "S13": ("misinformation",),  # elections
    "S14": (),  # code interpreter abuse
    # Qwen3Guard's category names
    "Violent": ("violence",),
    "Non-violent Illegal Acts": ("criminal_activity", "scam_fraud"),
    "Sexual Content or Sexual Acts": ("sexual",),
    "PII": (),
    "Suicide & Self-Harm": ("self_harm",),
    "Unethical Acts": (),
    "Politically Sensitive Topics": (),
    "Copyright Violation": ("intellectual_property",),
    "Jailbreak": (),  # read as a manipulation attempt, not as a category
}


class JudgeSpec(_Model):
    """When the LLM judge reads an item, and how guard models' own taxonomies map onto this pack.

    The judge is asked about a category when the cheap tiers' score for it falls in the uncertain band
    ``[min_score, max_score)``, when the category's severity is at least ``always_severity`` and some
    cheap-tier score reached ``severe_floor``, or when a cheap tier could not judge the item
    (``on_unverified``) or failed (``on_error``). Scores at or above ``max_score`` are confident
    already; below ``min_score`` (and below the severe floor) the item is clear without the judge.
    """

    min_score: Score = 0.25
    max_score: Score = 0.85
    always_severity: int = Field(default=4, ge=1, le=5)  # 5: no category is always judged
    severe_floor: Score = 0.1
    on_unverified: bool = True
    on_error: bool = True
    #: the judge's verdict replaces the cheap tiers' score for the categories it was asked about,
    #: unless the item tried to manipulate moderation (then the judge can only raise a score)
    authoritative: bool = True
    #: the category that records attempts to manipulate moderation (prompt injection, fake verdicts)
    manipulation_category: str | None = "moderation_evasion"
    #: the judge's confidence when a guard model answers in words with no probability to read
    text_answer_confidence: Score = 0.8
    #: guard-model hazard code (e.g. Llama Guard's ``S10``) -> categories of this pack
    hazard_map: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_HAZARD_MAP))

    @field_validator("max_score")
    @classmethod
    def _band_not_empty(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min_score")
        if low is not None and value <= low:
            raise ValueError("max_score must be above min_score")
        return value


class QueueSpec(_Model):
    """A review queue. A case goes to the first queue whose filters all match its top category, the
    item's surface and its language; an empty filter matches everything."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = ""
    categories: tuple[str, ...] = ()
    surfaces: tuple[Surface, ...] = ()
    languages: tuple[str, ...] = ()
    #: time from the case opening to its SLA deadline
    sla_minutes: int = Field(default=24 * 60, ge=1)

    def matches(self, category: str | None, surface: Surface, language: str | None) -> bool:
        return (
            (not self.categories or category in self.categories)
            and (not self.surfaces or surface in self.surfaces)
            and (not self.languages or (language or "").lower() in {x.lower() for x in self.languages})
        )


class ReviewSpec(_Model):
    """Review queues, claims, quality sampling and appeals."""

    queues: tuple[QueueSpec, ...] = ()
    #: cases no queue matches go here
    default_queue: QueueSpec = QueueSpec(id="general", title="General review")
    appeals_queue: QueueSpec = QueueSpec(id="appeals", title="Appeals", sla_minutes=7 * 24 * 60)
    #: a claim not decided within this time returns the case to its queue
    claim_ttl_s: int = Field(default=15 * 60, ge=10)
    #: share of human-reviewed cases sent to a second, different reviewer for quality (kappa)
    qa_sample_rate: Score = 0.1
    #: views per hour at which reach doubles a case's priority (views and velocity from item.metadata)
    reach_views_per_hour: float = Field(default=1000.0, gt=0)


class EnforcementSpec(_Model):
    """Account strikes: a removal under a category of at least ``strike_min_severity`` gives the author a
    strike that expires after ``strike_expiry_days``; ``suspend_at`` active strikes suspend the account."""

    strike_actions: tuple[Action, ...] = (Action.REMOVE,)
    strike_min_severity: int = Field(default=2, ge=1, le=4)
    strike_expiry_days: int = Field(default=90, ge=1)
    suspend_at: int = Field(default=3, ge=1)
    suspension_days: int | None = Field(default=30, ge=1)  # None: indefinite


_DSA_CATEGORY = Literal[
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS_OR_SERVICES",
    "STATEMENT_CATEGORY_VIOLENCE",
]
#: the DSA Transparency Database's statement categories (API ``category`` values)
DSA_CATEGORIES: tuple[str, ...] = get_args(_DSA_CATEGORY)


class StatementsSpec(_Model):
    """How decisions become EU DSA statements of reasons (Transparency Database API format)."""

    #: this pack's category -> the database's statement category
    category_map: dict[str, _DSA_CATEGORY] = Field(default_factory=dict)
    fallback_category: _DSA_CATEGORY = "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
    #: ISO 3166 codes of the EU/EEA states where the decision applies
    territorial_scope: tuple[str, ...] = (
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    )  # fmt: skip
    #: the terms-of-service text relied on (``incompatible_content_ground``); {category} and {title} fill in
    incompatible_content_ground: str = "Community Guidelines: {title}"
    ground_reference_url: str | None = None

    @field_validator("territorial_scope")
    @classmethod
    def _iso_codes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad or not codes:
            raise ValueError(f"territorial_scope needs two-letter country codes (e.g. DE), got {bad or '[]'}")
        return codes


class BankSpec(_Model):
    """A named hash bank of known-bad media. Its entries (PDQ hashes) live in the database
    (``watchkeeper banks``); the pack says what a match means: the category it scores (``score``, so
    the category's bands act) and, optionally, actions taken on any match whatever the bands say."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = ""
    category: str
    score: Score = 1.0
    actions: tuple[Action, ...] = ()
    #: a stricter distance than the standard 31 for this bank (PDQ: 0-31)
    max_distance: int = Field(default=31, ge=0, le=31)
    min_quality: int = Field(default=50, ge=0, le=100)


class PackManifest(_Model):
    """The contents of ``pack.yaml``."""

    name: str = Field(min_length=1)
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
    description: str = ""
    defaults: PackDefaults = PackDefaults()
    rules: tuple[PackRule, ...] = ()
    links: LinkLists = LinkLists()
    judge: JudgeSpec = JudgeSpec()
    review: ReviewSpec = ReviewSpec()
    enforcement: EnforcementSpec = EnforcementSpec()
    statements: StatementsSpec = StatementsSpec()
    banks: tuple[BankSpec, ...] = ()
    #: named word lists that category patterns and exceptions use as ``{{name}}``: one list of the
    #: groups the hate policy protects, say, instead of a copy inside every pattern
    vocabularies: dict[str, tuple[str, ...]] = {}

    @field_validator("vocabularies")
    @classmethod
    def _vocabularies_valid(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, words in value.items():
            if not re.fullmatch(VOCABULARY_NAME, name):
                raise ValueError(f"vocabulary name {name!r} must be lower case letters, digits and _")
            if not words:
                raise ValueError(f"vocabulary {name!r} is empty")
            blank = [w for w in words if not w.strip()]
            if blank:
                raise ValueError(f"vocabulary {name!r} has an empty word")
        return {name: tuple(w.strip() for w in words) for name, words in value.items()}


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
        return self._categories_by_id[category_id]  # KeyError for an unknown id

    @cached_property
    def _categories_by_id(self) -> dict[str, Category]:
        """The categories by id, built once per pack (the cascade asks for a category per signal)."""
        return {c.id: c for c in self.categories}

    def bank(self, name: str) -> BankSpec | None:
        return next((b for b in self.manifest.banks if b.name == name), None)

    def vocabulary_users(self, name: str) -> tuple[str, ...]:
        """``category/id`` of every pattern and exception whose expression names vocabulary ``name``
        (found by its expansion, which the loader put in place of ``{{name}}``)."""
        expansion = vocabulary_regex(self.manifest.vocabularies[name])
        users: list[str] = []
        for c in self.categories:
            users += [f"{c.id}/{p.id}" for p in c.signals.patterns if expansion in p.regex]
            users += [f"{c.id}/{e.id}" for e in c.signals.exceptions if expansion in e.regex]
        return tuple(users)

    @cached_property
    def decision_rules(self) -> tuple[PackRule, ...]:
        """The pack's rules plus one rule per bank with actions (``bank-<name>``); built once per pack."""
        banks = tuple(
            PackRule(
                name=f"bank-{b.name}",
                description=f"known-bad media from bank {b.name}",
                when=RuleCondition(bank=b.name),
                actions=b.actions,
            )
            for b in self.manifest.banks
            if b.actions
        )
        return self.manifest.rules + banks

    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def threshold(self, category: Category) -> float:
        if category.violation_threshold is not None:
            return category.violation_threshold
        return self.manifest.defaults.violation_threshold

    def on_error(self, category: Category) -> tuple[Action, ...]:
        return category.on_error if category.on_error is not None else self.manifest.defaults.on_error

    def judge_band(self, category: Category) -> tuple[float, float]:
        """The ``[low, high)`` cheap-tier score band in which the judge is asked about ``category``."""
        spec = self.manifest.judge
        low = category.judge.min_score if category.judge.min_score is not None else spec.min_score
        high = category.judge.max_score if category.judge.max_score is not None else spec.max_score
        return low, high

    def judge_always(self, category: Category) -> bool:
        if category.judge.always is not None:
            return category.judge.always
        return category.severity >= self.manifest.judge.always_severity

    def on_unverified(self, category: Category) -> tuple[Action, ...]:
        if category.on_unverified is not None:
            return category.on_unverified
        return self.manifest.defaults.on_unverified
