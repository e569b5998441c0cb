"""The rules tier: per-category terms, regular expressions and domain lists from the policy pack.

Matching runs on normalised text (see :mod:`watchkeeper.extract.normalize`), so zero-width splits,
homoglyphs, spacing tricks, stretched letters and leetspeak are caught, while evidence offsets point
at what the user actually wrote.

* **terms** are compiled into one leet-tolerant, word-bounded pattern per category over
  ``NormalizedText.base``: each letter also matches its leet stand-ins ("k1ll", "a$$"); a match that
  uses a stand-in is dropped when its word looks like a number or code (``looks_numeric``: "a55",
  "b52", "1080p"). A term ending in ``*`` matches any word that starts with it; other single words
  also match their plural (-s, or -es after s, x, z, ch, sh and o), and so does the last word of a
  term of several words (since pack 2026.12.46). A space in a term matches a run of up to eight
  non-letters (or none), and a letter repeats at most six times (since pack 2026.12.62: unbounded
  repeats let a long run of stand-ins backtrack for minutes).
  An asterisk may stand for any letter of a term but its first and last ("f*ck you", "n*gger",
  "k*ll yourself"): writers mask letters that way to slip past word filters. At most a third of a term's
  letters (at least one) may be masked, so "****" or "k**e" is no term.
  A plus sign may stand for a "t" ("bi+ch") or sit between two letters of a term as a filler
  ("po+rn", "n+igger"), the other trick word filters miss, and a "q" may stand for an inner "g"
  ("niqqer", "faqqot"; not the last letter: "faq" is no "fag") (since pack 2026.12.60).
* **patterns** are regular expressions over the leet-decoded ``NormalizedText.text``.
* **exceptions** (out-of-scope contexts, e.g. "kill the process") drop matches they overlap.
* **domains** match URL hosts found in the text (and their subdomains), obfuscated links included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from watchkeeper.extract import EntityKind, NormalizedText, looks_numeric, normalize
from watchkeeper.extract.normalize import LEET, is_exclamation_run
from watchkeeper.policy import Category, PolicyPack
from watchkeeper.policy.model import TermSpec
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.rules.prefilter import Prefilter
from watchkeeper.types import Evidence, Item, ItemKind, Signal

__all__ = ["RulesDetector", "compile_terms"]

_MAX_EVIDENCE = 5
_LEET_FOR: dict[str, str] = {}
for _k, _v in LEET.items():
    _LEET_FOR[_v] = _LEET_FOR.get(_v, "") + _k
# '1' and '|' also stand for 'l', and '+' for 't' ("bi+ch")
_LEET_FOR["l"] = _LEET_FOR.get("l", "") + "1|"
_LEET_FOR["t"] = _LEET_FOR.get("t", "") + "+"
#: what a writer types in place of a letter it hides ("f*ck"); see the module docstring
MASK = "*"
#: what a writer types between two letters of a word to split it ("po+rn"); see the module docstring
FILLER = "+"
#: stand-ins read only for a term's inner letters ("niqqer", "faqqot"), so "faq" is no "fag"
_INNER_LEET_FOR: dict[str, str] = {"g": "q"}
_LEET_CHARSET = frozenset(LEET) | frozenset("1|" + "".join(_INNER_LEET_FOR.values()) + MASK + FILLER)


#: how many times a term's letter (or its stand-ins and masks) may repeat in a row
_RUN = "{1,6}"


def _char_atom(ch: str, maskable: bool) -> str:
    if ch.isalpha():
        alts = _LEET_FOR.get(ch, "") + (_INNER_LEET_FOR.get(ch, "") + MASK if maskable else "")
        cls = re.escape(ch) + "".join(re.escape(a) for a in alts)
        # bounded, not "+": the text keeps at most two of a run of one letter, so more is a run of
        # stand-ins or masks; "+" let a long run of digits ("1" is a stand-in for "l" and "i")
        # backtrack once per way of splitting it between a term's letters: 20,000 ones took 11 s
        return f"[{cls}]{_RUN}" if alts else f"{re.escape(ch)}{_RUN}"
    if ch.isspace():
        # bounded too: an unbounded gap let a run of "!" (a stand-in for "i", and no word character)
        # match every term that starts with "i" or "l" and then a space, from every position of the
        # run, to the end of it: 4,000 "!" took 4 s, 20,000 took 98 s
        return r"[\W_]{0,8}"
    return re.escape(ch)


#: word endings after which English forms the plural with "-es"
_ES_PLURAL_AFTER = ("s", "x", "z", "ch", "sh", "o")


def _too_masked(matched: str, literal: str) -> bool:
    """More of a term's letters masked than a reader could still tell which term it is."""
    masked = matched.count(MASK)
    return masked > max(1, sum(c.isalpha() for c in literal) // 3)


def _term_atoms(term: str) -> tuple[str, ...]:
    """A term as a sequence of regex atoms: each letter also matches its leet stand-ins and may repeat
    (the text keeps at most two of a run, so a doubled letter in the term stays required)."""
    norm = normalize(term.strip()).base
    prefix = norm.endswith("*")
    body = norm.rstrip("*").strip()
    # the first and last letters stay real: "**kike**" is emphasis around a term, not a masked one
    atoms = [_char_atom(ch, maskable=0 < i < len(body) - 1) for i, ch in enumerate(body)]
    # a filler may follow any letter that another letter follows ("po+rn")
    filler = re.escape(FILLER) + "?"
    atoms = [
        a + filler if ch.isalpha() and i + 1 < len(body) and body[i + 1].isalpha() else a
        for i, (ch, a) in enumerate(zip(body, atoms, strict=True))
    ]
    if prefix:
        atoms.append(r"\w*")
    elif (last := body.rsplit(" ", 1)[-1]).isalpha() and len(last) > 2:
        # a term of several words takes the plural on its last word ("porch monkeys", "rag heads").
        # "-es" only where English puts it, after s, x, z, ch, sh and o ("negroes"): elsewhere it
        # makes other words ("spic" read "i love indian spices" as a slur, "corn star" "corn stares")
        atoms.append(r"(?:e?s)?" if last.endswith(_ES_PLURAL_AFTER) else "s?")
    return tuple(atoms)


def _depth(node: dict[str, Any]) -> int:
    return 1 + max((_depth(c) for a, c in node.items() if a != ""), default=0)


def _render_trie(node: dict[str, Any]) -> str:
    # regex alternation takes the first branch that succeeds, so deeper (longer) branches go first
    children = sorted(((a, c) for a, c in node.items() if a != ""), key=lambda ac: -_depth(ac[1]))
    alts = [atom + _render_trie(child) for atom, child in children]
    if "" in node:
        alts.append("")  # the end of a term: tried last, so the longest term wins
    if len(alts) == 1:
        return alts[0]
    return "(?:" + "|".join(alts) + ")"


@dataclass(frozen=True)
class CompiledTerms:
    """Every category's terms as one trie-shaped pattern (one pass over the text, shared prefixes
    tested once), plus each term's own pattern to tell which term a match was."""

    pattern: re.Pattern[str] | None
    #: (group index, term, the term's normalised text — its own digits are not leet, own pattern)
    terms: tuple[tuple[int, TermSpec, str, re.Pattern[str]], ...]

    def identify(self, matched: str) -> list[tuple[int, TermSpec, str]]:
        """The terms (one per group at most) whose own pattern matches ``matched`` in full."""
        seen: set[int] = set()
        found: list[tuple[int, TermSpec, str]] = []
        for g, spec, literal, own in self.terms:
            if g not in seen and own.fullmatch(matched):
                seen.add(g)
                found.append((g, spec, literal))
        return found


def _exclaims(text: str, start: int, end: int) -> bool:
    """Whether a match's "!" is punctuation rather than a stand-in for "i": it ends the match
    ("lol!" is not "loli") or is one of a run ("LOL!!!I've")."""
    return text[end - 1] == "!" or any(
        text[i] == "!" and is_exclamation_run(text, i) for i in range(start, end)
    )


def compile_terms(groups: list[tuple[TermSpec, ...]]) -> CompiledTerms:
    trie: dict[str, Any] = {}
    terms: list[tuple[int, TermSpec, str, re.Pattern[str]]] = []
    for g, group in enumerate(groups):
        for spec in group:
            atoms = _term_atoms(spec.term)
            if not atoms:
                continue
            node = trie
            for atom in atoms:
                node = node.setdefault(atom, {})
            node[""] = {}
            terms.append((g, spec, normalize(spec.term).base, re.compile("".join(atoms), re.IGNORECASE)))
    if not terms:
        return CompiledTerms(None, ())
    # highest score first, so identify() reports the strongest reading of an ambiguous match
    terms.sort(key=lambda t: -(t[1].score or 0.0))
    pattern = re.compile(r"(?<![^\W_])" + _render_trie(trie) + r"(?![^\W_])", re.IGNORECASE)
    return CompiledTerms(pattern, tuple(terms))


@dataclass(frozen=True)
class _CategoryRules:
    """A category's rules; each expression with its index in the detector's :class:`Prefilter`."""

    category: Category
    patterns: tuple[tuple[str, re.Pattern[str], int, float], ...]
    exceptions: tuple[tuple[re.Pattern[str], int], ...]  # scope: match
    text_exceptions: tuple[tuple[re.Pattern[str], int], ...]  # scope: text
    domains: tuple[str, ...]


@dataclass(frozen=True)
class _Hit:
    score: float
    evidence: Evidence
    rule: str
    start: int  # in normalised text (for exception overlap); -1 for entity hits
    end: int


def _token_around(text: str, start: int, end: int) -> str:
    a, b = start, end
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b].strip(".,;:!?\"'()[]{}")


class RulesDetector:
    """Lexicon / regex / domain rules read from the policy pack."""

    name = "rules"
    cost = 0
    kinds: frozenset[ItemKind] | None = None
    categories: frozenset[str] | None = None

    def __init__(self, policy: PolicyPack) -> None:
        self.policy = policy
        expressions: list[re.Pattern[str]] = []

        def indexed(regex: str) -> tuple[re.Pattern[str], int]:
            expressions.append(re.compile(regex, re.IGNORECASE))
            return expressions[-1], len(expressions) - 1

        rules: list[_CategoryRules] = []
        for c in policy.categories:
            s = c.signals
            rules.append(
                _CategoryRules(
                    category=c,
                    patterns=tuple((p.id, *indexed(p.regex), p.score) for p in s.patterns),
                    exceptions=tuple(indexed(e.regex) for e in s.exceptions if e.scope == "match"),
                    text_exceptions=tuple(
                        indexed(e.regex) for e in s.exceptions if e.scope == "text" and not e.keeps_rules
                    ),
                    domains=s.domains,
                )
            )
        self._rules = tuple(rules)
        self._terms = compile_terms([c.signals.terms for c in policy.categories])
        # which patterns and exceptions a text can match at all, from the literals each one needs
        self._prefilter = Prefilter(expressions)

    def detect(self, item: Item, ctx: DetectContext) -> list[Signal]:
        out: list[Signal] = []
        fields = []
        for name, raw in item.texts():
            norm = ctx.normalized(name, raw)
            can = self._prefilter.candidates(norm.text)
            fields.append((name, raw, norm, self._term_hits(name, raw, norm), can))
        for g, r in enumerate(self._rules):
            hits: list[_Hit] = []
            for field_name, raw, norm, term_hits, can in fields:
                hits.extend(self._scan(r, field_name, raw, norm, term_hits.get(g, []), can, ctx))
            if hits:
                hits.sort(key=lambda h: -h.score)
                out.append(
                    Signal.ok(
                        self.name,
                        r.category.id,
                        hits[0].score,
                        [h.evidence for h in hits[:_MAX_EVIDENCE]],
                        rule=hits[0].rule,
                    )
                )
        return out

    def _term_hits(self, field_name: str, raw: str, norm: NormalizedText) -> dict[int, list[_Hit]]:
        """Every category's term matches in one pass, grouped by category index."""
        found: dict[int, list[_Hit]] = {}
        if self._terms.pattern is None:
            return found
        for m in self._terms.pattern.finditer(norm.base):
            for g, spec, literal in self._terms.identify(m.group(0)):
                leet_used = any(ch in _LEET_CHARSET and ch not in literal for ch in m.group(0))
                if leet_used and looks_numeric(_token_around(norm.base, m.start(), m.end())):
                    continue
                if MASK in m.group(0) and _too_masked(m.group(0), literal):
                    continue
                if "!" not in literal and _exclaims(norm.base, m.start(), m.end()):
                    continue
                score = spec.score if spec.score is not None else self._rules[g].category.signals.term_score
                a, b = norm.span(m.start(), m.end())
                ev = Evidence(
                    field=field_name, start=a, end=b, excerpt=raw[a:b], matched=spec.term, note=spec.note
                )
                found.setdefault(g, []).append(_Hit(score, ev, f"term:{spec.term}", m.start(), m.end()))
        return found

    def _scan(
        self,
        r: _CategoryRules,
        field_name: str,
        raw: str,
        norm: NormalizedText,
        term_hits: list[_Hit],
        can: frozenset[int],
        ctx: DetectContext,
    ) -> list[_Hit]:
        """``can``: the detector's expressions (by index) that can match this text at all."""
        hits = list(term_hits)
        for pid, pat, i, score in r.patterns:
            pm = pat.search(norm.text) if i in can else None
            if pm is not None:
                a, b = norm.span(pm.start(), pm.end())
                ev = Evidence(field=field_name, start=a, end=b, excerpt=raw[a:b], matched=pid)
                hits.append(_Hit(score, ev, f"pattern:{pid}", pm.start(), pm.end()))
        if hits and r.exceptions:
            skip = [m.span() for ex, i in r.exceptions if i in can for m in ex.finditer(norm.text)]
            hits = [h for h in hits if not any(h.start < y and x < h.end for x, y in skip)]
        if r.domains:
            for e in ctx.entities(field_name, raw):
                if e.kind is not EntityKind.URL:
                    continue
                host = re.sub(r"^https?://", "", e.value).split("/")[0].split(":")[0]
                hit = next((d for d in r.domains if host == d or host.endswith("." + d)), None)
                if hit is not None:
                    ev = Evidence(
                        field=field_name,
                        start=e.start,
                        end=e.end,
                        excerpt=e.raw,
                        matched=hit,
                        note="listed domain",
                    )
                    hits.append(_Hit(r.category.signals.domain_score, ev, f"domain:{hit}", -1, -1))
        # an out-of-scope text (scope: text) drops every hit, listed domains included
        if hits and any(i in can and ex.search(norm.text) for ex, i in r.text_exceptions):
            return []
        return hits
