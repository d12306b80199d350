"""Referrals: add, edit, change status (dated, with a note), follow up; the referral letter,
signed like a note and exported to Word; the referrals to follow up across the caseload.

A referral belongs to one client's chart. Its letter is signed once (a document-bearing
signed item, `ItemType.REFERRAL`): after that what the letter says — to whom, why, the
letter text — is fixed, while the status and the follow-up date go on changing. See
docs/referrals.md.
"""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import date
from typing import Any

from noteapp.domain.clock import Clock
from noteapp.domain.contacts import CareContact
from noteapp.domain.document import Document, document_from_dict
from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.referrals import (
    LETTER_ATTESTATION,
    Recipient,
    Referral,
    ReferralStatus,
    StatusChange,
    check_referral,
    referral_from_dict,
    referral_to_dict,
    status_change,
)
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.audit import AuditService
from noteapp.services.chart_records import ChartRecords
from noteapp.services.clients import ClientService
from noteapp.services.contacts import ContactService
from noteapp.services.signing import SigningService
from noteapp.signing.payloads import referral_payload
from noteapp.templates.casemgmt_documents import render_referral
from noteapp.vault.store import Vault

KIND = "referral"
# What the letter says: fixed once it is signed.
LETTER_FIELDS = frozenset(
    {"reason", "contact_id", "to_name", "to_organization", "letter", "sent_on"}
)
EDITABLE = LETTER_FIELDS | {"follow_up"}


class ReferralService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        contacts: ContactService,
        signing: SigningService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._clients = clients
        self._contacts = contacts
        self._signing = signing
        self._clock = clock
        self.records: ChartRecords[Referral] = ChartRecords(
            vault=vault,
            audit=audit,
            kind=KIND,
            label="referral",
            load=lambda d, v: referral_from_dict(d, record_version=v),
            dump=referral_to_dict,
            chart_of=lambda r: r.client_id,
        )
        contacts.in_use.append(self._names_contact)

    @property
    def problems(self) -> builtins.list[Any]:
        return self.records.problems

    def _today(self) -> date:
        return self._clock.now().astimezone().date()

    # --- reading -----------------------------------------------------------------------

    def for_client(self, client_id: str) -> builtins.list[Referral]:
        """Newest sent first."""
        client = self._clients.get(client_id)
        return sorted(self.records.for_chart(client.id), key=lambda r: r.sent_on, reverse=True)

    def get(self, referral_id: str) -> Referral:
        return self.records.get(referral_id)

    def listing(
        self, *, client_id: str | None = None, open_only: bool = False, overdue_only: bool = False
    ) -> builtins.list[Referral]:
        """A client's referrals, or the caseload's; open ones or overdue ones only."""
        today = self._today()
        found = self.for_client(client_id) if client_id else self.records.every()
        return sorted(
            (
                r
                for r in found
                if (not open_only or r.is_open) and (not overdue_only or r.overdue(today))
            ),
            key=lambda r: (r.follow_up or date.max, r.sent_on),
        )

    def overdue(self) -> builtins.list[Referral]:
        """Open referrals whose follow-up date has passed, longest overdue first (the today
        page's "referrals to follow up")."""
        return self.listing(overdue_only=True)

    def recipient(self, referral: Referral) -> Recipient:
        if referral.contact_id:
            c = self._contacts.get(referral.contact_id)
            return Recipient(c.name, c.role, c.organization, c.phone, c.email, c.address)
        return Recipient(referral.to_name, organization=referral.to_organization)

    def render(self, referral: Referral) -> Document:
        """The letter as it reads (for a signed one: as it was signed, see `letter_item`).

        The release it states is the one in force on the date the referral names — and
        still in force today: the letter discloses when it is signed and sent, so a release
        revoked or expired since is not stated as on file."""
        release = None
        if referral.contact_id:
            release = self._contacts.current_release(referral.contact_id, on=referral.sent_on)
            now = self._contacts.current_release(referral.contact_id, on=self._today())
            if release is not None and now is None:
                release = None
        return render_referral(referral, self.recipient(referral), release)

    def letter_item(self, referral_id: str) -> SignedItem | None:
        return self._signing.note_item(self.get(referral_id).id)

    def letter(self, referral: Referral) -> Document:
        """The letter to show: as signed (from the signed payload), else as it reads now."""
        item = self._signing.note_item(referral.id) if referral.letter_signed else None
        if item is not None and isinstance(item.payload.get("document"), dict):
            return document_from_dict(item.payload["document"])
        return self.render(referral)

    # --- writing -----------------------------------------------------------------------

    def add(
        self,
        *,
        client_id: str,
        reason: str,
        contact_id: str = "",
        to_name: str = "",
        to_organization: str = "",
        sent_on: date | None = None,
        follow_up: date | None = None,
        letter: str = "",
    ) -> Referral:
        client = self._clients.get(client_id)
        if contact_id:
            contact_id = self._own_contact(client.id, contact_id).id
        sent = sent_on or self._today()
        referral = check_referral(
            Referral(
                id=new_id(),
                client_id=client.id,
                reason=reason,
                sent_on=sent,
                contact_id=contact_id,
                to_name=to_name,
                to_organization=to_organization,
                follow_up=follow_up,
                history=(StatusChange(ReferralStatus.SENT, sent),),
                letter=letter,
            ),
            today=self._today(),
        )
        return self.records.write(referral, "create")

    def edit(self, referral_id: str, **changes: Any) -> Referral:
        current = self.get(referral_id)
        unknown = sorted(set(changes) - EDITABLE)
        if unknown:
            raise InvalidInputError(f"Unknown referral field '{unknown[0][:40]}'.")
        if current.letter_signed and set(changes) & LETTER_FIELDS:
            raise RefusedError(
                "The referral letter is signed: whom it is to and what it says no longer "
                "change. Update its status or follow-up date, or make a new referral."
            )
        if changes.get("contact_id"):
            changes["contact_id"] = self._own_contact(current.client_id, changes["contact_id"]).id
        updated = check_referral(replace(current, **changes), today=self._today())
        if updated.history and updated.history[0].status == ReferralStatus.SENT:
            first = replace(updated.history[0], on=updated.sent_on)
            updated = replace(updated, history=(first, *updated.history[1:]))
        return current if updated == current else self.records.write(updated, "edit")

    def update_status(
        self,
        referral_id: str,
        *,
        status: str,
        on: date | None = None,
        note: str = "",
        follow_up: date | None = None,
    ) -> Referral:
        """A dated change of status with a note; `follow_up` sets the next follow-up date."""
        current = self.get(referral_id)
        change = status_change(
            current, status, on=on or self._today(), note=note, today=self._today()
        )
        updated = replace(current, history=(*current.history, change))
        if follow_up is not None:
            updated = check_referral(replace(updated, follow_up=follow_up), today=self._today())
        return self.records.write(updated, "status", detail={"status": change.status.value})

    def sign_letter(self, referral_id: str, *, passphrase: str | None = None) -> SignedItem:
        """Sign the referral letter as it reads now; refused once signed."""
        referral = self.get(referral_id)
        if referral.letter_signed:
            raise RefusedError("This referral letter is signed already.")
        client = self._clients.get(referral.client_id)
        recipient = self.recipient(referral)
        document = self.render(referral)
        record = {
            "id": referral.id,
            "reason": referral.reason,
            "sent_on": referral.sent_on.isoformat(),
            "follow_up": referral.follow_up.isoformat() if referral.follow_up else None,
            "letter": referral.letter,
            "contact_id": referral.contact_id,
            "recipient": {
                "name": recipient.name,
                "role": recipient.role,
                "organization": recipient.organization,
                "phone": recipient.phone,
                "email": recipient.email,
                "address": recipient.address,
            },
        }
        payload = referral_payload(
            client=client,
            on=referral.sent_on,
            record=record,
            document=document,
            attestation=LETTER_ATTESTATION,
        )
        with self._vault.transaction():
            item = self._signing.sign_document(
                referral.id, item_type=ItemType.REFERRAL, payload=payload, passphrase=passphrase
            )
            self.records.write(
                replace(referral, signed_on=self._today(), signature_ids=(item.id,)), "sign"
            )
        return item

    # --- helpers -----------------------------------------------------------------------

    def _own_contact(self, client_id: str, contact_id: str) -> CareContact:
        contact = self._contacts.get(contact_id)
        if contact.client_id != client_id:
            raise InvalidInputError("That contact is not one of this client's contacts.")
        return contact

    def _names_contact(self, contact: CareContact) -> str:
        if any(r.contact_id == contact.id for r in self.records.for_chart(contact.client_id)):
            return (
                "A referral is addressed to this contact, and referrals are part of the "
                "record; the contact cannot be removed."
            )
        return ""
