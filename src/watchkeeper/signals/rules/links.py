"""Link and contact spam/scam detector.

Spam and scams on a short-video platform mostly try to move viewers somewhere else: a link (often
shortened or obfuscated), a phone number, an e-mail, a messaging handle, or a crypto wallet, wrapped in
money and urgency language. Each feature below is evidence with a weight; weights combine as a
noisy-OR (``1 - prod(1 - w)``), so one weak cue stays low and several together climb — and every
cue is listed as evidence. Term lists (shorteners, suspicious TLDs, allow-listed domains,
solicitation, money and urgency words) come from the pack's ``links:`` section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchkeeper.extract import EntityKind, extract_entities
from watchkeeper.policy import PolicyPack
from watchkeeper.signals.base import DetectContext
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["SCAM_WEIGHTS", "SOFT_CUES", "SPAM_WEIGHTS", "LinkSpamDetector"]

#: feature -> weight toward ``spam``
SPAM_WEIGHTS: dict[str, float] = {
    "url": 0.35,
    "link_only": 0.4,
    "phone_like": 0.3,
    "short_code": 0.5,
    "shortener": 0.45,
    "suspicious_tld": 0.45,
    "ip_url": 0.5,
    "obfuscated_link": 0.6,
    "phone": 0.35,
    "email": 0.25,
    "solicitation": 0.35,
    "money": 0.35,
    "urgency": 0.25,
    "wallet": 0.4,
    "mass_mentions": 0.4,
    "hashtag_stuffing": 0.3,
    "shouting": 0.15,
}
#: feature -> weight toward ``scam_fraud`` (money moving off-platform is what makes a scam)
SCAM_WEIGHTS: dict[str, float] = {
    "wallet": 0.5,
    "obfuscated_link": 0.35,
    "ip_url": 0.4,
    "suspicious_tld": 0.25,
    "money_with_contact": 0.55,
    "urgency_with_contact": 0.3,
    "credential_bait": 0.6,
}
#: ten to thirteen digits, not inside a longer number or a decimal: a full stop after them ends a
#: sentence ("Call 7908807538."), one followed by a digit is a decimal point
_PHONE_LIKE = re.compile(r"(?<![\d.,])(?:\+?\d[ \-]?){10,13}(?![\d,]|\.\d)")
_SHORT_CODE = re.compile(
    r"\b(?:txt|text|send|reply|call|sms)\b(?:\W+\w+){0,4}?\W+(?:to|on|at)\s+(?:no:?\s*)?\d{5}\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[$£€]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars|pounds|euros|usd|gbp|eur|k\b(?![\s-]*(?:(?:yellow|white|rose|solid)[\s-]+)?(?:gold|karat|carat)))",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(
    r"\b(?:verify|confirm|update|unlock|reactivate|suspended|locked)\b.{0,40}\b(?:account|password|login|card|"
    r"bank|details|identity|payment)\b",
    re.IGNORECASE,
)


#: cues that are spam only beside something that moves viewers elsewhere or games the platform (a link,
#: a number, a handle, a call to action, mass mentions): on their own, together or not, they are a
#: story that mentions money ("an 8k dollar cat scan ... I immediately knew"), a shouted cheer, a
#: budget statistic, and score no more than the strongest of them
SOFT_CUES = frozenset({"money", "urgency", "shouting"})


def _noisy_or(weights: list[float]) -> float:
    """``1 - prod(1 - w)``, rounded to 4 places. The weights are multiplied in sorted order: a set's
    order changes from process to process (string hashing is salted), and a product taken in another
    order can differ in its last bit, which the rounding can turn into a different score."""
    p = 1.0
    for w in sorted(weights):
        p *= 1.0 - w
    return round(1.0 - p, 4)


def _phrase_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = sorted((re.escape(t.lower()).replace(r"\ ", r"\s+") for t in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _Cue:
    feature: str
    evidence: Evidence


class LinkSpamDetector:
    name = "links"
    cost = 1
    kinds: frozenset[ItemKind] | None = None
    categories: frozenset[str] | None = frozenset({"spam", "scam_fraud"})

    def __init__(self, policy: PolicyPack) -> None:
        lists = policy.manifest.links
        self._emit = [c for c in ("spam", "scam_fraud") if c in policy.category_ids()]
        self._shorteners = frozenset(d.lower() for d in lists.shorteners)
        self._wrappers = frozenset(d.lower() for d in lists.wrappers)
        self._allow = frozenset(d.lower() for d in lists.allow_domains)
        self._tlds = frozenset(t.lower().lstrip(".") for t in lists.suspicious_tlds)
        self._solicit = _phrase_regex(lists.solicitation_terms)
        self._money = _phrase_regex(lists.money_terms)
        self._urgency = _phrase_regex(lists.urgency_terms)

    def warm_up(self) -> None:
        """Parse one link, so the Public Suffix List's trie (~0.08 s to build) is built at start-up,
        not on the first text that holds a link."""
        extract_entities("see https://www.example.co.uk/a")

    def _cues(self, field_name: str, raw: str, ctx: DetectContext) -> list[_Cue]:
        cues: list[_Cue] = []

        def cue(feature: str, start: int, end: int, note: str) -> None:
            cues.append(
                _Cue(
                    feature,
                    Evidence(
                        field=field_name,
                        start=start,
                        end=end,
                        excerpt=raw[start:end],
                        matched=feature,
                        note=note,
                    ),
                )
            )

        mentions = hashtags = url_chars = 0
        for e in ctx.entities(field_name, raw):
            if e.kind is EntityKind.URL:
                host = re.sub(r"^https?://", "", e.value).split("/")[0].split(":")[0]
                domain = e.detail or host
                if domain in self._allow or host in self._allow:
                    continue
                url_chars += e.end - e.start
                if domain in self._wrappers or host in self._wrappers:
                    # the platform rewrote the link, whatever it was: a link, not a choice to hide one
                    cue("url", e.start, e.end, f"link through {domain}, a platform's link wrapper")
                    continue
                cue("url", e.start, e.end, f"link to {domain}")
                if domain in self._shorteners:
                    cue("shortener", e.start, e.end, f"URL shortener {domain}")
                if host.rsplit(".", 1)[-1] in self._tlds:
                    cue("suspicious_tld", e.start, e.end, f"top-level domain .{host.rsplit('.', 1)[-1]}")
                if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
                    cue("ip_url", e.start, e.end, "link to a bare IP address")
                if e.obfuscated or host.startswith("xn--") or ".xn--" in host:
                    cue("obfuscated_link", e.start, e.end, "obfuscated or punycode link")
            elif e.kind is EntityKind.PHONE:
                cue("phone", e.start, e.end, f"phone number {e.value}")
            elif e.kind is EntityKind.EMAIL:
                cue("email", e.start, e.end, "e-mail address" + (" (obfuscated)" if e.obfuscated else ""))
                if e.obfuscated:
                    cue("obfuscated_link", e.start, e.end, "obfuscated e-mail address")
            elif e.kind is EntityKind.WALLET:
                cue("wallet", e.start, e.end, f"{e.detail} wallet address")
            elif e.kind is EntityKind.MENTION:
                mentions += 1
            elif e.kind is EntityKind.HASHTAG:
                hashtags += 1
        # an allow-listed link is no cue, so it does not make the text "little more than a link" either
        if url_chars and url_chars >= 0.6 * len(raw.strip()):
            cue("link_only", 0, len(raw), "the text is little more than a link")
        if not any(c.feature == "phone" for c in cues):
            pl = _PHONE_LIKE.search(raw)
            if pl:
                cue("phone_like", pl.start(), pl.end(), "phone-like number")
        sc = _SHORT_CODE.search(raw)
        if sc:
            cue("short_code", sc.start(), sc.end(), "text-to-short-code call to action")
        if mentions >= 5:
            cue("mass_mentions", 0, 0, f"{mentions} @mentions")
        if hashtags >= 8:
            cue("hashtag_stuffing", 0, 0, f"{hashtags} hashtags")
        norm = ctx.normalized(field_name, raw)
        for feature, rx in (
            ("solicitation", self._solicit),
            ("money", self._money),
            ("urgency", self._urgency),
        ):
            if rx is None:
                continue
            m = rx.search(norm.text)
            if m:
                a, b = norm.span(m.start(), m.end())
                cue(feature, a, b, f"{feature} language")
        if "money" not in {c.feature for c in cues}:
            amount = _AMOUNT.search(raw)
            if amount:
                cue("money", amount.start(), amount.end(), "money amount")
        m2 = _CREDENTIAL.search(norm.text)
        if m2:
            a, b = norm.span(m2.start(), m2.end())
            cue("credential_bait", a, b, "asks to verify an account or payment details")
        letters = [c for c in raw if c.isalpha()]
        if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
            cue("shouting", 0, len(raw), "mostly capital letters")
        return cues

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        cues: list[_Cue] = []
        for field_name, raw in item.texts():
            cues.extend(self._cues(field_name, raw, ctx))
        features = {c.feature for c in cues}
        contact = bool(features & {"url", "phone", "email", "wallet", "solicitation"})
        if contact and "money" in features:
            features.add("money_with_contact")
        if contact and "urgency" in features:
            features.add("urgency_with_contact")
        spam_features = [f for f in features if f in SPAM_WEIGHTS]
        if set(spam_features) <= SOFT_CUES:
            spam = max((SPAM_WEIGHTS[f] for f in spam_features), default=0.0)
        else:
            spam = _noisy_or([SPAM_WEIGHTS[f] for f in spam_features])
        scam = _noisy_or([SCAM_WEIGHTS[f] for f in features if f in SCAM_WEIGHTS])
        by_weight = sorted(cues, key=lambda c: -SPAM_WEIGHTS.get(c.feature, 0.0))
        scam_cues = [c for c in cues if c.feature in SCAM_WEIGHTS or c.feature in {"money", "urgency"}]
        out: list[Signal] = []
        if "spam" in self._emit:
            out.append(
                Signal.ok(
                    self.name,
                    "spam",
                    spam,
                    [c.evidence for c in by_weight[:6]],
                    rule="+".join(sorted(f for f in features if f in SPAM_WEIGHTS)) or None,
                )
            )
        if "scam_fraud" in self._emit:
            out.append(
                Signal.ok(
                    self.name,
                    "scam_fraud",
                    scam,
                    [c.evidence for c in scam_cues[:6]],
                    rule="+".join(sorted(f for f in features if f in SCAM_WEIGHTS)) or None,
                )
            )
        return out
