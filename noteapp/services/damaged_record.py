"""One damaged record as the services see it, and the error for asking for one.

A record that fails to decrypt or authenticate is never shown as empty and never reported
as missing: asking for it raises an error that says it is damaged (exit code 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from noteapp.domain.errors import RecordIntegrityError
from noteapp.vault.snapshots import RecordRef

_LABELS = {
    "note": "note",
    "psychotherapy_note": "psychotherapy note",
    "signed_item": "signature record",
    "client": "client",
    "plan": "treatment plan",
    "measure": "measure",
    "safety_plan": "safety plan",
    "contact": "contact",
    "release": "release of information",
    "referral": "referral",
    "medication": "medication",
    "incident": "incident report",
}


def swapped_rows(err: RecordIntegrityError) -> bool:
    # The store tells swapped or replayed rows from plain damage in its message.
    return "swapped or replayed" in str(err)


def damaged_error(kind: str, record_id: str, *, swapped: bool = False) -> RecordIntegrityError:
    """The error for asking for a record that is damaged (never "no such record")."""
    what = f"{_LABELS.get(kind, kind).capitalize()} {record_id[:8]}"
    why = (
        "holds another record's data (rows were swapped or replayed)"
        if swapped
        else "is damaged and cannot be read"
    )
    return RecordIntegrityError(
        f"{what} {why}; nothing was changed.", kind=kind, record_id=record_id
    )


def find_damaged(
    problems: Iterable[RecordIntegrityError], key: str, *, prefix: bool = False
) -> RecordIntegrityError | None:
    """The damage error for a looked-up id (or, with `prefix`, a unique prefix of 6+)."""
    problems = list(problems)
    for p in problems:
        if p.record_id == key:
            return damaged_error(p.kind, p.record_id, swapped=swapped_rows(p))
    if prefix and len(key) >= 6:
        matches = [p for p in problems if p.record_id.startswith(key)]
        if len(matches) == 1:
            p = matches[0]
            return damaged_error(p.kind, p.record_id, swapped=swapped_rows(p))
    return None


@dataclass(frozen=True)
class DamagedRecord:
    """One damaged record and what other records say about it ("" / None: not known)."""

    kind: str
    record_id: str
    swapped: bool = False
    client_id: str = ""
    client_code: str = ""
    owner_id: str = ""  # a signature record: the note or plan it belongs to
    signed: bool | None = None  # a note or plan: signed (its signature record is intact)?
    date: str = ""  # date of service, from the signature record
    template: str = ""

    @property
    def ref(self) -> RecordRef:
        return (self.kind, self.record_id)

    @property
    def short_id(self) -> str:
        return self.record_id[:8]

    @property
    def label(self) -> str:
        return _LABELS.get(self.kind, self.kind)

    def concerns(self, client_id: str) -> bool:
        """It belongs to this client, or nobody knows whose it is (fail closed)."""
        return not self.client_id or self.client_id == client_id

    def describe(self) -> str:
        """'note 1a2b3c4d (client C0003)': kind, short id and what is known of its owner."""
        known = []
        if self.owner_id:
            known.append(f"of {self.owner_id[:8]}")
        if self.client_code:
            known.append(f"client {self.client_code}")
        elif self.client_id:
            known.append(f"client {self.client_id[:8]}")
        return f"{self.label} {self.short_id}" + (f" ({', '.join(known)})" if known else "")

    def sentence(self) -> str:
        why = (
            "holds another record's data (rows were swapped or replayed)"
            if self.swapped
            else "is damaged and cannot be read"
        )
        return f"{self.describe()} {why}; it was left as it is."

    def __repr__(self) -> str:
        return f"DamagedRecord({self.kind!r}, {self.short_id!r})"
