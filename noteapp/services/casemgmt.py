"""Case management composed: the contact, referral, medication and incident services, and
how they plug into the rest of the workspace (the client record's emergency contact, the
checklist, damage reports, search, the chart export).

Each service is made the first time it is used, like the others (`Workspace.contacts` ...),
and reads one client's chart at a time (services/chart_records.py): making them reads
nothing, so unlocking and `client list` cost the same with or without case management.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from noteapp.services.chart_records import ChartRecords

if TYPE_CHECKING:
    from noteapp.services.contacts import ContactService
    from noteapp.services.incidents import IncidentService
    from noteapp.services.medications import MedicationService
    from noteapp.services.referrals import ReferralService
    from noteapp.services.search import SearchService
    from noteapp.services.workspace import Workspace

NAMES = ("contacts", "referrals", "medications", "incidents")


def make_contacts(ws: Workspace) -> ContactService:
    from noteapp.services.contacts import ContactService

    return ContactService(
        vault=ws._vault, audit=ws.audit, clients=ws.clients, settings=ws.settings, clock=ws.clock
    )


def make_referrals(ws: Workspace) -> ReferralService:
    from noteapp.services.referrals import ReferralService

    return ReferralService(
        vault=ws._vault,
        audit=ws.audit,
        clients=ws.clients,
        contacts=ws.contacts,
        signing=ws.signing,
        clock=ws.clock,
    )


def make_medications(ws: Workspace) -> MedicationService:
    from noteapp.services.medications import MedicationService

    return MedicationService(
        vault=ws._vault, audit=ws.audit, clients=ws.clients, notes=ws.notes, clock=ws.clock
    )


def make_incidents(ws: Workspace) -> IncidentService:
    from noteapp.services.incidents import IncidentService

    return IncidentService(
        vault=ws._vault, audit=ws.audit, clients=ws.clients, signing=ws.signing, clock=ws.clock
    )


def record_stores(ws: Workspace) -> list[ChartRecords]:  # type: ignore[type-arg]
    """The record stores of the case-management services made so far (their `problems`
    are the damage they came across)."""
    stores: list[ChartRecords] = []  # type: ignore[type-arg]
    if "contacts" in ws.__dict__:
        stores += [ws.contacts.contacts, ws.contacts.releases]
    for name in NAMES[1:]:
        if name in ws.__dict__:
            stores.append(ws.__dict__[name].records)
    return stores


def searchable(ws: Workspace, search: SearchService) -> None:
    """Contacts, referrals, medications and incident reports in the search index (read when
    the index is built, kept current as they change)."""
    from noteapp.services.casemgmt_search import CaseSearch

    CaseSearch(
        search=search,
        clients=ws.clients,
        contacts=ws.contacts,
        referrals=ws.referrals,
        medications=ws.medications,
        incidents=ws.incidents,
    )
