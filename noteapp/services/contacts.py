"""A client's contacts and releases of information: add, edit, remove, the one emergency
contact, releases with their status, revocation; the facts the checklist uses.

The single emergency contact a client record used to hold becomes a contact marked as the
emergency contact: old vaults are migrated once when unlocked (`migrate_emergency_contacts`),
and a client saved with one (a CSV import, `client add --emergency-name`) hands it over in
the same transaction (`take_emergency_contact`, wired by the workspace). See
docs/contacts.md.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from noteapp.domain.checklist import CONTACT_TEMPLATES, ChecklistFacts, ContactFact
from noteapp.domain.clients import Client, EmergencyContact
from noteapp.domain.clock import Clock
from noteapp.domain.contacts import (
    CareContact,
    ContactCategory,
    Release,
    ReleaseStatus,
    category_for,
    check_contact,
    check_release,
    contact_from_dict,
    contact_to_dict,
    parse_category,
    release_from_dict,
    release_to_dict,
)
from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.notes import Note
from noteapp.services.audit import AuditService
from noteapp.services.chart_records import ChartRecords
from noteapp.services.clients import ClientService
from noteapp.services.settings import SettingsService
from noteapp.vault.store import Vault

CONTACT_KIND = "contact"
RELEASE_KIND = "release"
_EDITABLE = frozenset(
    {"name", "role", "category", "organization", "phone", "email", "address", "emergency", "notes"}
)


class ContactService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self.contacts: ChartRecords[CareContact] = ChartRecords(
            vault=vault,
            audit=audit,
            kind=CONTACT_KIND,
            label="contact",
            load=lambda d, v: contact_from_dict(d, record_version=v),
            dump=contact_to_dict,
            chart_of=lambda c: c.client_id,
        )
        self.releases: ChartRecords[Release] = ChartRecords(
            vault=vault,
            audit=audit,
            kind=RELEASE_KIND,
            label="release of information",
            load=lambda d, v: release_from_dict(d, record_version=v),
            dump=release_to_dict,
            chart_of=lambda r: r.client_id,
        )
        # Why a contact may not be removed (a referral names it): "" when it may.
        self.in_use: list[Callable[[CareContact], str]] = []

    @property
    def problems(self) -> builtins.list[Any]:
        return [*self.contacts.problems, *self.releases.problems]

    def _today(self) -> date:
        return self._clock.now().astimezone().date()

    # --- contacts ----------------------------------------------------------------------

    def for_client(self, client_id: str) -> builtins.list[CareContact]:
        """The emergency contact first, then by name."""
        client = self._clients.get(client_id)
        return sorted(
            self.contacts.for_chart(client.id),
            key=lambda c: (not c.emergency, c.name.casefold()),
        )

    def get(self, contact_id: str) -> CareContact:
        return self.contacts.get(contact_id)

    def emergency(self, client_id: str) -> CareContact | None:
        return next((c for c in self.for_client(client_id) if c.emergency), None)

    def emergency_contact(self, client_id: str) -> EmergencyContact:
        """The emergency contact in the shape client records and exports always had."""
        c = self.emergency(client_id)
        if c is None:
            return EmergencyContact()
        return EmergencyContact(name=c.name, relationship=c.role, phone=c.phone)

    def with_emergency(self, client: Client) -> Client:
        """The client with its emergency contact filled in from the list (CSV and FHIR
        exports and `client show` keep the shape they always had)."""
        return replace(client, emergency_contact=self.emergency_contact(client.id))

    def add(
        self,
        *,
        client_id: str,
        name: str,
        role: str = "",
        category: ContactCategory | str = ContactCategory.OTHER,
        organization: str = "",
        phone: str = "",
        email: str = "",
        address: str = "",
        emergency: bool = False,
        notes: str = "",
    ) -> CareContact:
        client = self._clients.get(client_id)
        contact = check_contact(
            CareContact(
                id=new_id(),
                client_id=client.id,
                name=name,
                role=role,
                category=parse_category(category),
                organization=organization,
                phone=phone,
                email=email,
                address=address,
                emergency=emergency,
                notes=notes,
            )
        )
        with self._vault.transaction():
            if emergency:
                self._clear_emergency(client.id)
            return self.contacts.write(contact, "create")

    def edit(self, contact_id: str, **changes: Any) -> CareContact:
        current = self.get(contact_id)
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            raise InvalidInputError(f"Unknown contact field '{unknown[0][:40]}'.")
        updated = check_contact(replace(current, **changes))
        if updated == current:
            return current
        with self._vault.transaction():
            if updated.emergency and not current.emergency:
                self._clear_emergency(current.client_id)
            return self.contacts.write(updated, "edit")

    def remove(self, contact_id: str) -> None:
        """Refused while a release or a referral names the contact: both are part of the
        record of what was disclosed to whom."""
        contact = self.get(contact_id)
        if any(r.contact_id == contact.id for r in self.releases.for_chart(contact.client_id)):
            raise RefusedError(
                "This contact has releases of information on file, which are part of the "
                "record; it cannot be removed."
            )
        for why in self.in_use:
            reason = why(contact)
            if reason:
                raise RefusedError(reason)
        self.contacts.delete(contact)

    def _clear_emergency(self, client_id: str) -> None:
        for other in self.contacts.for_chart(client_id):
            if other.emergency:
                self.contacts.write(replace(other, emergency=False), "edit")

    # --- the single emergency contact of old client records -------------------------------

    def take_emergency_contact(self, client: Client) -> None:
        """Called inside the transaction that saves `client` with an emergency contact:
        it becomes (or updates) the client's emergency contact here."""
        ec = client.emergency_contact
        if not (ec.name or ec.phone or ec.relationship):
            return
        name = ec.name.strip() or "Emergency contact"
        same = next(
            (c for c in self.contacts.for_chart(client.id) if c.name.casefold() == name.casefold()),
            None,
        )
        if same is not None:
            phone = ec.phone or same.phone
            updated = replace(same, role=ec.relationship or same.role, phone=phone)
            if not updated.emergency:
                self._clear_emergency(client.id)
            self.contacts.write(replace(updated, emergency=True), "edit")
            return
        self._clear_emergency(client.id)
        contact = check_contact(
            CareContact(
                id=new_id(),
                client_id=client.id,
                name=name,
                role=ec.relationship,
                category=category_for(ec.relationship),
                phone=ec.phone,
                emergency=True,
            )
        )
        self.contacts.write(contact, "create", detail={"from": "emergency-contact"})

    def migrate_emergency_contacts(self) -> int:
        """Move every client's old single emergency contact into the contact list, all in
        one transaction; returns how many moved (0 once done: the field is then empty)."""
        waiting = [c for c in self._clients.list() if c.emergency_contact != EmergencyContact()]
        if waiting:
            with self._vault.transaction():
                for client in waiting:
                    # Saving the client hands its emergency contact over (the sink above).
                    self._clients.update(client.id, emergency_contact=client.emergency_contact)
        return len(waiting)

    # --- releases of information -------------------------------------------------------

    def releases_for(self, client_id: str) -> builtins.list[Release]:
        """Newest signed first."""
        client = self._clients.get(client_id)
        return sorted(self.releases.for_chart(client.id), key=lambda r: r.signed_on, reverse=True)

    def release(self, release_id: str) -> Release:
        return self.releases.get(release_id)

    def status(self, release: Release, *, on: date | None = None) -> ReleaseStatus:
        return release.status(
            on or self._today(), expiring_days=self._settings.get().release_expiring_days
        )

    def add_release(
        self,
        *,
        client_id: str,
        contact_id: str,
        information: str,
        purpose: str,
        signed_on: date,
        expires_on: date | None = None,
        expiry_event: str = "",
        effective_from: date | None = None,
    ) -> Release:
        client = self._clients.get(client_id)
        contact = self.get(contact_id)
        if contact.client_id != client.id:
            raise InvalidInputError("That contact is not one of this client's contacts.")
        release = check_release(
            Release(
                id=new_id(),
                client_id=client.id,
                contact_id=contact.id,
                information=information,
                purpose=purpose,
                signed_on=signed_on,
                effective_from=effective_from or signed_on,
                expires_on=expires_on,
                expiry_event=expiry_event,
            ),
            today=self._today(),
        )
        return self.releases.write(release, "create")

    def revoke_release(self, release_id: str, *, on: date, reason: str) -> Release:
        current = self.release(release_id)
        if current.revoked_on is not None:
            raise RefusedError("This release was revoked already.")
        revoked = check_release(
            replace(current, revoked_on=on, revoke_reason=reason), today=self._today()
        )
        return self.releases.write(revoked, "revoke")

    def has_current_release(self, contact: CareContact, *, on: date | None = None) -> bool:
        return any(
            r.contact_id == contact.id and self.status(r, on=on).allows_disclosure
            for r in self.releases.for_chart(contact.client_id)
        )

    def current_release(self, contact_id: str, *, on: date | None = None) -> Release | None:
        """The release in force for a contact on a day (the latest signed), if any."""
        contact = self.get(contact_id)
        found = [
            r
            for r in self.releases_for(contact.client_id)
            if r.contact_id == contact.id and self.status(r, on=on).allows_disclosure
        ]
        return found[0] if found else None

    # --- the checklist ------------------------------------------------------------------

    def checklist_facts(self, note: Note, facts: ChecklistFacts) -> ChecklistFacts:
        """For a contact note: the client's contacts and whether each has a current release
        on the date of service (the checklist warns when the note names one without)."""
        if note.template_id not in CONTACT_TEMPLATES:
            return facts
        contacts = self.contacts.for_chart(note.client_id)
        return replace(
            facts,
            contacts=tuple(
                ContactFact(c.name, self.has_current_release(c, on=note.session.date))
                for c in contacts
            ),
        )
