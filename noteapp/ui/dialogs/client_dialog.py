"""Add or edit a client: identity, contact, emergency contact and diagnoses."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client, Contact, Diagnosis, EmergencyContact
from noteapp.domain.errors import NoteappError
from noteapp.services.clients import ClientService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.optional_date import OptionalDateEdit


def _line(parent: QWidget, name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


class ClientDialog(EditingDialog):
    """Saves through ClientService; errors appear inline as sentences and nothing is saved."""

    saved = Signal(object)  # the Client

    def __init__(
        self,
        clients: ClientService,
        *,
        client: Client | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clientDialog")
        self.setWindowTitle("Edit client" if client else "Add client")
        self._clients = clients
        self._client = client

        self.name = _line(self, "clientNameEdit", "Full name", "Legal name as on records")
        self.preferred = _line(self, "clientPreferredNameEdit", "Preferred name", "Optional")
        self.dob = OptionalDateEdit(self)
        self.dob.setObjectName("clientDobEdit")
        self.dob.setAccessibleName("Date of birth")
        self.code = _line(
            self, "clientCodeEdit", "Client code", "Leave blank to number automatically"
        )
        self.pronouns = _line(self, "clientPronounsEdit", "Pronouns", "e.g. she/her, they/them")
        self.phone = _line(self, "clientPhoneEdit", "Phone")
        self.email = _line(self, "clientEmailEdit", "Email")
        self.address = QPlainTextEdit(self)
        self.address.setObjectName("clientAddressEdit")
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(56)
        self.ec_name = _line(self, "emergencyNameEdit", "Emergency contact name")
        self.ec_relationship = _line(
            self, "emergencyRelationshipEdit", "Emergency contact relationship", "e.g. partner"
        )
        self.ec_phone = _line(self, "emergencyPhoneEdit", "Emergency contact phone")

        who = QGroupBox("Client", self)
        f1 = QFormLayout(who)
        f1.addRow("Full &name", self.name)
        f1.addRow("&Preferred name", self.preferred)
        f1.addRow("Date of &birth", self.dob)
        f1.addRow("Pron&ouns", self.pronouns)
        f1.addRow("Client &code", self.code)
        contact = QGroupBox("Contact", self)
        f2 = QFormLayout(contact)
        f2.addRow("P&hone", self.phone)
        f2.addRow("&Email", self.email)
        f2.addRow("&Address", self.address)
        emergency = QGroupBox("Emergency contact", self)
        f3 = QFormLayout(emergency)
        if client is None:
            # Taken at intake; it joins the chart's contact list, where it is kept after.
            f3.addRow("Name", self.ec_name)
            f3.addRow("Relationship", self.ec_relationship)
            f3.addRow("Phone", self.ec_phone)
        else:
            for w in (self.ec_name, self.ec_relationship, self.ec_phone):
                w.hide()
            f3.addRow(
                body_label(
                    "The emergency contact and the client's other contacts are on the chart's "
                    "Contacts tab.",
                    emergency,
                    "emergencyContactsHint",
                )
            )

        dx = QGroupBox("Diagnoses (ICD-10-CM)", self)
        dx_lay = QVBoxLayout(dx)
        self.diagnoses = QTableWidget(0, 2, dx)
        self.diagnoses.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.diagnoses.setObjectName("diagnosesTable")
        self.diagnoses.setAccessibleName("Diagnoses")
        self.diagnoses.setHorizontalHeaderLabels(["Code", "Description"])
        self.diagnoses.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.diagnoses.setColumnWidth(0, 90)
        self.diagnoses.verticalHeader().hide()
        self.diagnoses.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.diagnoses.setMinimumHeight(110)
        dx_buttons = QHBoxLayout()
        self.add_dx = QPushButton("Add diagnosis", dx)
        self.add_dx.setObjectName("addDiagnosisButton")
        self.add_dx.setAccessibleName("Add a diagnosis")
        self.remove_dx = QPushButton("Remove", dx)
        self.remove_dx.setObjectName("removeDiagnosisButton")
        self.remove_dx.setAccessibleName("Remove the selected diagnosis")
        dx_buttons.addWidget(self.add_dx)
        dx_buttons.addWidget(self.remove_dx)
        dx_buttons.addStretch(1)
        dx_lay.addWidget(self.diagnoses)
        dx_lay.addLayout(dx_buttons)
        self.add_dx.clicked.connect(lambda: self.add_diagnosis_row("", ""))
        self.remove_dx.clicked.connect(self._remove_diagnosis)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(who)
        left.addWidget(contact)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(emergency)
        right.addWidget(dx, 1)
        columns.addLayout(left, 1)
        columns.addSpacing(8)
        columns.addLayout(right, 1)

        self.error = error_label(self, "clientDialogError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("clientDialogButtons")
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName("clientSaveButton")
        save.setAccessibleName("Save client")
        save.setText("Add client" if client is None else "Save changes")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("clientCancelButton")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        outer.addLayout(columns)
        outer.addWidget(self.error)
        outer.addWidget(self.buttons)
        fit_to_screen(self, 860, 520)

        order = [
            self.name, self.preferred, self.dob, self.pronouns, self.code, self.phone,
            self.email, self.address, self.ec_name, self.ec_relationship, self.ec_phone,
            self.diagnoses, self.add_dx, self.remove_dx,
        ]  # fmt: skip
        for a, b in itertools.pairwise(order):
            self.setTabOrder(a, b)
        if client is not None:
            self._fill(client)

    def _fill(self, c: Client) -> None:
        self.name.setText(c.name)
        self.preferred.setText(c.preferred_name)
        self.dob.set_value(c.dob)
        self.code.setText(c.code)
        self.pronouns.setText(c.pronouns)
        self.phone.setText(c.contact.phone)
        self.email.setText(c.contact.email)
        self.address.setPlainText(c.contact.address)
        for d in c.diagnoses:
            self.add_diagnosis_row(d.code, d.description)

    def add_diagnosis_row(self, code: str, description: str) -> None:
        row = self.diagnoses.rowCount()
        self.diagnoses.insertRow(row)
        self.diagnoses.setItem(row, 0, QTableWidgetItem(code))
        self.diagnoses.setItem(row, 1, QTableWidgetItem(description))
        item = self.diagnoses.item(row, 0)
        if not code and item is not None:
            self.diagnoses.setCurrentCell(row, 0)
            self.diagnoses.editItem(item)

    def _remove_diagnosis(self) -> None:
        row = self.diagnoses.currentRow()
        if row >= 0:
            self.diagnoses.removeRow(row)

    def _read_diagnoses(self) -> list[Diagnosis]:
        out: list[Diagnosis] = []
        for row in range(self.diagnoses.rowCount()):
            code_item = self.diagnoses.item(row, 0)
            desc_item = self.diagnoses.item(row, 1)
            code = code_item.text() if code_item else ""
            desc = desc_item.text() if desc_item else ""
            if not code.strip() and not desc.strip():
                continue
            if not code.strip():
                raise ValueError(f"Diagnosis {row + 1} needs an ICD-10-CM code.")
            try:
                out.append(Diagnosis.parse(code, desc))
            except NoteappError as exc:
                raise ValueError(f"Diagnosis {row + 1}: {exc}") from exc
        return out

    def save(self) -> None:
        try:
            diagnoses = self._read_diagnoses()
        except ValueError as exc:
            show_error(self.error, str(exc))
            return
        fields: dict[str, object] = {
            "name": self.name.text(),
            "preferred_name": self.preferred.text(),
            "dob": self.dob.value(),
            "pronouns": self.pronouns.text(),
            "contact": Contact(
                phone=self.phone.text().strip(),
                email=self.email.text().strip(),
                address=self.address.toPlainText().strip(),
            ),
            "diagnoses": diagnoses,
        }
        if self._client is None:  # an edit leaves the contact list alone
            fields["emergency_contact"] = EmergencyContact(
                name=self.ec_name.text().strip(),
                relationship=self.ec_relationship.text().strip(),
                phone=self.ec_phone.text().strip(),
            )
        code = self.code.text().strip()
        try:
            if self._client is None:
                result = self._clients.add(code=code, **fields)  # type: ignore[arg-type]
            else:
                if code:
                    fields["code"] = code
                result = self._clients.update(self._client.id, **fields)
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.saved.emit(result)
        self.accept()
