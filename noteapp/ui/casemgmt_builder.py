"""Part of the composition root: the case-management parts of the window — the chart's
Contacts, Referrals and Medications tabs, the Incidents page, the settings page — and where
a search hit of those kinds opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from noteapp.domain.clients import Client
from noteapp.services.workspace import Workspace
from noteapp.ui.views.contacts_tab import ContactsTab
from noteapp.ui.views.incidents_view import IncidentsView
from noteapp.ui.views.medications_tab import MedicationsTab
from noteapp.ui.views.referrals_tab import ReferralsTab
from noteapp.ui.views.settings_casemgmt_page import CaseManagementSettingsPage

# Search hit kind -> the chart tab that shows it.
HIT_TABS = {"contact": "Contacts", "referral": "Referrals", "medication": "Medications"}


def chart_tabs(ws: Workspace) -> tuple[tuple[str, Callable[[Client], QWidget]], ...]:
    return (
        ("Contacts", lambda client: ContactsTab(ws, client.id)),
        ("Referrals", lambda client: ReferralsTab(ws, client.id)),
        ("Medications", lambda client: MedicationsTab(ws, client.id)),
    )


def incidents_page(ws: Workspace, open_settings: Callable[[], None]) -> IncidentsView:
    return IncidentsView(ws, open_settings)


def settings_page(ws: Workspace) -> CaseManagementSettingsPage:
    return CaseManagementSettingsPage(ws.settings, ws.incidents)


def open_case_hit(
    hit: Any,
    *,
    open_chart_tab: Callable[[str, str], None],
    open_incident: Callable[[str], None],
) -> bool:
    """Open a contact, referral, medication or incident hit; False for other kinds."""
    if hit.kind == "incident":
        open_incident(hit.key)
        return True
    tab = HIT_TABS.get(hit.kind)
    if tab is None:
        return False
    open_chart_tab(hit.client_id, tab)
    return True
