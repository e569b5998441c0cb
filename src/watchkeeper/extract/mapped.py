"""A string that remembers, for every character, where it came from in the original text.

Normalisation rewrites text (folding, stripping, joining); evidence must still point at what the user
actually wrote. ``Mapped`` carries ``origin[i]`` = index in the original of output character ``i``,
and every transformation returns a new ``Mapped`` with the map carried along.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Mapped"]


@dataclass(frozen=True, slots=True)
class Mapped:
    text: str
    origin: tuple[int, ...]
    original: str

    @classmethod
    def of(cls, text: str) -> Mapped:
        return cls(text, tuple(range(len(text))), text)

    def __post_init__(self) -> None:
        if len(self.text) != len(self.origin):
            raise ValueError("text and origin map differ in length")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering output characters ``[start, end)``."""
        if not self.origin or start >= end:
            o = self.origin[start] if start < len(self.origin) else len(self.original)
            return o, o
        first = self.origin[start]
        last = self.origin[end - 1]
        # the original character at ``last`` may have expanded (NFKC) — extend to its full width
        return first, self._original_end(last)

    def _spread(self, start: int, end: int, n: int) -> list[int]:
        """Origins for ``n`` replacement characters standing for output ``[start, end)``: spread evenly,
        first to first and last to last, so spans over a replacement cover all that it replaced."""
        width = end - start
        if width <= 0:
            anchor = self.origin[start] if start < len(self.origin) else len(self.original)
            return [anchor] * n
        if n == 1:
            return [self.origin[start]]
        return [self.origin[start + (i * (width - 1)) // (n - 1)] for i in range(n)]

    def _original_end(self, last: int) -> int:
        return min(last + 1, len(self.original))

    def excerpt(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]

    def map_chars(self, fn: Callable[[str], str]) -> Mapped:
        """Apply ``fn`` to each character; its output (0..n chars) inherits the character's origin."""
        out: list[str] = []
        origin: list[int] = []
        for ch, o in zip(self.text, self.origin, strict=True):
            rep = fn(ch)
            out.append(rep)
            origin.extend([o] * len(rep))
        return Mapped("".join(out), tuple(origin), self.original)

    def keep(self, keep_flags: Iterable[bool]) -> Mapped:
        """Drop the characters whose flag is False."""
        chars: list[str] = []
        origin: list[int] = []
        for ch, o, k in zip(self.text, self.origin, keep_flags, strict=True):
            if k:
                chars.append(ch)
                origin.append(o)
        return Mapped("".join(chars), tuple(origin), self.original)

    def replace_same_length(self, new_text: str) -> Mapped:
        """Same positions, other characters (e.g. per-character leet decoding)."""
        return Mapped(new_text, self.origin, self.original)

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> Mapped:
        """``re.sub`` that keeps the map: replacement text inherits the origin of the match's first char."""
        out: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            out.append(self.text[pos : m.start()])
            origin.extend(self.origin[pos : m.start()])
            rep = repl(m)
            if rep == m.group(0):
                out.append(rep)
                origin.extend(self.origin[m.start() : m.end()])
            elif rep:
                out.append(rep)
                origin.extend(self._spread(m.start(), m.end(), len(rep)))
            pos = m.end()
        out.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        return Mapped("".join(out), tuple(origin), self.original)
