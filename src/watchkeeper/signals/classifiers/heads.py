"""Trained classification heads and their versioned artifact.

Two stages share one artifact:

* ``lexical`` heads read hashed n-grams only (no encoder): thousands of items per second, used to
  settle clearly benign content cheaply;
* ``full`` heads read the n-grams plus the sentence embedding.
* ``multilingual`` heads (optional) read the n-grams plus a multilingual embedding
  (``multilingual_encoder``), for text in one of ``languages``; they cover only the categories the
  multilingual training data labels (today: hate).

Every head is a linear model followed by Platt calibration (``p = sigmoid(a * z + b)``, fitted on a
held-out calibration part of the data), so its output is a probability the policy bands can read.
The artifact is one compressed ``.npz`` (float16 weights) plus a JSON/Markdown model card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from watchkeeper.signals.classifiers.features import lexical_scores
from watchkeeper.signals.classifiers.memory import NeighbourBank

__all__ = ["DEFAULT_ARTIFACT", "VIOLATING", "Head", "HeadSet"]

#: the binary "violates any policy" head
VIOLATING = "violating"
DEFAULT_ARTIFACT = Path(__file__).resolve().parents[2] / "data" / "text-heads.npz"

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Head:
    name: str
    lex: Vector  # (N_LEXICAL,)
    emb: Vector | None  # (dim,) for full heads
    bias: float
    platt_a: float
    platt_b: float
    #: (2,) weights of the nearest-neighbour features (:mod:`.memory`), for full heads trained with them
    knn: Vector | None = None

    def logits(
        self,
        x_lex: Any,
        emb: Vector | None,
        knn: Vector | None = None,
        *,
        lex_z: npt.NDArray[np.float64] | None = None,
    ) -> Vector:
        """``lex_z``: the n-gram part, ``lexical_scores(x_lex, lex)``, if the caller has it."""
        if lex_z is None:
            lex_z = lexical_scores(x_lex, self.lex[:, None])[:, 0]
        z: Vector = lex_z.astype(np.float32) + self.bias
        if self.emb is not None:
            if emb is None:
                raise ValueError(f"head {self.name} needs embeddings")
            z = z + emb @ self.emb
        if self.knn is not None:
            if knn is None:
                raise ValueError(f"head {self.name} needs its nearest-neighbour features")
            z = z + knn @ self.knn
        return z

    def proba(
        self,
        x_lex: Any,
        emb: Vector | None = None,
        knn: Vector | None = None,
        *,
        lex_z: npt.NDArray[np.float64] | None = None,
    ) -> Vector:
        z = self.logits(x_lex, emb, knn, lex_z=lex_z)
        p: Vector = expit(self.platt_a * z + self.platt_b).astype(np.float32)
        return p


@dataclass(frozen=True)
class HeadSet:
    version: str
    encoder: str
    emb_scale: float
    lexical: dict[str, Head]
    full: dict[str, Head]
    card: dict[str, Any] = field(default_factory=dict)
    multilingual: dict[str, Head] = field(default_factory=dict)
    multilingual_encoder: str = ""
    #: languages (ISO 639-1) the multilingual heads were trained on
    languages: tuple[str, ...] = ()
    #: the training rows the full heads' nearest-neighbour features are looked up in (:mod:`.memory`)
    bank: NeighbourBank | None = None
    #: category heads whose score is the geometric mean of their own probability and the
    #: ``violating`` head's (:attr:`.training.TrainConfig.gated_heads` says why)
    gated: tuple[str, ...] = ()
    #: the full heads' n-gram weights, ``(N_LEXICAL, heads)`` in ``full``'s order (set from ``full``)
    _full_lex: Vector = field(
        init=False, repr=False, compare=False, default_factory=lambda: np.zeros((0, 0), np.float32)
    )

    def __post_init__(self) -> None:
        # the full heads' n-gram weights side by side, each head's a view of its column: one sparse
        # product for all of them per batch instead of one per head (0.22 -> 0.03 ms an item, batches of 64)
        names = list(self.full)
        stacked = (
            np.stack([self.full[n].lex for n in names], axis=1) if names else np.zeros((0, 0), np.float32)
        )
        object.__setattr__(self, "_full_lex", stacked)
        views = {n: replace(self.full[n], lex=stacked[:, j]) for j, n in enumerate(names)}
        object.__setattr__(self, "full", views)

    def full_proba(self, x_lex: Any, feats: Vector, sentence: Vector) -> dict[str, Vector]:
        """Every full head's probabilities for these rows: ``feats`` are the encoder features the
        heads read, ``sentence`` the sentence embeddings their nearest-neighbour features are looked
        up with in the bank (heads trained without them ignore it). A gated head's probability is
        the geometric mean of its own and the ``violating`` head's: both must agree."""
        knn = self.bank.features(sentence) if self.bank is not None else {}
        lex_z = lexical_scores(x_lex, self._full_lex) if self.full else None
        out = {
            n: h.proba(x_lex, feats, knn.get(n), lex_z=None if lex_z is None else lex_z[:, j])
            for j, (n, h) in enumerate(self.full.items())
        }
        violating = out.get(VIOLATING)
        if violating is not None:
            for n in self.gated:
                if n in out:
                    out[n] = np.sqrt(out[n] * violating).astype(np.float32)
        return out

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        stages = (("lexical", self.lexical), ("full", self.full), ("multilingual", self.multilingual))
        for stage, heads in stages:
            for name, h in heads.items():
                key = f"{stage}/{name}"
                arrays[f"{key}/lex"] = h.lex.astype(np.float16)
                if h.emb is not None:
                    arrays[f"{key}/emb"] = h.emb.astype(np.float32)
                if h.knn is not None:
                    arrays[f"{key}/knn"] = h.knn.astype(np.float32)
                arrays[f"{key}/params"] = np.array([h.bias, h.platt_a, h.platt_b], dtype=np.float64)
        meta = {
            "version": self.version,
            "encoder": self.encoder,
            "emb_scale": self.emb_scale,
            "card": self.card,
            "multilingual_encoder": self.multilingual_encoder,
            "languages": list(self.languages),
            "gated": list(self.gated),
        }
        if self.bank is not None:
            arrays["bank/vectors"] = self.bank.vectors
            arrays["bank/scales"] = self.bank.scales
            arrays["bank/labels"] = self.bank.labels
            meta["bank"] = {"heads": list(self.bank.heads), "k": self.bank.k}
        arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: Path) -> HeadSet:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            stages: dict[str, dict[str, Head]] = {"lexical": {}, "full": {}, "multilingual": {}}
            for key in data.files:
                if not key.endswith("/params"):
                    continue
                stage, name, _ = key.split("/")
                base = f"{stage}/{name}"
                bias, a, b = (float(v) for v in data[key])
                emb = data[f"{base}/emb"].astype(np.float32) if f"{base}/emb" in data.files else None
                knn = data[f"{base}/knn"].astype(np.float32) if f"{base}/knn" in data.files else None
                lex = data[f"{base}/lex"].astype(np.float32)
                stages[stage][name] = Head(name, lex, emb, bias, a, b, knn)
            bank = None
            if "bank" in meta:
                bank = NeighbourBank(
                    data["bank/vectors"],
                    data["bank/scales"].astype(np.float32),
                    data["bank/labels"],
                    tuple(meta["bank"]["heads"]),
                    int(meta["bank"]["k"]),
                )
        return cls(
            meta["version"],
            meta["encoder"],
            float(meta["emb_scale"]),
            stages["lexical"],
            stages["full"],
            meta.get("card", {}),
            stages["multilingual"],
            str(meta.get("multilingual_encoder", "")),
            tuple(meta.get("languages", ())),
            bank,
            tuple(meta.get("gated", ())),
        )
