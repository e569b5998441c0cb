"""Cheap lexical features: hashed character and word n-grams of the *normalised* text (so evasions
fold before they are counted). Stateless (hashing), so nothing but the head weights is shipped.

The features are those of two scikit-learn ``HashingVectorizer``s (``char_wb`` 2–5-grams and word
1–2-grams, 2**16 columns each, counts, L2-normalised per analyser, no alternate sign), computed here
with ``mmh3`` — the same MurmurHash3 (x86, 32-bit, seed 0) of each n-gram's UTF-8 bytes — so a
serving process never imports scikit-learn: its import (``sklearn.base`` pulls in ``scipy.stats``)
cost ~55 MB of resident memory per worker process, for one hashing loop. The result is equal element
for element to the vectorizers' (tested against them; checked once on 19,289 dev texts), so heads
trained with either read the same matrix. Training still uses scikit-learn for its logistic regressions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from typing import Any

import mmh3
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "CHAR_NGRAMS",
    "N_LEXICAL",
    "WORD_NGRAMS",
    "char_ngrams",
    "lexical_features",
    "lexical_scores",
    "word_ngrams",
]

#: hashed feature space per analyser (char and word each get half)
N_LEXICAL = 2**17
_HALF = N_LEXICAL // 2
#: n-gram lengths: characters inside word boundaries, and words
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
#: scikit-learn's default ``token_pattern`` with one-letter words kept
_TOKEN = re.compile(r"(?u)\b\w+\b")


def char_ngrams(text: str) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with one space on either side
    (``char_wb``): a word no longer than ``n`` gives itself once and no longer n-grams."""
    lo, hi = CHAR_NGRAMS
    out: list[str] = []
    for word in text.split():
        w = f" {word} "
        size = len(w)
        for n in range(lo, hi + 1):
            if size <= n:
                out.append(w)
                break
            out.extend([w[i : i + n] for i in range(size - n + 1)])
    return out


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams (words: runs of word characters)."""
    tokens = _TOKEN.findall(text)
    lo, hi = WORD_NGRAMS
    out: list[str] = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _hashed(grams: list[list[str]]) -> Any:
    """CSR ``(len(grams), _HALF)`` float64: per row the count of each hashed n-gram, L2-normalised
    (a row with no n-grams stays empty)."""
    n = len(grams)
    lengths = np.fromiter(map(len, grams), dtype=np.int64, count=n)
    total = int(lengths.sum())
    codes = np.fromiter(map(mmh3.hash, chain.from_iterable(grams)), dtype=np.int64, count=total)
    # one sort of (row, column) keys gives each row's columns in order and their counts
    keys = np.repeat(np.arange(n, dtype=np.int64) * _HALF, lengths) + np.abs(codes) % _HALF
    uniq, counts = np.unique(keys, return_counts=True)
    owner = uniq // _HALF
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=indptr[1:])
    data = counts.astype(np.float64)
    # the sums of squared counts are whole numbers, exact in float64 in any order
    norms = np.sqrt(np.bincount(owner, weights=data * data, minlength=n))
    data /= norms[owner]
    index = np.int32 if total < 2**31 else np.int64
    return sp.csr_matrix((data, (uniq % _HALF).astype(index), indptr.astype(index)), shape=(n, _HALF))


def lexical_features(normalised_texts: Sequence[str]) -> Any:
    """CSR matrix (n, N_LEXICAL) of hashed n-grams; input must already be normalised."""
    texts = list(normalised_texts)
    chars = _hashed([char_ngrams(t) for t in texts])
    words = _hashed([word_ngrams(t) for t in texts])
    return sp.hstack([chars, words], format="csr")


def lexical_scores(x: Any, weights: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """``x @ weights`` (float64, ``(rows, heads)``) for hashed n-gram rows ``x`` and float32 head
    weights ``(N_LEXICAL, heads)``, over the columns ``x`` uses only. scipy casts the whole float32
    matrix to float64 on every product (5.8 MB for eleven heads: 0.75 ms for one comment, ten times
    the product itself); gathering the used rows first gives the same sums in the same order, bit
    for bit (tested), at the cost of the rows an item has."""
    x = sp.csr_matrix(x)
    cols = np.unique(x.indices)
    used = sp.csr_matrix((x.data, np.searchsorted(cols, x.indices), x.indptr), shape=(x.shape[0], len(cols)))
    return np.asarray(used @ weights[cols].astype(np.float64))
