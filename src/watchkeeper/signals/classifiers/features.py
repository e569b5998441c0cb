"""Cheap lexical features: hashed character and word n-grams of the *normalised* text (so evasions
fold before they are counted). Stateless (hashing), so nothing but the head weights is shipped."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

__all__ = ["N_LEXICAL", "lexical_features"]

#: hashed feature space per analyser (char and word each get half)
N_LEXICAL = 2**17


@lru_cache(maxsize=1)
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=N_LEXICAL // 2,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )
    words = HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=N_LEXICAL // 2,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
        token_pattern=r"(?u)\b\w+\b",
    )
    return chars, words


def lexical_features(normalised_texts: Sequence[str]) -> Any:
    """CSR matrix (n, N_LEXICAL) of hashed n-grams; input must already be normalised."""
    chars, words = _vectorizers()
    return sp.hstack([chars.transform(normalised_texts), words.transform(normalised_texts)], format="csr")
