"""Where a click goes: one small typed object the composition root gives to every view that
opens something elsewhere (a note, a client's chart tab and a record in it, an incident
report, the Review screen, a Settings page).

Views call `navigator.open_note(note_id)`; the main view connects the signals to what opens
it. Views never reach into the main window, and nothing is attached to it after it is built.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from noteapp.services.worklist import Place, SectionKey, WorkItem


class ChartTab(StrEnum):
    """A client's chart tabs, by the title they show."""

    OVERVIEW = "Overview"
    NOTES = "Notes"
    PLAN = "Plan"
    MEASURES = "Measures"
    SAFETY_PLAN = "Safety plan"
    CONTACTS = "Contacts"
    REFERRALS = "Referrals"
    MEDICATIONS = "Medications"


# Where a worklist row opens (services.worklist.Place) → the chart tab.
PLACE_TABS = {
    Place.CHART_NOTES: ChartTab.NOTES,
    Place.CHART_PLAN: ChartTab.PLAN,
    Place.CHART_MEASURES: ChartTab.MEASURES,
    Place.CHART_SAFETY_PLAN: ChartTab.SAFETY_PLAN,
    Place.CHART_REFERRALS: ChartTab.REFERRALS,
}


class Navigator(QObject):
    note_requested = Signal(str)
    client_requested = Signal(str, str, str)  # client id, ChartTab value, record id or ""
    incident_requested = Signal(str)  # incident report id
    page_requested = Signal(str, str)  # main page key, sub-page (a Settings page) or ""
    worklist_requested = Signal(str)  # SectionKey value: "Show all"
    search_requested = Signal()
    supervision_requested = Signal(str)  # note id: an agency supervisee's note to review

    def open_note(self, note_id: str) -> None:
        self.note_requested.emit(note_id)

    def open_client(
        self, client_id: str, *, tab: ChartTab = ChartTab.OVERVIEW, record_id: str = ""
    ) -> None:
        """The client's chart on `tab`, with `record_id` (a referral, a contact…) selected."""
        self.client_requested.emit(client_id, tab.value, record_id)

    def open_incident(self, incident_id: str) -> None:
        self.incident_requested.emit(incident_id)

    def open_today(self) -> None:
        self.page_requested.emit("today", "")

    def open_review(self) -> None:
        self.page_requested.emit("review", "")

    def open_supervision(self, note_id: str) -> None:
        """A supervisee's note from the agency inbox, to co-sign or return."""
        self.supervision_requested.emit(note_id)

    def open_settings(self, page: str = "") -> None:
        self.page_requested.emit("settings", page)

    def open_worklist(self, section: SectionKey) -> None:
        self.worklist_requested.emit(section.value)

    def open_search(self) -> None:
        self.search_requested.emit()

    def open_place(
        self, place: Place, *, client_id: str = "", note_id: str = "", record_id: str = ""
    ) -> None:
        """Open a worklist row where it lives."""
        if place == Place.NOTE and note_id:
            self.open_note(note_id)
        elif place == Place.REVIEW and note_id:
            self.open_supervision(note_id)  # an agency inbox row names its note
        elif place == Place.REVIEW:
            self.open_review()
        elif place == Place.INCIDENT and record_id:
            self.open_incident(record_id)
        elif client_id:
            tab = PLACE_TABS.get(place, ChartTab.OVERVIEW)
            self.open_client(client_id, tab=tab, record_id=record_id)

    def open_item(self, item: WorkItem) -> None:
        self.open_place(
            item.place, client_id=item.client_id, note_id=item.note_id, record_id=item.record_id
        )
