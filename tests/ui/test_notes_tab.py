"""The chart's Notes tab, and the new-note and group-note dialogs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.ui.dialogs.new_note_dialog import NewNoteDialog
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.notes_tab import NotesTab
from tests.ui.conftest import group_dialog, new_note_dialog


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=4, notes=0)
    return workspace


@pytest.fixture
def client_id(ws) -> str:
    return ws.clients.list()[0].id


def _note(ws, client_id, template_id, day, code="90834", signed=False):
    client = ws.clients.get(client_id)
    session = replace(ws.notes.default_session(client, on=day), service_code=code)
    note = ws.notes.new(client_id=client_id, template_id=template_id, session=session)
    if signed:
        note = ws.notes.replace_signed(replace(note, status=NoteStatus.SIGNED))
    return note


def _tab(qtbot, ws, client_id, opened):
    tab = NotesTab(NoteServices.of(ws), client_id, open_note=opened.append)
    qtbot.addWidget(tab)
    tab.resize(900, 400)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_lists_sorts_and_opens(qtbot, ws, client_id):
    a = _note(ws, client_id, "soap", date(2025, 12, 1), "90837")
    b = _note(ws, client_id, "dap", date(2025, 12, 15), "90832", signed=True)
    c = _note(ws, client_id, "birp", date(2025, 11, 20), "90834")
    opened: list[str] = []
    tab = _tab(qtbot, ws, client_id, opened)
    assert tab.displayed_ids() == [b.id, a.id, c.id]  # newest first
    assert tab.proxy.index(0, 2).data() == "Signed"
    assert tab.proxy.index(0, 1).data() == "DAP Progress Note"
    assert tab.proxy.index(0, 3).data() == "90832"

    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert tab.displayed_ids() == [c.id, a.id, b.id]
    tab.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert tab.displayed_ids() == [b.id, c.id, a.id]

    row = tab.displayed_ids().index(a.id)
    rect = tab.table.visualRect(tab.proxy.index(row, 0))
    # Qt 6's QTest needs the press before the double-click to report a double-click.
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened[-1] == a.id

    tab.table.setFocus()
    tab.table.selectRow(tab.displayed_ids().index(c.id))
    tab.table.setCurrentIndex(tab.proxy.index(tab.displayed_ids().index(c.id), 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened[-1] == c.id
    tab.open_button.click()
    assert opened[-1] == c.id


def test_column_titles_are_never_cut(qtbot, ws, client_id):
    """Widths come from the font (not every row), but never below the column's title:
    "Date of service" and "Service code" were cut to "ate of servic" and "ervice cod"."""
    _note(ws, client_id, "soap", date(2025, 12, 1), "90837")
    tab = _tab(qtbot, ws, client_id, [])
    header = tab.table.horizontalHeader()
    for col in (0, 2, 3):
        assert header.sectionSize(col) >= header.sectionSizeHint(col), col


def test_delete_draft_asks_first_and_keeps_signed(qtbot, ws, client_id, monkeypatch):
    draft = _note(ws, client_id, "soap", date(2025, 12, 1))
    signed = _note(ws, client_id, "soap", date(2025, 12, 2), signed=True)
    tab = _tab(qtbot, ws, client_id, [])
    tab.select(signed.id)
    assert not tab.delete_button.isEnabled()
    tab.select(draft.id)
    assert tab.delete_button.isEnabled()
    monkeypatch.setattr(tab, "confirm_delete", lambda: False)
    tab.delete_button.click()
    assert draft.id in tab.displayed_ids()
    monkeypatch.setattr(tab, "confirm_delete", lambda: True)
    tab.delete_button.click()
    assert tab.displayed_ids() == [signed.id]
    assert [n.id for n in ws.notes.list(client_id=client_id)] == [signed.id]


def test_empty_state(qtbot, ws, client_id):
    tab = _tab(qtbot, ws, client_id, [])
    assert tab.empty_label.isVisible()
    assert not tab.table.isVisible()


def test_new_note_from_tab_opens_the_editor(qtbot, ws, client_id):
    opened: list[str] = []
    tab = _tab(qtbot, ws, client_id, opened)
    tab.new_button.click()
    dialog = tab.active_dialog
    assert isinstance(dialog, NewNoteDialog)
    dialog.select_template("birp")
    dialog.ok_button.click()
    assert len(opened) == 1
    note = ws.notes.get(opened[0])
    assert note.template_id == "birp" and note.client_id == client_id
    assert tab.displayed_ids() == [note.id]


def test_new_note_dialog_marks_psychotherapy_and_copies_forward(qtbot, ws, client_id):
    prev = _note(ws, client_id, "soap", date(2025, 12, 1))
    ws.notes.save(prev.id, fields={"subjective": "Old report", "plan": "Weekly CBT; homework."})
    dialog = new_note_dialog(ws, client_id)
    qtbot.addWidget(dialog)
    items = [dialog.template_list.item(i) for i in range(dialog.template_list.count())]
    psy = next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "psychotherapy")
    assert "Private" in psy.text()
    assert dialog.template_id() == "soap"  # the last note's template is preselected
    assert set(dialog.carry_checks) == {"subjective", "plan"}
    dialog.copy_box.setChecked(True)
    dialog.carry_checks["plan"].setChecked(True)
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-1))
    dialog.accept()
    new = ws.notes.get(dialog.created_note_id)
    assert new.fields == {"plan": "Weekly CBT; homework."}
    assert new.copied_from == prev.id
    assert new.session.date == ws.clock.now().date().fromordinal(
        ws.clock.now().date().toordinal() - 1
    )
    # Psychotherapy notes never copy forward from progress notes.
    dialog2 = new_note_dialog(ws, client_id)
    qtbot.addWidget(dialog2)
    dialog2.select_template("psychotherapy")
    assert not dialog2.copy_box.isEnabled()


def test_group_note_dialog_creates_one_note_per_member(qtbot, ws, client_id):
    members = [c.id for c in ws.clients.list()][:3]
    dialog = group_dialog(ws, preselect=client_id)
    qtbot.addWidget(dialog)
    assert dialog.member_ids() == [client_id]
    assert dialog.code_combo.currentData() == "90853"
    dialog.set_members(members)
    assert dialog.ok_button.text() == "Create 3 notes"
    dialog.topic_edit.setText("DBT: opposite action")
    dialog.kind_checks[0].setChecked(True)
    dialog.attendance_edit.setPlainText("Attended the full session; 6 present.")
    dialog.accept()
    notes = dialog.created_notes
    assert sorted(n.client_id for n in notes) == sorted(members)
    assert len({n.group_id for n in notes}) == 1
    for n in notes:
        assert n.template_id == "group"
        assert n.session.service_code == "90853"
        assert n.fields["group_topic"] == "DBT: opposite action"
        assert n.fields["group_modality"] == ["Psychoeducation"]
        assert "participation" not in n.fields  # written in each member's own note
    tab = _tab(qtbot, ws, client_id, [])
    assert [n.id for n in notes if n.client_id == client_id] == tab.displayed_ids()


def test_group_note_dialog_needs_members(qtbot, ws):
    dialog = group_dialog(ws)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.error.text()
    assert dialog.created_notes == []


def test_notes_written_while_the_tab_was_hidden_show_when_it_is_shown_again(qtbot, ws, client_id):
    first = _note(ws, client_id, "soap", date(2025, 12, 1))
    tab = _tab(qtbot, ws, client_id, [])
    assert tab.displayed_ids() == [first.id]
    tab.hide()
    later = _note(ws, client_id, "dap", date(2025, 12, 8))  # e.g. from a group note
    tab.show()
    assert tab.displayed_ids() == [later.id, first.id]


def test_showing_the_tab_again_resets_the_list_only_when_a_note_changed(qtbot, ws, client_id):
    """The tab reads its notes again each time it is shown (they change in the editor); an
    unchanged list is not reset, which re-sorted a 500-note chart for nothing."""
    a = _note(ws, client_id, "soap", date(2025, 12, 1))
    tab = _tab(qtbot, ws, client_id, [])
    resets: list[int] = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    tab.hide()
    tab.show()
    assert resets == [] and tab.displayed_ids() == [a.id]
    tab.hide()
    b = _note(ws, client_id, "dap", date(2025, 12, 2))
    tab.show()
    assert resets == [1] and tab.displayed_ids() == [b.id, a.id]
