"""Signatures, corrections (addendum / amendment / late entry), co-signatures and returns.

Each is a signed item: a canonical payload (see noteapp.signing.canonical), its Ed25519
signature, and the signer's public key. Items reference what they sign by hash, never by
changing it: the original note is never altered (CMS correction rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ItemType(StrEnum):
    NOTE = "note"
    PLAN = "plan"  # a treatment-plan version
    SAFETY_PLAN = "safety-plan"  # a safety-plan version
    REFERRAL = "referral"  # a referral letter
    INCIDENT = "incident"  # an incident report (about an event, not one client's chart)
    ADDENDUM = "addendum"
    AMENDMENT = "amendment"
    LATE_ENTRY = "late-entry"
    PLAN_REVIEW = "plan-review"  # a signed review of a plan (summary of progress)
    COSIGNATURE = "cosignature"
    RETURN = "return"
    # What an exported file holds (client, records, items, presentation), signed by the
    # exporter or reviewer: never stored in the vault, never part of a note's chain.
    MANIFEST = "manifest"

    @property
    def is_correction(self) -> bool:
        """Items after the signed document that add to it (chained by hash)."""
        return self in (
            ItemType.ADDENDUM,
            ItemType.AMENDMENT,
            ItemType.LATE_ENTRY,
            ItemType.PLAN_REVIEW,
        )

    @property
    def is_document(self) -> bool:
        return self in (
            ItemType.NOTE,
            ItemType.PLAN,
            ItemType.SAFETY_PLAN,
            ItemType.REFERRAL,
            ItemType.INCIDENT,
        )

    @property
    def label(self) -> str:
        return {
            "note": "Note",
            "plan": "Treatment plan",
            "safety-plan": "Safety plan",
            "referral": "Referral letter",
            "incident": "Incident report",
            "plan-review": "Plan review",
            "addendum": "Addendum",
            "amendment": "Amendment",
            "late-entry": "Late entry",
            "cosignature": "Co-signature",
            "return": "Returned for revision",
            "manifest": "Contents",
        }[self.value]

    @property
    def a_label(self) -> str:
        """The label in running text with its article: "an amendment", "a late entry"."""
        noun = self.label.lower()
        return ("an " if noun[0] in "aeiou" else "a ") + noun


CORRECTION_TYPES = (ItemType.ADDENDUM, ItemType.AMENDMENT, ItemType.LATE_ENTRY)


@dataclass(frozen=True)
class SignedItem:
    """One signed statement. `payload` is plain JSON data; `hash` is of its canonical bytes."""

    id: str
    type: ItemType
    note_id: str
    payload: dict[str, Any]
    hash: str  # sha256 hex of the canonical payload bytes
    signature: bytes
    public_key: bytes

    def __repr__(self) -> str:  # payloads hold PHI
        return f"SignedItem(type={self.type.value!r}, hash={self.hash[:12]!r})"

    @property
    def author(self) -> dict[str, Any]:
        author = self.payload.get("author", {})
        return author if isinstance(author, dict) else {}

    @property
    def fingerprint(self) -> str:
        return str(self.author.get("fingerprint", ""))

    @property
    def signed_at(self) -> str:
        return str(self.payload.get("signed_at", ""))


@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    public_key: bytes
    name: str
    credentials: str = ""
    added_on: str = ""
