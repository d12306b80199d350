"""Plan review: a summary drafted from the ratings since the last review, which the
clinician edits and signs into the review (it moves the next review date)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.signatures import SignedItem
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.dialogs.plan_sign_dialog import passphrase_edit
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


class PlanReviewDialog(EditingDialog):
    """`signed(SignedItem)` fires once the review is signed."""

    signed = Signal(object)

    def __init__(self, ws: Any, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planReviewDialog")
        self.setWindowTitle("Plan review")
        self.ws = ws
        self.plan_id = plan_id
        plan = ws.plans.get(plan_id)
        self.needs_passphrase = bool(ws.settings.get().confirm_passphrase_to_sign)
        due = ws.plans.next_review(plan)
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Review of plan version {plan.version}"
                + (f", due {due.isoformat()}" if due else "")
                + ". The summary below is drafted from the progress ratings in the notes "
                "since the last review: edit it to say what you and the client concluded, "
                "then sign it.",
                self,
            )
        )
        self.summary = QPlainTextEdit(self)
        self.summary.setObjectName("planReviewSummary")
        self.summary.setAccessibleName("Review summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlainText(ws.plans.draft_review_summary(plan.client_id))
        self.summary.setMinimumHeight(220)
        lay.addWidget(self.summary, 1)
        form = QFormLayout()
        self.passphrase = passphrase_edit(self, "planReviewPassphraseEdit")
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, "planReviewError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "planReviewBusy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign review", self)
        self.sign_button.setObjectName("planReviewSignButton")
        self.submit_on_enter(self.passphrase, self.sign_button)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("planReviewCancelButton")
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self, 680, 520)

    def submit(self) -> None:
        summary = self.summary.toPlainText().strip()
        if not summary:
            show_error(self.error, "Write the review's summary before signing it.")
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign the review.")
            return
        show_error(self.error, "")
        self._set_busy(True)
        ws, plan_id = self.ws, self.plan_id
        run_in_background(
            lambda: ws.plans.review(plan_id, summary=summary, passphrase=passphrase),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.sign_button, self.cancel_button, self.passphrase, self.summary):
            w.setEnabled(not busy)

    def _done(self, item: SignedItem) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.signed.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
