"""A keystroke never discards typed text (issue 9, point 15): in the note window no button is
a default button, Enter in a single-line field moves on instead of pressing Undo, and what
was typed is what autosave keeps. Also: quick phrases land at the cursor with spacing."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus, RiskScreen, ScreenResult
from noteapp.domain.signatures import ItemType
from noteapp.services.notes import NOTE_KIND, PSYCHOTHERAPY_KIND
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.windows.note_window import NoteWindow
from tests.conftest import PASSPHRASE
from tests.ui.conftest import correction_dialog, without_open_risk_flags

BUILTIN_TEMPLATES = (
    "soap",
    "dap",
    "birp",
    "girp",
    "pirp",
    "intake",
    "group",
    "crisis",
    "contact",
    "discharge",
    "psychotherapy",
)


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=2, notes=0)
    return workspace


def _window(qtbot, ws, note_id: str) -> NoteWindow:
    window = NoteWindow(NoteServices.of(ws), note_id)
    qtbot.addWidget(window)
    window.editor._debounce.setInterval(50)
    window.editor._max_wait.setInterval(100)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _single_line_fields(window: NoteWindow) -> list[QWidget]:
    """Every visible, enabled single-line input: line edits (not the ones inside spin
    boxes), time and date edits, and combo boxes."""
    out: list[QWidget] = []
    for w in window.findChildren(QWidget):
        if not (w.isVisible() and w.isEnabled()):
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)):
            continue
        if isinstance(w, (QLineEdit, QAbstractSpinBox, QComboBox)):
            out.append(w)
    return out


def _stored_fields(ws, note_id: str) -> dict:
    """The fields of the newest version in the vault file itself (not the cache)."""
    note = ws.notes.get(note_id)
    kind = PSYCHOTHERAPY_KIND if note.psychotherapy else NOTE_KIND
    return ws._vault.get(kind, note_id).data["fields"]


@pytest.mark.parametrize("template_id", BUILTIN_TEMPLATES)
def test_enter_in_every_single_line_field_keeps_every_section(qtbot, ws, template_id) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id=template_id)
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    assert not any(b.isDefault() or b.autoDefault() for b in window.findChildren(QPushButton))

    typed: dict[str, str] = {}
    for field_id, section in editor.sections.items():
        if section.text_edit is not None:
            section.text_edit.setFocus()
            qtbot.waitUntil(section.text_edit.hasFocus)
            text = f"Typed into {field_id} by the clinician"
            qtbot.keyClicks(section.text_edit, text)
            typed[field_id] = text
        elif section.combo is not None and section.combo.count() > 1:
            section.combo.setCurrentIndex(1)
            typed[field_id] = str(section.combo.currentData())
    assert typed, "every built-in template has something to type into"

    fields = _single_line_fields(window)
    assert fields
    if template_id != "psychotherapy":
        names = {w.objectName() for w in fields}
        assert {"participants", "interventions_filter", "start_time", "end_time"} <= names
    for field in fields:
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        if isinstance(field, QLineEdit):
            qtbot.keyClicks(field, "CB" if field.objectName() == "interventions_filter" else "x")
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is not field  # Enter moved on, like Tab
        assert window.isVisible()
        for field_id, text in typed.items():
            assert editor.sections[field_id].value() == text, (field.objectName(), field_id)

    qtbot.waitUntil(lambda: not editor.dirty, timeout=5000)
    stored = _stored_fields(ws, note.id)
    for field_id, text in typed.items():
        assert stored.get(field_id) == text, field_id


def test_undo_only_acts_when_asked(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id="soap")
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    plan = editor.sections["plan"].text_edit
    plan.setFocus()
    qtbot.waitUntil(plan.hasFocus)
    qtbot.keyClicks(plan, "Next session in one week")
    assert editor.undo_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    qtbot.keyClick(editor.metadata.participants_edit, Qt.Key.Key_Return)
    assert plan.toPlainText() == "Next session in one week"
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)  # explicit: it undoes
    assert plan.toPlainText() == ""


def test_escape_closes_the_note_window_and_keeps_the_text(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id="soap")
    window = _window(qtbot, ws, note.id)
    edit = window.editor.sections["subjective"].text_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Slept well")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert _stored_fields(ws, note.id)["subjective"] == "Slept well"


def _signed_note(ws) -> str:
    without_open_risk_flags(ws)
    ws.settings.update(confirm_passphrase_to_sign=True)
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id="soap")
    session = note.session
    ws.notes.save(
        note.id,
        fields={f: "Complete." for f in ("subjective", "objective", "assessment", "plan")},
        session=replace(
            session,
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            interventions=("Psychoeducation",),
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    ws.signing.sign_note(note.id, passphrase=PASSPHRASE)
    assert ws.notes.get(note.id).status == NoteStatus.SIGNED
    return note.id


def test_enter_in_a_correction_reason_does_not_sign(qtbot, ws) -> None:
    note_id = _signed_note(ws)
    dialog = correction_dialog(ws, note_id, ItemType.LATE_ENTRY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not any(b.isDefault() or b.autoDefault() for b in dialog.findChildren(QPushButton))
    dialog.text.setFocus()
    qtbot.keyClicks(dialog.text, "Phone call with the client's sister on Monday.")
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Written from my handwritten notes")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and ws.signing.corrections(note_id) == []
    assert QApplication.focusWidget() is not dialog.reason
    # A stray Escape does not throw the typed text away either (Cancel still does).
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    # Enter in the passphrase box is the deliberate "sign now".
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert [c.type for c in ws.signing.corrections(note_id)] == [ItemType.LATE_ENTRY]


def test_a_late_entry_needs_a_reason_in_plain_english(qtbot, ws) -> None:
    note_id = _signed_note(ws)
    dialog = correction_dialog(ws, note_id, ItemType.LATE_ENTRY)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("Phone call with the client's sister on Monday.")
    dialog.submit()
    assert dialog.error.text() == "A late entry needs a reason."
    dialog.kind_buttons[ItemType.AMENDMENT].setChecked(True)
    dialog.submit()
    assert dialog.error.text() == "An amendment needs a reason."


def test_quick_phrase_by_keyboard_goes_after_the_text_with_a_space(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(
        client_id=client.id, template_id="soap", fields={"objective": "Calm and engaged."}
    )
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    subjective = editor.sections["subjective"].text_edit
    objective = editor.sections["objective"].text_edit
    subjective.setFocus()
    qtbot.waitUntil(subjective.hasFocus)
    qtbot.keyClick(subjective, Qt.Key.Key_Tab)  # to the objective, by keyboard only
    qtbot.waitUntil(objective.hasFocus)
    qtbot.keyClick(objective, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    popup = editor.phrase_popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClicks(popup.filter, "alert oriented")
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    text = objective.toPlainText()
    assert text.startswith(f"Calm and engaged. {client.first_name} arrived on time"), text
    assert subjective.toPlainText() == ""


def test_quick_phrase_in_the_middle_of_a_sentence_is_spaced_on_both_sides(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id="soap", fields={"plan": "Before.After"})
    window = _window(qtbot, ws, note.id)
    edit = window.editor.sections["plan"].text_edit
    cursor = edit.textCursor()
    cursor.setPosition(len("Before."))
    edit.setTextCursor(cursor)
    window.editor.insert_text(edit, "Phrase")
    assert edit.toPlainText() == "Before. Phrase After"
