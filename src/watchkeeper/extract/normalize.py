"""Text normalisation against evasion, keeping a map back to the original characters.

Steps, in order (each keeps :class:`~watchkeeper.extract.mapped.Mapped` offsets):

0. HTML character references decoded ("you&#39;re" -> "you're", "&amp;" -> "&"): the YouTube Data
   API's ``textDisplay``, Twitter's API and many scrapers deliver comments HTML-escaped;
   then a capital "I" hidden among small letters is read as the "l" it imitates where that makes a
   far commoner English word ("go kiII yourseIf" -> "go kill yourself"; "McIntosh" stays);
1. strip invisible characters: zero-width, bidi controls, soft hyphens, variation selectors, and
   "Zalgo" stacks of combining marks;
2. Unicode NFKC per character (full-width, mathematical, circled and ligature letters fold to ASCII),
   then case folding, then diacritics dropped from Latin letters ("fréé" -> "free"); typographic
   apostrophes and quotes become ASCII ones ("you’re" -> "you're": phone keyboards type the curly
   ones, and NFKC keeps them);
3. confusable / homoglyph folding (Cyrillic "а", Greek "ο", small caps "ᴀ" -> Latin) — only inside
   tokens that mix scripts, or in text that is mostly Latin, so real Cyrillic or Greek text is untouched;
4. spacing tricks: runs of three or more single letters ("f r e e", "f.r.e.e") are joined; a wider gap
   inside such a run is kept as one space ("f r e e  m o n e y" -> "free money");
5. runs of three or more of the same letter are cut to two ("freeeee" -> "free"); digits never are;
6. guarded leetspeak: "fr33 m0n3y" -> "free money" in :attr:`NormalizedText.text`, but never in tokens
   that look like numbers, IDs, codes, coordinates, times or amounts (see :func:`looks_numeric`).

:attr:`NormalizedText.base` is the text after steps 1–5 (leet characters kept); it has the same
length and origin map as :attr:`NormalizedText.text`. The lexicon matches on ``base`` with
leet-tolerant patterns and applies the same guard to each match.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from watchkeeper.extract.mapped import Mapped

__all__ = ["LEET", "NormalizedText", "looks_numeric", "normalize"]

# Format / invisible characters used to split words without showing anything.
_INVISIBLE = frozenset(
    [
        *(0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0),
        *range(0x200B, 0x2010),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings / overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        *range(0xFE00, 0xFE10),  # variation selectors
        *range(0xE0000, 0xE0080),  # tag characters
    ]
)

# Homoglyphs that NFKC leaves alone, folded to the Latin letter they imitate (lower case; input is
# case-folded first). Kept as a small explicit table rather than the full Unicode confusables list so
# every fold is one character to one character (offsets stay exact) and reviewable.
_CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "х": "x",
    "ԝ": "w",
    "ь": "b",
    "ɡ": "g",
    "п": "n",
    "и": "u",
    "л": "n",
    "ѵ": "v",
    "ү": "y",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "ω": "w",
    "ϲ": "c",
    "ѡ": "w",
    "μ": "u",
    # small capitals and other Latin look-alikes
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "ı": "i",
    "ȷ": "j",
    "ɑ": "a",
    "ɩ": "i",
    "ɵ": "o",
    "ƅ": "b",
    "ꮪ": "s",
    "ꭵ": "v",
}
_LATIN_LETTER = re.compile(r"[a-z]")

#: leet characters and the letter each usually stands for
LEET: dict[str, str] = {
    "0": "o",
    "1": "i",
    "2": "z",
    "3": "e",
    "4": "a",
    "5": "s",
    "6": "g",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
    "€": "e",
    "¡": "i",
    "£": "l",
    "¥": "y",
}
_LEET_CHARS = "".join(re.escape(c) for c in LEET)
_TOKEN = re.compile(rf"[\w{_LEET_CHARS}]+(?:[.,:/'\-][\w{_LEET_CHARS}]+)*")

# Tokens that must never be leet-decoded: numbers, amounts, times, dates, coordinates, versions,
# phone-like runs, hex and ID-like codes.
_NUMERIC = re.compile(
    r"""^(?:
        [$€£¥]?[+-]?\d[\d.,:/'\-]*%?[kmb]?          # 42, 3.14, 1,000, $500, 12:30, 2026-11-22, 50k
      | [+-]?\d+(?:\.\d+)?°?[nsew]?                 # coordinates 40.7128 / 74°w
      | v?\d+(?:\.\d+)+[a-z]?\d*                    # versions 1.2.3, v2.0b1
      | (?:0x)?[0-9a-f]{8,}                         # hex / hashes
      | \d+(?:st|nd|rd|th|s|am|pm|x|p|k|mb|gb|kg|km|mm|cm|ml|hz|fps)  # 1st, 90s, 4k, 1080p, 5km
      | \d{1,3}(?:yo|y/o|yrs?|yrs?/o)                                # ages: 13yo, 12y/o, 15yrs
      | \d+(?:st|nd|rd|th)?(?:-[a-z]+)+                              # 13-year-old, 8th-graders, 5-star
    )$""",
    re.VERBOSE,
)


def looks_numeric(token: str) -> bool:
    """True for tokens whose digits are data, not letters in disguise (the leetspeak guard)."""
    t = token.lower()
    if _NUMERIC.match(t):
        return True
    digits = sum(c.isdigit() for c in t)
    letters = sum(c.isalpha() for c in t)
    if digits == 0:
        return False
    if re.search(r"\d{3,}", t):  # a run of three digits is a number: ab1234, sh1t-2000
        return True
    # ID / product-code shape: at most one real letter around the digits (a55, b52, m16, 4x4, 3m)
    return letters <= 1


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised views of one text; ``text`` and ``base`` share ``origin`` (same length)."""

    original: str
    base: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return Mapped(self.base, self.origin, self.original).span(start, end)

    def excerpt(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


#: HTML character references as APIs and scrapers deliver text: numeric ones with or without the
#: closing ";" ("don&#39t" is seen in scraped comments), named ones only with it, so "R&D",
#: "AT&T" and "&copyright" stay as written
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)")


def _entity_text(m: re.Match[str]) -> str:
    ref = m.group(0)
    decoded = html.unescape(ref if ref.endswith(";") else ref + ";")
    # an unknown name, or a number that is no character, stays as written
    return ref if decoded == ref or decoded.endswith(";") or "�" in decoded else decoded


def _decode_entities(m: Mapped) -> Mapped:
    """``&amp;`` -> ``&``, ``&#39;`` -> ``'``, ``&nbsp;`` -> no-break space (later NFKC'd to a space).
    The decoded character takes the origin of the reference's ``&``."""
    if "&" not in m.text:
        return m
    return m.sub(_ENTITY, _entity_text)


def _strip_invisible(m: Mapped) -> Mapped:
    keep: list[bool] = []
    marks_run = 0
    for ch in m.text:
        cp = ord(ch)
        if cp in _INVISIBLE:
            keep.append(False)
            continue
        if unicodedata.combining(ch):
            marks_run += 1
            # up to two combining marks are ordinary writing (Vietnamese, Devanagari); more is Zalgo
            keep.append(marks_run <= 2)
            continue
        marks_run = 0
        keep.append(True)
    return m.keep(keep)


#: typographic apostrophes, primes and quotation marks, as the ASCII ones patterns are written with
#: (one character each, so offsets stay exact)
_QUOTES: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\u2035", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036", '"'),
}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    if ch in _QUOTES:
        return _QUOTES[ch]
    out = unicodedata.normalize("NFKC", ch).casefold()
    # drop diacritics from Latin letters only ("é" -> "e"); other scripts keep their marks
    decomposed = unicodedata.normalize("NFD", out)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and all("a" <= c <= "z" for c in base):
        return base
    if base and ord(base[0]) < 0x250 and base.isalpha():
        return unicodedata.normalize("NFC", base)
    return out


def _fold(m: Mapped) -> Mapped:
    m = m.map_chars(_fold_char)
    # combining marks left after a folded Latin letter ("e" + U+0301 typed separately) are dropped
    keep: list[bool] = []
    after_latin = False
    for ch in m.text:
        if unicodedata.combining(ch):
            keep.append(not after_latin)
            continue
        after_latin = "a" <= ch <= "z"
        keep.append(True)
    return m.keep(keep)


def _fold_confusables(m: Mapped) -> Mapped:
    text = m.text
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if "a" <= c <= "z")
    # fold whole words only where the text is mostly Latin, or where every non-Latin letter in it is a
    # look-alike (no genuine Cyrillic / Greek letter such as "я" or "λ" suggests real foreign text)
    foreign = [c for c in letters if not ("a" <= c <= "z")]
    mostly_latin = bool(letters) and (latin / len(letters) >= 0.6 or all(c in _CONFUSABLES for c in foreign))
    out = list(text)
    for tok in re.finditer(r"\w+", text):
        word = tok.group(0)
        has_conf = any(c in _CONFUSABLES for c in word)
        if not has_conf:
            continue
        mixed = bool(_LATIN_LETTER.search(word))
        if mixed or mostly_latin:
            for i in range(tok.start(), tok.end()):
                out[i] = _CONFUSABLES.get(out[i], out[i])
    return m.replace_same_length("".join(out))


_SPACED_RUN = re.compile(r"(?<![\w@$])(?:[\w@$!](?:[ .\-_*|·•/]{1,3})){2,}[\w@$!](?![\w@$])")


def _join_spaced(m: Mapped) -> Mapped:
    """Join 'f r e e  m o n e y' -> 'free money' (a gap wider than the usual one stays a space)."""
    text = m.text
    runs = list(_SPACED_RUN.finditer(text))
    if not runs:
        return m
    chars = list(text)
    keep = [True] * len(text)
    for run in runs:
        chunk = run.group(0)
        singles = re.findall(r"[\w@$!]", chunk)
        alpha = sum(c.isalpha() for c in singles)
        if alpha < 2 or alpha * 2 < len(singles):
            continue
        gaps = [(g.start(), g.end()) for g in re.finditer(r"[ .\-_*|·•/]+", chunk)]
        shapes = [chunk[s:e] for s, e in gaps]
        # the separator used between letters; ties go to the first seen (deterministic, unlike a set)
        usual = max(dict.fromkeys(shapes), key=shapes.count)
        for (s, e), shape in zip(gaps, shapes, strict=True):
            for i in range(s, e):
                keep[run.start() + i] = False
            if shape != usual:  # a wider or different gap is a word break: keep one separator, as a space
                keep[run.start() + s] = True
                chars[run.start() + s] = " "
    return m.replace_same_length("".join(chars)).keep(keep)


_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def _collapse_repeats(m: Mapped) -> Mapped:
    text = m.text
    runs = list(_REPEATS.finditer(text))
    if not runs:
        return m
    keep = [True] * len(text)
    for run in runs:
        for i in range(run.start() + 2, run.end()):
            keep[i] = False
    return m.keep(keep)


_ADDRESS = re.compile(r"@[\w-]+\.[a-z]{2,}|://|^www\.", re.IGNORECASE)
_HAS_LEET = re.compile(f"[{_LEET_CHARS}]")


def is_exclamation_run(text: str, i: int) -> bool:
    """Whether the "!" at ``text[i]`` is one of two or more in a row: punctuation, never a letter."""
    return (i > 0 and text[i - 1] == "!") or (i + 1 < len(text) and text[i + 1] == "!")


def _decode_leet(base: str) -> str:
    if not _HAS_LEET.search(base):
        return base
    out = list(base)
    for tok in _TOKEN.finditer(base):
        word = tok.group(0)
        if not any(c in LEET for c in word) or not any(c.isalpha() for c in word):
            continue
        if looks_numeric(word) or _ADDRESS.search(word):
            continue
        start, end = tok.start(), tok.end()
        for i in range(start, end):
            c = out[i]
            if c not in LEET:
                continue
            inside = any(x.isalnum() for x in base[start:i]) and any(x.isalnum() for x in base[i + 1 : end])
            # digits stand for letters anywhere in a word; symbols only inside one ("sh!t", "a$$hole"),
            # or a leading '$' before a letter ("$ex"); a trailing "!" is punctuation, "@name" a mention,
            # and so is a run of "!" ("LOL!!!I've" is not "loliii've")
            if c == "!" and is_exclamation_run(base, i):
                continue
            if c.isdigit() or inside or (c == "$" and i == start and i + 1 < end and base[i + 1].isalpha()):
                out[i] = LEET[c]
    return "".join(out)


#: a capital "I" after a small letter, the way "l" is hidden in "kiII yourseIf"
_CAPITAL_I = re.compile(r"(?<=[a-z])I")
_WORD_WITH_I = re.compile(r"[A-Za-z]*[a-z]I[A-Za-z]*")
#: the Zipf margin by which the "l" reading must be the commoner English word, and how common it must
#: be at all (Zipf 2: once in 100 million words, so a random code such as "ylc" is no word)
_I_FOR_L_MARGIN = 1.0
_I_FOR_L_FLOOR = 2.0


@lru_cache(maxsize=4096)
def _l_reading(word: str) -> str:
    """``word`` with each capital "I" that follows a small letter (or another such "I") read as "l"
    when that makes a far commoner English word: "yourseIf" -> "yourself", "kiII" -> "kill", but
    "McIntosh", "LinkedIn" and "AIs" stay."""
    from wordfreq import zipf_frequency

    hidden: list[int] = []
    for i, c in enumerate(word):
        if c == "I" and i > 0 and (word[i - 1].islower() or (hidden and hidden[-1] == i - 1)):
            hidden.append(i)

    def reading(letter: str) -> str:
        chars = list(word)
        for i in hidden:
            chars[i] = letter
        return "".join(chars)

    as_l = reading("l")
    # wordfreq's small list (~3 MB once loaded, the one language identification reads) rather than the
    # default large one (~35 MB in every worker)
    freq = zipf_frequency(as_l.lower(), "en", wordlist="small")
    if (
        freq >= _I_FOR_L_FLOOR
        and freq >= zipf_frequency(reading("i").lower(), "en", wordlist="small") + _I_FOR_L_MARGIN
    ):
        return as_l
    return word


def _capital_i_for_l(m: Mapped) -> Mapped:
    """Read a capital "I" hidden among small letters as the "l" it imitates, where English says so."""
    text = m.text
    if not _CAPITAL_I.search(text):
        return m
    out = list(text)
    for w in _WORD_WITH_I.finditer(text):
        fixed = _l_reading(w.group(0))
        out[w.start() : w.end()] = fixed
    return m.replace_same_length("".join(out))


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for matching; see the module docstring for the steps."""
    m = _capital_i_for_l(_decode_entities(Mapped.of(text)))
    if m.text.isascii():
        # fast path: nothing invisible, nothing to fold beyond case, no homoglyphs
        m = m.replace_same_length(m.text.lower())
    else:
        m = _strip_invisible(m)
        m = _fold(m)
        m = _fold_confusables(m)
    m = _join_spaced(m)
    m = _collapse_repeats(m)
    base = m.text
    return NormalizedText(original=text, base=base, text=_decode_leet(base), origin=m.origin)
