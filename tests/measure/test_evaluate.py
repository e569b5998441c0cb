from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli import app
from watchkeeper.measure import BinaryCounts

FIXTURE = [
    # text, flagged, taxonomy
    ("I will kill you", 1, {"violence": 1, "hate": 0}),  # TP (violence)
    ("kys you worthless idiot", 1, {"harassment": 1}),  # TP
    ("have a lovely day", 0, {"violence": 0, "harassment": 0}),  # TN
    ("what a nice dog", 1, {"hate": 1}),  # FN: labelled hate, nothing fires
    ("send nudes", 0, {"sexual": 0}),  # FP (the label says fine)
    ("ambiguous row", None, {}),  # no flagged label: skipped for the binary figures
]


def write_fixture(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, flagged, tax) in enumerate(FIXTURE):
            rec = {"id": f"fx:{i}", "text": text, "taxonomy": tax, "source": "fx"}
            if flagged is not None:
                rec["flagged"] = flagged
            fh.write(json.dumps(rec) + "\n")
    return path


def test_counts() -> None:
    c = BinaryCounts()
    for gold, pred in [(1, 1), (1, 1), (1, 0), (0, 1), (0, 0), (0, 0), (0, 0)]:
        c.add(bool(gold), bool(pred))
    assert (c.tp, c.fn, c.fp, c.tn) == (2, 1, 1, 3)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 / 3)
    assert c.fpr == pytest.approx(1 / 4)
    only_pos = BinaryCounts(tp=3, fn=1)
    assert only_pos.fpr is None
    assert BinaryCounts().precision == 0.0


def test_eval_json_shape_and_figures(tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "tiny_set.jsonl")
    r = CliRunner().invoke(app, ["eval", str(path), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    ds = data["datasets"]["tiny_set"]
    assert set(ds) == {"n", "flagged", "categories", "items_per_s"}
    assert ds["n"] == 6
    fl = ds["flagged"]
    assert (fl["tp"], fl["fp"], fl["fn"], fl["tn"]) == (2, 1, 1, 1)
    assert fl["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert fl["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert fl["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert fl["fpr"] == pytest.approx(0.5)
    cats = ds["categories"]
    assert cats["violence"]["tp"] == 1 and cats["violence"]["tn"] == 1
    assert cats["hate"]["fn"] == 1 and cats["hate"]["tn"] == 1
    assert cats["sexual"]["fp"] == 1
    assert ds["items_per_s"] > 0


def test_eval_table_and_several_files(tmp_path: Path) -> None:
    a = write_fixture(tmp_path / "a.jsonl")
    b = write_fixture(tmp_path / "b.jsonl")
    r = CliRunner().invoke(app, ["eval", str(a), str(b)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "a " in r.output and "b " in r.output and "0.667" in r.output


def test_eval_reports_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "ok", "flagged": 0}\n{"no_text": 1}\n', encoding="utf-8")
    r = CliRunner().invoke(app, ["eval", str(p)])
    assert r.exit_code == 2
    assert "line 2" in r.stderr


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev" / "xstest.jsonl"


@pytest.mark.skipif(not SHARED.exists(), reason="shared dev data not present")
def test_eval_runs_on_a_real_dev_file() -> None:
    # the rules tier alone must keep XSTest's safe look-alike prompts nearly clean
    r = CliRunner().invoke(app, ["eval", str(SHARED), "--json", "--detector", "rules", "--detector", "links"])
    assert r.exit_code == 0
    ds = json.loads(r.stdout)["datasets"]["xstest"]
    assert ds["n"] == 282
    assert ds["flagged"]["fpr"] is not None and ds["flagged"]["fpr"] <= 0.10
