"""BERT over packed tokens: the encoder's work is on real tokens only, never on padding.

Padding a batch to its longest text doubles the work on comment-length traffic: in batches of 64
texts of 40-120 characters, the padded batch holds 2.0x the real tokens (measured on the dev sets).
Every layer of a BERT encoder but attention works on each token alone (the linear layers, GELU,
layer norm, residuals; the int8 layers of :mod:`.quantize` scale each row on its own), so here the
tokens of all texts are laid end to end in one ``(tokens, hidden)`` matrix and those layers run on
it once. Only attention needs the texts apart: it runs once per run of texts of *equal* length, a
batch with no padding and no mask.

So with the int8 layers (the default) a text's embedding never depends on what else is in its
batch, bit for bit (tested): the int8 products are exact integers, the other layers work per token,
and attention sees the text alone in its row of a batch of equal-length texts. In float32 the
matrix products may sum in another order for another number of rows (~1e-7). The padded forward
moved a text's int8 embedding by up to 0.02 in an element with its batch: masked padding changes
attention's rounding, and the activation rounding can amplify that. Against the padded forward the
packed one agrees to float rounding (fp32: max element difference ~2e-7), so heads trained on
either are valid for both.

Written here rather than taken from a library: ``transformers``' BERT has no unpadded path on CPU,
and the model is small and fixed (six standard post-norm layers); ~80 lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

__all__ = ["PackedBert", "length_runs"]


def length_runs(lengths: Sequence[int], *, max_texts: int = 64) -> list[range]:
    """Runs of consecutive texts of the same length (``lengths`` sorted), at most ``max_texts`` each:
    attention runs once per run, on a batch with no padding at all."""
    out: list[range] = []
    start = 0
    for i, n in enumerate(lengths):
        if i > start and (i - start >= max_texts or n != lengths[start]):
            out.append(range(start, i))
            start = i
    if lengths:
        out.append(range(start, len(lengths)))
    return out


class PackedBert:
    """Mean-pooled embeddings from a BERT module tree with ``transformers``' ``BertModel`` names
    (post-norm, absolute positions; :func:`.bert.load_bert` builds one without ``transformers``),
    computed on packed tokens. The model's own modules do the work, so quantised linear
    layers swapped into it (:func:`.quantize.quantize_linears`) are used as they are."""

    def __init__(self, model: Any, *, max_texts_per_run: int = 64) -> None:
        cfg = model.config
        if getattr(cfg, "position_embedding_type", "absolute") != "absolute" or cfg.is_decoder:
            raise ValueError("PackedBert runs encoder-only BERT with absolute positions")
        self.model = model
        self.heads = int(cfg.num_attention_heads)
        self.head_dim = int(cfg.hidden_size) // self.heads
        self.hidden = int(cfg.hidden_size)
        self.max_texts_per_run = max_texts_per_run

    def embed(self, input_ids: Sequence[Sequence[int]], *, also: Sequence[int] = ()) -> torch.Tensor:
        """(texts, hidden) L2-normalised mean of each text's last hidden states, in input order.
        ``input_ids`` are the tokenizer's ids per text (special tokens included, unpadded).

        ``also`` names earlier layers (1-based: 4 is the output of the fourth layer) whose
        L2-normalised mean is appended after the sentence embedding, each ``hidden`` wide: a middle
        layer keeps more of the wording than the last one, which is trained for sentence similarity
        (heads read both; similarity search reads the first ``hidden`` columns only)."""
        n = len(input_ids)
        layers = len(self.model.encoder.layer)
        if any(not 1 <= k < layers for k in also):
            raise ValueError(f"extra layers must be in 1..{layers - 1}, not {list(also)}")
        if n == 0:
            return torch.zeros((0, self.hidden * (1 + len(also))))
        order, lengths, runs = self._pack(input_ids)
        with torch.inference_mode():
            ids = torch.tensor([t for i in order for t in input_ids[i]], dtype=torch.long)
            positions = torch.cat([torch.arange(k) for k in lengths])
            owner = torch.repeat_interleave(torch.arange(n), torch.tensor(lengths))
            counts = torch.tensor(lengths, dtype=torch.float32)[:, None]

            def mean(h: torch.Tensor) -> torch.Tensor:
                sums = torch.zeros((n, self.hidden), dtype=h.dtype).index_add_(0, owner, h)
                return torch.nn.functional.normalize(sums / counts, dim=1)

            h = self._embeddings(ids, positions)
            extra: dict[int, torch.Tensor] = {}
            for number, layer in enumerate(self.model.encoder.layer, 1):
                h = self._layer(layer, h, runs)
                if number in also:
                    extra[number] = mean(h)
            pooled = torch.cat([mean(h), *(extra[k] for k in also)], dim=1)
            out = torch.empty_like(pooled)
            out[torch.tensor(order)] = pooled
        return out

    def token_states(self, input_ids: Sequence[Sequence[int]], *, layers: int) -> list[torch.Tensor]:
        """Each text's hidden states after the first ``layers`` layers, ``(tokens, hidden)`` per text in
        input order: what a fine-tuned copy of the upper layers reads (``bench/tune_top.py``). The same
        packed forward as :meth:`embed`, so the states are those its pooling sees."""
        if not 0 <= layers <= len(self.model.encoder.layer):
            raise ValueError(f"layers must be in 0..{len(self.model.encoder.layer)}, not {layers}")
        n = len(input_ids)
        if n == 0:
            return []
        order, lengths, runs = self._pack(input_ids)
        with torch.inference_mode():
            ids = torch.tensor([t for i in order for t in input_ids[i]], dtype=torch.long)
            h = self._embeddings(ids, torch.cat([torch.arange(k) for k in lengths]))
            for layer in self.model.encoder.layer[:layers]:
                h = self._layer(layer, h, runs)
            out: list[torch.Tensor] = [torch.empty(0)] * n
            for i, part in zip(order, torch.split(h, lengths), strict=True):
                out[i] = part.clone()
        return out

    def _pack(
        self, input_ids: Sequence[Sequence[int]]
    ) -> tuple[list[int], list[int], list[tuple[slice, int, int]]]:
        """The texts' order by length, their lengths in that order, and per run of equal lengths
        its rows of the packed matrix, its number of texts and their length."""
        order = sorted(range(len(input_ids)), key=lambda i: len(input_ids[i]))
        lengths = [len(input_ids[i]) for i in order]
        if lengths[0] == 0:
            raise ValueError("every text needs at least one token")
        runs: list[tuple[slice, int, int]] = []
        row = 0
        for run in length_runs(lengths, max_texts=self.max_texts_per_run):
            size = len(run) * lengths[run.start]
            runs.append((slice(row, row + size), len(run), lengths[run.start]))
            row += size
        return order, lengths, runs

    def _embeddings(self, ids: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        emb = self.model.embeddings
        # as BertEmbeddings: word + token type (all 0) + position, then layer norm (dropout is off)
        x = emb.word_embeddings(ids) + emb.token_type_embeddings.weight[0]
        x = x + emb.position_embeddings(positions)
        out: torch.Tensor = emb.LayerNorm(x)
        return out

    def _layer(self, layer: Any, h: torch.Tensor, runs: list[tuple[slice, int, int]]) -> torch.Tensor:
        att = layer.attention
        sa = att.self
        # one input for the three projections, so the int8 layers quantise it once
        q, k, v = sa.query(h), sa.key(h), sa.value(h)
        ctx = torch.empty_like(q)
        for rows, b, n in runs:

            def split(t: torch.Tensor, rows: slice = rows, b: int = b, n: int = n) -> torch.Tensor:
                return t[rows].view(b, n, self.heads, self.head_dim).transpose(1, 2)

            a = torch.nn.functional.scaled_dot_product_attention(
                split(q), split(k), split(v), scale=sa.scaling
            )
            ctx[rows] = a.transpose(1, 2).reshape(b * n, self.hidden)
        x = att.output.LayerNorm(att.output.dense(ctx) + h)
        inner = layer.intermediate.intermediate_act_fn(layer.intermediate.dense(x))
        out: torch.Tensor = layer.output.LayerNorm(layer.output.dense(inner) + x)
        return out
