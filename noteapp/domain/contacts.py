"""A client's contacts (family, collaterals, providers, agencies, schools) and the releases of
information that say who may receive what, for what purpose, and for how long.

Pure values. A contact belongs to one client's chart; at most one contact of a client is
the emergency contact. A release names one contact; its status on a day follows from its
dates (and a revocation), never from a stored flag that could go stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from noteapp.domain import record_fields as f
from noteapp.domain.errors import InvalidInputError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Relationships that make a migrated emergency contact "family" rather than "other".
_FAMILY_WORDS = frozenset(
    {
        "spouse",
        "partner",
        "wife",
        "husband",
        "parent",
        "mother",
        "father",
        "mom",
        "dad",
        "sibling",
        "sister",
        "brother",
        "son",
        "daughter",
        "child",
        "grandmother",
        "grandfather",
        "grandparent",
        "aunt",
        "uncle",
        "cousin",
        "guardian",
    }
)


class ContactCategory(StrEnum):
    FAMILY = "family"
    COLLATERAL = "collateral"  # a friend, a sponsor, an employer: someone in the client's life
    PROVIDER = "provider"  # a physician, a psychiatrist, a nurse
    AGENCY = "agency"  # social services, housing, probation, an insurer
    SCHOOL = "school"
    OTHER = "other"


@dataclass(frozen=True)
class CareContact:
    """Someone the clinician may coordinate with about the client. Third parties' details are
    PHI of the client's record too: never in logs or reprs."""

    id: str
    client_id: str
    name: str
    role: str = ""  # the relationship or role: "mother", "primary care physician"
    category: ContactCategory = ContactCategory.OTHER
    organization: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    emergency: bool = False
    notes: str = ""
    record_version: int = 0

    def __repr__(self) -> str:
        return f"CareContact(id={self.id!r}, category={self.category.value})"

    @property
    def label(self) -> str:
        """'Casey Lin (primary care physician, Riverside Clinic)'."""
        extra = ", ".join(x for x in (self.role, self.organization) if x)
        return f"{self.name} ({extra})" if extra else self.name


def parse_category(value: str) -> ContactCategory:
    try:
        return ContactCategory(str(value).strip().lower())
    except ValueError as exc:
        raise InvalidInputError(
            "The category is one of: " + ", ".join(x.value for x in ContactCategory) + "."
        ) from exc


def check_contact(c: CareContact) -> CareContact:
    """The contact with its text tidied; InvalidInputError naming the first problem."""
    email = f.line(c.email, "e-mail address")
    if email and not _EMAIL.match(email):
        raise InvalidInputError("The e-mail address does not look like name@example.org.")
    category = parse_category(c.category)
    return replace(
        c,
        name=f.line(c.name, "contact's name", required=True),
        role=f.line(c.role, "role"),
        category=category,
        organization=f.line(c.organization, "organization"),
        phone=f.line(c.phone, "phone number", limit=40),
        email=email,
        address=f.text(c.address, "address", limit=500),
        notes=f.text(c.notes, "notes", limit=2000),
    )


# People in the client's life who are not family: collaterals.
_COLLATERAL_WORDS = frozenset(
    {"friend", "neighbour", "neighbor", "roommate", "sponsor", "employer"}
)


def category_for(relationship: str) -> ContactCategory:
    """The category a migrated emergency contact gets from its relationship."""
    words = set(re.findall(r"[a-z]+", relationship.casefold()))
    if words & _FAMILY_WORDS:
        return ContactCategory.FAMILY
    return ContactCategory.COLLATERAL if words & _COLLATERAL_WORDS else ContactCategory.OTHER


def contact_to_dict(c: CareContact) -> dict[str, Any]:
    return {
        "id": c.id,
        "client_id": c.client_id,
        "name": c.name,
        "role": c.role,
        "category": c.category.value,
        "organization": c.organization,
        "phone": c.phone,
        "email": c.email,
        "address": c.address,
        "emergency": c.emergency,
        "notes": c.notes,
    }


def contact_from_dict(d: dict[str, Any], *, record_version: int = 0) -> CareContact:
    return CareContact(
        id=d["id"],
        client_id=d["client_id"],
        name=d.get("name", ""),
        role=d.get("role", ""),
        category=ContactCategory(d.get("category", "other")),
        organization=d.get("organization", ""),
        phone=d.get("phone", ""),
        email=d.get("email", ""),
        address=d.get("address", ""),
        emergency=bool(d.get("emergency", False)),
        notes=d.get("notes", ""),
        record_version=record_version,
    )


# --- releases of information -----------------------------------------------------------


class ReleaseStatus(StrEnum):
    PENDING = "pending"  # signed, but in effect only from a later date
    CURRENT = "current"
    EXPIRING = "expiring"  # current, and ends within the setting's number of days
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def allows_disclosure(self) -> bool:
        return self in (ReleaseStatus.CURRENT, ReleaseStatus.EXPIRING)


@dataclass(frozen=True)
class Release:
    """The client's authorisation to disclose `information` to a contact for `purpose`,
    from `effective_from` until `expires_on` or `expiry_event` (whichever comes first)."""

    id: str
    client_id: str
    contact_id: str
    information: str
    purpose: str
    signed_on: date
    effective_from: date
    expires_on: date | None = None
    expiry_event: str = ""  # e.g. "end of treatment"
    revoked_on: date | None = None
    revoke_reason: str = ""
    record_version: int = 0

    def __repr__(self) -> str:
        return f"Release(id={self.id!r}, contact={self.contact_id[:8]!r})"

    def status(self, today: date, *, expiring_days: int) -> ReleaseStatus:
        if self.revoked_on is not None and self.revoked_on <= today:
            return ReleaseStatus.REVOKED
        if self.expires_on is not None and today > self.expires_on:
            return ReleaseStatus.EXPIRED
        if today < self.effective_from:
            return ReleaseStatus.PENDING
        if self.expires_on is not None and self.expires_on <= today + timedelta(days=expiring_days):
            return ReleaseStatus.EXPIRING
        return ReleaseStatus.CURRENT

    @property
    def until(self) -> str:
        """'2026-06-30', 'end of treatment', or both: how long it lasts, for people."""
        parts = [self.expires_on.isoformat() if self.expires_on else "", self.expiry_event]
        return " or ".join(p for p in parts if p) or "—"


def check_release(r: Release, *, today: date) -> Release:
    """The release with its text tidied; InvalidInputError naming the first problem."""
    r = replace(
        r,
        information=f.text(r.information, "information to be released", limit=2000, required=True),
        purpose=f.text(r.purpose, "purpose", limit=2000, required=True),
        expiry_event=f.line(r.expiry_event, "expiry event"),
        revoke_reason=f.text(r.revoke_reason, "reason for the revocation", limit=2000),
    )
    if r.signed_on > today:
        raise InvalidInputError("A release cannot be signed in the future.")
    if r.expires_on is None and not r.expiry_event:
        raise InvalidInputError(
            "A release needs an expiry date or an expiry event (e.g. “end of treatment”)."
        )
    if r.expires_on is not None and r.expires_on < r.effective_from:
        raise InvalidInputError("The release expires before it takes effect.")
    if r.effective_from < r.signed_on:
        raise InvalidInputError("A release takes effect on or after the day it was signed.")
    if r.revoked_on is not None:
        if r.revoked_on > today:
            raise InvalidInputError("A revocation cannot be dated in the future.")
        if r.revoked_on < r.signed_on:
            raise InvalidInputError("The revocation is dated before the release was signed.")
        if not r.revoke_reason:
            raise InvalidInputError("Say why the release was revoked.")
    return r


def release_to_dict(r: Release) -> dict[str, Any]:
    return {
        "id": r.id,
        "client_id": r.client_id,
        "contact_id": r.contact_id,
        "information": r.information,
        "purpose": r.purpose,
        "signed_on": r.signed_on.isoformat(),
        "effective_from": r.effective_from.isoformat(),
        "expires_on": f.iso(r.expires_on),
        "expiry_event": r.expiry_event,
        "revoked_on": f.iso(r.revoked_on),
        "revoke_reason": r.revoke_reason,
    }


def release_from_dict(d: dict[str, Any], *, record_version: int = 0) -> Release:
    signed = date.fromisoformat(d["signed_on"])
    return Release(
        id=d["id"],
        client_id=d["client_id"],
        contact_id=d["contact_id"],
        information=d.get("information", ""),
        purpose=d.get("purpose", ""),
        signed_on=signed,
        effective_from=f.date_or_none(d.get("effective_from")) or signed,
        expires_on=f.date_or_none(d.get("expires_on")),
        expiry_event=d.get("expiry_event", ""),
        revoked_on=f.date_or_none(d.get("revoked_on")),
        revoke_reason=d.get("revoke_reason", ""),
        record_version=record_version,
    )
