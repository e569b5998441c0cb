"""Hash bank entries in the database: add, remove (kept as a tombstone), list, count, import and export
in ThreatExchange's signal-file format, and loading everything live into a :class:`BankIndex`.

The ThreatExchange file format (python-threatexchange's ``LocalFileSignalExchangeAPI``, which HMA reads
too) is one signal per line: ``pdq <64 hex>``, or just the hash. Exports write that form; imports also
accept ``<hash>,<quality>`` CSV rows and vPDQ frame files (``frame,quality,hash,timestamp`` per line, as
Meta's vpdq tools write them; every frame hash joins the bank). Bank definitions (what a match means)
are in the policy pack."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

import numpy as np
from sqlalchemy import func, select, update

from watchkeeper.errors import InputError
from watchkeeper.review.store import Store, audit_row
from watchkeeper.review.tables import BankEntryRow
from watchkeeper.signals.hashing.index import HashIndex

__all__ = ["BankIndex", "BankMatch", "BankStore", "ImportReport"]

_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ImportReport:
    added: int
    already: int
    refused: list[tuple[int, str]]  # (line number, why)


@dataclass(frozen=True)
class BankMatch:
    bank: str
    hash: str
    distance: int


class BankIndex:
    """Every live PDQ entry of every bank in one :class:`HashIndex` (a hash in two banks is stored
    once per bank; queries report each bank's nearest entry)."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        rows = list(entries)
        self.banks = [b for b, _ in rows]
        self.hashes = [h for _, h in rows]
        bits = (
            np.frombuffer(bytes.fromhex("".join(self.hashes)), dtype=np.uint8).reshape(-1, 32)
            if rows
            else np.zeros((0, 32), dtype=np.uint8)
        )
        self.index = HashIndex(bits)

    def __len__(self) -> int:
        return len(self.index)

    def query(self, hex_hash: str, max_distance: int = 31) -> list[BankMatch]:
        ids, dist = self.index.query(np.frombuffer(bytes.fromhex(hex_hash), dtype=np.uint8), max_distance)
        best: dict[str, BankMatch] = {}
        for i, d in zip(ids.tolist(), dist.tolist(), strict=True):
            bank = self.banks[i]
            if bank not in best:  # nearest first
                best[bank] = BankMatch(bank, self.hashes[i], int(d))
        return list(best.values())


def _clean(value: str) -> str | None:
    value = value.strip().lower()
    return value if _HEX.match(value) else None


class BankStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        bank: str,
        hashes: Iterable[tuple[str, int | None]],
        *,
        source: str,
        added_by: str,
        note: str | None = None,
    ) -> tuple[int, int]:
        """Add (hash, quality) pairs; returns (added, already there). A removed hash comes back."""
        now = datetime.now(UTC)
        wanted: dict[str, int | None] = {}
        for h, q in hashes:
            clean = _clean(h)
            if clean is None:
                raise InputError(f"not a PDQ hash (64 hex characters): {h[:70]!r}")
            wanted[clean] = q
        added = already = 0
        with self.store.transaction() as s:
            existing = {
                r.hash: r
                for r in s.scalars(
                    select(BankEntryRow).where(BankEntryRow.bank == bank, BankEntryRow.signal_type == "pdq")
                )
                if r.hash in wanted
            }
            for h, q in wanted.items():
                row = existing.get(h)
                if row is None:
                    s.add(
                        BankEntryRow(
                            bank=bank,
                            signal_type="pdq",
                            hash=h,
                            quality=q,
                            source=source,
                            note=note,
                            added_by=added_by,
                            added_at=now,
                        )
                    )
                    added += 1
                elif row.removed_at is not None:
                    row.removed_at, row.added_at, row.added_by, row.source = None, now, added_by, source
                    added += 1
                else:
                    already += 1
            s.add(
                audit_row(
                    added_by, "bank.add", "bank", bank, now, added=added, already=already, source=source
                )
            )
        return added, already

    def remove(self, bank: str, hashes: Iterable[str], *, removed_by: str) -> int:
        now = datetime.now(UTC)
        keys = [c for h in hashes if (c := _clean(h))]
        with self.store.transaction() as s:
            done = s.execute(
                update(BankEntryRow)
                .execution_options(synchronize_session=False)
                .where(
                    BankEntryRow.bank == bank, BankEntryRow.hash.in_(keys), BankEntryRow.removed_at.is_(None)
                )
                .values(removed_at=now)
            )
            n = int(done.rowcount)  # type: ignore[attr-defined]
            s.add(audit_row(removed_by, "bank.remove", "bank", bank, now, removed=n))
        return n

    def counts(self) -> dict[str, int]:
        with self.store.transaction() as s:
            rows = s.execute(
                select(BankEntryRow.bank, func.count())
                .where(BankEntryRow.removed_at.is_(None))
                .group_by(BankEntryRow.bank)
            ).all()
        return {str(b): int(n) for b, n in rows}

    def entries(self, bank: str | None = None) -> Iterator[tuple[str, str, int | None]]:
        """(bank, hash, quality) of live entries."""
        q = select(BankEntryRow.bank, BankEntryRow.hash, BankEntryRow.quality).where(
            BankEntryRow.removed_at.is_(None)
        )
        if bank is not None:
            q = q.where(BankEntryRow.bank == bank)
        with self.store.transaction() as s:
            rows = s.execute(q.order_by(BankEntryRow.id)).all()
        for b, h, quality in rows:
            yield str(b), str(h), quality

    def load_index(self) -> BankIndex:
        return BankIndex((b, h) for b, h, _ in self.entries())

    def import_file(self, bank: str, fh: TextIO, *, source: str, added_by: str) -> ImportReport:
        """Import a ThreatExchange signal file (``pdq <hash>`` or ``<hash>`` lines; ``<hash>,<quality>``
        CSV rows too). Other signal types and malformed lines are reported by line number, not fatal."""
        good: list[tuple[str, int | None]] = []
        refused: list[tuple[int, str]] = []
        for n, line in enumerate(fh, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            kind, _, rest = text.partition(" ")
            if rest:
                if kind.lower() not in ("pdq", "pdq_hash"):
                    refused.append((n, f"signal type {kind!r} is not supported (pdq only)"))
                    continue
                text = rest.strip()
            cells = [c.strip() for c in text.split(",")]
            if len(cells) == 4:  # a vPDQ frame line: frame,quality,hash,timestamp (or frame,hash,quality,...)
                at = next((i for i in (2, 1) if _clean(cells[i])), None)
                if at is None:
                    refused.append((n, "a 4-field vPDQ line without a 64-character hex PDQ hash"))
                    continue
                value, quality = cells[at], cells[3 - at]
            else:
                value, quality = cells[0], (cells[1] if len(cells) > 1 else "")
            clean = _clean(value)
            if clean is None:
                refused.append((n, "not a 64-character hex PDQ hash"))
                continue
            good.append((clean, int(quality) if quality.isdigit() else None))
        added, already = self.add(bank, good, source=source, added_by=added_by) if good else (0, 0)
        return ImportReport(added, already, refused)

    def export(self, bank: str, fh: TextIO) -> int:
        n = 0
        for _, h, _ in self.entries(bank):
            fh.write(f"pdq {h}\n")
            n += 1
        return n
