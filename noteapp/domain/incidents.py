"""Incident reports: what happened, when and where, to whom, what was done at once, injuries,
who was notified (to whom, how, when) and the follow-up.

Pure values. A report is about an event, not one client's chart: it may name several
clients (or none, e.g. a staff injury), so it lives outside every chart. Types come from an
editable list, each with a notification deadline in hours (0: none); a report whose
deadline has passed with no notification recorded is overdue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from noteapp.domain import record_fields as f
from noteapp.domain.errors import InvalidInputError

ATTESTATION = "I attest that this incident report is accurate and complete to my knowledge."
MAX_PEOPLE = 50
MAX_NOTIFICATIONS = 50
MAX_TYPES = 50
_TYPE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class IncidentType:
    id: str  # "self-harm"
    label: str  # "Self-harm"
    deadline_hours: int = 0  # notify within this many hours of the incident; 0: no deadline


# Common critical-incident categories; the deadlines are typical of state and agency rules
# (serious incidents within 24 hours, a missing person at once) and are a setting.
DEFAULT_TYPES = (
    IncidentType("self-harm", "Self-harm", 24),
    IncidentType("aggression", "Aggression", 24),
    IncidentType("fall", "Fall", 24),
    IncidentType("medication-error", "Medication error", 24),
    IncidentType("missing-person", "Missing person", 2),
    IncidentType("property", "Property", 72),
    IncidentType("other", "Other", 72),
)


def check_types(types: Sequence[IncidentType]) -> tuple[IncidentType, ...]:
    """An edited list of types: ids short and unique, labels given, deadlines 0–720 hours."""
    if not types:
        raise InvalidInputError("Keep at least one incident type.")
    if len(types) > MAX_TYPES:
        raise InvalidInputError(f"Keep at most {MAX_TYPES} incident types.")
    out: list[IncidentType] = []
    seen: set[str] = set()
    for t in types:
        label = f.line(t.label, "incident type's name", required=True)
        type_id = (t.id or label).strip().lower().replace(" ", "-")
        if not _TYPE_ID.match(type_id):
            raise InvalidInputError(
                f"The incident type id “{type_id[:40]}” is 1–40 letters, digits or '-'."
            )
        if type_id in seen:
            raise InvalidInputError(f"The incident type “{type_id}” is listed twice.")
        hours = t.deadline_hours
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 720:
            raise InvalidInputError("A notification deadline is 0 (none) to 720 hours.")
        seen.add(type_id)
        out.append(IncidentType(type_id, label, hours))
    return tuple(out)


def types_to_json(types: Sequence[IncidentType]) -> list[dict[str, Any]]:
    return [{"id": t.id, "label": t.label, "deadline_hours": t.deadline_hours} for t in types]


def types_from_json(data: Any) -> tuple[IncidentType, ...]:
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise InvalidInputError(
            'Incident types are a list of {"id", "label", "deadline_hours"} objects.'
        )
    for x in data:
        f.unknown_keys(x, frozenset({"id", "label", "deadline_hours"}), "incident type")
    return check_types(
        [
            IncidentType(str(x.get("id", "")), x.get("label", ""), x.get("deadline_hours", 0))
            for x in data
        ]
    )


class PersonRole(StrEnum):
    CLIENT = "client"
    STAFF = "staff"
    OTHER = "other"  # a visitor, a family member, a member of the public


@dataclass(frozen=True)
class InvolvedPerson:
    role: PersonRole
    name: str = ""  # for a client: filled in from the chart when shown or signed
    client_id: str = ""
    detail: str = ""  # their part: "injured", "witness", "staff on duty"


@dataclass(frozen=True)
class Notification:
    to: str  # "Client's mother", "State licensing board"
    how: str  # "phone", "e-mail", "in person", "online form"
    at: datetime


class IncidentStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


@dataclass(frozen=True)
class Incident:
    id: str
    reference: str  # "IR-2026-003": what people quote on the phone and in e-mails
    type_id: str
    type_label: str
    occurred_at: datetime
    place: str = ""
    people: tuple[InvolvedPerson, ...] = ()
    what_happened: str = ""
    immediate_actions: str = ""
    injuries: str = ""
    notifications: tuple[Notification, ...] = ()
    follow_up: str = ""
    status: IncidentStatus = IncidentStatus.DRAFT
    created_at: datetime | None = None
    signed_on: str = ""  # ISO date of signing
    signature_ids: tuple[str, ...] = ()
    record_version: int = 0

    def __repr__(self) -> str:
        return f"Incident(id={self.id!r}, status={self.status.value})"

    @property
    def is_signed(self) -> bool:
        return self.status == IncidentStatus.SIGNED

    @property
    def client_ids(self) -> tuple[str, ...]:
        return tuple(p.client_id for p in self.people if p.client_id)


# What an incident fields file may hold (docs/incidents.md).
FIELD_KEYS = frozenset(
    {
        "occurred_at",
        "place",
        "people",
        "what_happened",
        "immediate_actions",
        "injuries",
        "notifications",
        "follow_up",
    }
)


def _person(d: Any, where: str) -> InvolvedPerson:
    if not isinstance(d, dict):
        raise InvalidInputError(f'{where} is an object: {{"role", "name", "client", "detail"}}.')
    f.unknown_keys(d, frozenset({"role", "name", "client", "detail"}), "person")
    try:
        role = PersonRole(str(d.get("role", "client" if d.get("client") else "other")))
    except ValueError as exc:
        raise InvalidInputError(f"{where}: the role is client, staff or other.") from exc
    client = f.line(d.get("client"), f"{where} client")
    person = InvolvedPerson(
        role=role,
        name=f.line(d.get("name"), f"{where} name"),
        client_id=client,
        detail=f.line(d.get("detail"), f"{where} detail"),
    )
    if role == PersonRole.CLIENT and not client:
        raise InvalidInputError(f'{where}: a client is named by id or code ("client").')
    if role != PersonRole.CLIENT and not person.name:
        raise InvalidInputError(f"{where}: give the person's name (or their role).")
    return person


def _notification(d: Any, where: str) -> Notification:
    if not isinstance(d, dict):
        raise InvalidInputError(f'{where} is an object: {{"to", "how", "at"}}.')
    f.unknown_keys(d, frozenset({"to", "how", "at"}), "notification")
    at = f.a_time(d.get("at"), f"{where} time")
    if at is None:
        raise InvalidInputError(f'{where}: say when the notification was made ("at").')
    return Notification(
        to=f.line(d.get("to"), f"{where} recipient", required=True),
        how=f.line(d.get("how"), f"{where} method", required=True),
        at=at,
    )


def fields_from_json(data: Any) -> dict[str, Any]:
    """The report's fields from a JSON object (docs/incidents.md): keyword arguments for
    Incident. Client people keep the id or code given; the service resolves them."""
    if not isinstance(data, dict):
        raise InvalidInputError("The incident fields file holds one JSON object.")
    f.unknown_keys(data, FIELD_KEYS, "incident")
    out: dict[str, Any] = {}
    if "occurred_at" in data:
        out["occurred_at"] = f.a_time(data["occurred_at"], "time of the incident")
    for key, what, limit in (
        ("place", "place", f.SHORT),
        ("what_happened", "description of what happened", f.LONG),
        ("immediate_actions", "immediate actions", f.LONG),
        ("injuries", "injuries", f.LONG),
        ("follow_up", "follow-up", f.LONG),
    ):
        if key in data:
            out[key] = f.text(data[key], what, limit=limit)
    for key, make, cap in (
        ("people", _person, MAX_PEOPLE),
        ("notifications", _notification, MAX_NOTIFICATIONS),
    ):
        if key in data:
            items = data[key]
            if not isinstance(items, list) or len(items) > cap:
                raise InvalidInputError(f"“{key}” is a list of at most {cap} objects.")
            out[key] = tuple(make(x, f"{key}[{i}]") for i, x in enumerate(items))
    return out


def problems_for_signing(i: Incident, *, now: datetime) -> list[str]:
    """What a report needs before it can be signed, as sentences (empty: ready)."""
    problems = []
    if i.occurred_at > now:
        problems.append("The incident is dated in the future.")
    if not i.place:
        problems.append("Say where it happened.")
    if not i.people:
        problems.append("Name the people involved (clients, staff or others).")
    if not i.what_happened:
        problems.append("Describe what happened.")
    if not i.immediate_actions:
        problems.append("Describe the immediate actions taken.")
    if any(n.at < i.occurred_at for n in i.notifications):
        problems.append("A notification is dated before the incident.")
    return problems


def notification_due(i: Incident, hours: int) -> datetime | None:
    return i.occurred_at + timedelta(hours=hours) if hours > 0 else None


def notifications_overdue(
    i: Incident, hours: int, *, now: datetime, made: Sequence[Notification] = ()
) -> bool:
    """The type's deadline has passed and nobody was notified (in the report, or in `made`:
    notifications recorded after signing)."""
    due = notification_due(i, hours)
    return due is not None and now > due and not (i.notifications or made)


def _person_to_dict(p: InvolvedPerson) -> dict[str, Any]:
    return {"role": p.role.value, "name": p.name, "client_id": p.client_id, "detail": p.detail}


def notification_to_dict(n: Notification) -> dict[str, Any]:
    return {"to": n.to, "how": n.how, "at": f.iso_time(n.at)}


def notification_from_dict(d: dict[str, Any]) -> Notification:
    at = f.time_or_none(d.get("at"))
    if at is None:
        raise ValueError("a notification without its time")
    return Notification(str(d.get("to", "")), str(d.get("how", "")), at)


def incident_to_dict(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "reference": i.reference,
        "type_id": i.type_id,
        "type_label": i.type_label,
        "occurred_at": f.iso_time(i.occurred_at),
        "place": i.place,
        "people": [_person_to_dict(p) for p in i.people],
        "what_happened": i.what_happened,
        "immediate_actions": i.immediate_actions,
        "injuries": i.injuries,
        "notifications": [notification_to_dict(n) for n in i.notifications],
        "follow_up": i.follow_up,
        "status": i.status.value,
        "created_at": i.created_at.isoformat() if i.created_at else None,
        "signed_on": i.signed_on,
        "signature_ids": list(i.signature_ids),
    }


def incident_from_dict(d: dict[str, Any], *, record_version: int = 0) -> Incident:
    occurred = f.time_or_none(d["occurred_at"])
    if occurred is None:
        raise ValueError("an incident report without its time")
    return Incident(
        id=d["id"],
        reference=d.get("reference", ""),
        type_id=d.get("type_id", "other"),
        type_label=d.get("type_label", ""),
        occurred_at=occurred,
        place=d.get("place", ""),
        people=tuple(
            InvolvedPerson(
                PersonRole(p.get("role", "other")),
                p.get("name", ""),
                p.get("client_id", ""),
                p.get("detail", ""),
            )
            for p in d.get("people", [])
        ),
        what_happened=d.get("what_happened", ""),
        immediate_actions=d.get("immediate_actions", ""),
        injuries=d.get("injuries", ""),
        notifications=tuple(notification_from_dict(n) for n in d.get("notifications", [])),
        follow_up=d.get("follow_up", ""),
        status=IncidentStatus(d.get("status", "draft")),
        created_at=f.time_or_none(d.get("created_at")),
        signed_on=d.get("signed_on", ""),
        signature_ids=tuple(d.get("signature_ids", [])),
        record_version=record_version,
    )
