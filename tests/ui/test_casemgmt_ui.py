"""Case management in the app (issue 13): each flow as a person does it — the chart's
Contacts (a release added and revoked), Referrals (a letter signed and exported), and
Medications tabs with adherence recorded in the note editor, the Incidents view (a report
written, signed, notified and exported), the settings page, and the keyboard."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from noteapp.domain.incidents import IncidentType
from noteapp.services.verification import Status, verify_docx
from noteapp.ui.dialogs.incident_dialog import IncidentDialog
from noteapp.ui.dialogs.record_form_dialog import RecordFormDialog
from noteapp.ui.dialogs.record_sign_dialog import RecordSignDialog
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.views.contacts_tab import ContactsTab
from noteapp.ui.views.incidents_view import IncidentsView
from noteapp.ui.views.medications_tab import MedicationsTab
from noteapp.ui.views.referrals_tab import ReferralsTab
from noteapp.ui.views.settings_casemgmt_page import CaseManagementSettingsPage
from noteapp.ui.widgets.adherence_panel import AdherencePanel
from tests.conftest import PASSPHRASE
from tests.core.casemgmt_helpers import a_client, a_note, ready

TODAY = date(2026, 1, 5)  # the FakeClock's day


@pytest.fixture
def ws(workspace):
    ready(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


def shown(qtbot, widget: QWidget, size: tuple[int, int] = (1100, 640)) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def save(qtbot, dialog: RecordFormDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error.text()


def sign(qtbot, dialog: RecordSignDialog) -> None:
    assert dialog.sign_button.isEnabled(), dialog.problems
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error.isVisible(), timeout=15000)
    assert not dialog.isVisible(), dialog.error.text()


def test_contacts_and_releases(qtbot, ws) -> None:
    client = a_client(ws)
    tab = shown(qtbot, ContactsTab(CaseServices.of(ws), client.id))
    assert tab.empty.isVisible() and not tab.add_release_button.isEnabled()
    dialog = tab.add_contact()
    for key, value in (
        ("name", "Dr. Casey Lin"),
        ("role", "primary care physician"),
        ("category", "provider"),
        ("organization", "Riverside Family Medicine"),
        ("email", "not an address"),
    ):
        dialog.set_value(key, value)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "e-mail" in dialog.error.text()  # kept, said why
    dialog.set_value("email", "lin@example.org")
    save(qtbot, dialog)
    assert cells(tab.contacts)[0][:3] == ["provider", "Dr. Casey Lin", "primary care physician"]
    assert "lin@example.org" in tab.contacts.item(0, 1).toolTip()
    assert cells(tab.contacts)[0][-1] == "none"

    dialog = tab.add_release()
    dialog.set_value("information", "diagnosis and treatment plan")
    dialog.set_value("purpose", "coordination of care")
    dialog.set_value("signed_on", TODAY - timedelta(days=30))
    dialog.set_value("expires_on", TODAY + timedelta(days=10))
    save(qtbot, dialog)
    assert cells(tab.releases)[0][:2] == ["expiring", "Dr. Casey Lin"]
    assert "1 expiring (within 30 days)" in tab.summary.text()
    assert cells(tab.contacts)[0][-1] == "on file"

    tab.releases.selectRow(0)
    dialog = tab.revoke_release()
    dialog.set_value("reason", "The client withdrew consent.")
    save(qtbot, dialog)
    assert cells(tab.releases)[0][0] == "revoked" and not tab.revoke_button.isEnabled()

    # The record names the contact: removing it is refused, and the app says why.
    tab.contacts.selectRow(0)
    tab.remove_contact()
    box = tab.active_dialog
    assert isinstance(box, QMessageBox)
    box.findChild(QWidget, "confirmRemoveContactButton").click()
    qtbot.waitUntil(lambda: tab.active_dialog is not box)
    assert "releases of information" in tab.active_dialog.text()
    assert len(ws.contacts.for_client(client.id)) == 1


def test_a_referral_letter_is_signed_and_exported(qtbot, ws, tmp_path: Path) -> None:
    client = a_client(ws)
    ws.contacts.add(client_id=client.id, name="Dr. Casey Lin", role="PCP", organization="Riverside")
    tab = shown(qtbot, ReferralsTab(CaseServices.of(ws), client.id))
    dialog = tab.new_referral()
    dialog.set_value("reason", "Medication evaluation for persistent insomnia.")
    dialog.set_value("follow_up", TODAY - timedelta(days=1))  # before the date sent: refused
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "before the referral was sent" in dialog.error.text()
    dialog.set_value("sent_on", TODAY - timedelta(days=14))
    save(qtbot, dialog)
    assert cells(tab.table)[0][0] == "sent · follow-up overdue"
    assert "Medication evaluation" in tab.detail.toPlainText()

    dialog = tab.update_status(tab.table.selected_id())
    dialog.set_value("status", "scheduled")
    dialog.set_value("note", "Booked for next week.")
    dialog.set_value("follow_up", TODAY + timedelta(days=10))
    save(qtbot, dialog)
    assert cells(tab.table)[0][0] == "scheduled"
    assert "Booked for next week." in tab.detail.toPlainText()

    assert not tab.export_button.isEnabled()
    sign(qtbot, tab.sign_letter())
    assert cells(tab.table)[0][-1] == "signed" and not tab.sign_button.isEnabled()
    export = tab.export_letter()
    out = tmp_path / "letter.docx"
    export.path_edit.setText(str(out))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not export.isVisible() or export.error.isVisible(), timeout=15000)
    assert out.exists() and verify_docx(out).status == Status.VALID_UNKNOWN_SIGNER


def test_medications_and_adherence_in_the_note(qtbot, ws) -> None:
    client = a_client(ws)
    tab = shown(qtbot, MedicationsTab(CaseServices.of(ws), client.id))
    dialog = tab.add_medication()
    dialog.set_value("name", "Sertraline")
    dialog.set_value("dose", "50 mg")
    dialog.set_value("schedule", "once daily")
    dialog.set_value("start", date(2025, 11, 1))
    save(qtbot, dialog)
    assert cells(tab.table)[0][:2] == ["current", "Sertraline 50 mg"]
    med = ws.medications.for_client(client.id)[0]

    note_id = a_note(ws, client)
    panel = shown(qtbot, AdherencePanel(ws.medications, ws.notes.get(note_id)), (300, 300))
    panel.set_adherence(med.id, "partial", "mild nausea")
    (entry,) = ws.notes.get(note_id).adherence
    assert (entry.status.value, entry.side_effects) == ("partial", "mild nausea")

    ws.measures.add(client_id=client.id, instrument="phq9", answers=[1] * 9, on=TODAY)
    tab.refresh()
    grid = tab.grid
    days = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    assert days == [TODAY.isoformat()]
    assert grid.item(0, 0).text() == "◐ partial"
    assert "mild nausea" in grid.item(0, 0).toolTip()
    assert grid.item(1, 0).text().startswith("9 ")  # the PHQ-9 total beside it
    # Filled while narrow (a tab is built before it is laid out), the grid still shows
    # its days once it is wide enough for them all.
    narrow = shown(qtbot, MedicationsTab(CaseServices.of(ws), client.id), (360, 500))
    narrow.resize(1100, 640)
    qtbot.waitUntil(lambda: narrow.grid.viewport().width() > 600)
    assert narrow.grid.columnViewportPosition(0) >= 0

    tab.table.selectRow(0)
    dialog = tab.stop_medication()
    dialog.set_value("reason", "Side effects.")
    save(qtbot, dialog)
    assert cells(tab.table)[0][0] == f"stopped {TODAY.isoformat()}"
    assert not tab.stop_button.isEnabled()


def test_an_incident_report_from_draft_to_export(qtbot, ws, clock, tmp_path: Path) -> None:
    client = a_client(ws)
    view = shown(qtbot, IncidentsView(CaseServices.of(ws)), (1280, 680))
    dialog = view.new_report()
    assert isinstance(dialog, IncidentDialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("fall"))
    dialog.when.setDateTime(dialog.when.dateTime().addDays(-2))
    dialog.place.setText("Waiting room")
    dialog.set_client(client.id)
    dialog.people.add_row(["A. Moreno", "visitor", "witness"])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "staff" in dialog.error.text()  # “visitor” is not a role
    dialog.people.set_rows([["A. Moreno", "staff", "witness"]])
    dialog.texts["what_happened"].setPlainText("Slipped on a wet floor.")
    save(qtbot, dialog)
    row = cells(view.table)[0]
    assert row[0] == "draft · notify overdue" and row[3] == "Fall"

    sign_dialog = view.sign_report()
    assert not sign_dialog.sign_button.isEnabled()  # immediate actions missing
    assert "immediate actions" in " ".join(sign_dialog.problems)
    sign_dialog.reject()
    dialog = view.edit_report(view.table.selected_id())
    assert dialog.client_ids() == [client.id]
    dialog.texts["immediate_actions"].setPlainText("First aid; wet-floor sign placed.")
    save(qtbot, dialog)
    sign(qtbot, view.sign_report())
    assert cells(view.table)[0][0] == "signed · notify overdue"
    assert not view.edit_button.isEnabled()

    notify = view.record_notification()
    notify.set_value("to", "Practice manager")
    notify.set_value("how", "in person")
    notify.set_value("passphrase", PASSPHRASE)
    save(qtbot, notify)
    assert cells(view.table)[0][0] == "signed"
    assert "Practice manager" in view.preview.toPlainText()

    export = view.export_report()
    out = tmp_path / "report.docx"
    export.path_edit.setText(str(out))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not export.isVisible() or export.error.isVisible(), timeout=15000)
    report = verify_docx(out)
    assert report.status == Status.VALID_UNKNOWN_SIGNER
    assert [s.role for s in report.notes[0].signers] == ["Incident report", "Addendum"]
    view.show_filter("overdue")
    assert view.table.rowCount() == 0 and view.empty.isVisible()


def test_keyboard_opens_the_selected_record(qtbot, ws) -> None:
    client = a_client(ws)
    ws.contacts.add(client_id=client.id, name="Taylor Brooks", role="school counsellor")
    tab = shown(qtbot, ContactsTab(CaseServices.of(ws), client.id))
    tab.contacts.setFocus()
    tab.contacts.selectRow(0)
    qtbot.keyClick(tab.contacts, Qt.Key.Key_Return)
    dialog = tab.active_dialog
    assert isinstance(dialog, RecordFormDialog) and dialog.windowTitle() == "Edit contact"
    # Every control of the dialog is named for tests and screen readers.
    for w in dialog.widgets.values():
        assert w.objectName() and w.accessibleName()
    dialog.reject()
    for button in (tab.add_button, tab.edit_button, tab.add_release_button):
        assert button.objectName() and button.accessibleName()


def test_settings_edit_the_deadlines_and_the_expiring_window(qtbot, ws) -> None:
    page = shown(qtbot, CaseManagementSettingsPage(ws.settings, ws.incidents), (760, 600))
    page.expiring.setValue(14)
    assert ws.settings.get().release_expiring_days == 14
    page.types.set_rows([["Fall", "12", "fall"], ["Client death", "1", ""]])
    assert page.save_types()
    assert ws.incidents.types() == (
        IncidentType("fall", "Fall", 12),
        IncidentType("client-death", "Client death", 1),
    )
    page.types.set_rows([["Fall", "soon", "fall"]])
    assert not page.save_types() and "as a number" in page.error.text()
    page.reset_button.click()
    assert len(ws.incidents.types()) == 7


def _search_and_open(qtbot, view, text: str) -> None:
    view.navigator.open_search()
    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "searchDialog" and w.isVisible()
    )
    dialog.query.setText(text)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5000)
    dialog.open_current()


def test_search_hits_open_the_incidents_page_and_the_chart_tab(qtbot, controller) -> None:
    from tests.ui.conftest import create_vault_through_ui

    view = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    client = a_client(ws)
    report = ws.incidents.new(
        type_ref="property",
        fields={"occurred_at": datetime(2026, 1, 4, 10).isoformat(), "place": "Quokka room"},
    )
    ws.contacts.add(client_id=client.id, name="Koala Clinic", role="provider")
    wombat = ws.contacts.add(client_id=client.id, name="Wombat Clinic", role="provider")
    _search_and_open(qtbot, view, "Quokka")
    assert view.current_page() == "incidents"
    assert view.pages.incidents.table.selected_id() == report.id
    _search_and_open(qtbot, view, "Wombat")
    assert view.current_page() == "clients"
    chart = view.pages.clients.chart
    assert chart.tabs.tabText(chart.tabs.currentIndex()) == "Contacts"
    assert chart.tabs.currentWidget().contacts.selected_id() == wombat.id  # the hit, selected


def test_a_long_adherence_history_is_sized_once_and_every_day_fits(qtbot) -> None:
    """A header that resized to its contents re-measured every column as each day's label
    was set (quadratic: 1.5 s for 500 days, opening a long chart). Columns are sized once,
    after filling, and each still shows its whole date."""
    from PySide6.QtWidgets import QHeaderView

    from noteapp.domain.medications import Adherence
    from noteapp.services.medications import AdherencePoint
    from noteapp.ui.widgets.adherence_grid import AdherenceGrid

    grid = AdherenceGrid()
    qtbot.addWidget(grid)
    first = date(2024, 1, 1)
    points = [
        AdherencePoint(first + timedelta(days=i), f"n{i}", "m1", Adherence.PARTIAL, "", True)
        for i in range(300)
    ]
    grid.show_data([("m1", "Sertraline 50 mg")], points, [])
    header = grid.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
    assert grid.columnCount() == 300
    metrics = header.fontMetrics()
    for column in (0, 150, 299):
        label = grid.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= metrics.horizontalAdvance(label)
        assert header.sectionSize(column) >= metrics.horizontalAdvance("◐ partial")
