"""Part of the composition root: the case-management parts of the window — the chart's
Contacts, Referrals and Medications tabs, the Incidents page, the settings page — and where
a search hit of those kinds opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from noteapp.domain.clients import Client
from noteapp.ui.navigator import ChartTab, Navigator
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.views.contacts_tab import ContactsTab
from noteapp.ui.views.incidents_view import IncidentsView
from noteapp.ui.views.medications_tab import MedicationsTab
from noteapp.ui.views.referrals_tab import ReferralsTab
from noteapp.ui.views.settings_casemgmt_page import CaseManagementSettingsPage

# Search hit kind -> the chart tab that shows it.
HIT_TABS = {
    "contact": ChartTab.CONTACTS,
    "referral": ChartTab.REFERRALS,
    "medication": ChartTab.MEDICATIONS,
}


def chart_tabs(services: CaseServices) -> tuple[tuple[str, Callable[[Client], QWidget]], ...]:
    return (
        (ChartTab.CONTACTS.value, lambda client: ContactsTab(services, client.id)),
        (ChartTab.REFERRALS.value, lambda client: ReferralsTab(services, client.id)),
        (ChartTab.MEDICATIONS.value, lambda client: MedicationsTab(services, client.id)),
    )


def incidents_page(services: CaseServices, navigator: Navigator) -> IncidentsView:
    return IncidentsView(services, lambda: navigator.open_settings("Case management"))


def settings_page(services: CaseServices) -> CaseManagementSettingsPage:
    return CaseManagementSettingsPage(services.settings, services.incidents)


def open_case_hit(hit: Any, navigator: Navigator) -> bool:
    """Open a contact, referral, medication or incident hit; False for other kinds."""
    if hit.kind == "incident":
        navigator.open_incident(hit.key)
        return True
    tab = HIT_TABS.get(hit.kind)
    if tab is None:
        return False
    navigator.open_client(hit.client_id, tab=tab, record_id=hit.key)
    return True
