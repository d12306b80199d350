"""The note editor: typing, preview, checklist, autosave, phrases, spelling, read-only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTimeEdit, QWidget

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.services.workspace import Workspace
from noteapp.ui.dialogs.draft_history_dialog import DraftHistoryDialog
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.note_editor_view import NoteEditorView
from noteapp.ui.widgets.checklist_panel import FIELD_ROLE, RULE_ROLE
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit, misspelled_ranges
from noteapp.ui.windows.note_window import NoteWindow
from tests.conftest import PASSPHRASE

SUBJECTIVE_EMPTY = "“Subjective” is required and empty."


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=3, notes=0)
    return workspace


@pytest.fixture
def client_id(ws) -> str:
    return ws.clients.list()[0].id


def _editor(qtbot, ws, note_id: str) -> NoteEditorView:
    editor = NoteEditorView(NoteServices.of(ws), note_id)
    qtbot.addWidget(editor)
    editor.resize(1366, 850)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    return editor


def _text(editor: NoteEditorView, field_id: str) -> SpellTextEdit:
    edit = editor.sections[field_id].text_edit
    assert edit is not None
    return edit


def _type(qtbot, edit: SpellTextEdit, text: str) -> None:
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)


def test_issue_flow_type_preview_checklist_save_reopen(
    qtbot, ws, client_id, tmp_path: Path, clock, paths
):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    assert editor.findChild(SpellTextEdit, "section_subjective") is _text(editor, "subjective")
    assert any(SUBJECTIVE_EMPTY in m for m in editor.checklist.messages())

    _type(qtbot, _text(editor, "subjective"), "Slept better this week")

    qtbot.waitUntil(lambda: "Slept better this week" in editor.preview.toPlainText(), timeout=2000)
    qtbot.waitUntil(
        lambda: not any(SUBJECTIVE_EMPTY in m for m in editor.checklist.messages()), timeout=2000
    )
    qtbot.waitUntil(lambda: ws.notes.get(note.id).version > note.version, timeout=3000)
    # The label follows once the worker's answer reaches the GUI thread (after the commit).
    qtbot.waitUntil(
        lambda: editor.autosave_label.text().startswith("All changes saved"), timeout=3000
    )
    assert not editor.dirty

    # A fresh workspace over the same vault file sees the text.
    editor.close()
    ws.close()
    ws2 = Workspace.unlock(tmp_path / "vault.noteapp", PASSPHRASE, clock=clock, paths=paths)
    try:
        assert ws2.notes.get(note.id).text("subjective") == "Slept better this week"
        reopened = _editor(qtbot, ws2, note.id)
        assert _text(reopened, "subjective").toPlainText() == "Slept better this week"
        reopened.close()
    finally:
        ws2.close()


def test_saves_while_typing_without_pause(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    editor._debounce.setInterval(400)
    editor._max_wait.setInterval(600)
    edit = _text(editor, "plan")
    edit.setFocus()
    typist = QTimer(editor)
    typist.setInterval(100)  # faster than the debounce: the debounce alone would never fire
    typist.timeout.connect(lambda: qtbot.keyClick(edit, "a"))
    typist.start()
    qtbot.waitUntil(lambda: ws.notes.get(note.id).version > note.version, timeout=3000)
    assert typist.isActive()
    typist.stop()


def test_hide_flushes_immediately(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    _type(qtbot, _text(editor, "objective"), "Calm, good eye contact")
    assert editor.dirty
    editor.hide()
    assert ws.notes.get(note.id).text("objective") == "Calm, good eye contact"


def test_failed_save_shows_banner_and_retries(qtbot, ws, client_id, monkeypatch):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    editor._retry.setInterval(100)
    real_save = ws.notes.save
    monkeypatch.setattr(ws.notes, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk")))
    _type(qtbot, _text(editor, "plan"), "Next session in one week")
    assert editor.flush() is False
    assert editor.save_error.isVisible()
    assert editor.save_error.text().startswith("Not saved:")
    assert _text(editor, "plan").toPlainText() == "Next session in one week"
    monkeypatch.setattr(ws.notes, "save", real_save)
    qtbot.waitUntil(lambda: not editor.save_error.isVisible(), timeout=2000)
    assert ws.notes.get(note.id).text("plan") == "Next session in one week"


def test_clicking_checklist_item_focuses_its_field(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    lst = editor.checklist.list

    def click(predicate):
        idx = editor.checklist.index_of(predicate)
        assert idx >= 0
        item = lst.item(idx)
        lst.scrollToItem(item)
        qtbot.mouseClick(
            lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(item).center()
        )

    click(lambda i: i.data(FIELD_ROLE) == "plan")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is _text(editor, "plan"))
    click(lambda i: i.data(RULE_ROLE) == "start_stop_time")
    start = editor.findChild(QTimeEdit, "start_time")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)


def test_quick_phrase_inserts_expanded_text(qtbot, ws, client_id):
    client = ws.clients.get(client_id)
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    edit = _text(editor, "objective")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    popup = editor.phrase_popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClicks(popup.filter, "alert oriented")
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    text = edit.toPlainText()
    assert text.startswith(f"{client.first_name} arrived on time")
    assert "{first_name}" not in text
    qtbot.waitUntil(lambda: editor.dirty is False, timeout=3000)
    assert ws.notes.get(note.id).text("objective") == text


def test_spell_checker_underlines_and_add_to_dictionary(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    edit = _text(editor, "subjective")
    edit.setPlainText("Client reportd poor sleep")
    assert misspelled_ranges(edit) == [(7, 7)]
    cursor = edit.textCursor()
    cursor.setPosition(9)
    edit.setTextCursor(cursor)
    menu = edit.build_context_menu(edit.cursorRect().center())
    labels = [a.text() for a in menu.actions()]
    assert "reported" in labels
    add = next(a for a in menu.actions() if a.objectName() == "spell_add")
    add.trigger()
    assert misspelled_ranges(edit) == []
    assert "reportd" in ws.speller.personal_words
    # Other fields of the note re-underline too.
    plan = _text(editor, "plan")
    plan.setPlainText("reportd again")
    assert misspelled_ranges(plan) == []


def test_undo_is_per_field(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    subjective, plan = _text(editor, "subjective"), _text(editor, "plan")
    _type(qtbot, subjective, "first")
    _type(qtbot, plan, "second")
    subjective.setFocus()
    qtbot.waitUntil(subjective.hasFocus)
    editor.undo_button.click()
    assert subjective.toPlainText() == ""
    assert plan.toPlainText() == "second"
    editor.redo_button.click()
    assert subjective.toPlainText() == "first"


def test_a_signed_note_without_its_signature_says_so(qtbot, ws, client_id):
    """A note marked signed whose signature record is missing (damage) is never shown as an
    empty page or as editable fields: the window says why it cannot show it."""
    note = ws.notes.new(client_id=client_id, template_id="soap", fields={"plan": "Weekly CBT."})
    ws.notes.replace_signed(replace(note, status=NoteStatus.SIGNED))
    window = NoteWindow(NoteServices.of(ws), note.id)
    qtbot.addWidget(window)
    assert window.editor is None and window.document is not None
    assert window.document.text().startswith("This signed note cannot be shown:")
    assert not window.findChildren(SpellTextEdit)


def test_psychotherapy_note_warns_about_billing_content(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="psychotherapy")
    editor = _editor(qtbot, ws, note.id)
    banner = editor.findChild(QWidget, "psychotherapy_banner")
    assert banner is not None
    assert editor.findChild(QTimeEdit, "start_time") is None  # no session times offered
    _type(qtbot, _text(editor, "process_notes"), "PHQ-9 score 14")
    qtbot.waitUntil(
        lambda: any("test results" in m for m in editor.checklist.messages()), timeout=2000
    )


def test_template_syntax_and_markup_in_fields_stay_literal(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    _type(qtbot, _text(editor, "assessment"), "{{ 7*7 }} <b>not bold</b> & more")
    qtbot.waitUntil(lambda: "{{ 7*7 }}" in editor.preview.toPlainText(), timeout=2000)
    shown = editor.preview.toPlainText()
    assert "49" not in shown
    assert "<b>not bold</b> & more" in shown


def test_history_lists_versions_and_restores(qtbot, ws, client_id):
    note = ws.notes.new(client_id=client_id, template_id="soap")
    ws.notes.save(note.id, fields={"plan": "Version A"})
    ws.notes.save(note.id, fields={"plan": "Version B"})
    editor = _editor(qtbot, ws, note.id)
    assert _text(editor, "plan").toPlainText() == "Version B"
    editor.open_history()
    dialog = editor.history_dialog
    assert isinstance(dialog, DraftHistoryDialog)
    assert dialog.list.count() == len(ws.notes.history(note.id)) == 3
    assert "(current)" in dialog.list.item(0).text()
    assert not dialog.restore_button.isEnabled()  # the current version
    dialog.list.setCurrentRow(1)  # "Version A"
    assert "Version A" in dialog.preview.toPlainText()
    before = ws.notes.get(note.id).version
    dialog.restore_button.click()
    assert ws.notes.get(note.id).text("plan") == "Version A"
    assert ws.notes.get(note.id).version == before + 1
    assert len(ws.notes.history(note.id)) == 4
    qtbot.waitUntil(lambda: _text(editor, "plan").toPlainText() == "Version A")


def test_metadata_edits_save_and_extended_reason_appears(qtbot, ws, client_id):
    from datetime import time

    note = ws.notes.new(client_id=client_id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    meta = editor.metadata
    assert meta.extended_edit.isHidden()
    meta.start_edit.set_value(time(14, 0))
    meta.end_edit.set_value(time(15, 0))
    assert meta.duration_label.text() == "Duration: 60 min"
    assert not meta.extended_edit.isHidden()
    meta.si_combo.setCurrentIndex(meta.si_combo.findData("present"))
    # One risk record: the risk assessment section (not a second box here) takes it up.
    assert meta.risk_detail.isHidden()
    assert editor.risk_panel.combos[("suicidal_ideation", "present")].currentData() is True
    assert editor.flush()
    saved = ws.notes.get(note.id).session
    assert (saved.start, saved.end, saved.duration_minutes) == (time(14, 0), time(15, 0), 60)
    assert saved.risk.suicidal_ideation.value == "present"
