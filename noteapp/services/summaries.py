"""What each kind of record belongs to, and what lists across the vault show of it.

Format 2 groups a client's notes, signature records, measures, plans and safety plans under
a keyed hash of the client's id, and keeps a small summary of each current note, signature
record and measure in its group's encrypted list (vault/current.py). Lists across the whole
vault — the Today page's drafts, returned notes and risk flags, `note list` without a
client — read those summaries and decrypt no body. Summaries are written in the same
transaction as their record and authenticated with the list, so they cannot be stale; one
that is missing or not understood is rebuilt from the record's body (which stays the truth).

The same knowledge places the records of a format-1 vault when it is upgraded (`LAYOUT`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, NamedTuple

from noteapp.domain.measures import Measure, measure_from_dict
from noteapp.domain.notes import Note, NoteStatus, note_from_dict
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.signing.proof import item_from_dict
from noteapp.vault.migrate import Placement
from noteapp.vault.store import Summary

NOTE_KINDS = ("note", "psychotherapy_note")
# Lookups rather than Enum(value) calls: a KeyError for a value this does not know.
_STATUS = {s.value: s for s in NoteStatus}
_ITEM_TYPE = {t.value: t for t in ItemType}
SIGNED_KIND = "signed_item"
# Kinds whose records belong to a client (their `client_id`); case management's too (an
# incident report belongs to no chart: it stays in no group).
CLIENT_KINDS = (
    *NOTE_KINDS,
    "measure",
    "plan",
    "safety_plan",
    "contact",
    "release",
    "referral",
    "medication",
)


class NoteSummary(NamedTuple):
    """What note lists show, without the note's text. (A tuple: tens of thousands are made
    when the Today page starts.)"""

    id: str
    client_id: str
    template_id: str
    status: NoteStatus
    date: date
    start: time | None
    created_at: datetime | None
    service_code: str
    psychotherapy: bool
    group_id: str
    has_progress: bool
    version: int = 0

    def __repr__(self) -> str:  # tuples would show every field
        return f"NoteSummary(id={self.id!r}, status={self.status.value})"

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED


def note_summary(note: Note) -> list[Any]:
    """What a note's group list keeps of it: template, status, date, start, created, service
    code, psychotherapy, group session, goal progress given (an array: written and read for
    every note; the client is the group's owner, kept once per list)."""
    s = note.session
    return [
        note.template_id,
        note.status.value,
        s.date.isoformat(),
        s.start.strftime("%H:%M") if s.start else "",
        note.created_at.isoformat() if note.created_at else "",
        s.service_code,
        note.psychotherapy,
        note.group_id,
        bool(note.goal_progress),
    ]


def note_summary_from(stored: Summary) -> NoteSummary:
    """Raises (IndexError, KeyError, TypeError, ValueError) when the stored summary is not
    one this reads (it is then made again from the note)."""
    t, s, d, st, ca, sc, p, g, gp = stored.data
    return NoteSummary(
        stored.id,
        stored.owner,
        str(t),
        _STATUS[s],
        date.fromisoformat(d),
        time.fromisoformat(st) if st else None,
        datetime.fromisoformat(ca) if ca else None,
        str(sc),
        bool(p),
        str(g),
        bool(gp),
        stored.version,
    )


def summary_of_note(note: Note) -> NoteSummary:
    return note_summary_from(
        Summary(note.id, note.version, b"", note_summary(note), note.client_id)
    )


class NoteHead(NamedTuple):
    """What checking a stored search index needs of a note: no date parsed, no text."""

    id: str
    version: int
    client_id: str
    template_id: str
    psychotherapy: bool


class ItemSummary(NamedTuple):
    """A signature record as lists across the vault need it: what it belongs to, its type
    and when it was signed."""

    id: str
    note_id: str  # the note, plan or safety plan it belongs to
    type: ItemType
    signed_at: str

    def __repr__(self) -> str:
        return f"ItemSummary(type={self.type.value!r})"


def item_summary(item: SignedItem) -> list[Any]:
    return [item.note_id, item.type.value, item.signed_at]


def item_summary_from(stored: Summary) -> ItemSummary:
    n, y, at = stored.data
    return ItemSummary(stored.id, str(n), _ITEM_TYPE[y], str(at))


def summary_of_item(item: SignedItem) -> ItemSummary:
    return item_summary_from(Summary(item.id, 1, b"", item_summary(item)))


class MeasureSummary(NamedTuple):
    id: str
    client_id: str
    instrument: str
    on: date
    open_risk: bool

    def __repr__(self) -> str:
        return f"MeasureSummary(id={self.id!r})"


def measure_summary(m: Measure) -> list[Any]:
    return [m.instrument, m.on.isoformat(), m.open_risk]


def measure_summary_from(stored: Summary) -> MeasureSummary:
    i, on, r = stored.data
    return MeasureSummary(stored.id, stored.owner, str(i), date.fromisoformat(on), bool(r))


def summary_of_measure(m: Measure) -> MeasureSummary:
    return measure_summary_from(Summary(m.id, m.version, b"", measure_summary(m), m.client_id))


class Layout:
    """Where a format-1 vault's records go when it is upgraded (vault.migrate.Layout)."""

    later: tuple[str, ...] = (SIGNED_KIND,)

    def place(
        self, kind: str, record_id: str, data: dict[str, Any] | None, owners: Mapping[str, str]
    ) -> Placement:
        if data is None:
            return Placement()
        client = data.get("client_id")
        if kind in CLIENT_KINDS and isinstance(client, str):
            return Placement(client, self._summary(kind, data))
        if kind == SIGNED_KIND and isinstance(data.get("note_id"), str):
            return Placement(owners.get(data["note_id"], ""), self._summary(kind, data))
        return Placement()

    @staticmethod
    def _summary(kind: str, data: dict[str, Any]) -> Any:
        # A record that does not make a domain value gets no summary: it is read (and
        # reported as damaged) from its body.
        try:
            if kind in NOTE_KINDS:
                return note_summary(note_from_dict(data))
            if kind == SIGNED_KIND:
                return item_summary(item_from_dict(data))
            if kind == "measure":
                return measure_summary(measure_from_dict(data))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return None


LAYOUT = Layout()
