from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from watchkeeper.cli import app

runner = CliRunner()


def test_moderate_text_prints_decision_with_evidence() -> None:
    r = runner.invoke(app, ["moderate", "I will kill you tomorrow"])
    assert r.exit_code == 0, r.output
    assert "remove" in r.output
    assert "violence" in r.output
    assert "I will kill you" in r.output
    assert "Why:" in r.output


def test_moderate_json_is_one_decision_object() -> None:
    r = runner.invoke(app, ["moderate", "--json", "send nudes", "--surface", "dm", "--kind", "message"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    # heads 2026.12.05.1 score this DM 0.40 sexual_minors too, which adds that band's review
    assert "remove" in data["actions"]
    assert data["primary_action"] == "remove"
    assert data["policy_version"]
    # a decision a person will review is not an automated one
    assert data["automated"] is ("escalate_to_review" not in data["actions"])
    sexual = next(v for v in data["verdicts"] if v["category"] == "sexual")
    rules = next(s for s in sexual["signals"] if s["detector"] == "rules")
    ev = rules["evidence"][0]
    assert (ev["start"], ev["end"], ev["excerpt"]) == (0, 10, "send nudes")


def test_moderate_file_never_loses_a_line(tmp_path: Path) -> None:
    src = tmp_path / "items.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "hello friends"}),
        "{not json",
        json.dumps({"id": "b", "kind": "comment", "text": "kys", "surface": "comments"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "c"}),  # nothing to judge
        json.dumps({"id": "d", "text": "x", "kind": "hologram"}),
        "",
        json.dumps({"text": "no id here, check out my channel"}),
        json.dumps({"id": "e", "text": "fine", "labels": {"S": 0}, "lang": "en"}),
    ]
    src.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken bytes\n")
    dst = tmp_path / "out.jsonl"
    r = runner.invoke(app, ["moderate", "--input", str(src), "--output", str(dst)])
    assert r.exit_code == 0, r.output
    out = [json.loads(x) for x in dst.read_text().splitlines()]
    assert len(out) == 9  # 9 non-empty input lines -> 9 records
    by_line = dict(enumerate(out))
    assert by_line[0]["item_id"] == "a" and by_line[0]["actions"] == ["allow"]
    assert by_line[1]["line"] == 2 and "invalid JSON" in by_line[1]["error"]
    assert by_line[2]["item_id"] == "b" and by_line[2]["primary_action"] == "remove"
    assert "expected a JSON object" in by_line[3]["error"]
    assert by_line[4]["id"] == "c" and "no text" in by_line[4]["error"]
    assert "kind" in by_line[5]["error"]
    assert by_line[6]["item_id"] == "items.jsonl:8"
    assert by_line[7]["item_id"] == "e"
    assert "not UTF-8" in by_line[8]["error"]
    assert "4 decisions, 5 error records" in r.stderr


def test_argument_errors() -> None:
    r = runner.invoke(app, ["moderate"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["moderate", "--input", "/no/such/file.jsonl"])
    assert r.exit_code == 2


def test_policy_check_ok_and_broken(pack_copy: Path) -> None:
    r = runner.invoke(app, ["policy", "check", str(pack_copy)])
    assert r.exit_code == 0, r.output
    assert f"{len(list((pack_copy / 'categories').glob('*.yaml')))} categories" in r.output
    (pack_copy / "categories" / "hate.yaml").write_text("id: hate\nseverity: 9\n", encoding="utf-8")
    r = runner.invoke(app, ["policy", "check", str(pack_copy)])
    assert r.exit_code == 1
    assert "pack/categories/hate.yaml:2: severity: Input should be less than or equal to 4" in r.stderr
    assert "the pack was not loaded" in r.stderr


def test_policy_show() -> None:
    r = runner.invoke(app, ["policy", "show"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "sexual_minors" in r.output and "csam-suspend" in r.output
    # the vocabularies table names the patterns that read each list
    assert "protected_groups" in r.output and "hate/group-inferior" in r.output
    r = runner.invoke(app, ["policy", "show", "--category", "hate"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "Out of scope" in r.output and "Counter-speech" in r.output
    r = runner.invoke(app, ["policy", "show", "--category", "self_harm"], env={"COLUMNS": "200"})
    assert "remove: remove, escalate_to_review (reached only by rules, hashes, judge)" in r.output
    r = runner.invoke(app, ["policy", "show", "--category", "nope"])
    assert r.exit_code == 2


def test_moderate_with_a_custom_pack(pack_copy: Path) -> None:
    r = runner.invoke(app, ["moderate", "--json", "--policy", str(pack_copy), "hello"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["policy_name"] == "watchkeeper-default"


def test_detectors_list() -> None:
    r = runner.invoke(app, ["detectors"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "rules" in r.output and "links" in r.output


def test_train_writes_an_artifact_and_model_card(tmp_path: Path) -> None:
    import random

    rnd = random.Random(0)
    src = tmp_path / "tiny.jsonl"
    bad = ["you are vermin and should die", "i will hurt you badly", "worthless trash human go away"]
    good = ["lovely weather today", "great recipe thanks a lot", "see you at practice tomorrow"]
    with src.open("w", encoding="utf-8") as fh:
        for i in range(400):
            y = rnd.random() < 0.4
            text = f"{rnd.choice(bad if y else good)} {rnd.choice(['ok', 'lol', 'so', 'again'])}"
            fh.write(
                json.dumps({"id": f"tiny:{i}", "text": text, "flagged": int(y), "source": "tiny"}) + "\n"
            )
    out = tmp_path / "heads.npz"
    r = runner.invoke(app, ["train", str(src), "--out", str(out), "--version", "test-1"])
    assert r.exit_code == 0, r.output
    assert out.is_file()
    card = (tmp_path / "heads.card.md").read_text(encoding="utf-8")
    assert "violating" in card and "Intended use" in card
    data = json.loads((tmp_path / "heads.card.json").read_text(encoding="utf-8"))
    assert data["version"] == "test-1" and data["heads"]["violating"]["holdout"]["f1"] > 0.9


def test_train_refuses_evaluation_only_data(tmp_path: Path) -> None:
    src = tmp_path / "toxicchat.jsonl"
    src.write_text(
        '{"id": "toxicchat:1", "text": "x", "flagged": 1, "source": "toxicchat"}\n', encoding="utf-8"
    )
    r = runner.invoke(app, ["train", str(src), "--out", str(tmp_path / "h.npz")])
    assert r.exit_code == 2
    assert "evaluation-only" in r.stderr


def test_train_refuses_to_write_an_empty_artifact(tmp_path: Path) -> None:
    src = tmp_path / "tiny.jsonl"
    src.write_text('{"id": "t:1", "text": "only one row", "flagged": 1}\n', encoding="utf-8")
    out = tmp_path / "h.npz"
    r = runner.invoke(app, ["train", str(src), "--out", str(out)])
    assert r.exit_code == 2
    assert "quality bar" in r.stderr
    assert not out.exists()
