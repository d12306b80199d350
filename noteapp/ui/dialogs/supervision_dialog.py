"""A supervisee's note from the agency inbox, read as the document it is, co-signed or returned
with comments — no file round trip (issue #14, point 4). The review is a signed item of the
chart: it is sent at the next sync and reaches the clinician at theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.settings import SettingsService
from noteapp.services.supervision import QueueEntry, SupervisionService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.dialogs.review_action_dialog import COSIGN_STATEMENT
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.job_document import job_html
from noteapp.ui.widgets.layout import (
    body_label,
    busy_bar,
    error_label,
    passphrase_row,
    show_error,
)
from noteapp.ui.widgets.themed_browser import ThemedBrowser
from noteapp.ui.workers import run_in_background

READING_WIDTH = 820  # px: a page's line length, as the signed note view


def entry_line(entry: QueueEntry) -> str:
    why = "corrected since your last review" if entry.reason == "revised" else "not reviewed yet"
    return (
        f"{entry.author} · client {entry.client_code or entry.client_id[:8]} · session of "
        f"{entry.date_of_service} · signed {entry.signed_at[:10]} · {why}"
    )


class SupervisionDialog(EditingDialog):
    """`reviewed(note_id, kind)` once the co-signature ("cosign") or the return ("return")
    is stored here (it travels at the next sync)."""

    reviewed = Signal(str, str)

    def __init__(
        self,
        *,
        supervision: SupervisionService,
        settings: SettingsService,
        entry: QueueEntry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionDialog")
        self.setWindowTitle("Review a supervisee's note")
        self._supervision = supervision
        self.entry = entry
        self.needs_passphrase = bool(settings.get().confirm_passphrase_to_sign)
        lay = QVBoxLayout(self)
        lay.setSpacing(8)
        self.heading = body_label(entry_line(entry), self, "supervisionHeading")
        lay.addWidget(self.heading)

        # The page in the scheme's paper colours (its layout is the printout's).
        self.document = ThemedBrowser(self, paper=True)
        self.document.setObjectName("supervisionDocument")
        self.document.setAccessibleName("The note under review, as signed")
        self.document.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.document.setLineWrapColumnOrWidth(READING_WIDTH)
        self.document.document().setDocumentMargin(28)
        try:
            job = supervision.job(entry.note_id)
        except Exception as exc:  # a note that cannot be shown is never co-signed unseen
            why = escape(f"This note cannot be shown: {message_for(exc)}")
            self.document.show_html(lambda: f"<p>{why}</p>")
            self.unreadable = True
        else:
            self.document.show_html(lambda: job_html(job, screen=True))
            self.document.moveCursor(QTextCursor.MoveOperation.Start)  # read from the top
            self.unreadable = False
        lay.addWidget(self.document, 1)

        form = QFormLayout()
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("supervisionCommentsEdit")
        self.text.setAccessibleName("Comments, or your co-signature statement")
        self.text.setPlaceholderText(
            "Comments for the clinician (required to return the note). Left empty, a "
            f"co-signature says: “{COSIGN_STATEMENT}”"
        )
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        form.addRow("&Comments", self.text)
        self.passphrase = passphrase_row(
            form, self, "supervisionPassphraseEdit", needed=self.needs_passphrase
        )
        lay.addLayout(form)
        self.error = error_label(self, "supervisionError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "supervisionBusy")
        lay.addWidget(self.busy)

        row = QHBoxLayout()
        self.cosign_button = self._button("&Co-sign", "supervisionCosignButton", "cosign")
        self.return_button = self._button(
            "&Return with comments", "supervisionReturnButton", "return"
        )
        close = QPushButton("Close", self)
        close.setObjectName("supervisionCloseButton")
        close.setAccessibleName("Close without reviewing")
        close.clicked.connect(self.reject)
        row.addWidget(self.cosign_button)
        row.addWidget(self.return_button)
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        for button in (self.cosign_button, self.return_button):
            button.setEnabled(not self.unreadable)
        self.resize(900, 760)
        self.document.setFocus(Qt.FocusReason.OtherFocusReason)

    def _button(self, text: str, name: str, kind: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(lambda _c=False: self.submit(kind))
        return button

    def submit(self, kind: str) -> None:
        text = self.text.toPlainText().strip()
        if kind == "return" and not text:
            show_error(self.error, "Write what should be revised before returning the note.")
            self.text.setFocus()
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            self.passphrase.setFocus()
            return
        show_error(self.error, "")
        self.busy.show()
        for button in (self.cosign_button, self.return_button):
            button.setEnabled(False)
        supervision, note_id = self._supervision, self.entry.note_id
        work: Callable[[], Any]
        if kind == "cosign":

            def work() -> Any:
                return supervision.cosign(note_id, statement=text, passphrase=passphrase)
        else:

            def work() -> Any:
                return supervision.return_note(note_id, comments=text, passphrase=passphrase)

        run_in_background(
            work,
            on_done=lambda _item: self._done(kind),
            on_error=self._failed,
            parent=self,
        )

    def _done(self, kind: str) -> None:
        self.busy.hide()
        self.passphrase.clear()
        self.reviewed.emit(self.entry.note_id, kind)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.passphrase.clear()
        for button in (self.cosign_button, self.return_button):
            button.setEnabled(True)
        show_error(self.error, message_for(exc))
