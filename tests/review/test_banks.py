"""Hash bank entries on SQLite and PostgreSQL: add, remove, import/export in ThreatExchange's format."""

from __future__ import annotations

import io

import numpy as np

from watchkeeper.review import Store
from watchkeeper.review.banks import BankStore
from watchkeeper.signals.hashing.index import bits_to_hex


def _hashes(n: int, seed: int = 0) -> list[str]:
    return bits_to_hex(np.random.default_rng(seed).integers(0, 256, size=(n, 32), dtype=np.uint8))


def test_add_remove_count_and_index(store: Store) -> None:
    banks = BankStore(store)
    hs = _hashes(5)
    assert banks.add("known-ncii", [(h, 90) for h in hs], source="test", added_by="cli") == (5, 0)
    assert banks.add("known-ncii", [(hs[0], 90)], source="test", added_by="cli") == (0, 1)
    assert banks.add("known-csam", [(hs[0], 90)], source="test", added_by="cli") == (1, 0)
    assert banks.remove("known-ncii", [hs[1], "not-a-hash"], removed_by="cli") == 1
    assert banks.counts() == {"known-ncii": 4, "known-csam": 1}
    index = banks.load_index()
    assert len(index) == 5
    assert {m.bank for m in index.query(hs[0])} == {"known-ncii", "known-csam"}
    assert index.query(hs[1]) == []  # removed
    # a removed hash can come back
    assert banks.add("known-ncii", [(hs[1], 70)], source="test", added_by="cli") == (1, 0)
    audit = [e.action for e in store.audit_log(subject_type="bank")]
    assert audit.count("bank.add") == 4 and audit.count("bank.remove") == 1


def test_threatexchange_file_import_and_export(store: Store) -> None:
    banks = BankStore(store)
    hs = _hashes(4, seed=1)
    text = (
        f"# a comment\npdq {hs[0]}\n{hs[1]}\n{hs[2]},88\n"
        "video_md5 d41d8cd98f00b204e9800998ecf8427e\npdq nothex\n\n"
        f"PDQ {hs[3].upper()}\n"
    )
    report = banks.import_file("known-violent-extremism", io.StringIO(text), source="te", added_by="cli")
    assert (report.added, report.already) == (4, 0)
    assert [n for n, _ in report.refused] == [5, 6] and "not supported" in report.refused[0][1]
    out = io.StringIO()
    assert banks.export("known-violent-extremism", out) == 4
    assert out.getvalue().splitlines() == [f"pdq {h}" for h in hs]
    again = banks.import_file(
        "known-violent-extremism", io.StringIO(out.getvalue()), source="te", added_by="cli"
    )
    assert (again.added, again.already) == (0, 4)


def test_vpdq_frame_files_import(store: Store) -> None:
    banks = BankStore(store)
    hs = _hashes(3, seed=2)
    text = f"0,100,{hs[0]},0.000\n30,87,{hs[1]},1.000\n60,{hs[2]},95,2.000\n90,100,nothex,3.000\n"
    report = banks.import_file("known-csam", io.StringIO(text), source="vpdq:clip.txt", added_by="cli")
    assert (report.added, report.already) == (3, 0) and [n for n, _ in report.refused] == [4]
    assert sorted(q for _, _, q in banks.entries("known-csam")) == [87, 95, 100]
