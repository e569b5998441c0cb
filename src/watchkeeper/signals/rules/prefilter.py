"""Which of the pack's regular expressions can match a text at all, decided from literals they need.

Most texts match none of the rules tier's patterns and exceptions, yet each ``re.search`` walks the
whole text: on comment-length texts the ~80 patterns of the default pack took about 0.5 ms an item,
more than the rest of the rules tier. So each expression is read once, at load, with Python's own
regex parser into the literal strings every match of it must contain, as an AND of OR-sets:
``how (?:to|do i) make (?:a )?(?:bomb|gun)s?`` needs one of the 16 strings its alternatives and
optional parts multiply out to ("how to make bomb", "how do i make a guns", ...), and
``i will [a-z]+ you`` both "i will " and " you". One Aho–Corasick pass over the text
(`pyahocorasick`) then finds every such literal present, and an expression is searched only when each
of its sets has a literal in the text.

It never skips an expression that could match (a skipped one would be a missed violation):

* only what a match must contain becomes a requirement; anything the analysis does not understand
  (character categories, backreferences, unbounded repeats of non-literals, lookarounds) requires
  nothing, so such an expression is simply searched more often;
* literals are lower-case ASCII, and the text is lower-cased after mapping the three non-ASCII
  characters that Python's case-insensitive matching equates with an ASCII letter but ``lower()``
  does not (``İ``, ``ı``, ``ſ``; the tests check every code point);
* an expression with no requirement is always searched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

__all__ = ["Prefilter", "fold", "required_literals"]

# re's own parser, so the analysis reads a pattern exactly as re compiles it (public as sre_parse
# until 3.11, deprecated since; the same module is re._parser)
_p: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

#: at most this many strings in one set of alternatives: past it, a part is split or dropped
_CAP = 64
#: a set whose shortest literal is shorter than this is dropped (too common to skip anything)
_MIN_LITERAL = 3
#: characters that re.IGNORECASE equates with an ASCII letter although ``str.lower`` does not
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """The text as the literals are written: lower case, with the characters re's case-insensitive
    matching takes for ASCII letters mapped to them."""
    return text.translate(_FOLD).lower()


@dataclass(frozen=True)
class _Info:
    #: every string the part can match, when they are few and all known; else None
    exact: frozenset[str] | None
    #: sets of literals: a match contains one literal of each
    needs: tuple[frozenset[str], ...]


_NOTHING = _Info(None, ())
_EMPTY = _Info(frozenset({""}), ())


def _useful(alts: Iterable[str]) -> frozenset[str] | None:
    s = frozenset(alts)
    if not s or min(len(a) for a in s) < _MIN_LITERAL:
        return None
    return s


def _best(info: _Info) -> frozenset[str] | None:
    """The most selective single requirement of a part: its exact strings or its longest-shortest set."""
    cands = [s for s in (*info.needs, info.exact) if s is not None and _useful(s) is not None]
    return max(cands, key=lambda s: (min(len(a) for a in s), -len(s)), default=None)


def _char(code: int) -> str | None:
    ch = chr(code)
    return ch.lower() if ch.isascii() else None


def _in(items: Sequence[tuple[Any, Any]]) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            ch = _char(av)
            if ch is None:
                return _NOTHING
            chars.add(ch)
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo > 10 or hi > 127:
                return _NOTHING
            chars.update(chr(c).lower() for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, ...
            return _NOTHING
    return _Info(frozenset(chars), ()) if len(chars) <= 12 else _NOTHING


def _repeat(lo: int, hi: int, sub: _Info) -> _Info:
    if lo == 0:
        if hi == 1 and sub.exact is not None:
            return _Info(sub.exact | {""}, ())
        return _EMPTY if hi == 0 else _Info(None, ())
    if lo == hi == 1:
        return sub
    needs = sub.needs
    if sub.exact is not None and (u := _useful(sub.exact)) is not None:
        needs = (*needs, u)
    return _Info(None, needs)


_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)


def _node(op: Any, av: Any) -> _Info:
    if op is _c.LITERAL:
        ch = _char(av)
        return _NOTHING if ch is None else _Info(frozenset({ch}), ())
    if op is _c.IN:
        return _in(av)
    if op is _c.AT or op is _c.ASSERT or op is _c.ASSERT_NOT:
        return _EMPTY  # zero width: requires nothing, adds no characters
    if op is _c.SUBPATTERN:
        return _seq(av[-1])
    if op is _c.ATOMIC_GROUP:
        return _seq(av)
    if op in _REPEATS:
        lo, hi, sub = av
        return _repeat(lo, hi, _seq(sub))
    if op is _c.BRANCH:
        return _branch(av[1])
    return _NOTHING  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS, ...


def _branch(alternatives: Sequence[Any]) -> _Info:
    infos = [_seq(a) for a in alternatives]
    if all(i.exact is not None for i in infos):
        union = frozenset().union(*(i.exact for i in infos if i.exact is not None))
        if len(union) <= _CAP:
            return _Info(union, ())
    bests = [_best(i) for i in infos]
    if any(b is None for b in bests):
        return _Info(None, ())
    return _Info(None, (frozenset().union(*(b for b in bests if b is not None)),))


def _seq(nodes: Iterable[tuple[Any, Any]]) -> _Info:
    """A concatenation: runs of exact parts multiply out into strings the match contains whole."""
    run: frozenset[str] = frozenset({""})
    needs: list[frozenset[str]] = []
    whole = True  # every part so far was exact, so ``run`` is every string the sequence can match

    def flush() -> None:
        if (u := _useful(run)) is not None:
            needs.append(u)

    for op, av in nodes:
        if op in _REPEATS and av[0] >= 1 and (av[0], av[1]) != (1, 1):
            # "kis+es": the first repetition ends a run ("kis"), the last one starts the next ("ses")
            sub = _seq(av[2])
            if sub.exact is not None and len(run) * len(sub.exact) <= _CAP:
                run = frozenset(a + b for a in run for b in sub.exact)
                flush()
                whole = False
                needs.extend(sub.needs)
                run = sub.exact
                continue
        info = _node(op, av)
        if info.exact is not None and len(run) * len(info.exact) <= _CAP:
            run = frozenset(a + b for a in run for b in info.exact)
            needs.extend(info.needs)
            continue
        flush()
        whole = False
        needs.extend(info.needs)
        run = info.exact if info.exact is not None and len(info.exact) <= _CAP else frozenset({""})
    if whole:
        return _Info(run, tuple(needs))
    flush()
    return _Info(None, tuple(needs))


def required_literals(pattern: str | re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """The sets of lower-case literals a match of ``pattern`` must contain one of each of (AND of
    ORs); empty when nothing can be said, and then the pattern must always be searched."""
    src = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    info = _seq(_p.parse(src, flags))
    needs = list(info.needs)
    if info.exact is not None and (u := _useful(info.exact)) is not None:
        needs.append(u)
    # distinct sets, most selective first (the first is the one :class:`Prefilter` indexes)
    out = sorted(set(needs), key=lambda s: (-min(len(a) for a in s), len(s)))
    return tuple(out)


class Prefilter:
    """Tells, per text, which of a fixed list of expressions are worth searching."""

    def __init__(self, patterns: Sequence[str | re.Pattern[str]]) -> None:
        ids: dict[str, int] = {}
        self._needs: list[tuple[frozenset[int], ...]] = []
        for p in patterns:
            sets = required_literals(p)
            self._needs.append(tuple(frozenset(ids.setdefault(lit, len(ids)) for lit in s) for s in sets))
        #: the expressions searched whatever the text (no literal requirement found)
        self._always = frozenset(i for i, n in enumerate(self._needs) if not n)
        # literal -> the expressions whose most selective set holds it: only those can be live
        firsts: list[set[int]] = [set() for _ in ids]
        for i, needs in enumerate(self._needs):
            for lit_id in needs[0] if needs else ():
                firsts[lit_id].add(i)
        self._first = tuple(tuple(sorted(f)) for f in firsts)
        self._automaton: Any = None
        if ids:
            self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for literal, lit_id in ids.items():
                self._automaton.add_word(literal, lit_id)
            self._automaton.make_automaton()
        self.literals = len(ids)
        self.unfiltered = len(self._always)

    def candidates(self, text: str) -> frozenset[int]:
        """The indices of the expressions that can match ``text``; the others certainly cannot."""
        if self._automaton is None:
            return frozenset(range(len(self._needs)))
        present = {lit for _, lit in self._automaton.iter(fold(text))}
        live = set(self._always)
        for i in {i for lit in present for i in self._first[lit]}:
            for s in self._needs[i][1:]:
                if s.isdisjoint(present):
                    break
            else:
                live.add(i)
        return frozenset(live)
