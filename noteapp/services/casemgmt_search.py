"""Contacts, referrals, medications and incident reports as search documents, kept current
as they change. Incident reports carry no client (they are in no chart), so a search within
one client never shows them; a search of the whole vault does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from noteapp.domain.contacts import CareContact
from noteapp.domain.errors import NoteappError
from noteapp.domain.incidents import Incident
from noteapp.domain.medications import Medication
from noteapp.domain.referrals import Referral
from noteapp.search.index import SearchDoc
from noteapp.services.clients import ClientService
from noteapp.services.contacts import ContactService
from noteapp.services.incidents import IncidentService
from noteapp.services.medications import MedicationService
from noteapp.services.referrals import ReferralService
from noteapp.services.search import SearchService, Source

CONTACT = "contact"
REFERRAL = "referral"
MEDICATION = "medication"
INCIDENT = "incident"
KINDS = (CONTACT, REFERRAL, MEDICATION, INCIDENT)


def _every(records: Any, to_doc: Callable[[Any], SearchDoc]) -> Iterator[SearchDoc]:
    return (to_doc(record) for record in records.every())


def _damaged(records: Any) -> bool:
    return bool(records.problems)


def _one(records: Any, to_doc: Callable[[Any], SearchDoc], key: str) -> SearchDoc | None:
    """A record's document as it is now; None when it is gone or unreadable (the damage
    report names a damaged one)."""
    try:
        return to_doc(records.get(key))
    except NoteappError:
        return None


def _fields(**pairs: str) -> dict[str, str]:
    return {k.replace("_", " ").capitalize(): v for k, v in pairs.items() if v}


class CaseSearch:
    def __init__(
        self,
        *,
        search: SearchService,
        clients: ClientService,
        contacts: ContactService,
        referrals: ReferralService,
        medications: MedicationService,
        incidents: IncidentService,
    ) -> None:
        self._clients = clients
        self._referrals = referrals
        sources: list[tuple[str, Any, Callable[[Any], SearchDoc]]] = [
            (CONTACT, contacts.contacts, self._contact),
            (REFERRAL, referrals.records, self._referral),
            (MEDICATION, medications.records, self._medication),
            (INCIDENT, incidents.records, self._incident),
        ]
        for kind, records, to_doc in sources:
            changed = search.add_source(
                Source(
                    kind=kind,
                    record_kind=records.kind,
                    every=partial(_every, records, to_doc),
                    get=partial(_one, records, to_doc),
                    damaged=partial(_damaged, records),
                )
            )
            records.listeners.append(lambda x, c=changed: c(x if isinstance(x, str) else x.id))

    def _client_name(self, client_id: str) -> str:
        try:
            return str(self._clients.get(client_id).name)
        except NoteappError:  # a damaged client: still find the record
            return ""

    def _contact(self, c: CareContact) -> SearchDoc:
        return SearchDoc(
            key=c.id,
            kind=CONTACT,
            client_id=c.client_id,
            title=f"{self._client_name(c.client_id)} — contact: {c.label}",
            date=None,
            template="",
            status="emergency" if c.emergency else c.category.value,
            fields=_fields(
                name=c.name,
                role=c.role,
                organization=c.organization,
                phone=c.phone,
                e_mail=c.email,
                notes=c.notes,
            ),
        )

    def _referral(self, r: Referral) -> SearchDoc:
        try:
            to = self._referrals.recipient(r).label if r.contact_id else r.to_name
        except NoteappError:  # its contact is damaged or gone: still find the referral
            to = r.to_name
        notes = "\n".join(ch.note for ch in r.history if ch.note)
        return SearchDoc(
            key=r.id,
            kind=REFERRAL,
            client_id=r.client_id,
            title=f"{self._client_name(r.client_id)} — referral to {to or r.to_organization}",
            date=r.sent_on,
            template="",
            status=r.status.value,
            fields=_fields(
                to=to,
                organization=r.to_organization,
                reason=r.reason,
                letter=r.letter,
                status_notes=notes,
            ),
        )

    def _medication(self, m: Medication) -> SearchDoc:
        return SearchDoc(
            key=m.id,
            kind=MEDICATION,
            client_id=m.client_id,
            title=f"{self._client_name(m.client_id)} — {m.label}",
            date=m.start,
            template="",
            status="stopped" if m.stop else "current",
            fields=_fields(
                name=m.name, prescriber=m.prescriber, notes=m.notes, reason_stopped=m.stop_reason
            ),
        )

    def _incident(self, i: Incident) -> SearchDoc:
        people = ", ".join(
            p.name or self._client_name(p.client_id) for p in i.people if p.name or p.client_id
        )
        return SearchDoc(
            key=i.id,
            kind=INCIDENT,
            client_id="",  # in no client's chart
            title=f"Incident report {i.reference} — {i.type_label}",
            date=i.occurred_at.date(),
            template="",
            status=i.status.value,
            fields=_fields(
                place=i.place,
                people=people,
                what_happened=i.what_happened,
                immediate_actions=i.immediate_actions,
                injuries=i.injuries,
                follow_up=i.follow_up,
            ),
        )
