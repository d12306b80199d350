"""Part of the composition root: the agency in the main window (issue #14, docs/agency.md) —
the sync indicator, Sync now (F5) and the conflicts sync kept in the header, and the
supervisor's inbox: Today's "Notes waiting for your review" rows open the note as a
document to co-sign or return.

A vault outside any agency gets none of it (no indicator, no server, no psycopg).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from noteapp.domain.notes import Note, NoteStatus
from noteapp.services.agency_inbox import SupervisionInbox
from noteapp.services.workspace import Workspace
from noteapp.ui.dialogs.supervision_dialog import SupervisionDialog
from noteapp.ui.dialogs.sync_conflicts_dialog import SyncConflictsDialog
from noteapp.ui.navigator import ChartTab
from noteapp.ui.sync_controller import SyncController
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.today_view import TodayView
from noteapp.ui.widgets.sync_indicator import SyncIndicator
from noteapp.ui.windows.note_window import NoteWindows


def review_inbox(ws: Workspace) -> SupervisionInbox | None:
    """The agency inbox for Today, for a vault in an agency."""
    if ws.agency.membership() is None:
        return None
    return SupervisionInbox(
        supervision=ws.supervision,
        clients=ws.clients,
        today=lambda: ws.clock.now().astimezone().date(),
    )


def sync_indicator(ws: Workspace, sync: SyncController | None) -> SyncIndicator | None:
    """The header's sync indicator (built before the main view, so Tab reaches it in the
    header's order: the state, Sync now, the conflicts, then Search)."""
    return SyncIndicator(sync, now=ws.clock.now) if sync is not None else None


def connect_agency(
    ws: Workspace,
    view: MainView,
    *,
    sync: SyncController | None,
    indicator: SyncIndicator | None,
    inbox: SupervisionInbox | None,
    today: TodayView,
    note_windows: NoteWindows,
) -> None:
    if sync is not None and indicator is not None:
        view.add_shortcut("sync", sync.sync_now)

        def saved(note: Note) -> None:
            # A signature is worth sending at once (a supervisor waits for it); a draft's
            # autosaves travel with the next scheduled sync.
            if note.status == NoteStatus.SIGNED:
                sync.soon()

        note_windows.saved.connect(saved)
        indicator.conflicts_requested.connect(lambda: _open_conflicts(ws, view, sync))
    if inbox is None:
        return

    def open_supervision(note_id: str) -> None:
        entry = inbox.entry(note_id)
        if entry is None:
            QMessageBox.information(
                view,
                "Review",
                "This note is no longer waiting for your review (it was reviewed, or you no "
                "longer supervise this client's chart).",
            )
            today.refresh()
            return
        dialog = SupervisionDialog(
            supervision=ws.supervision,
            settings=ws.settings,
            entry=entry,
            parent=view,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def reviewed(_note_id: str, _kind: str) -> None:
            today.refresh()
            if sync is not None:
                sync.soon()  # the clinician gets it at their next sync

        dialog.reviewed.connect(reviewed)
        dialog.open()

    view.navigator.supervision_requested.connect(open_supervision)


# Where a conflicting record is looked at: a note in its window, anything else on its tab.
_CONFLICT_TABS = {
    "plan": ChartTab.PLAN,
    "safety_plan": ChartTab.SAFETY_PLAN,
    "measure": ChartTab.MEASURES,
    "contact": ChartTab.CONTACTS,
    "referral": ChartTab.REFERRALS,
    "medication": ChartTab.MEDICATIONS,
}


def _open_conflicts(ws: Workspace, view: MainView, sync: SyncController) -> None:
    def client_name(client_id: str) -> str:
        try:
            return ws.clients.get(client_id).name
        except Exception:  # not (or no longer) on this device
            return "(a client not on this device)"

    def open_record(c: dict[str, Any]) -> None:
        if c.get("kind") in ("note", "psychotherapy_note"):
            view.navigator.open_note(str(c["id"]))
        else:
            tab = _CONFLICT_TABS.get(str(c.get("kind")), ChartTab.OVERVIEW)
            view.navigator.open_client(str(c.get("client", "")), tab=tab)

    dialog = SyncConflictsDialog(
        conflicts=ws.sync.conflicts,
        dismiss=ws.sync.dismiss_conflict,
        client_name=client_name,
        open_record=open_record,
        parent=view,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.dismissed.connect(sync.recount)
    dialog.open()
