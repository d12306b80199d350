"""Case management composed: the contact, referral, medication and incident services, and
how they plug into the rest of the workspace (the client record's emergency contact, the
checklist, damage reports, search, the chart export). Workspace.build calls these two."""

from __future__ import annotations

from dataclasses import dataclass

from noteapp.domain.clock import Clock
from noteapp.services.audit import AuditService
from noteapp.services.casemgmt_search import CaseSearch
from noteapp.services.clients import ClientService
from noteapp.services.contacts import ContactService
from noteapp.services.damage import DamageReport
from noteapp.services.exports import ExportService
from noteapp.services.incidents import IncidentService
from noteapp.services.medications import MedicationService
from noteapp.services.notes import NoteService
from noteapp.services.referrals import ReferralService
from noteapp.services.search import SearchService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.vault.store import Vault


@dataclass(frozen=True)
class CaseManagement:
    contacts: ContactService
    referrals: ReferralService
    medications: MedicationService
    incidents: IncidentService


def build(
    *,
    vault: Vault,
    audit: AuditService,
    clients: ClientService,
    notes: NoteService,
    signing: SigningService,
    settings: SettingsService,
    clock: Clock,
) -> CaseManagement:
    contacts = ContactService(
        vault=vault, audit=audit, clients=clients, settings=settings, clock=clock
    )
    # The single emergency contact of a client record moves to the contact list.
    clients.emergency_contact_sink = contacts.take_emergency_contact
    # A contact note naming a contact without a current release warns.
    notes.fact_providers.append(contacts.checklist_facts)
    return CaseManagement(
        contacts=contacts,
        referrals=ReferralService(
            vault=vault,
            audit=audit,
            clients=clients,
            contacts=contacts,
            signing=signing,
            clock=clock,
        ),
        medications=MedicationService(
            vault=vault, audit=audit, clients=clients, notes=notes, clock=clock
        ),
        incidents=IncidentService(
            vault=vault, audit=audit, clients=clients, signing=signing, clock=clock
        ),
    )


def connect(
    cm: CaseManagement,
    *,
    clients: ClientService,
    damage: DamageReport,
    search: SearchService,
    exports: ExportService,
) -> None:
    """Damaged records reported, records searchable, the medication list in chart exports."""
    damage.more_sources.extend(
        (
            cm.contacts.contacts,
            cm.contacts.releases,
            cm.referrals.records,
            cm.medications.records,
            cm.incidents.records,
        )
    )
    CaseSearch(
        search=search,
        clients=clients,
        contacts=cm.contacts,
        referrals=cm.referrals,
        medications=cm.medications,
        incidents=cm.incidents,
    )
    exports.chart_summaries.append(cm.medications.chart_summary)
