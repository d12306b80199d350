"""Damaged records in the app (issue #9, point 7): they stay listed and marked, opening one
says what is known and what to do, search says what it could not search, and a chart that
would miss one is exported only on request, marked incomplete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from noteapp.ui.dialogs.search_dialog import SearchDialog
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.clients_view import ClientsView
from noteapp.ui.views.notes_tab import NotesTab
from tests.core.damaging import flip_in
from tests.ui.conftest import export_dialog
from tests.ui.test_review_ui import ws
from tests.ui.test_signing_ui import complete_draft, wait_export

# `ws`: the demo workspace of the review tests (3 clients, 12 notes, signing without a prompt).
__all__ = ["ws"]


def test_notes_tab_keeps_a_damaged_note_listed_and_explains_it(qtbot, ws) -> None:
    note = ws.notes.get(complete_draft(ws))
    ws.signing.sign_note(note.id)
    client_id = note.client_id
    flip_in(ws._vault.connection, "note", note.id)
    ws.notes.reload()
    opened: list[str] = []
    tab = NotesTab(NoteServices.of(ws), client_id, opened.append)
    qtbot.addWidget(tab)
    tab.show()
    assert note.id in tab.displayed_ids()
    tab.select(note.id)
    row = tab.proxy.mapFromSource(tab.model.index(tab.model.row_of(note.id), 0)).row()
    assert tab.proxy.index(row, 2).data() == "Damaged"
    assert "damaged" in tab.proxy.index(row, 1).data()
    assert not tab.delete_button.isEnabled()  # a damaged record is never touched
    tab.open_selected()
    assert opened == []  # not opened as an empty note
    box = tab.active_dialog
    assert isinstance(box, QMessageBox) and box.objectName() == "damaged_note_box"
    code = ws.clients.get(client_id).code
    assert box.text().startswith(f"Note {note.id[:8]} (client {code}) is damaged")


def test_clients_view_names_damaged_clients(qtbot, ws) -> None:
    damaged = ws.clients.list()[1]
    flip_in(ws._vault.connection, "client", damaged.id)
    ws.clients.reload()
    view = ClientsView(
        ws.clients,
        today=date(2026, 1, 5),
        damaged=lambda: [r.describe() for r in ws.damage.clients()],
    )
    qtbot.addWidget(view)
    view.show()
    assert view.damaged_label.isVisible()
    text = view.damaged_label.text()
    assert f"client {damaged.id[:8]}" in text and "could not be read" in text
    assert damaged.name not in text


def test_search_names_what_it_could_not_search(qtbot, ws) -> None:
    note = ws.notes.list()[0]
    flip_in(ws._vault.connection, "note", note.id)
    ws.notes.reload()
    dialog = SearchDialog(
        ws.search.search,
        [(c.id, c.name, c.code) for c in ws.clients.list()],
        [],
        lambda _hit: None,
        unsearchable=lambda **kw: [r.describe() for r in ws.damage.search_gaps(**kw)],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.query.setText("session")
    dialog._run()
    assert dialog.damaged.isVisible()
    assert f"note {note.id[:8]}" in dialog.damaged.text()


def test_chart_missing_a_damaged_record_is_exported_only_on_request(
    qtbot, ws, tmp_path: Path
) -> None:
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    item = ws.signing.add_correction(note_id, kind="addendum", text="Called to reschedule.")
    flip_in(ws._vault.connection, "signed_item", item.id)
    ws.signing.reload()
    client_id = ws.notes.get(note_id).client_id

    dialog = export_dialog(ws, client_id=client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_from.setDate(dialog.date_from.date().addYears(-5))
    out = tmp_path / "chart.docx"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20000)
    assert "would be incomplete" in dialog.error.text()
    assert not out.exists()
    assert dialog.anyway_button.isVisible()

    qtbot.mouseClick(dialog.anyway_button, Qt.MouseButton.LeftButton)
    wait_export(qtbot, dialog)
    assert out.is_file()
    assert "INCOMPLETE" in dialog.done_label.text()
    report = ws.review.verify(out)
    assert report.ok
