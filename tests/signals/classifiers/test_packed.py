"""The packed BERT forward: same embeddings as the padded model, and independent of the batch bit for bit.

A small BERT is built here with random weights (no download); the real encoder goes through the same code.
"""

from __future__ import annotations

import pytest
import torch
from transformers import BertConfig, BertModel

from watchkeeper.signals.classifiers.packed import PackedBert, length_runs
from watchkeeper.signals.classifiers.quantize import quantize_linears


def tiny_bert(seed: int = 0) -> BertModel:
    torch.manual_seed(seed)
    cfg = BertConfig(
        vocab_size=200,
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=64,
    )
    return BertModel(cfg).eval()


def texts(n: int, seed: int = 1) -> list[list[int]]:
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(3, 30, (n,), generator=g).tolist()
    return [[101, *torch.randint(5, 200, (k - 2,), generator=g).tolist(), 102] for k in lengths]


def padded_reference(model: BertModel, ids: list[list[int]]) -> torch.Tensor:
    """What the encoder computed before: a padded batch through transformers, masked mean pooling."""
    longest = max(len(x) for x in ids)
    input_ids = torch.tensor([x + [0] * (longest - len(x)) for x in ids])
    mask = torch.tensor([[1] * len(x) + [0] * (longest - len(x)) for x in ids])
    with torch.inference_mode():
        hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1)
    return torch.nn.functional.normalize(pooled, dim=1)


def test_packed_matches_the_padded_model() -> None:
    model = tiny_bert()
    ids = texts(40)
    got = PackedBert(model).embed(ids)
    ref = padded_reference(model, ids)
    assert got.shape == (40, 48)
    assert torch.allclose(got, ref, atol=1e-5)
    assert torch.allclose(got.norm(dim=1), torch.ones(40), atol=1e-5)


def test_a_texts_int8_embedding_does_not_depend_on_its_batch() -> None:
    model = tiny_bert()
    quantize_linears(model.encoder)
    packed = PackedBert(model)
    ids = texts(30)
    whole = packed.embed(ids)
    alone = torch.cat([packed.embed([x]) for x in ids])
    shuffled_order = list(reversed(range(30)))
    shuffled = packed.embed([ids[i] for i in shuffled_order])
    in_sevens = torch.cat([packed.embed(ids[k : k + 7]) for k in range(0, 30, 7)])
    assert torch.equal(whole, alone)
    assert torch.equal(whole, in_sevens)
    assert torch.equal(whole[shuffled_order], shuffled)


def test_in_float32_the_batch_moves_a_text_by_rounding_only() -> None:
    """float32 matrix products may sum in another order for another number of rows: close, not equal."""
    packed = PackedBert(tiny_bert())
    ids = texts(30)
    whole = packed.embed(ids)
    alone = torch.cat([packed.embed([x]) for x in ids])
    assert torch.allclose(whole, alone, atol=1e-6)


def test_the_padded_model_does_depend_on_its_batch_with_int8() -> None:
    """Why the packed path exists: the padded forward moves a text with what shares its batch."""
    model = quantize_linears(tiny_bert())
    ids = texts(30)
    assert isinstance(model, BertModel)
    whole = padded_reference(model, ids)
    alone = torch.cat([padded_reference(model, [x]) for x in ids])
    assert not torch.equal(whole, alone)


def test_length_runs() -> None:
    assert length_runs([]) == []
    assert length_runs([3, 3, 4, 7, 7, 7]) == [range(0, 2), range(2, 3), range(3, 6)]
    assert length_runs([5] * 5, max_texts=2) == [range(0, 2), range(2, 4), range(4, 5)]


def test_refuses_models_it_cannot_run() -> None:
    model = tiny_bert()
    model.config.position_embedding_type = "relative_key"
    with pytest.raises(ValueError, match="absolute"):
        PackedBert(model)
    with pytest.raises(ValueError, match="at least one token"):
        PackedBert(tiny_bert()).embed([[101, 102], []])


def test_an_earlier_layers_mean_is_appended_after_the_sentence_embedding() -> None:
    """``also=(1,)``: the first ``hidden`` columns are the sentence embedding unchanged, bit for bit;
    the next are the mean of the first layer's output, as transformers computes it."""
    model = tiny_bert()
    ids = texts(20)
    packed = PackedBert(model)
    plain = packed.embed(ids)
    both = packed.embed(ids, also=(1,))
    assert both.shape == (20, 96)
    assert torch.equal(both[:, :48], plain)
    longest = max(len(x) for x in ids)
    input_ids = torch.tensor([x + [0] * (longest - len(x)) for x in ids])
    mask = torch.tensor([[1] * len(x) + [0] * (longest - len(x)) for x in ids])
    with torch.inference_mode():
        layer1 = model(input_ids=input_ids, attention_mask=mask, output_hidden_states=True).hidden_states[1]
    m = mask.unsqueeze(-1).to(layer1.dtype)
    ref = torch.nn.functional.normalize((layer1 * m).sum(1) / m.sum(1), dim=1)
    assert torch.allclose(both[:, 48:], ref, atol=1e-5)
    assert not torch.allclose(both[:, 48:], plain, atol=1e-2)
    assert packed.embed([], also=(1,)).shape == (0, 96)


def test_extra_layers_must_be_inner_layers() -> None:
    packed = PackedBert(tiny_bert())
    for bad in ((0,), (2,), (1, 3)):
        with pytest.raises(ValueError, match="extra layers"):
            packed.embed(texts(2), also=bad)


def test_token_states_are_what_the_pooling_reads() -> None:
    model = tiny_bert()
    quantize_linears(model.encoder)
    packed = PackedBert(model)
    ids = texts(13)
    states = packed.token_states(ids, layers=2)
    assert [s.shape for s in states] == [(len(x), 48) for x in ids]
    pooled = torch.nn.functional.normalize(torch.stack([s.mean(0) for s in states]), dim=1)
    assert torch.allclose(pooled, packed.embed(ids), atol=1e-6)
    # the first layer's states, alone or in a batch: the same bits (int8, packed)
    first = packed.token_states(ids, layers=1)
    assert all(torch.equal(a, packed.token_states([x], layers=1)[0]) for a, x in zip(first, ids, strict=True))
    with pytest.raises(ValueError, match="layers must be"):
        packed.token_states(ids, layers=3)
    assert packed.token_states([], layers=1) == []
