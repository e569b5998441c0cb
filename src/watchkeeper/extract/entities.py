"""Extraction of links and contact points: URLs (incl. obfuscated), emails, phone numbers, crypto
wallet addresses, @mentions and #hashtags, each with offsets into the text the user wrote.

Obfuscations handled: ``hxxp://``, ``[.]`` / ``(.)`` / ``{.}``, `` dot `` / ``[dot]`` / ``(dot)``,
``[:]``, and ``name at domain dot com`` / ``name(at)domain`` for e-mail. Bare domains without a scheme
count only with a common top-level domain, so file names such as ``main.py`` or ``run.sh`` stay text.
Wallet addresses are checksum-validated (Base58Check, Bech32/Bech32m, EIP-55 where mixed case).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers
import tldextract

from watchkeeper.extract.mapped import Mapped

__all__ = ["Entity", "EntityKind", "extract_entities", "registered_domain"]


class EntityKind(StrEnum):
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    WALLET = "wallet"
    MENTION = "mention"
    HASHTAG = "hashtag"


@dataclass(frozen=True, slots=True)
class Entity:
    """``value`` is canonical (lower-cased URL with scheme, E.164 phone, ...); offsets are original."""

    kind: EntityKind
    value: str
    start: int
    end: int
    raw: str
    obfuscated: bool = False
    detail: str | None = None  # wallet chain, URL registered domain, ...


# TLDs accepted for a bare "name.tld" with no scheme or www: common generic and country codes that are
# rarely file extensions.
_BARE_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "io",
        "co",
        "me",
        "ly",
        "gg",
        "tv",
        "xyz",
        "top",
        "club",
        "site",
        "online",
        "shop",
        "store",
        "live",
        "app",
        "link",
        "click",
        "vip",
        "win",
        "bet",
        "casino",
        "loan",
        "money",
        "cash",
        "fun",
        "icu",
        "buzz",
        "today",
        "pro",
        "cc",
        "ws",
        "su",
        "ru",
        "cn",
        "uk",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "pl",
        "br",
        "in",
        "jp",
        "kr",
        "au",
        "ca",
        "us",
        "eu",
        "ch",
        "se",
        "no",
        "dk",
        "fi",
        "be",
        "at",
        "ie",
        "nz",
        "za",
        "mx",
        "ar",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "pw",
        "to",
        "is",
    ]
)


@lru_cache(maxsize=1)
def _tld() -> tldextract.TLDExtract:
    # the bundled Public Suffix List snapshot only: never fetch a fresh list over the network
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> str | None:
    """``sub.example.co.uk`` -> ``example.co.uk``; None when the suffix is not a public one."""
    r = _tld()(host)
    if not r.suffix or not r.domain:
        return None
    return f"{r.domain}.{r.suffix}".lower()


_DEOBFUSCATE = re.compile(
    r"""(?P<hxxp>\bh(?:xx|\*\*|XX)p(?P<s>s?)(?=\s*(?:\[:\]|:)))
      | (?P<colon>\[:\])
      | (?P<dot>\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s?)
      | (?P<wdot>(?<=[a-z0-9])\s+dot\s+(?=[a-z0-9]{2,}\b))
      | (?P<at>\s?(?:\[at\]|\(at\)|\{at\})\s?
              |\s+at\s+(?=[a-z0-9.\-_]+(?:\.|\s+dot\s+|\[\.\]|\(\.\))[a-z]{2,}\b))
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SPELLED_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"\s+dot\s+|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}", re.IGNORECASE)
#: mail providers a spelled-out address names ("john at gmail.com")
_MAIL_PROVIDERS = frozenset(
    [
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "aol",
        "icloud",
        "me",
        "mac",
        "proton",
        "protonmail",
        "pm",
        "gmx",
        "yandex",
        "mail",
        "zoho",
        "tutanota",
        "qq",
        "163",
        "rediffmail",
        "web",
        "t-online",
        "libero",
        "orange",
        "comcast",
        "verizon",
        "att",
    ]
)


def _plausible_spelled_email(raw: str, value: str) -> bool:
    """Whether ``name at domain.tld`` written with a plain word "at" is an address rather than prose:
    "Me at cherthala.in", "log in at icicibank.com" and "blogging at magicalsongs.blogspot.com" are
    where someone is or goes. It is an address when the domain is spelled out too ("dot com"), the
    name holds a digit, a dot or an underscore, or the domain is a mail provider. ``[at]`` and
    ``(at)`` are always addresses: nobody writes prose that way."""
    if not _SPELLED_AT.search(raw):
        return True
    if _SPELLED_DOT.search(_SPELLED_AT.split(raw, maxsplit=1)[-1]):
        return True
    local, _, domain = value.partition("@")
    if any(c.isdigit() or c in "._" for c in local):
        return True
    return domain.split(".")[0] in _MAIL_PROVIDERS


_PHONE_MAX_TRIES = 300
_STOP_LABELS = frozenset(
    ["the", "a", "an", "this", "that", "his", "her", "its", "our", "your", "my", "their", "dot", "com"]
)


def _deobfuscate(text: str, *, at: bool = True) -> Mapped:
    """``text`` with obfuscated dots, colons and ``hxxp`` undone, and with ``at`` also spelled-out
    at-signs (the e-mail pass; the link pass leaves them, so that the domain in "log in at
    icicibank.com" is still a link when the e-mail pass finds no address there)."""

    def repl(m: re.Match[str]) -> str:
        if m.group("hxxp"):
            return "http" + (m.group("s") or "")
        if m.group("colon"):
            return ":"
        if m.group("dot") or m.group("wdot"):
            return "."
        if m.group("at"):
            return "@" if at else m.group(0)
        return m.group(0)

    return Mapped.of(text).sub(_DEOBFUSCATE, repl)


_URL = re.compile(
    r"""(?<![@\w.-])(?:
          (?P<scheme>https?://)(?P<host1>[\w.-]+\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{2,5})?
        | (?P<www>www\.)(?P<host2>[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})
        | (?P<host3>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w@])
      )(?P<path>/[^\s<>"'`)\]}]*)?""",
    re.VERBOSE | re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[a-z0-9-]+\.)+[a-z]{2,24}\b", re.IGNORECASE)
_MENTION = re.compile(
    r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.[a-z]{2,}\b)"
)
_HASHTAG = re.compile(r"(?<![\w#&])#(\w{1,100})")
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_CAND = re.compile(r"(?<![\w])[13LMDT][1-9A-HJ-NP-Za-km-z]{25,34}(?![\w])")
_BECH32_CAND = re.compile(r"(?<![\w])(?:bc1|ltc1|tb1)[02-9ac-hj-np-z]{11,71}(?![\w])", re.IGNORECASE)
_ETH_CAND = re.compile(r"(?<![\w])0x[0-9a-fA-F]{40}(?![\w])")
# version byte -> chain for Base58Check addresses
_B58_VERSIONS = {
    0x00: "bitcoin",
    0x05: "bitcoin",
    0x30: "litecoin",
    0x32: "litecoin",
    0x1E: "dogecoin",
    0x16: "dogecoin",
    0x41: "tron",
}


def _b58decode(s: str) -> bytes | None:
    n = 0
    for ch in s:
        idx = _B58.find(ch)
        if idx < 0:
            return None
        n = n * 58 + idx
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + body


def _base58check_chain(addr: str) -> str | None:
    raw = _b58decode(addr)
    if raw is None or len(raw) != 25:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return _B58_VERSIONS.get(payload[0])


_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_valid(addr: str) -> bool:
    addr = addr.lower()
    pos = addr.rfind("1")
    hrp, data = addr[:pos], addr[pos + 1 :]
    if not hrp or len(data) < 6 or any(c not in _BECH32_CHARSET for c in data):
        return False
    values = (
        [ord(c) >> 5 for c in hrp]
        + [0]
        + [ord(c) & 31 for c in hrp]
        + [_BECH32_CHARSET.index(c) for c in data]
    )
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk in (1, 0x2BC830A3)  # bech32, bech32m


def _trim_url_tail(s: str) -> str:
    return s.rstrip(".,;:!?'\"")


def extract_entities(text: str) -> list[Entity]:
    """Every entity found in ``text``, sorted by position; overlapping finds keep the first kind found."""
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []

    def add(e: Entity) -> None:
        if any(e.start < b and a < e.end for a, b in taken):
            return
        taken.append((e.start, e.end))
        found.append(e)

    # wallets first: their base58 bodies would otherwise read as nothing else, but must not be split
    for m in _ETH_CAND.finditer(text):
        add(Entity(EntityKind.WALLET, m.group(0).lower(), m.start(), m.end(), m.group(0), detail="ethereum"))
    for m in _BECH32_CAND.finditer(text):
        if _bech32_valid(m.group(0)):
            chain = "litecoin" if m.group(0).lower().startswith("ltc") else "bitcoin"
            add(Entity(EntityKind.WALLET, m.group(0).lower(), m.start(), m.end(), m.group(0), detail=chain))
    for m in _B58_CAND.finditer(text):
        b58_chain = _base58check_chain(m.group(0))
        if b58_chain:
            add(Entity(EntityKind.WALLET, m.group(0), m.start(), m.end(), m.group(0), detail=b58_chain))

    clean = _deobfuscate(text)
    for m in _EMAIL.finditer(clean.text):
        a, b = clean.span(m.start(), m.end())
        value = m.group(0).lower()
        if not _plausible_spelled_email(text[a:b], value):
            continue
        add(Entity(EntityKind.EMAIL, value, a, b, text[a:b], obfuscated=text[a:b].lower() != value))

    if clean.text.count("@") != text.count("@"):  # an at-sign was spelled out
        clean = _deobfuscate(text, at=False)
    for m in _URL.finditer(clean.text):
        raw_match = _trim_url_tail(m.group(0))
        host = (m.group("host1") or m.group("host2") or m.group("host3") or "").lower()
        if m.group("host3") and not m.group("scheme"):
            labels = host.split(".")
            if labels[-1] not in _BARE_TLDS or labels[0] in _STOP_LABELS or labels[-2].isdigit():
                continue
        if not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host) and registered_domain(host) is None:
            continue
        a, b = clean.span(m.start(), m.start() + len(raw_match))
        path = m.group("path") or ""
        cut = len(m.group(0)) - len(raw_match)
        path = path[: len(path) - cut] if len(path) >= cut else ""
        head = raw_match[: len(raw_match) - len(path)]
        value = (head if m.group("scheme") else "http://" + head).lower() + path
        add(
            Entity(
                EntityKind.URL,
                value,
                a,
                b,
                text[a:b],
                obfuscated=text[a:b].lower() != raw_match.lower(),
                detail=registered_domain(host) or host,
            )
        )

    for m in _MENTION.finditer(text):
        add(Entity(EntityKind.MENTION, m.group(1).lower(), m.start(), m.end(), m.group(0)))
    for m in _HASHTAG.finditer(text):
        if m.group(1).isdigit():
            continue
        add(Entity(EntityKind.HASHTAG, m.group(1).lower(), m.start(), m.end(), m.group(0)))

    digits = sum(c.isdigit() for c in text)
    for region in ("US", None) if digits >= 7 else ():
        # max_tries bounds the matcher's work on hostile input (a long run of digit groups)
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region or "ZZ", leniency=phonenumbers.Leniency.VALID, max_tries=_PHONE_MAX_TRIES
        )
        for pm in matcher:
            e164 = phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164)
            add(Entity(EntityKind.PHONE, e164, pm.start, pm.end, pm.raw_string))

    found.sort(key=lambda e: (e.start, e.end))
    return found
