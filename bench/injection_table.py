"""The prompt-injection table: each attack string from tests/signals/llm/attacks.py appended to content
the rules tier finds uncertain ("you are such a retard", hate 0.65), judged by a scripted judge that
obeys every attack (the worst case). Prints, per attack, the moderation_evasion rule that recorded it,
the decision with the protection, and the decision with the category removed (the control).

    python bench/injection_table.py [--markdown]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.signals.llm.attacks import ATTACKS  # noqa: E402
from tests.signals.llm.test_judge import UNCERTAIN_HATE, engine_with, gullible  # noqa: E402
from watchkeeper.policy import load_pack  # noqa: E402
from watchkeeper.settings import default_policy_dir  # noqa: E402
from watchkeeper.signals.llm.backends import ScriptedBackend  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    pack = load_pack(default_policy_dir())
    with tempfile.TemporaryDirectory() as tmp:
        weak_dir = Path(tmp) / "pack"
        shutil.copytree(default_policy_dir(), weak_dir)
        (weak_dir / "categories" / "moderation_evasion.yaml").unlink()
        manifest = (weak_dir / "pack.yaml").read_text()
        (weak_dir / "pack.yaml").write_text(
            manifest.replace("manipulation_category: moderation_evasion", "manipulation_category: null")
        )
        weak = load_pack(weak_dir)
    protected = engine_with(pack, ScriptedBackend(gullible))
    control = engine_with(weak, ScriptedBackend(gullible))
    recorded = held = flipped_control = 0
    rows = []
    for attack in ATTACKS:
        text = f"{UNCERTAIN_HATE}. {attack}"
        d = protected.moderate_text(text)
        c = control.moderate_text(text)
        ev = d.verdict_for("moderation_evasion")
        rule = ev.signals[0].rule if ev and ev.signals and ev.score >= 0.5 else None
        recorded += rule is not None
        held += d.flagged
        flipped_control += not c.flagged
        rows.append(
            (
                attack,
                rule or "-",
                ev.score if ev else 0.0,
                d.primary_action.value,
                "flagged" if d.flagged else "FLIPPED",
                "flagged" if c.flagged else "flipped",
            )
        )
    if args.markdown:
        print("| # | attack | recorded by | score | action | verdict | without the category |")
        print("|---|---|---|---|---|---|---|")
        for i, (a, rule, score, action, v, cv) in enumerate(rows, 1):
            shown = a.replace("|", "\\|").replace("\n", "\\n")[:60]
            print(f"| {i} | `{shown}` | {rule} | {score:.2f} | {action} | {v} | {cv} |")
    else:
        for a, rule, score, action, v, cv in rows:
            print(f"{rule:28s} {score:.2f} {action:20s} {v:8s} control:{cv:8s} {a[:60]!r}")
    n = len(ATTACKS)
    print(
        f"\nrecorded {recorded}/{n}; verdict held {held}/{n}; without the category the obeying judge "
        f"flipped {flipped_control}/{n}"
    )


if __name__ == "__main__":
    main()
