"""Medications as reported (for clinicians who do not prescribe) and the adherence a note
records for them.

Pure values. A medication belongs to one client's chart and is current from its start
until its stop date. Adherence is part of a note: each entry keeps the medication's name,
dose and schedule as they were that day, so the signed note reads the same after the list
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from noteapp.domain import record_fields as f
from noteapp.domain.errors import InvalidInputError


class ReportedBy(StrEnum):
    CLIENT = "client"
    PRESCRIBER = "prescriber"
    RECORDS = "records"  # a discharge summary, a pharmacy list


@dataclass(frozen=True)
class Medication:
    id: str
    client_id: str
    name: str
    dose: str = ""  # "50 mg"
    schedule: str = ""  # "once daily, morning"
    prescriber: str = ""
    start: date | None = None
    stop: date | None = None
    stop_reason: str = ""
    reported_by: ReportedBy = ReportedBy.CLIENT
    notes: str = ""
    record_version: int = 0

    def __repr__(self) -> str:
        return f"Medication(id={self.id!r})"

    def is_current(self, on: date) -> bool:
        """Taken on `on`: started by then (or start unknown) and not stopped before it."""
        started = self.start is None or self.start <= on
        return started and (self.stop is None or on <= self.stop)

    @property
    def label(self) -> str:
        """'Sertraline 50 mg, once daily'."""
        head = " ".join(x for x in (self.name, self.dose) if x)
        return f"{head}, {self.schedule}" if self.schedule else head


def check_medication(m: Medication) -> Medication:
    m = replace(
        m,
        name=f.line(m.name, "medication's name", required=True),
        dose=f.line(m.dose, "dose"),
        schedule=f.line(m.schedule, "schedule"),
        prescriber=f.line(m.prescriber, "prescriber"),
        stop_reason=f.text(m.stop_reason, "reason for stopping", limit=2000),
        notes=f.text(m.notes, "notes", limit=2000),
    )
    try:
        m = replace(m, reported_by=ReportedBy(m.reported_by))
    except ValueError as exc:
        raise InvalidInputError(
            "Reported by is one of: " + ", ".join(x.value for x in ReportedBy) + "."
        ) from exc
    if m.start and m.stop and m.stop < m.start:
        raise InvalidInputError("The stop date is before the start date.")
    return m


def medication_to_dict(m: Medication) -> dict[str, Any]:
    return {
        "id": m.id,
        "client_id": m.client_id,
        "name": m.name,
        "dose": m.dose,
        "schedule": m.schedule,
        "prescriber": m.prescriber,
        "start": f.iso(m.start),
        "stop": f.iso(m.stop),
        "stop_reason": m.stop_reason,
        "reported_by": m.reported_by.value,
        "notes": m.notes,
    }


def medication_from_dict(d: dict[str, Any], *, record_version: int = 0) -> Medication:
    return Medication(
        id=d["id"],
        client_id=d["client_id"],
        name=d.get("name", ""),
        dose=d.get("dose", ""),
        schedule=d.get("schedule", ""),
        prescriber=d.get("prescriber", ""),
        start=f.date_or_none(d.get("start")),
        stop=f.date_or_none(d.get("stop")),
        stop_reason=d.get("stop_reason", ""),
        reported_by=ReportedBy(d.get("reported_by", "client")),
        notes=d.get("notes", ""),
        record_version=record_version,
    )


# --- adherence, as a note records it ---------------------------------------------------


class Adherence(StrEnum):
    AS_PRESCRIBED = "as-prescribed"
    PARTIAL = "partial"
    MISSED = "missed"
    NOT_DISCUSSED = "not-discussed"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


def parse_adherence(value: str) -> Adherence:
    try:
        return Adherence(value.strip().lower().replace(" ", "-").replace("_", "-"))
    except ValueError as exc:
        raise InvalidInputError(
            "Adherence is one of: " + ", ".join(a.value for a in Adherence) + "."
        ) from exc


@dataclass(frozen=True)
class AdherenceEntry:
    """One medication's adherence in a note; name, dose and schedule as of that note."""

    medication_id: str
    status: Adherence
    side_effects: str = ""
    name: str = ""
    dose: str = ""
    schedule: str = ""

    @property
    def label(self) -> str:
        head = " ".join(x for x in (self.name, self.dose) if x)
        return f"{head}, {self.schedule}" if self.schedule else head

    @property
    def summary(self) -> str:
        """'Partial — side effects: nausea in the mornings'."""
        text = self.status.label.capitalize()
        side = self.side_effects.strip()
        return f"{text} — side effects: {side}" if side else text


def adherence_to_dict(e: AdherenceEntry) -> dict[str, Any]:
    return {
        "medication": e.medication_id,
        "status": e.status.value,
        "side_effects": e.side_effects,
        "name": e.name,
        "dose": e.dose,
        "schedule": e.schedule,
    }


def adherence_from_dict(d: dict[str, Any]) -> AdherenceEntry:
    return AdherenceEntry(
        medication_id=str(d["medication"]),
        status=Adherence(d["status"]),
        side_effects=str(d.get("side_effects", "")),
        name=str(d.get("name", "")),
        dose=str(d.get("dose", "")),
        schedule=str(d.get("schedule", "")),
    )


def adherence_rows(entries: tuple[AdherenceEntry, ...]) -> tuple[tuple[str, str], ...]:
    """(medication, adherence) rows as the note's document shows them."""
    return tuple((e.label or "Medication", e.summary) for e in entries)
