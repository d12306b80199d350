"""Referrals: to whom (one of the client's contacts, or a name and organisation), why, when
sent, every change of status with its date and a note, and when to follow up.

Pure values. The status is the last entry of the history, so nothing can say "attended"
without saying when and why. A referral is "open" while the clinician still waits on it;
an open referral whose follow-up date has passed is overdue (the today page lists it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from noteapp.domain import record_fields as f
from noteapp.domain.errors import InvalidInputError


class ReferralStatus(StrEnum):
    SENT = "sent"
    SCHEDULED = "scheduled"  # the receiving provider booked the client
    ATTENDED = "attended"
    DECLINED = "declined"  # by the client or the receiving provider
    NO_RESPONSE = "no-response"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.SCHEDULED})
LETTER_ATTESTATION = "I wrote this referral and attest that it is accurate."


@dataclass(frozen=True)
class Recipient:
    """Whom a referral letter is addressed to, as the letter shows it (from the contact, or
    the name and organisation typed on the referral)."""

    name: str
    role: str = ""
    organization: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    @property
    def label(self) -> str:
        return ", ".join(x for x in (self.name, self.organization) if x)


@dataclass(frozen=True)
class StatusChange:
    status: ReferralStatus
    on: date
    note: str = ""


@dataclass(frozen=True)
class Referral:
    id: str
    client_id: str
    reason: str
    sent_on: date
    contact_id: str = ""  # one of the client's contacts, or else to_name / to_organization
    to_name: str = ""
    to_organization: str = ""
    follow_up: date | None = None
    history: tuple[StatusChange, ...] = ()
    letter: str = ""  # the body of the referral letter (optional: the reason stands alone)
    signed_on: date | None = None  # the letter's signing
    signature_ids: tuple[str, ...] = ()
    record_version: int = 0

    def __repr__(self) -> str:
        return f"Referral(id={self.id!r}, status={self.status.value})"

    @property
    def status(self) -> ReferralStatus:
        return self.history[-1].status if self.history else ReferralStatus.SENT

    @property
    def status_date(self) -> date:
        return self.history[-1].on if self.history else self.sent_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def letter_signed(self) -> bool:
        return bool(self.signature_ids)

    def overdue(self, today: date) -> bool:
        """Open, and its follow-up date has passed."""
        return self.is_open and self.follow_up is not None and self.follow_up < today


def check_referral(r: Referral, *, today: date) -> Referral:
    """The referral with its text tidied; InvalidInputError naming the first problem."""
    r = replace(
        r,
        reason=f.text(r.reason, "reason for the referral", limit=4000, required=True),
        to_name=f.line(r.to_name, "name of whom the referral is to"),
        to_organization=f.line(r.to_organization, "organization"),
        letter=f.text(r.letter, "letter"),
    )
    if not r.contact_id and not r.to_name and not r.to_organization:
        raise InvalidInputError("Say whom the referral is to: a contact, or a name.")
    if r.sent_on > today:
        raise InvalidInputError("The date sent cannot be in the future.")
    if r.follow_up is not None and r.follow_up < r.sent_on:
        raise InvalidInputError("The follow-up date is before the referral was sent.")
    return r


def status_change(r: Referral, status: str, *, on: date, note: str, today: date) -> StatusChange:
    """A checked change of status (the same status again records a further step, e.g.
    "left a message with the intake line")."""
    try:
        value = ReferralStatus(status)
    except ValueError as exc:
        raise InvalidInputError(
            "The status is one of: " + ", ".join(s.value for s in ReferralStatus) + "."
        ) from exc
    if on > today:
        raise InvalidInputError("A status change cannot be dated in the future.")
    if on < r.sent_on or (r.history and on < r.history[-1].on):
        raise InvalidInputError(
            "A status change is dated on or after the referral was sent and its last change."
        )
    return StatusChange(value, on, f.text(note, "note", limit=2000))


def change_to_dict(c: StatusChange) -> dict[str, Any]:
    return {"status": c.status.value, "on": c.on.isoformat(), "note": c.note}


def referral_to_dict(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id,
        "client_id": r.client_id,
        "reason": r.reason,
        "sent_on": r.sent_on.isoformat(),
        "contact_id": r.contact_id,
        "to_name": r.to_name,
        "to_organization": r.to_organization,
        "follow_up": f.iso(r.follow_up),
        "history": [change_to_dict(c) for c in r.history],
        "letter": r.letter,
        "signed_on": f.iso(r.signed_on),
        "signature_ids": list(r.signature_ids),
    }


def referral_from_dict(d: dict[str, Any], *, record_version: int = 0) -> Referral:
    return Referral(
        id=d["id"],
        client_id=d["client_id"],
        reason=d.get("reason", ""),
        sent_on=date.fromisoformat(d["sent_on"]),
        contact_id=d.get("contact_id", ""),
        to_name=d.get("to_name", ""),
        to_organization=d.get("to_organization", ""),
        follow_up=f.date_or_none(d.get("follow_up")),
        history=tuple(
            StatusChange(
                ReferralStatus(c["status"]), date.fromisoformat(c["on"]), c.get("note", "")
            )
            for c in d.get("history", [])
        ),
        letter=d.get("letter", ""),
        signed_on=f.date_or_none(d.get("signed_on")),
        signature_ids=tuple(d.get("signature_ids", [])),
        record_version=record_version,
    )
