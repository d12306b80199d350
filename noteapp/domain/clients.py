"""Clients: identity, contact, diagnoses and status. Pure values, serialised to plain dicts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.ids import ClientId

# ICD-10-CM: a letter, two characters, then optionally a dot and up to four more.
_ICD10_RE = re.compile(r"^[A-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")
# Client codes end up in file names, so keep them to characters every file system accepts.
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")


class ClientStatus(StrEnum):
    ACTIVE = "active"
    DISCHARGED = "discharged"


@dataclass(frozen=True)
class Diagnosis:
    """An ICD-10-CM code with its description."""

    code: str
    description: str = ""

    @staticmethod
    def parse(code: str, description: str = "") -> Diagnosis:
        """Normalise and validate a code such as 'f41.1' → 'F41.1'."""
        norm = code.strip().upper()
        if len(norm) > 3 and "." not in norm:
            norm = norm[:3] + "." + norm[3:]
        if not _ICD10_RE.match(norm):
            raise InvalidInputError(
                f"'{code.strip()[:12]}' is not an ICD-10-CM code (expected a form like F41.1)."
            )
        return Diagnosis(code=norm, description=description.strip())


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class EmergencyContact:
    name: str = ""
    relationship: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Client:
    """A client of the practice. Everything here is PHI and lives only encrypted."""

    id: ClientId
    name: str
    code: str
    preferred_name: str = ""
    dob: date | None = None
    pronouns: str = ""
    contact: Contact = field(default_factory=Contact)
    emergency_contact: EmergencyContact = field(default_factory=EmergencyContact)
    diagnoses: tuple[Diagnosis, ...] = ()
    status: ClientStatus = ClientStatus.ACTIVE
    admitted_on: date | None = None
    discharged_on: date | None = None
    discharge_reason: str = ""

    def __repr__(self) -> str:
        # Never print a client's name in logs or tracebacks.
        return f"Client(id={self.id!r}, code={self.code!r})"

    @property
    def display_name(self) -> str:
        """The name as the clinician addresses the client: preferred first name + surname."""
        if self.preferred_name:
            parts = self.name.split()
            surname = parts[-1] if len(parts) > 1 else ""
            return f"{self.preferred_name} {surname}".strip()
        return self.name

    @property
    def first_name(self) -> str:
        return self.preferred_name or (self.name.split() or [""])[0]

    def discharged(self, *, on: date, reason: str) -> Client:
        return replace(
            self, status=ClientStatus.DISCHARGED, discharged_on=on, discharge_reason=reason
        )

    def reactivated(self) -> Client:
        return replace(self, status=ClientStatus.ACTIVE, discharged_on=None, discharge_reason="")


def validate_client_code(code: str) -> str:
    """Client codes are short and file-name safe; they identify a client without naming them."""
    code = code.strip()
    if not _CODE_RE.match(code):
        raise InvalidInputError(
            "A client code is 1–16 letters, digits, '-' or '_', starting with a letter or digit."
        )
    return code


def validate_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("A client needs a name.")
    if len(name) > 200:
        raise InvalidInputError("That name is too long (200 characters at most).")
    return name


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def client_to_dict(c: Client) -> dict[str, Any]:
    """The record payload stored (encrypted) in the vault."""
    return {
        "id": c.id,
        "name": c.name,
        "code": c.code,
        "preferred_name": c.preferred_name,
        "dob": _d(c.dob),
        "pronouns": c.pronouns,
        "contact": {
            "phone": c.contact.phone,
            "email": c.contact.email,
            "address": c.contact.address,
        },
        "emergency_contact": {
            "name": c.emergency_contact.name,
            "relationship": c.emergency_contact.relationship,
            "phone": c.emergency_contact.phone,
        },
        "diagnoses": [{"code": d.code, "description": d.description} for d in c.diagnoses],
        "status": c.status.value,
        "admitted_on": _d(c.admitted_on),
        "discharged_on": _d(c.discharged_on),
        "discharge_reason": c.discharge_reason,
    }


def client_from_dict(d: dict[str, Any]) -> Client:
    contact = d.get("contact") or {}
    emergency = d.get("emergency_contact") or {}
    return Client(
        id=ClientId(d["id"]),
        name=d["name"],
        code=d["code"],
        preferred_name=d.get("preferred_name", ""),
        dob=_parse_date(d.get("dob")),
        pronouns=d.get("pronouns", ""),
        contact=Contact(
            phone=contact.get("phone", ""),
            email=contact.get("email", ""),
            address=contact.get("address", ""),
        ),
        emergency_contact=EmergencyContact(
            name=emergency.get("name", ""),
            relationship=emergency.get("relationship", ""),
            phone=emergency.get("phone", ""),
        ),
        diagnoses=tuple(
            Diagnosis(code=x["code"], description=x.get("description", ""))
            for x in d.get("diagnoses", [])
        ),
        status=ClientStatus(d.get("status", "active")),
        admitted_on=_parse_date(d.get("admitted_on")),
        discharged_on=_parse_date(d.get("discharged_on")),
        discharge_reason=d.get("discharge_reason", ""),
    )
