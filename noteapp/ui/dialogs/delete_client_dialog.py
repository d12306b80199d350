"""Delete a client for good — only after typing their code, and after a backup."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client
from noteapp.domain.errors import NoteappError
from noteapp.services.clients import ClientService
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error, title_label


class DeleteClientDialog(QDialog):
    deleted = Signal(str)  # the client id

    def __init__(
        self, clients: ClientService, client: Client, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deleteClientDialog")
        self.setWindowTitle("Delete client")
        self._clients = clients
        self._client = client
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(title_label(f"Delete {client.display_name}?", self, size_delta=3))
        lay.addWidget(
            body_label(
                "This removes the client and every version of their chart from the vault. "
                "noteapp makes a backup of the whole vault first and keeps it apart from "
                "the usual backups for the days set in Settings → Backups (90 unless you "
                "changed it), so it can still be recovered by restoring that backup.\n\n"
                "If the client has simply finished treatment, use Discharge instead: "
                "records must usually be kept for years.",
                self,
            )
        )
        lay.addWidget(
            body_label(f"To confirm, type the client's code: <b>{client.code}</b>", self, rich=True)
        )
        self.code = QLineEdit(self)
        self.code.setObjectName("deleteConfirmCodeEdit")
        self.code.setAccessibleName("Type the client's code to confirm")
        lay.addWidget(self.code)
        self.error = error_label(self, "deleteClientError")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.delete_button = QPushButton("Delete client", self)
        self.delete_button.setObjectName("deleteClientConfirmButton")
        self.delete_button.setAccessibleName("Delete the client")
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("deleteClientCancelButton")
        cancel.setAccessibleName("Cancel")
        cancel.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self._delete)
        lay.addWidget(buttons)
        self.code.textChanged.connect(self._check)
        fit_to_screen(self, 500, 300)

    def _check(self, text: str) -> None:
        self.delete_button.setEnabled(text.strip().casefold() == self._client.code.casefold())

    def _delete(self) -> None:
        try:
            self._clients.delete(self._client.id, confirm_code=self.code.text())
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        self.deleted.emit(self._client.id)
        self.accept()
