"""Evaluation on labelled data in the shared record format (``text``, ``taxonomy``, ``flagged``).

For each file: binary precision / recall / F1 / false-positive rate on ``flagged`` (rows without it are
ambiguous and skipped for the binary figures), per-category P/R/F1 over the rows where that category is
labelled (a category missing from a row's ``taxonomy`` is unlabelled there, not safe), and items/s.
The JSON shape of :func:`report_json` is a stable contract other tools read:
``{"datasets": {"<file stem>": {"n", "flagged": {...}, "categories": {...}, "items_per_s"}}}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchkeeper.errors import InputError
from watchkeeper.measure.metrics import BinaryCounts
from watchkeeper.measure.splits import bucket_of
from watchkeeper.types import Decision, Item, Verdict

__all__ = ["DatasetResult", "LabelledRecord", "evaluate_file", "read_records", "report_json"]


@dataclass(frozen=True)
class LabelledRecord:
    id: str
    text: str
    flagged: bool | None
    taxonomy: dict[str, bool]
    lang: str | None = None


def read_records(path: Path, limit: int | None = None) -> Iterator[LabelledRecord]:
    """Records of a labelled JSONL file; a malformed line raises InputError with its line number."""
    with path.open(encoding="utf-8") as fh:
        count = 0
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                text = raw["text"]
                if not isinstance(text, str):
                    raise TypeError("text is not a string")
                flagged = raw.get("flagged")
                tax = raw.get("taxonomy") or {}
                yield LabelledRecord(
                    id=str(raw.get("id") or f"{path.stem}:{lineno}"),
                    text=text,
                    flagged=None if flagged is None else bool(flagged),
                    taxonomy={str(k): bool(v) for k, v in tax.items()},
                    lang=raw.get("lang"),
                )
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}: {type(exc).__name__}: {exc}", line=lineno) from exc
            count += 1
            if limit is not None and count >= limit:
                return


@dataclass
class DatasetResult:
    name: str
    n: int = 0
    flagged: BinaryCounts = field(default_factory=BinaryCounts)
    categories: dict[str, BinaryCounts] = field(default_factory=dict)
    seconds: float = 0.0
    unknown_categories: set[str] = field(default_factory=set)

    @property
    def items_per_s(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "flagged": self.flagged.as_dict(),
            "categories": {c: self.categories[c].as_dict() for c in sorted(self.categories)},
            "items_per_s": round(self.items_per_s, 1),
        }


def evaluate_file(
    path: Path,
    moderate_many: Callable[[list[Item]], list[Decision]],
    *,
    limit: int | None = None,
    known_categories: tuple[str, ...] | None = None,
    on_item: Callable[[], None] | None = None,
    split: str | None = None,
    batch: int = 64,
) -> DatasetResult:
    """Moderate every record of ``path`` (or only those of one ``split``, see
    :mod:`watchkeeper.measure.splits`) in batches, and score the decisions against its labels."""
    result = DatasetResult(name=path.stem)
    chunk: list[LabelledRecord] = []

    def score(records: list[LabelledRecord]) -> None:
        items = [Item(id=rec.id[:512], text=rec.text, language=rec.lang) for rec in records]
        start = time.perf_counter()
        decisions = moderate_many(items)
        result.seconds += time.perf_counter() - start
        for rec, decision in zip(records, decisions, strict=True):
            result.n += 1
            if rec.flagged is not None:
                result.flagged.add(rec.flagged, decision.flagged)
            for cat, gold in rec.taxonomy.items():
                if known_categories is not None and cat not in known_categories:
                    result.unknown_categories.add(cat)
                    continue
                v = decision.verdict_for(cat)
                pred = v is not None and v.verdict is Verdict.VIOLATING
                result.categories.setdefault(cat, BinaryCounts()).add(gold, pred)
            if on_item is not None:
                on_item()

    for rec in read_records(path, limit):
        if split is not None and bucket_of(rec.id) != split:
            continue
        chunk.append(rec)
        if len(chunk) >= batch:
            score(chunk)
            chunk = []
    if chunk:
        score(chunk)
    return result


def report_json(results: list[DatasetResult]) -> dict[str, Any]:
    return {"datasets": {r.name: r.as_dict() for r in results}}
