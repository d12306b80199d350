"""Medications as reported, and the adherence recorded in notes: add, edit, stop; record a
note's adherence (checked against the medications current on its date); adherence over
time; the medication list of the chart export.

For clinicians who do not prescribe: the list says what the client takes, as the client or
the prescriber reported it. See docs/medications.md.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from noteapp.domain.clock import Clock
from noteapp.domain.document import Block, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.medications import (
    Adherence,
    AdherenceEntry,
    Medication,
    ReportedBy,
    check_medication,
    medication_from_dict,
    medication_to_dict,
    parse_adherence,
)
from noteapp.domain.notes import Note
from noteapp.services.audit import AuditService
from noteapp.services.chart_records import ChartRecords
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.vault.store import Vault

KIND = "medication"
EDITABLE = frozenset({"name", "dose", "schedule", "prescriber", "start", "reported_by", "notes"})


@dataclass(frozen=True)
class AdherencePoint:
    """One medication's adherence in one note (the chart's adherence over time)."""

    on: date
    note_id: str
    medication_id: str
    status: Adherence
    side_effects: str
    signed: bool


class MedicationService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        notes: NoteService,
        clock: Clock,
    ) -> None:
        self._clients = clients
        self._notes = notes
        self._clock = clock
        self.records: ChartRecords[Medication] = ChartRecords(
            vault=vault,
            audit=audit,
            kind=KIND,
            label="medication",
            load=lambda d, v: medication_from_dict(d, record_version=v),
            dump=medication_to_dict,
            chart_of=lambda m: m.client_id,
        )

    @property
    def problems(self) -> builtins.list[Any]:
        return self.records.problems

    def _today(self) -> date:
        return self._clock.now().astimezone().date()

    # --- the list ----------------------------------------------------------------------

    def for_client(self, client_id: str) -> builtins.list[Medication]:
        """Current ones first (by name), then stopped ones (most recently stopped first)."""
        client = self._clients.get(client_id)
        today = self._today()
        meds = self.records.for_chart(client.id)
        current = sorted((m for m in meds if m.stop is None), key=lambda m: m.name.casefold())
        stopped = sorted(
            (m for m in meds if m.stop is not None), key=lambda m: m.stop or today, reverse=True
        )
        return current + stopped

    def current(self, client_id: str, *, on: date | None = None) -> builtins.list[Medication]:
        day = on or self._today()
        return [m for m in self.for_client(client_id) if m.is_current(day)]

    def get(self, medication_id: str) -> Medication:
        return self.records.get(medication_id)

    def add(
        self,
        *,
        client_id: str,
        name: str,
        dose: str = "",
        schedule: str = "",
        prescriber: str = "",
        start: date | None = None,
        reported_by: ReportedBy | str = ReportedBy.CLIENT,
        notes: str = "",
    ) -> Medication:
        client = self._clients.get(client_id)
        if start is not None and start > self._today():
            raise InvalidInputError("The start date is in the future.")
        med = check_medication(
            Medication(
                id=new_id(),
                client_id=client.id,
                name=name,
                dose=dose,
                schedule=schedule,
                prescriber=prescriber,
                start=start,
                reported_by=reported_by,  # type: ignore[arg-type]  # checked just below
                notes=notes,
            )
        )
        return self.records.write(med, "create")

    def edit(self, medication_id: str, **changes: Any) -> Medication:
        current = self.get(medication_id)
        unknown = sorted(set(changes) - EDITABLE)
        if unknown:
            raise InvalidInputError(f"Unknown medication field '{unknown[0][:40]}'.")
        updated = check_medication(replace(current, **changes))
        return current if updated == current else self.records.write(updated, "edit")

    def stop(self, medication_id: str, *, on: date, reason: str = "") -> Medication:
        current = self.get(medication_id)
        if current.stop is not None:
            raise RefusedError(f"This medication was stopped already, on {current.stop}.")
        if on > self._today():
            raise InvalidInputError("The stop date is in the future.")
        stopped = check_medication(replace(current, stop=on, stop_reason=reason))
        return self.records.write(stopped, "stop")

    # --- adherence in notes ------------------------------------------------------------

    def record_adherence(self, note_id: str, entries: Sequence[tuple[str, str, str]]) -> Note:
        """Set a draft note's adherence: (medication id, status, side effects) for any
        medication current on the note's date, each at most once. An empty list clears it."""
        note = self._notes.get(note_id)
        if note.psychotherapy:
            raise InvalidInputError("Adherence belongs in the progress note.")
        checked: list[AdherenceEntry] = []
        for med_ref, status, side_effects in entries:
            med = self.get(med_ref)
            if med.client_id != note.client_id:
                raise InvalidInputError("That medication is not on this client's list.")
            if not med.is_current(note.session.date):
                raise InvalidInputError(
                    f"{med.name} was not current on {note.session.date.isoformat()}; record "
                    "adherence only for medications taken then."
                )
            if any(e.medication_id == med.id for e in checked):
                raise InvalidInputError(f"{med.name} is listed twice.")
            side = " ".join(str(side_effects).split())
            if len(side) > 2000:
                raise InvalidInputError("The side effects are too long (2,000 characters).")
            checked.append(
                AdherenceEntry(
                    medication_id=med.id,
                    status=parse_adherence(status),
                    side_effects=side,
                    name=med.name,
                    dose=med.dose,
                    schedule=med.schedule,
                )
            )
        return self._notes.save(note.id, adherence=tuple(checked))

    def adherence_over_time(self, client_id: str) -> builtins.list[AdherencePoint]:
        """Every adherence a note of the client recorded, oldest first."""
        client = self._clients.get(client_id)
        notes = self._notes.list(client_id=client.id, include_psychotherapy=False)
        return [
            AdherencePoint(
                n.session.date, n.id, e.medication_id, e.status, e.side_effects, n.is_signed
            )
            for n in reversed(notes)
            for e in n.adherence
        ]

    # --- the chart export --------------------------------------------------------------

    def chart_summary(
        self, client_id: str, date_from: date | None, date_to: date | None
    ) -> Document | None:
        """The medication list for a chart export: what was current at any time in the
        range (every medication when no range is given), with start, stop and reason."""
        meds = [
            m
            for m in self.for_client(client_id)
            if (date_to is None or m.start is None or m.start <= date_to)
            and (date_from is None or m.stop is None or m.stop >= date_from)
        ]
        if not meds:
            return None
        blocks: list[Block] = [
            Paragraph(
                "As reported by the client or the prescriber; the clinician does not prescribe."
            )
        ]
        for m in meds:
            blocks.append(Heading(2, m.label))
            rows = (
                ("Prescriber", m.prescriber),
                ("Reported by", m.reported_by.value),
                ("Started", m.start.isoformat() if m.start else "not known"),
                ("Stopped", m.stop.isoformat() if m.stop else "current"),
                ("Reason for stopping", m.stop_reason),
                ("Notes", m.notes),
            )
            blocks.append(KeyValueTable(tuple((k, v) for k, v in rows if v)))
        return Document(title="Medications", blocks=tuple(blocks))
