"""A BERT encoder folder (Hugging Face layout) loaded with ``tokenizers`` and ``safetensors`` alone.

What :class:`.packed.PackedBert` runs is a handful of standard modules (embeddings, six post-norm
layers); ``transformers`` builds the same tree but costs its import and model-loading stack in every
worker process, and copies the weights into memory. Here the tree is built from ``torch.nn`` modules
with the attribute names ``transformers``' ``BertModel`` uses, and its parameters are the tensors
``safetensors`` maps from the file: the word-embedding table (47 MB, most of the model) is read
from the page cache row by row as tokens need it, and the linear layers' float32 weights are
dropped when :func:`.quantize.quantize_linears` replaces them. Same weights, same operations, so
the embeddings equal those of the ``transformers`` model bit for bit (tested, int8 and float32).

The tokenizer is the folder's ``tokenizer.json`` (the fast tokenizer ``transformers`` loads too), with
its saved fixed-length padding turned off (the packed forward takes unpadded ids) and truncation set
by the caller; its ids equal ``AutoTokenizer``'s for this model (tested on the dev texts' shapes).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

__all__ = ["BertConfig", "BertTokenizer", "load_bert"]

#: 2-d tensors copied out of the file's mapping (see :func:`load_bert`)
_COPIED = frozenset({"embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight"})


@dataclass(frozen=True)
class BertConfig:
    """The parts of ``config.json`` the packed forward reads (and checks: encoder-only BERT with
    absolute positions and exact GELU)."""

    hidden_size: int
    num_attention_heads: int
    num_hidden_layers: int
    intermediate_size: int
    vocab_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    position_embedding_type: str = "absolute"
    is_decoder: bool = False

    @classmethod
    def read(cls, path: Path) -> BertConfig:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("model_type") != "bert":
            raise ValueError(f"{path}: model_type {raw.get('model_type')!r}, not 'bert'")
        if raw.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: hidden_act {raw.get('hidden_act')!r}; only exact 'gelu' is built")
        cfg = cls(
            hidden_size=int(raw["hidden_size"]),
            num_attention_heads=int(raw["num_attention_heads"]),
            num_hidden_layers=int(raw["num_hidden_layers"]),
            intermediate_size=int(raw["intermediate_size"]),
            vocab_size=int(raw["vocab_size"]),
            max_position_embeddings=int(raw["max_position_embeddings"]),
            type_vocab_size=int(raw.get("type_vocab_size", 2)),
            layer_norm_eps=float(raw.get("layer_norm_eps", 1e-12)),
            position_embedding_type=str(raw.get("position_embedding_type", "absolute")),
            is_decoder=bool(raw.get("is_decoder", False)),
        )
        if cfg.position_embedding_type != "absolute" or cfg.is_decoder:
            raise ValueError(f"{path}: only encoder-only BERT with absolute positions is built")
        return cfg


class _Embeddings(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size, device="meta")
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, cfg.hidden_size, device="meta")
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, cfg.hidden_size, device="meta")
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps, device="meta")


class _SelfAttention(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        size = cfg.hidden_size
        self.query = nn.Linear(size, size, device="meta")
        self.key = nn.Linear(size, size, device="meta")
        self.value = nn.Linear(size, size, device="meta")
        self.scaling = (size // cfg.num_attention_heads) ** -0.5


class _Output(nn.Module):
    def __init__(self, cfg: BertConfig, inputs: int) -> None:
        super().__init__()
        self.dense = nn.Linear(inputs, cfg.hidden_size, device="meta")
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps, device="meta")


class _Attention(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.self = _SelfAttention(cfg)
        self.output = _Output(cfg, cfg.hidden_size)


class _Intermediate(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size, device="meta")
        self.intermediate_act_fn = nn.GELU()


class _Layer(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.attention = _Attention(cfg)
        self.intermediate = _Intermediate(cfg)
        self.output = _Output(cfg, cfg.intermediate_size)


class _Encoder(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(cfg) for _ in range(cfg.num_hidden_layers))


class Bert(nn.Module):
    """The module tree of ``transformers``' ``BertModel`` without its pooler, for the packed forward."""

    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.config = cfg
        self.embeddings = _Embeddings(cfg)
        self.encoder = _Encoder(cfg)


class BertTokenizer:
    """WordPiece ids of texts, ``[CLS]`` and ``[SEP]`` included, unpadded, cut to ``max_length``."""

    def __init__(self, path: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(path))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=max_length)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch(list(texts))]


def load_bert(folder: Path, *, max_length: int) -> tuple[BertTokenizer, Bert]:
    """The folder's tokenizer and BERT, the weights mapped from ``model.safetensors`` (not copied).
    Every parameter of the tree must be in the file and every tensor of the file used (the pooler's
    and ``position_ids`` aside), or the load fails: a missing weight must not stay at random."""
    from safetensors.torch import load_file

    cfg = BertConfig.read(folder / "config.json")
    model = Bert(cfg)
    tensors: dict[str, torch.Tensor] = load_file(str(folder / "model.safetensors"))
    prefix = "bert." if any(k.startswith("bert.") for k in tensors) else ""
    wanted = dict(model.named_parameters())
    missing = [name for name in wanted if prefix + name not in tensors]
    unused = [
        k
        for k in tensors
        if k[len(prefix) :] not in wanted
        and not k.startswith((prefix + "pooler.", prefix + "embeddings.position_ids"))
    ]
    if missing or unused:
        raise ValueError(f"{folder}: weights missing {missing[:5]} or not used {unused[:5]}")
    for name, param in wanted.items():
        tensor = tensors[prefix + name]
        if tensor.shape != param.shape:
            raise ValueError(
                f"{folder}: {name} is {tuple(tensor.shape)}, the config says {tuple(param.shape)}"
            )
        if tensor.dim() == 1 or name in _COPIED:
            # small tensors read whole on every batch: copied out of the mapping, where they sit 24
            # bytes off a 64-byte boundary (the file's header length); the big matrices stay mapped
            tensor = tensor.clone()
        owner: Any = model.get_submodule(name.rpartition(".")[0])
        setattr(owner, name.rpartition(".")[2], nn.Parameter(tensor.to(torch.float32), requires_grad=False))
    return BertTokenizer(folder / "tokenizer.json", max_length), model.eval()
