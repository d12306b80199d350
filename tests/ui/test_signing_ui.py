"""Signing in the editor: the sign dialog (checklist, passphrase), corrections, exports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.ui.dialogs.correction_dialog import CorrectionDialog
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from noteapp.ui.views.note_editor_view import NoteEditorView
from tests.conftest import PASSPHRASE
from tests.ui.conftest import without_open_risk_flags


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=3, notes=12)
    without_open_risk_flags(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


def complete_draft(ws) -> str:
    """A demo SOAP draft that passes every blocking checklist item."""
    note = next(n for n in ws.notes.list(status=NoteStatus.DRAFT) if n.template_id == "soap")
    assert ws.notes.check(note).can_sign
    return note.id


def _editor(qtbot, ws, note_id: str) -> NoteEditorView:
    editor = NoteEditorView(ws, note_id)
    qtbot.addWidget(editor)
    editor.resize(1366, 850)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _sign_dialog(qtbot, editor: NoteEditorView) -> SignDialog:
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    dialog = editor.sign_dialog
    assert isinstance(dialog, SignDialog) and dialog.isVisible()
    return dialog


def sign_in_editor(qtbot, editor: NoteEditorView, passphrase: str = PASSPHRASE) -> None:
    dialog = _sign_dialog(qtbot, editor)
    dialog.passphrase.setText(passphrase)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)


def test_sign_a_complete_note_locks_it(qtbot, ws) -> None:
    note_id = complete_draft(ws)
    editor = _editor(qtbot, ws, note_id)
    assert editor.sign_button.isVisible()
    assert not editor.addendum_button.isVisible()
    dialog = _sign_dialog(qtbot, editor)
    assert dialog.sign_button.isEnabled()
    assert "complete" in dialog.check_label.text() or "Nothing blocks" in dialog.check_label.text()
    assert dialog.attestation.toPlainText().startswith("I attest")
    dialog.attestation.setPlainText("I attest to this session note.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.busy.isVisible()  # the passphrase check runs on a worker
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)

    note = ws.notes.get(note_id)
    assert note.status == NoteStatus.SIGNED
    item = ws.signing.note_item(note_id)
    assert item is not None and item.payload["attestation"] == "I attest to this session note."
    assert editor.read_only
    assert all(s.text_edit is None or s.text_edit.isReadOnly() for s in editor.sections.values())
    assert editor.status_chip.text() == "Signed"
    assert editor.signature_label.isVisible()
    assert "Electronically signed by Dana Whitfield" in editor.signature_label.text()
    assert editor.addendum_button.isVisible() and not editor.sign_button.isVisible()
    assert "Electronically signed by" in editor.record.toPlainText()


def test_blocking_item_prevents_signing_and_is_listed(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    note = ws.notes.new(client_id=client.id, template_id="soap")
    editor = _editor(qtbot, ws, note.id)
    dialog = _sign_dialog(qtbot, editor)
    assert not dialog.sign_button.isEnabled()
    listed = [dialog.blocking_list.item(i).text() for i in range(dialog.blocking_list.count())]
    assert any("“Subjective” is required and empty." in t for t in listed)
    assert "must be fixed" in dialog.check_label.text()
    dialog.submit()  # even forced, nothing happens
    assert ws.notes.get(note.id).status == NoteStatus.DRAFT
    dialog.reject()


def test_wrong_passphrase_shows_inline(qtbot, ws) -> None:
    note_id = complete_draft(ws)
    editor = _editor(qtbot, ws, note_id)
    dialog = _sign_dialog(qtbot, editor)
    dialog.passphrase.setText("not my passphrase at all")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert dialog.isVisible()
    assert dialog.error.text()
    assert dialog.passphrase.text() == ""
    assert dialog.sign_button.isEnabled()
    assert ws.notes.get(note_id).status == NoteStatus.DRAFT
    assert not editor.read_only
    dialog.reject()


def test_no_passphrase_field_when_setting_off(qtbot, ws) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    editor = _editor(qtbot, ws, note_id)
    dialog = _sign_dialog(qtbot, editor)
    assert not dialog.passphrase.isVisible()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert ws.notes.get(note_id).is_signed


def test_amendment_appears_in_editor_and_vault(qtbot, ws) -> None:
    note_id = complete_draft(ws)
    editor = _editor(qtbot, ws, note_id)
    sign_in_editor(qtbot, editor)
    original = editor.preview.toPlainText()

    qtbot.mouseClick(editor.amendment_button, Qt.MouseButton.LeftButton)
    dialog = editor.correction_dialog
    assert isinstance(dialog, CorrectionDialog) and dialog.isVisible()
    assert dialog.kind() == ItemType.AMENDMENT
    assert "correction of an error" in dialog.explanation.text()
    assert not dialog.date_of_service.isVisible()
    dialog.text.setPlainText("The session ran 50 minutes, not 45.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert "needs a reason" in dialog.error.text()  # required for an amendment
    dialog.reason.setText("Stop time typed wrong")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)

    corrections = ws.signing.corrections(note_id)
    assert [c.type for c in corrections] == [ItemType.AMENDMENT]
    assert corrections[0].payload["reason"] == "Stop time typed wrong"
    record = editor.record.toPlainText()
    assert "Amendment" in record and "Stop time typed wrong" in record
    assert "The session ran 50 minutes, not 45." in record
    assert editor.preview.toPlainText() == original  # the signed note never changes


def test_late_entry_asks_for_the_date_of_service(qtbot, ws) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    editor = _editor(qtbot, ws, note_id)
    qtbot.mouseClick(editor.late_entry_button, Qt.MouseButton.LeftButton)
    dialog = editor.correction_dialog
    assert dialog is not None and dialog.date_of_service.isVisible()
    dialog.kind_buttons[ItemType.ADDENDUM].setChecked(True)
    assert not dialog.date_of_service.isVisible()
    assert "New information" in dialog.explanation.text()
    dialog.kind_buttons[ItemType.LATE_ENTRY].setChecked(True)
    dialog.text.setPlainText("Phone call with the client's sister the same evening.")
    dialog.reason.setText("Written the next morning")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    (late,) = ws.signing.corrections(note_id)
    assert late.type == ItemType.LATE_ENTRY
    assert late.payload["date_of_service"] == ws.notes.get(note_id).session.date.isoformat()
    assert "Date of service covered" in editor.record.toPlainText()


def wait_export(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )


def _export_dialog(qtbot, editor: NoteEditorView) -> ExportDialog:
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    dialog = editor.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def test_export_dialog_writes_docx_and_pdf(qtbot, ws, tmp_path: Path) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    editor = _editor(qtbot, ws, note_id)
    dialog = _export_dialog(qtbot, editor)
    default = Path(dialog.path_edit.text())
    assert default.name == ws.exports.default_name(note_id=note_id)
    client = ws.clients.get(ws.notes.get(note_id).client_id)
    assert client.name not in default.name  # PHI hygiene: code and date only
    assert not dialog.draft_check.isVisible()  # signed: no draft choice

    out = tmp_path / "note.docx"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert out.is_file() and out.stat().st_size > 0
    assert dialog.show_folder_button.isVisible()
    assert ws.review.verify(out).ok
    dialog.reject()

    dialog = _export_dialog(qtbot, editor)
    dialog.format_buttons["pdf"].setChecked(True)
    assert Path(dialog.path_edit.text()).suffix == ".pdf"
    assert not dialog.password_check.isEnabled()
    pdf = tmp_path / "note.pdf"
    dialog.path_edit.setText(str(pdf))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_dialog_checks_password_and_drafts(qtbot, ws, tmp_path: Path) -> None:
    note_id = complete_draft(ws)
    editor = _editor(qtbot, ws, note_id)
    dialog = _export_dialog(qtbot, editor)
    assert dialog.draft_check.isVisible() and not dialog.draft_check.isChecked()
    dialog.path_edit.setText(str(tmp_path / "draft.docx"))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "not signed" in dialog.error.text()
    dialog.draft_check.setChecked(True)
    dialog.password_check.setChecked(True)
    assert dialog.password.isVisible()
    dialog.password.setText("short")
    dialog.password2.setText("short")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "at least 8" in dialog.error.text()
    dialog.password.setText("long enough pw")
    dialog.password2.setText("different pw!!")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "not the same" in dialog.error.text()
    dialog.password_check.setChecked(False)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert (tmp_path / "draft.docx").is_file()
    assert "word/document.xml" in zipfile.ZipFile(tmp_path / "draft.docx").namelist()


def test_psychotherapy_warning_for_charts(qtbot, ws) -> None:
    client = ws.clients.list()[0]
    dialog = ExportDialog(ws, client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.scope_chart.isChecked() and not dialog.scope_note.isEnabled()
    assert not dialog.psy_check.isChecked()
    assert not dialog.psy_warning.isVisible()
    dialog.psy_check.setChecked(True)
    assert dialog.psy_warning.isVisible()
    assert "_chart" in dialog.path_edit.text()


def test_chart_export_from_the_notes_tab(qtbot, ws, tmp_path: Path) -> None:
    from noteapp.ui.views.notes_tab import NotesTab

    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    client_id = ws.notes.get(note_id).client_id
    tab = NotesTab(ws, client_id, lambda _id: None)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, ExportDialog) and dialog.scope() == "chart"
    note_date = ws.notes.get(note_id).session.date
    dialog.date_from.setDate(dialog.date_from.date().addYears(-5))
    out = tmp_path / "chart.docx"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_export(qtbot, dialog)
    assert not dialog.error.isVisible(), dialog.error.text()
    report = ws.review.verify(out)
    assert report.ok
    assert note_date.isoformat() in [n.date_of_service for n in report.notes]
