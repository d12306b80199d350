"""Signing in the editor: the sign dialog (checklist, passphrase), corrections, exports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QToolBar,
    QWidget,
)

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.ui.dialogs.correction_dialog import CorrectionDialog
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.note_editor_view import NoteEditorView
from noteapp.ui.views.signed_note_view import SignedNoteView
from noteapp.ui.widgets.job_document import job_html
from noteapp.ui.windows.note_window import NoteWindow
from tests.conftest import PASSPHRASE
from tests.ui.conftest import export_dialog, without_open_risk_flags


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
    editor = NoteEditorView(NoteServices.of(ws), note_id)
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


def closed(dialog) -> bool:
    """Closed, or gone with the editor a signed note's window replaced."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def sign_in_editor(qtbot, editor: NoteEditorView, passphrase: str = PASSPHRASE) -> None:
    dialog = _sign_dialog(qtbot, editor)
    dialog.passphrase.setText(passphrase)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=15000)


def _window(qtbot, ws, note_id: str) -> NoteWindow:
    window = NoteWindow(NoteServices.of(ws), note_id)
    qtbot.addWidget(window)
    window.resize(1366, 850)
    window.show()
    qtbot.waitExposed(window)
    return window


def _document(qtbot, ws, note_id: str) -> SignedNoteView:
    window = _window(qtbot, ws, note_id)
    assert window.document is not None and window.editor is None
    return window.document


def test_sign_a_complete_note_locks_it(qtbot, ws) -> None:
    note_id = complete_draft(ws)
    window = _window(qtbot, ws, note_id)
    editor = window.editor
    assert editor is not None and window.document is None
    assert editor.sign_button.isVisible() and editor.export_button.isVisible()
    assert isinstance(editor.sign_button.parent(), QToolBar)  # an ordinary toolbar action
    dialog = _sign_dialog(qtbot, editor)
    assert dialog.sign_button.isEnabled()
    assert "complete" in dialog.check_label.text() or "Nothing blocks" in dialog.check_label.text()
    assert dialog.attestation.toPlainText().startswith("I attest")
    dialog.attestation.setPlainText("I attest to this session note.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.busy.isVisible()  # the passphrase check runs on a worker
    qtbot.waitUntil(lambda: closed(dialog), timeout=15000)

    note = ws.notes.get(note_id)
    assert note.status == NoteStatus.SIGNED
    item = ws.signing.note_item(note_id)
    assert item is not None and item.payload["attestation"] == "I attest to this session note."
    # The window now shows the note as a document, not as greyed-out form controls.
    qtbot.waitUntil(lambda: window.document is not None)
    doc = window.document
    assert window.editor is None
    assert not [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)) and w.isVisible()
    ]
    assert doc.status_chip.text() == "Signed"
    assert "Electronically signed by Dana Whitfield" in doc.signature_label.text()
    text = doc.text()
    assert "I attest to this session note." in text  # the signature block, as exported
    assert "Signing key" in text and "signed content" in text
    assert note.text("subjective")[:40] in " ".join(text.split())
    assert doc.addendum_button.isVisible() and doc.export_button.isVisible()


def test_a_signed_note_opens_as_the_document_it_is(qtbot, ws) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    ws.signing.add_correction(
        note_id, kind=ItemType.ADDENDUM, text="Client called to confirm the next session."
    )
    doc = _document(qtbot, ws, note_id)
    # The same layout as the PDF and the printout, from the same export model.
    paper = QTextDocument()
    paper.setHtml(job_html(ws.exports.note_job(note_id)))
    assert doc.text() == paper.toPlainText()
    assert "Client called to confirm the next session." in doc.text()
    assert doc.addendum_button.isEnabled() and not hasattr(doc, "sign_button")


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


def test_amendment_appears_in_the_document_and_vault(qtbot, ws) -> None:
    note_id = complete_draft(ws)
    window = _window(qtbot, ws, note_id)
    sign_in_editor(qtbot, window.editor)
    qtbot.waitUntil(lambda: window.document is not None)
    doc = window.document
    original = doc.text()

    qtbot.mouseClick(doc.amendment_button, Qt.MouseButton.LeftButton)
    dialog = doc.correction_dialog
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
    text = doc.text()
    assert "Amendment" in text and "Stop time typed wrong" in text
    assert "The session ran 50 minutes, not 45." in text
    assert text.startswith(original.rstrip())  # the signed note never changes; it is added to


def test_late_entry_asks_for_the_date_of_service(qtbot, ws) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    doc = _document(qtbot, ws, note_id)
    qtbot.mouseClick(doc.late_entry_button, Qt.MouseButton.LeftButton)
    dialog = doc.correction_dialog
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
    assert "Date of service covered" in doc.text()


def wait_export(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )


def _export_dialog(qtbot, editor: NoteEditorView | SignedNoteView) -> ExportDialog:
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    dialog = editor.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def test_export_dialog_writes_docx_and_pdf(qtbot, ws, tmp_path: Path) -> None:
    ws.settings.update(confirm_passphrase_to_sign=False)
    note_id = complete_draft(ws)
    ws.signing.sign_note(note_id)
    editor = _document(qtbot, ws, note_id)
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
    dialog = export_dialog(ws, client_id=client.id)
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
    tab = NotesTab(NoteServices.of(ws), client_id, lambda _id: None)
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
