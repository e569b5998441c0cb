"""The LLM as labeller: label items under the *current* policy, so ``watchkeeper train`` can teach the
fast CPU heads what the written policy now says (distillation).

Input: JSONL records with at least ``id`` and ``text`` (the shared dataset format, or items).
Output: one JSONL row per item the judge answered, in the shared dataset format — ``taxonomy`` (pack
category -> 0/1 for every category asked), ``flagged``, plus ``scores``, ``labeller`` (model, layout,
policy name@version) and ``origin`` (the input row's own ``source``, so the training loader can still
refuse text from evaluation-only datasets). Items the judge could not answer are never guessed: they are
counted by reason and listed in the summary, and a rerun with the reply cache retries only them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from watchkeeper.errors import InputError
from watchkeeper.signals.llm.judge import LLMJudgeDetector
from watchkeeper.signals.llm.parse import ParseFailure
from watchkeeper.types import Item

__all__ = ["LABEL_SOURCE", "LabelSummary", "label_file", "label_records"]

#: the ``source`` of rows the labeller writes (the training loader weights and reports them by it)
LABEL_SOURCE = "llm-label"


@dataclass
class LabelSummary:
    read: int = 0
    labelled: int = 0
    flagged: int = 0
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    cached: int = 0


def _records(src: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    with src.open(encoding="utf-8") as f:
        n = 0
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                str(raw["text"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{src}: not a record with 'text' ({exc})", line=lineno) from exc
            raw.setdefault("id", f"{src.stem}:{lineno}")
            yield raw
            n += 1
            if limit is not None and n >= limit:
                return


def _categories_for(judge: LLMJudgeDetector, item: Item, only: Sequence[str] | None) -> list[str]:
    manip = judge.policy.manifest.judge.manipulation_category
    cats = [
        c.id
        for c in judge.policy.categories
        if c.applies_to(item.surface, item.kind) and c.id != manip and (not only or c.id in only)
    ]
    return cats


def label_records(
    judge: LLMJudgeDetector,
    records: Sequence[dict[str, Any]],
    out: TextIO,
    *,
    categories: Sequence[str] | None = None,
    workers: int = 4,
    summary: LabelSummary | None = None,
) -> LabelSummary:
    """Label ``records`` with ``judge`` (no routing: every applicable category is asked), writing rows
    to ``out`` in input order. ``workers`` calls run at once (the client's own limits still apply)."""
    if judge.client is None:
        raise InputError("no LLM backend configured: set WATCHKEEPER_JUDGE_BACKEND (see docs/llm-judge.md)")
    summary = summary or LabelSummary()
    policy = judge.policy
    labeller = {
        "model": judge.model,
        "format": judge.fmt.value,
        "policy": f"{policy.name}@{policy.version}",
    }

    def one(raw: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        item = Item(id=str(raw["id"]), text=str(raw["text"]), language=raw.get("lang"))
        cats = _categories_for(judge, item, categories)
        return raw, judge.judge(item, cats) if cats else None

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="wk-label") as pool:
        for raw, outcome in pool.map(one, records):
            summary.read += 1
            if outcome is None:
                summary.failed += 1
                summary.reasons["no category applies"] += 1
                continue
            summary.calls += outcome.calls
            summary.cached += outcome.cached
            if outcome.failures:
                summary.failed += 1
                for f in outcome.failures:
                    summary.reasons[f.reason if isinstance(f, ParseFailure) else str(f).split(":")[0]] += 1
                continue
            answers = [a for ans in outcome.answers for a in ans.answers]
            taxonomy = {a.category: int(a.violates) for a in answers}
            flagged = int(any(taxonomy.values()))
            row = {
                "id": str(raw["id"]),
                "text": str(raw["text"]),
                "lang": raw.get("lang") or "en",
                "source": LABEL_SOURCE,
                "origin": raw.get("source"),
                "taxonomy": taxonomy,
                "flagged": flagged,
                "scores": {a.category: round(a.score, 4) for a in answers},
                "labeller": labeller,
            }
            if raw.get("flagged") is not None:
                row["original_flagged"] = raw["flagged"]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            summary.labelled += 1
            summary.flagged += flagged
    return summary


def label_file(
    judge: LLMJudgeDetector,
    src: Path,
    dst: Path,
    *,
    categories: Sequence[str] | None = None,
    limit: int | None = None,
    workers: int = 4,
) -> LabelSummary:
    records = list(_records(src, limit))
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("w", encoding="utf-8") as out:
        return label_records(judge, records, out, categories=categories, workers=workers)
