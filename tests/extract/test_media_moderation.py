"""From a media file to a decision: a banked video re-uploaded (re-encoded, resized, inside other
footage) is caught with the timecode and frame of the match, by the pack's bank rule; images too;
`watchkeeper moderate clip.mp4 --json` carries the timeline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from tests.media import make_video, scene_frame
from watchkeeper.cli import app
from watchkeeper.engine import Engine
from watchkeeper.extract.media import analyse_file
from watchkeeper.review import Store
from watchkeeper.review.banks import BankStore
from watchkeeper.types import Action, ItemKind


@pytest.fixture
def banked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A database whose known-violent-extremism bank holds the frames of a 6 s 720p clip."""
    url = f"sqlite:///{tmp_path / 'banks.db'}"
    monkeypatch.setenv("WATCHKEEPER_DATABASE_URL", url)
    clip = make_video(tmp_path / "propaganda.mp4", seconds=6, width=1280, height=720)
    hashes = analyse_file(clip).item.metadata["media_hashes"]
    store = Store.open(url)
    BankStore(store).add("known-violent-extremism", [(h["pdq"], h["quality"]) for h in hashes],
                         source="test", added_by="cli")  # fmt: skip
    store.close()
    return tmp_path, url


def _reupload(path: Path) -> Path:
    """Seconds 2-4 of the banked clip (scene 1), downscaled and re-encoded between unrelated scenes."""
    frames = (
        [scene_frame(i, 4, 640, 360) for i in range(90)]
        + [
            np.asarray(Image.fromarray(scene_frame(60 + i, 1, 1280, 720)).resize((640, 360)))
            for i in range(60)
        ]
        + [scene_frame(i, 3, 640, 360) for i in range(60)]
    )
    return make_video(path, frames=frames, width=640, height=360)


def test_reuploaded_segment_is_caught_with_its_timecode(banked: tuple[Path, str]) -> None:
    tmp, _ = banked
    engine = Engine.load(detectors=["rules", "links", "hashes"])
    item = analyse_file(_reupload(tmp / "reupload.mp4")).item
    assert item.kind is ItemKind.VIDEO and item.media[0].sha256
    thumbs = [f["uri"] for f in item.metadata["frames"] if "uri" in f]  # for the console's timeline
    assert thumbs and all(u.startswith("data:image/jpeg;base64,") for u in thumbs)
    decision = engine.moderate(item)
    assert set(decision.actions) == {Action.REMOVE, Action.ESCALATE_TO_REVIEW}
    assert "bank-known-violent-extremism" in [r.name for r in decision.fired_rules]
    sig = next(s for s in decision.signals if s.detector == "hashes" and s.score > 0)
    ev = sig.evidence[0]
    assert sig.category == "extremism" and sig.rule == "bank:known-violent-extremism"
    assert ev.timecode_s == 3.0 and ev.frame_index == 90 and "PDQ distance" in (ev.note or "")
    assert "1 of 4 sampled frames (25%) match the bank" in (ev.note or "")
    # unrelated footage (scenes the bank does not hold) is not matched
    holiday = [scene_frame(i, 3 + i // 60, 640, 360) for i in range(120)]
    clean = analyse_file(make_video(tmp / "holiday.mp4", frames=holiday)).item
    assert Action.REMOVE not in engine.moderate(clean).actions


def test_images_and_a_removed_hash(banked: tuple[Path, str]) -> None:
    tmp, url = banked
    frame = scene_frame(0, 0, 1280, 720)
    Image.fromarray(frame).resize((800, 450)).save(tmp / "still.jpg", quality=60)
    engine = Engine.load(detectors=["hashes"])
    img = analyse_file(tmp / "still.jpg").item
    assert img.kind is ItemKind.IMAGE
    assert Action.REMOVE in engine.moderate(img).actions
    store = Store.open(url)
    banks = BankStore(store)
    banks.remove("known-violent-extremism", [h for _, h, _ in banks.entries()], removed_by="cli")
    store.close()
    fresh = Engine.load(detectors=["hashes"])  # loads the bank anew
    assert Action.REMOVE not in fresh.moderate(img).actions


def test_cli_moderates_a_video_with_a_timeline(banked: tuple[Path, str]) -> None:
    tmp, _ = banked
    clip = _reupload(tmp / "cli.mp4")
    result = CliRunner().invoke(app, ["moderate", str(clip), "--json", "-d", "rules", "-d", "hashes"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["timeline"][0]["t"] == 3.0 and body["timeline"][0]["category"] == "extremism"
    assert body["media"]["video_codec"] == "h264" and set(body["timings_s"]) >= {
        "decode",
        "hashing",
        "decide",
    }
    broken = tmp / "broken.mp4"
    broken.write_bytes(b"\x00" * 1000)
    refused = CliRunner().invoke(app, ["moderate", str(broken), "-d", "hashes"])
    assert refused.exit_code != 0 and "unreadable" in refused.output


def test_vpdq_lines_from_the_cli_import_into_a_bank(banked: tuple[Path, str]) -> None:
    tmp, _ = banked
    clip = make_video(tmp / "share.mp4", seconds=4)
    out = CliRunner().invoke(app, ["banks", "hash", str(clip)])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all(len(line.split(",")) == 4 for line in lines)
    assert lines[1].startswith("60,") and lines[1].endswith(",2.000")
    (tmp / "share.vpdq").write_text(out.stdout)
    imported = CliRunner().invoke(app, ["banks", "import", "known-ncii", str(tmp / "share.vpdq")])
    assert imported.exit_code == 0 and "2 added" in imported.output
    listed = CliRunner().invoke(app, ["banks", "list"])
    assert "known-ncii" in listed.stdout
