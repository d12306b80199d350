"""A signed note, read as the document it is: laid out exactly as its PDF and printout
(`job_html` of the export model rebuilt from the signed payloads, the model the Word export
writes), with the signature block, addenda, amendments, late entries, co-signatures and
returns. Never as greyed-out form controls.

Corrections and Export are toolbar actions; adding a correction re-renders the document.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from noteapp.domain.signatures import ItemType
from noteapp.ui import theme
from noteapp.ui.dialogs.correction_dialog import CorrectionDialog
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.errors import message_for
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.widgets.job_document import job_html
from noteapp.ui.widgets.note_toolbar import (
    add_action,
    add_export_action,
    note_title,
    note_toolbar,
)
from noteapp.ui.widgets.safe_text import escape
from noteapp.ui.widgets.signed_record import signature_sentence
from noteapp.ui.widgets.themed_browser import ThemedBrowser

READING_WIDTH = 820  # px: a page's line length, not the window's


class SignedNoteView(QWidget):
    """`changed()` fires after a correction was added."""

    changed = Signal()

    def __init__(self, services: NoteServices, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signedNoteView")
        self.services = services
        self.note = services.notes.get(note_id)
        self.client = services.clients.get(self.note.client_id)
        self.correction_dialog: CorrectionDialog | None = None
        self.export_dialog: ExportDialog | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 4, 12, 8)
        lay.setSpacing(6)
        bar = note_toolbar(self, "signedNoteToolbar")
        self.addendum_action, self.addendum_button = add_action(
            self,
            bar,
            "Addendum…",
            "addendum_button",
            lambda: self.open_correction(ItemType.ADDENDUM),
            tip="Add new information, dated and signed",
        )
        self.amendment_action, self.amendment_button = add_action(
            self,
            bar,
            "Amendment…",
            "amendment_button",
            lambda: self.open_correction(ItemType.AMENDMENT),
            tip="Correct an error, with the reason, signed",
        )
        self.late_entry_action, self.late_entry_button = add_action(
            self,
            bar,
            "Late entry…",
            "late_entry_button",
            lambda: self.open_correction(ItemType.LATE_ENTRY),
            tip="An entry written after the fact",
        )
        bar.addSeparator()
        self.export_action, self.export_button = add_export_action(self, bar, self.open_export)
        lay.addWidget(bar)

        head = QHBoxLayout()
        head.addWidget(note_title(self, self.client.name, "signed_client_name"))
        self.status_chip = QLabel("Signed", self)
        self.status_chip.setObjectName("status_chip")
        theme.set_chip(self.status_chip, "signed")
        head.addWidget(self.status_chip)
        self.signature_label = QLabel("", self)
        self.signature_label.setObjectName("signature_line")
        self.signature_label.setTextFormat(Qt.TextFormat.PlainText)
        self.signature_label.setWordWrap(True)
        theme.set_tone(self.signature_label, "success")
        head.addWidget(self.signature_label, 1)
        lay.addLayout(head)

        # The page in the scheme's paper colours (its layout is the printout's).
        self.document = ThemedBrowser(self, paper=True)
        self.document.setObjectName("signedDocument")
        self.document.setAccessibleName("The signed note, as exported")
        self.document.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.document.setLineWrapColumnOrWidth(READING_WIDTH)
        self.document.document().setDocumentMargin(28)
        lay.addWidget(self.document, 1)
        self.refresh()

    def refresh(self) -> None:
        """Render the note from what was signed (and every item added since)."""
        s = self.services
        item = s.signing.note_item(self.note.id)
        self.signature_label.setText("✓ " + signature_sentence(item) if item else "")
        try:
            # Viewing one's own psychotherapy note is no disclosure: it is shown like the rest.
            job = s.exports.note_job(self.note.id, include_psychotherapy=True)
        except Exception as exc:  # a damaged proof: say so, never show an empty page
            why = escape(f"This signed note cannot be shown: {message_for(exc)}")
            self.document.show_html(lambda: f"<p>{why}</p>")
            return
        self.document.show_html(lambda: job_html(job, screen=True))

    def text(self) -> str:
        return self.document.toPlainText()

    def open_correction(self, kind: ItemType) -> None:
        s = self.services
        dialog = CorrectionDialog(
            notes=s.notes,
            signing=s.signing,
            settings=s.settings,
            speller=s.speller,
            clock=s.clock,
            note_id=self.note.id,
            kind=kind,
            parent=self,
        )
        dialog.added.connect(self._added)
        self.correction_dialog = dialog
        dialog.open()

    def _added(self, _item: object) -> None:
        self.refresh()
        self.changed.emit()

    def open_export(self) -> None:
        dialog = ExportDialog.of(self.services, note_id=self.note.id, parent=self)
        self.export_dialog = dialog
        dialog.open()
