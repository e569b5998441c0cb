from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from watchkeeper.signals.classifiers.features import (
    N_LEXICAL,
    char_ngrams,
    lexical_features,
    lexical_scores,
    word_ngrams,
)

#: texts that exercise the analysers' edges: empty and blank rows, one- to five-letter words (a word
#: no longer than n gives itself once), unicode whitespace and word characters, emoji, repeated grams
EDGES = [
    "",
    "   ",
    "a",
    "ab",
    "abc abcd abcde abcdef",
    "x\u00a0y\u2028z\x1c\x1dq",
    "a  b\t\tc\n\nd",
    "emoji 🙂🙂 e 👍🏽",
    "straße ǅungla İstanbul ﬁne",
    "日本語のテキスト と 中文",
    "ха-ха, это шутка",
    "la la la la la la la",
    "k1ll y0u_all n0w!!! $$$ 100%",
    "you are vermin and they are rats",
]


def _sklearn(texts: list[str]) -> sp.csr_matrix:
    """The two vectorizers the shipped heads were first trained on (``features.py`` before mmh3)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": N_LEXICAL // 2, "alternate_sign": False, "norm": "l2", "lowercase": False}
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common)
    return sp.hstack([chars.transform(texts), words.transform(texts)], format="csr")


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    alphabet = "abcdefghij klmnop  qrs\tt\nuvw xyz 0123 éüß ж 日 🙂 '-_.,!?" + "\u00a0\u3000"
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 160))) for _ in range(n)]


@pytest.mark.parametrize("texts", [EDGES, _random_texts(400, 3), EDGES[::-1] + _random_texts(50, 4) + EDGES])
def test_the_same_matrix_as_scikit_learns_hashing_vectorizers_bit_for_bit(texts: list[str]) -> None:
    ours, theirs = lexical_features(texts), _sklearn(texts)
    theirs.sort_indices()
    assert ours.shape == theirs.shape == (len(texts), N_LEXICAL)
    assert ours.has_sorted_indices
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data.view(np.int64), theirs.data.view(np.int64))  # same bits


def test_a_row_does_not_depend_on_the_other_rows_of_its_batch() -> None:
    texts = _random_texts(30, 5)
    batch = lexical_features(texts)
    for i in (0, 7, 29):
        alone = lexical_features([texts[i]])
        assert (batch[i] != alone).nnz == 0


def test_char_ngrams_pad_words_and_count_a_short_word_once() -> None:
    assert char_ngrams("ab") == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert char_ngrams("a") == [" a", "a ", " a "]
    assert char_ngrams("  ") == []
    assert word_ngrams("to be, or not") == ["to", "be", "or", "not", "to be", "be or", "or not"]


def test_rows_are_unit_length_per_analyser_and_blank_rows_stay_empty() -> None:
    x = lexical_features(["hello there world", "", "!!!"])
    half = N_LEXICAL // 2
    for part in (x[:, :half], x[:, half:]):
        assert np.sqrt(part[0].multiply(part[0]).sum()) == pytest.approx(1.0)
    assert x[1].nnz == 0
    assert x[2, half:].nnz == 0  # no word characters: no word n-grams


@pytest.mark.parametrize("heads", [1, 11])
def test_scores_over_the_used_columns_equal_scipys_full_product_bit_for_bit(heads: int) -> None:
    rnd = np.random.default_rng(7)
    weights = rnd.normal(size=(N_LEXICAL, heads)).astype(np.float32)
    for texts in (EDGES, _random_texts(64, 8), ["one comment only"], [""]):
        x = lexical_features(texts)
        got = lexical_scores(x, weights)
        want = np.asarray(x @ weights)  # scipy: the whole matrix cast to float64, then the product
        assert got.shape == (len(texts), heads) and got.dtype == np.float64
        assert np.array_equal(got.view(np.int64), want.view(np.int64))


def test_moderating_text_imports_neither_scikit_learn_nor_transformers() -> None:
    """The serving path hashes with mmh3 and loads BERT with tokenizers + safetensors: importing
    scikit-learn (and the scipy.stats it pulls in) held ~55 MB per worker process, transformers'
    stack with its copy of the weights ~100 MB."""
    code = (
        "import sys\n"
        "from watchkeeper.engine import Engine\n"
        "from watchkeeper.types import Item\n"
        "engine = Engine.load(None)\n"
        "texts = ['you people are vermin, get out', 'lovely video', 'how do I kill a python process']\n"
        "decisions = engine.moderate_many([Item(id=str(i), text=t) for i, t in enumerate(texts)])\n"
        "assert any(s.detector == 'classifier' for d in decisions for s in d.signals)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'transformers')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
