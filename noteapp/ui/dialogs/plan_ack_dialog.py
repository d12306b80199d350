"""Record the client's acknowledgement of a plan version: how (paper, electronic, verbal,
refused, attempted), when, and a note. On a signed version it is a signed addendum, so the
passphrase is asked when the setting says so; the work runs on a worker thread."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.plans import AckMethod
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.dialogs.plan_sign_dialog import passphrase_edit
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background

METHOD_LABELS = {
    AckMethod.PAPER: "Signed on paper",
    AckMethod.ELECTRONIC: "Signed electronically",
    AckMethod.VERBAL: "Acknowledged verbally",
    AckMethod.REFUSED: "Client refused to sign",
    AckMethod.ATTEMPTED: "Attempted — could not be obtained",
}


class PlanAckDialog(EditingDialog):
    """`recorded(result)` fires once the acknowledgement is stored."""

    recorded = Signal(object)

    def __init__(self, ws: Any, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planAckDialog")
        self.setWindowTitle("Client acknowledgement")
        self.ws = ws
        self.plan_id = plan_id
        plan = ws.plans.get(plan_id)
        self.needs_passphrase = plan.is_signed and bool(
            ws.settings.get().confirm_passphrase_to_sign
        )
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "Record how the client acknowledged this plan. Refusals and attempts are "
                "recorded too"
                + (", as a signed addendum to the signed plan." if plan.is_signed else "."),
                self,
            )
        )
        form = QFormLayout()
        self.method = QComboBox(self)
        self.method.setObjectName("planAckMethod")
        self.method.setAccessibleName("How the client acknowledged the plan")
        for m, label in METHOD_LABELS.items():
            self.method.addItem(label, m.value)
        form.addRow("&How", self.method)
        today = ws.clock.now().astimezone().date()
        self.on = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.on.setObjectName("planAckDate")
        self.on.setAccessibleName("Date of the acknowledgement")
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("&Date", self.on)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("planAckNote")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("e.g. reviewed together; copy given to the client")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        form.addRow("&Note", self.note)
        self.passphrase = passphrase_edit(self, "planAckPassphraseEdit")
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, "planAckError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "planAckBusy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Record", self)
        self.save_button.setObjectName("planAckSaveButton")
        self.submit_on_enter(self.passphrase, self.save_button)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("planAckCancelButton")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_content(self, 520)

    def submit(self) -> None:
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign the acknowledgement.")
            return
        q = self.on.date()
        on = date(q.year(), q.month(), q.day())
        method, note = str(self.method.currentData()), self.note.toPlainText()
        ws, plan_id = self.ws, self.plan_id
        show_error(self.error, "")
        self._set_busy(True)
        run_in_background(
            lambda: ws.plans.acknowledge(
                plan_id, method=method, on=on, note=note, passphrase=passphrase
            ),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.save_button, self.cancel_button, self.passphrase, self.method):
            w.setEnabled(not busy)

    def _done(self, result: object) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.recorded.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
