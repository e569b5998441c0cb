"""LLM as labeller -> distillation: a policy change (a new category the cheap tier knows nothing of)
reaches the CPU heads through labels the judge writes under the new policy."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import HashEncoder
from tests.signals.classifiers.test_training import synthetic_only
from watchkeeper.cli import app
from watchkeeper.errors import InputError
from watchkeeper.policy import load_pack
from watchkeeper.policy.prompt import JudgeRequest
from watchkeeper.settings import load_settings
from watchkeeper.signals.base import DetectContext
from watchkeeper.signals.classifiers.detector import ClassifierDetector
from watchkeeper.signals.classifiers.training import load_rows, train_heads
from watchkeeper.signals.llm import build_judge
from watchkeeper.signals.llm.backends import ScriptedBackend
from watchkeeper.signals.llm.labeling import LABEL_SOURCE, label_records
from watchkeeper.types import Item

from .helpers import content_of, verdict_json
from .test_openai_server import Server, answer_for, completion

NEW_CATEGORY = """\
id: drug_sales
title: Sale of illegal drugs
severity: 3
definition: Offers to sell or buy illegal drugs, including under slang names such as "zorblax".
in_scope:
  - Offers to sell zorblax or other illegal drugs.
bands:
  - {name: remove, min_score: 0.8, actions: [remove]}
  - {name: review, min_score: 0.5, actions: [escalate_to_review]}
"""

SELL = [
    "selling zorblax cheap tonight",
    "who wants zorblax dm me",
    "fresh zorblax for the party",
    "got zorblax in stock again",
    "zorblax delivery to your door",
]
OTHER = [
    "lovely sunset at the beach",
    "great goal in the match",
    "my cat sleeps all day",
    "new recipe for lemon cake",
    "practice starts at six tomorrow",
]


def records(n: int = 500) -> list[dict[str, object]]:
    rnd = random.Random(3)
    out = []
    for i in range(n):
        base = rnd.choice(SELL if rnd.random() < 0.45 else OTHER)
        out.append(
            {
                "id": f"syn:{i}",
                "text": f"{base} {rnd.choice(['ok', 'friends', 'lol', 'now'])} {i % 11}",
                "source": "synthetic",
            }
        )
    return out


def llm_that_read_the_new_policy(r: JudgeRequest) -> str:
    return verdict_json(r, {"drug_sales": 0.95} if "zorblax" in content_of(r) else {})


def test_labels_then_training_moves_the_policy_to_the_cpu_tier(pack_copy: Path, tmp_path: Path) -> None:
    (pack_copy / "categories" / "drug_sales.yaml").write_text(NEW_CATEGORY)
    pack = load_pack(pack_copy)
    judge = build_judge(pack, load_settings(), backend=ScriptedBackend(llm_that_read_the_new_policy))
    buf = io.StringIO()
    summary = label_records(judge, records(), buf, categories=["drug_sales", "hate"])
    assert summary.labelled == 500 and summary.failed == 0 and 150 < summary.flagged < 300
    labels = tmp_path / "labels.jsonl"
    labels.write_text(buf.getvalue())
    first = json.loads(buf.getvalue().splitlines()[0])
    assert first["source"] == LABEL_SOURCE and first["origin"] == "synthetic"
    assert set(first["taxonomy"]) == {"drug_sales", "hate"}
    assert first["labeller"]["policy"] == f"{pack.name}@{pack.version}"

    # without the generated rows (2,000 of them against this fixture's 500 would be 80 % of the data;
    # against real training data they are ~5 %)
    config = synthetic_only(min_positives=20)
    heads = train_heads(load_rows([labels]), HashEncoder(), config=config, version="t")
    assert "drug_sales" in heads.full

    clf = ClassifierDetector(pack, heads=heads, encoder=HashEncoder())

    def score(text: str) -> float:
        item = Item(id="x", text=text)
        sig = [
            s for s in clf.detect(item, DetectContext(policy=pack, item=item)) if s.category == "drug_sales"
        ]
        return max((s.score for s in sig), default=0.0)

    assert score("anyone selling zorblax near the station tonight") > 0.5  # the new category's review band
    assert score("my cat sleeps in the sun at the beach") < 0.2


def test_failed_answers_are_not_guessed(pack_copy: Path) -> None:
    pack = load_pack(pack_copy)
    judge = build_judge(pack, load_settings(), backend=ScriptedBackend(lambda r: "I am not sure"))
    buf = io.StringIO()
    s = label_records(judge, records(5), buf, categories=["hate"])
    assert s.labelled == 0 and s.failed == 5 and buf.getvalue() == ""
    assert s.reasons["no JSON object in the output"] == 5


def test_training_refuses_labels_of_evaluation_only_text(tmp_path: Path) -> None:
    p = tmp_path / "l.jsonl"
    p.write_text(
        json.dumps(
            {
                "id": "1",
                "text": "x",
                "source": LABEL_SOURCE,
                "origin": "toxicchat",
                "taxonomy": {"hate": 1},
                "flagged": 1,
            }
        )
        + "\n"
    )
    with pytest.raises(InputError, match="evaluation-only"):
        load_rows([p])


def test_label_cli_against_a_loopback_server(tmp_path: Path) -> None:
    server = Server()
    server.default = lambda b: completion(
        answer_for(b, {"spam"} if "win" in b["messages"][1]["content"] else set())
    )
    try:
        src = tmp_path / "in.jsonl"
        src.write_text(
            "\n".join(
                json.dumps({"id": str(i), "text": t})
                for i, t in enumerate(["win a free phone now", "nice video", "win cash today", "see you"])
            )
            + "\n"
        )
        out = tmp_path / "out.jsonl"
        argv = [
            "label",
            str(src),
            "--out",
            str(out),
            "--backend",
            "openai",
            "--base-url",
            server.url,
            "--model",
            "m",
            "-c",
            "spam",
            "--limit",
            "3",
            "--cache",
            str(tmp_path / "c.db"),
        ]
        r = CliRunner().invoke(app, argv)
        assert r.exit_code == 0, r.output
        rows = [json.loads(x) for x in out.read_text().splitlines()]
        assert [x["taxonomy"]["spam"] for x in rows] == [1, 0, 1]
        assert len(server.bodies) == 3
        r = CliRunner().invoke(app, argv)
        assert r.exit_code == 0 and len(server.bodies) == 3  # all from the cache
        bad = CliRunner().invoke(
            app,
            [
                "label",
                str(src),
                "--out",
                str(out),
                "-c",
                "nope",
                "--backend",
                "openai",
                "--base-url",
                server.url,
                "--model",
                "m",
            ],
        )
        assert bad.exit_code != 0 and "unknown categories" in bad.output
        none = CliRunner().invoke(app, ["label", str(src), "--out", str(out)])
        assert none.exit_code != 0 and "no LLM backend" in none.output
    finally:
        server.close()
