"""The head set: one n-gram product for all full heads gives each head's own result, bit for bit."""

from __future__ import annotations

import numpy as np

from watchkeeper.signals.classifiers.features import N_LEXICAL, lexical_features
from watchkeeper.signals.classifiers.heads import Head, HeadSet


def random_heads(n: int = 5, dim: int = 16, seed: int = 0) -> dict[str, Head]:
    rng = np.random.default_rng(seed)
    return {
        f"h{i}": Head(
            f"h{i}",
            rng.normal(size=N_LEXICAL).astype(np.float32),
            rng.normal(size=dim).astype(np.float32),
            float(rng.normal()),
            float(rng.uniform(0.5, 2)),
            float(rng.normal()),
        )
        for i in range(n)
    }


def test_full_heads_score_in_one_product_as_each_alone() -> None:
    heads = random_heads()
    hs = HeadSet("t", "enc", 1.0, {}, heads)
    texts = ["you are vermin lol", "nice goal again", "", "a", "buy cheap followers now dm me"]
    x = lexical_features(texts)
    emb = np.random.default_rng(1).normal(size=(len(texts), 16)).astype(np.float32)
    together = hs.full_proba(x, emb, emb)
    assert list(together) == list(heads)
    for name, head in heads.items():
        assert np.array_equal(together[name], head.proba(x, emb))  # the unstacked head, alone
        assert np.array_equal(hs.full[name].lex, head.lex)
    # the heads' weights are views of the one stacked matrix, not second copies
    assert all(np.shares_memory(h.lex, hs._full_lex) for h in hs.full.values())


def test_a_head_set_without_full_heads_scores_nothing() -> None:
    hs = HeadSet("t", "enc", 1.0, {}, {})
    x = lexical_features(["hello there"])
    assert hs.full_proba(x, np.zeros((1, 4), np.float32), np.zeros((1, 4), np.float32)) == {}
