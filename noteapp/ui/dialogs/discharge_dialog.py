"""Discharge a client: the date and the reason, kept in the chart."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client
from noteapp.domain.errors import NoteappError
from noteapp.services.clients import ClientService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error


class DischargeDialog(EditingDialog):
    discharged = Signal(object)

    def __init__(
        self, clients: ClientService, client: Client, *, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dischargeDialog")
        self.setWindowTitle("Discharge client")
        self._clients = clients
        self._client = client
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Discharge {client.display_name} ({client.code}). The chart stays in the vault "
                "and you can reactivate the client later.",
                self,
            )
        )
        form = QFormLayout()
        self.date = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.date.setObjectName("dischargeDateEdit")
        self.date.setAccessibleName("Discharge date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("dischargeReasonEdit")
        self.reason.setAccessibleName("Reason for discharge")
        self.reason.setPlaceholderText("e.g. Treatment goals met; client agreed to discharge.")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        form.addRow("&Date", self.date)
        form.addRow("&Reason", self.reason)
        lay.addLayout(form)
        self.error = error_label(self, "dischargeError")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Discharge")
        ok.setObjectName("dischargeConfirmButton")
        ok.setAccessibleName("Discharge")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("dischargeCancelButton")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self._discharge)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self, 480, 260)

    def _discharge(self) -> None:
        d = self.date.date()
        try:
            updated = self._clients.discharge(
                self._client.id,
                on=date(d.year(), d.month(), d.day()),
                reason=self.reason.toPlainText(),
            )
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        self.discharged.emit(updated)
        self.accept()
