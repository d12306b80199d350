"""Co-sign an exported note, or return it with comments: the statement or comments, the
passphrase, and where to save the reviewed copy (always a new file next to the original)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.review import ReviewService
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import (
    body_label,
    busy_bar,
    error_label,
    passphrase_row,
    show_error,
)
from noteapp.ui.workers import run_in_background

COSIGN_STATEMENT = "I have reviewed this note and agree with the documented assessment and plan."


def reviewed_path(src: Path, suffix: str) -> Path:
    """`note.docx` → `note-cosigned.docx` (or `-cosigned-2` … when that exists)."""
    candidate = src.with_name(f"{src.stem}-{suffix}{src.suffix}")
    n = 2
    while candidate.exists():
        candidate = src.with_name(f"{src.stem}-{suffix}-{n}{src.suffix}")
        n += 1
    return candidate


class ReviewActionDialog(EditingDialog):
    """`kind` is "cosign" or "return". `reviewed(Path, VerificationReport)` when written."""

    reviewed = Signal(object, object)

    def __init__(
        self,
        review: ReviewService,
        settings: SettingsService,
        src: Path,
        kind: str,
        *,
        password: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._review = review
        self.src = Path(src)
        self.kind = kind
        self.password = password
        cosign = kind == "cosign"
        self.setObjectName("cosignDialog" if cosign else "returnDialog")
        self.setWindowTitle("Co-sign" if cosign else "Return with comments")
        self.needs_passphrase = bool(settings.get().confirm_passphrase_to_sign)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(
            body_label(
                "Your co-signature covers the note and every correction in this file. The "
                "original file is left as it is; the co-signed copy is saved next to it."
                if cosign
                else "The note is returned to its author with your comments, signed by you. "
                "The original file is left as it is; the returned copy is saved next to it.",
                self,
            )
        )
        form = QFormLayout()
        self.text = QPlainTextEdit(COSIGN_STATEMENT if cosign else "", self)
        self.text.setObjectName("reviewStatementEdit" if cosign else "reviewCommentsEdit")
        self.text.setAccessibleName("Attestation statement" if cosign else "Comments")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(100)
        if not cosign:
            self.text.setPlaceholderText("What should be revised, and why")
        form.addRow("&Statement" if cosign else "&Comments", self.text)
        self.passphrase = passphrase_row(
            form, self, "reviewPassphraseEdit", needed=self.needs_passphrase
        )
        row = QHBoxLayout()
        self.out_edit = QLineEdit(
            str(reviewed_path(self.src, "cosigned" if cosign else "returned")), self
        )
        self.out_edit.setObjectName("reviewOutputEdit")
        self.out_edit.setAccessibleName("Save the reviewed copy as")
        browse = QPushButton("Change…", self)
        browse.setObjectName("reviewOutputBrowseButton")
        browse.setAccessibleName("Choose where to save")
        browse.clicked.connect(self._browse)
        row.addWidget(self.out_edit, 1)
        row.addWidget(browse)
        form.addRow("Save as", row)
        lay.addLayout(form)
        self.error = error_label(self, "reviewActionError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "reviewActionBusy")
        lay.addWidget(self.busy)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton("Co-sign and save" if cosign else "Return and save", self)
        self.ok_button.setObjectName("reviewActionOkButton")
        self.ok_button.setAccessibleName(self.ok_button.text())
        self.submit_on_enter(self.passphrase, self.ok_button)
        cancel = QPushButton("Cancel", self)
        cancel.setObjectName("reviewActionCancelButton")
        cancel.setAccessibleName("Cancel")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        lay.addWidget(self.buttons)
        fit_to_content(self, 620)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the reviewed copy as", self.out_edit.text(), "Word document (*.docx)"
        )
        if chosen:
            self.out_edit.setText(chosen)

    def submit(self) -> None:
        text = self.text.toPlainText().strip()
        out = Path(self.out_edit.text().strip())
        if self.kind == "return" and not text:
            show_error(self.error, "Write what should be revised.")
            return
        if not self.out_edit.text().strip() or out.suffix.lower() != ".docx":
            show_error(self.error, "Save the reviewed copy as a .docx file.")
            return
        if out.exists():
            show_error(self.error, "A file with that name already exists; choose another name.")
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            return
        show_error(self.error, "")
        self.busy.show()
        self.ok_button.setEnabled(False)
        review, src, password, kind = self._review, self.src, self.password, self.kind

        def work() -> Any:
            if kind == "cosign":
                return review.cosign(
                    src, out, statement=text, passphrase=passphrase, password=password
                )
            return review.return_for_revision(
                src, out, comments=text, passphrase=passphrase, password=password
            )

        run_in_background(
            work,
            on_done=lambda report: self._done(out, report),
            on_error=self._failed,
            parent=self,
        )

    def _done(self, out: Path, report: object) -> None:
        self.busy.hide()
        self.passphrase.clear()
        self.reviewed.emit(out, report)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.ok_button.setEnabled(True)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
