"""Incident reports: write and edit a draft, sign it (like a note), record notifications
(after signing, as signed addenda), the editable list of types with their notification
deadlines, and the reports whose notifications are overdue.

A report is about an event and may name several clients or none, so it belongs to no
client's chart: it never appears in a chart, a chart export or a client's search. It is
listed in its own Incidents view. See docs/incidents.md.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from noteapp.domain import record_fields
from noteapp.domain.clients import Client
from noteapp.domain.clock import Clock
from noteapp.domain.document import Document, document_from_dict
from noteapp.domain.errors import InvalidInputError, NoteappError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.incidents import (
    ATTESTATION,
    DEFAULT_TYPES,
    Incident,
    IncidentStatus,
    IncidentType,
    InvolvedPerson,
    Notification,
    PersonRole,
    check_types,
    fields_from_json,
    incident_from_dict,
    incident_to_dict,
    notification_due,
    notification_from_dict,
    notification_to_dict,
    notifications_overdue,
    problems_for_signing,
    types_from_json,
    types_to_json,
)
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.audit import AuditService
from noteapp.services.chart_records import ChartRecords
from noteapp.services.clients import ClientService
from noteapp.services.signing import SigningService
from noteapp.services.tracked import TrackedRecord
from noteapp.signing.payloads import incident_payload
from noteapp.templates.casemgmt_documents import render_incident
from noteapp.vault.store import Vault

KIND = "incident"
TYPES_KIND = "incident_types"
TYPES_RECORD = "incident_types"
TYPES_FORMAT = "noteapp-incident-types"


class IncidentService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        signing: SigningService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._clients = clients
        self._signing = signing
        self._clock = clock
        self._types = TrackedRecord(vault, TYPES_KIND, TYPES_RECORD)
        self.records: ChartRecords[Incident] = ChartRecords(
            vault=vault,
            audit=audit,
            kind=KIND,
            label="incident report",
            load=lambda d, v: incident_from_dict(d, record_version=v),
            dump=incident_to_dict,
            chart_of=lambda _i: "",  # no client's chart
        )

    @property
    def problems(self) -> builtins.list[Any]:
        return self.records.problems

    def _now(self) -> datetime:
        return self._clock.now().astimezone()

    # --- types and deadlines -----------------------------------------------------------

    def types(self) -> tuple[IncidentType, ...]:
        """The editable list (the shipped defaults until edited)."""
        data = self._types.read()
        return DEFAULT_TYPES if data is None else types_from_json(data.get("types"))

    def save_types(self, types: Sequence[IncidentType]) -> tuple[IncidentType, ...]:
        checked = check_types(types)
        with self._vault.transaction():
            self._types.write(
                {"format": TYPES_FORMAT, "version": 1, "types": types_to_json(checked)}
            )
            self._audit.record("edit", kind=TYPES_KIND, record_id=TYPES_RECORD)
        return checked

    def reset_types(self) -> tuple[IncidentType, ...]:
        with self._vault.transaction():
            if self._types.delete():
                self._audit.record("reset", kind=TYPES_KIND, record_id=TYPES_RECORD)
        return DEFAULT_TYPES

    def incident_type(self, type_ref: str) -> IncidentType:
        ref = type_ref.strip().casefold()
        for t in self.types():
            if ref in (t.id, t.label.casefold()):
                return t
        raise InvalidInputError(
            f"No incident type “{type_ref[:40]}”; the types are: "
            + ", ".join(t.id for t in self.types())
            + "."
        )

    def deadline_hours(self, incident: Incident) -> int:
        """The notification deadline of the report's type (a type since removed from the
        list keeps the deadline of "other", or none)."""
        for t in self.types():
            if t.id == incident.type_id:
                return t.deadline_hours
        return next((t.deadline_hours for t in self.types() if t.id == "other"), 0)

    def notification_due(self, incident: Incident) -> datetime | None:
        return notification_due(incident, self.deadline_hours(incident))

    # --- reading -----------------------------------------------------------------------

    def list(
        self, *, status: IncidentStatus | None = None, client_id: str | None = None
    ) -> builtins.list[Incident]:
        """Newest first; `client_id`: only reports naming that client."""
        return sorted(
            (
                i
                for i in self.records.every()
                if (status is None or i.status == status)
                and (client_id is None or client_id in i.client_ids)
            ),
            key=lambda i: i.occurred_at,
            reverse=True,
        )

    def get(self, incident_id: str) -> Incident:
        ref = incident_id.strip()
        for i in self.records.every():
            if i.reference and i.reference.casefold() == ref.casefold():
                return i
        return self.records.get(ref)

    def notifications(self, incident: Incident) -> builtins.list[Notification]:
        """Every notification: those in the report, then those added after signing."""
        later = []
        for item in self._signing.corrections(incident.id):
            data = item.payload.get("notification")
            if isinstance(data, dict):
                try:
                    later.append(notification_from_dict(data))
                except (ValueError, TypeError):
                    continue
        return [*incident.notifications, *later]

    def is_overdue(self, incident: Incident) -> bool:
        """The type's deadline has passed and nobody was notified."""
        return notifications_overdue(
            incident,
            self.deadline_hours(incident),
            now=self._now(),
            made=self.notifications(incident),
        )

    def overdue(self) -> builtins.list[Incident]:
        """Reports whose notifications are overdue, newest first (the today page)."""
        return [i for i in self.list() if self.is_overdue(i)]

    def clients_of(self, incident: Incident) -> dict[str, Client]:
        out = {}
        for client_id in incident.client_ids:
            try:
                out[client_id] = self._clients.get(client_id)
            except NoteappError:
                continue  # a client deleted since: the report still names the id
        return out

    def render(self, incident: Incident) -> Document:
        """As signed (from the signed payload) once signed, else as it reads now."""
        item = self._signing.note_item(incident.id) if incident.is_signed else None
        if item is not None and isinstance(item.payload.get("document"), dict):
            return document_from_dict(item.payload["document"])
        return render_incident(incident, self.clients_of(incident))

    # --- writing -----------------------------------------------------------------------

    def new(
        self,
        *,
        type_ref: str,
        fields: dict[str, Any] | None = None,
        client_ids: Sequence[str] = (),
    ) -> Incident:
        """A draft report; `fields` as in an incident fields file (docs/incidents.md)."""
        kind = self.incident_type(type_ref)
        values = fields_from_json(fields or {})
        now = self._now()
        people = self._with_clients(
            self._resolved(values.pop("people", ())), client_ids, only=False
        )
        incident = Incident(
            id=new_id(),
            reference=self._next_reference(now),
            type_id=kind.id,
            type_label=kind.label,
            occurred_at=values.pop("occurred_at", None) or now.replace(second=0, microsecond=0),
            people=people,
            created_at=now,
            **values,
        )
        return self.records.write(incident, "create")

    def edit(
        self,
        incident_id: str,
        *,
        type_ref: str | None = None,
        fields: dict[str, Any] | None = None,
        client_ids: Sequence[str] | None = None,
    ) -> Incident:
        """Change a draft: the given fields replace theirs; `client_ids` replaces the
        clients named (other people stay)."""
        current = self.get(incident_id)
        if current.is_signed:
            raise RefusedError(
                "This incident report is signed and can no longer be edited; record a "
                "notification or an addendum instead."
            )
        values = fields_from_json(fields or {})
        people = self._resolved(values.pop("people")) if "people" in values else current.people
        if client_ids is not None:
            people = self._with_clients(people, client_ids, only=True)
        updated = replace(current, people=people, **values)
        if type_ref is not None:
            kind = self.incident_type(type_ref)
            updated = replace(updated, type_id=kind.id, type_label=kind.label)
        if values.get("occurred_at") is None and "occurred_at" in values:
            updated = replace(updated, occurred_at=current.occurred_at)
        return current if updated == current else self.records.write(updated, "edit")

    def add_notification(
        self,
        incident_id: str,
        *,
        to: str,
        how: str,
        at: datetime | None = None,
        passphrase: str | None = None,
    ) -> Incident | SignedItem:
        """A notification made: part of a draft, or a signed addendum to a signed report
        (the report itself never changes)."""
        incident = self.get(incident_id)
        note = Notification(
            to=record_fields.line(to, "recipient", required=True),
            how=record_fields.line(how, "method", required=True),
            at=at or self._now().replace(second=0, microsecond=0),
        )
        if note.at > self._now():
            raise InvalidInputError("A notification cannot be dated in the future.")
        if note.at < incident.occurred_at:
            raise InvalidInputError("The notification is dated before the incident.")
        if not incident.is_signed:
            return self.records.write(
                replace(incident, notifications=(*incident.notifications, note)), "notify"
            )
        text = f"Notification: {note.to}, by {note.how}, at {note.at.strftime('%Y-%m-%d %H:%M')}."
        return self._signing.append_item(
            incident.id,
            item_type=ItemType.ADDENDUM,
            text=text,
            reason="Notification made after the report was signed",
            passphrase=passphrase,
            extra={"notification": notification_to_dict(note)},
        )

    def problems_for_signing(self, incident: Incident) -> builtins.list[str]:
        return problems_for_signing(incident, now=self._now())

    def sign(self, incident_id: str, *, passphrase: str | None = None) -> SignedItem:
        incident = self.get(incident_id)
        if incident.is_signed:
            raise RefusedError("This incident report is signed already.")
        problems = self.problems_for_signing(incident)
        if problems:
            raise InvalidInputError("The report cannot be signed yet. " + " ".join(problems))
        clients = self.clients_of(incident)
        # Client names as of signing: the signed report reads the same after a chart changes.
        named = tuple(
            replace(p, name=clients[p.client_id].name) if p.client_id in clients else p
            for p in incident.people
        )
        signed = replace(
            incident,
            people=named,
            status=IncidentStatus.SIGNED,
            signed_on=self._now().date().isoformat(),
        )
        payload = incident_payload(
            reference=signed.reference,
            type_label=signed.type_label,
            occurred_at=signed.occurred_at,
            clients=list(clients.values()),
            record=incident_to_dict(replace(signed, signature_ids=())),
            document=render_incident(signed, clients),
            attestation=ATTESTATION,
        )
        with self._vault.transaction():
            item = self._signing.sign_document(
                incident.id, item_type=ItemType.INCIDENT, payload=payload, passphrase=passphrase
            )
            self.records.write(replace(signed, signature_ids=(item.id,)), "sign")
        return item

    # --- helpers -----------------------------------------------------------------------

    def _resolved(self, people: Sequence[InvolvedPerson]) -> tuple[InvolvedPerson, ...]:
        """People as given in a fields file: each client (by id or code) resolved to its id."""
        return tuple(
            replace(p, client_id=self._clients.get(p.client_id).id)
            if p.role == PersonRole.CLIENT
            else p
            for p in people
        )

    def _with_clients(
        self, people: Sequence[InvolvedPerson], client_refs: Sequence[str], *, only: bool
    ) -> tuple[InvolvedPerson, ...]:
        """`people` with the clients of `client_refs` added — or, with `only`, with exactly
        those clients (a client already named keeps what was said of their part)."""
        named: dict[str, InvolvedPerson] = {}
        others = []
        for p in people:
            if p.role == PersonRole.CLIENT:
                named.setdefault(p.client_id, p)
            else:
                others.append(p)
        wanted = list(dict.fromkeys(self._clients.get(ref).id for ref in client_refs))
        if only:
            named = {
                cid: named.get(cid, InvolvedPerson(PersonRole.CLIENT, "", cid)) for cid in wanted
            }
        else:
            for cid in wanted:
                named.setdefault(cid, InvolvedPerson(PersonRole.CLIENT, "", cid))
        return (*named.values(), *others)

    def _next_reference(self, now: datetime) -> str:
        prefix = f"IR-{now.year}-"
        taken = [i.reference for i in self.records.every() if i.reference.startswith(prefix)]
        numbers = [int(r[len(prefix) :]) for r in taken if r[len(prefix) :].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1:03d}"
