"""Trust a signer: their key file, its fingerprint shown large to compare with the signer
(by phone or in person), and an explicit confirmation that it was compared."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.services.signing import SigningService, read_public_key_file
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.mono import fingerprint_label


class TrustSignerDialog(QDialog):
    """`fingerprint`: the signer seen in a file (the key file must match it), or "" to add
    any key file (Settings → Signing keys). `trusted(TrustedKey)` when stored."""

    trusted = Signal(object)

    def __init__(
        self,
        signing: SigningService,
        *,
        fingerprint: str = "",
        signer: str = "",
        key_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trustSignerDialog")
        self.setWindowTitle("Trust a signer")
        self._signing = signing
        self.expected = fingerprint
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(
            body_label(
                "Trusting a key means: signatures made with it are this person's. Get their "
                "public-key file (Settings → Signing keys → Export my public key), then read "
                "the fingerprint below to each other by phone or in person.",
                self,
            )
        )
        if signer:
            who = QLabel(f"Signer in the file: {signer}", self)
            who.setObjectName("trustSignerName")
            who.setTextFormat(Qt.TextFormat.PlainText)
            lay.addWidget(who)
        form = QFormLayout()
        row = QHBoxLayout()
        self.file_edit = QLineEdit(str(key_file) if key_file else "", self)
        self.file_edit.setObjectName("trustKeyFileEdit")
        self.file_edit.setAccessibleName("The signer's public-key file")
        self.file_edit.setPlaceholderText("The signer's public-key file (.json)")
        self.file_edit.editingFinished.connect(self._load)
        browse = QPushButton("Choose…", self)
        browse.setObjectName("trustKeyFileBrowseButton")
        browse.setAccessibleName("Choose the key file")
        browse.clicked.connect(self._browse)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        form.addRow("Key file", row)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("trustNameEdit")
        self.name_edit.setAccessibleName("Name for this key")
        form.addRow("Name", self.name_edit)
        lay.addLayout(form)
        self.fingerprint = fingerprint_label(fingerprint or "—", self, "trustFingerprintLabel")
        lay.addWidget(QLabel("Fingerprint to compare:", self))
        lay.addWidget(self.fingerprint)
        self.compared = QCheckBox(
            "I compared this fingerprint with the signer and it is the same", self
        )
        self.compared.setObjectName("trustComparedCheck")
        self.compared.setAccessibleName("I compared the fingerprint with the signer")
        lay.addWidget(self.compared)
        self.error = error_label(self, "trustError")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton("Trust this key", self)
        self.ok_button.setObjectName("trustOkButton")
        self.ok_button.setAccessibleName("Trust this key")
        cancel = QPushButton("Cancel", self)
        cancel.setObjectName("trustCancelButton")
        cancel.setAccessibleName("Cancel")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        lay.addWidget(self.buttons)
        fit_to_content(self, 600)
        if key_file:
            self._load()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "The signer's public-key file", "", "noteapp public key (*.json);;All files (*)"
        )
        if chosen:
            self.file_edit.setText(chosen)
            self._load()

    def _load(self) -> bool:
        text = self.file_edit.text().strip()
        if not text:
            return False
        try:
            key = read_public_key_file(Path(text))
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return False
        if self.expected and key.fingerprint != self.expected:
            show_error(
                self.error,
                "This key file is not the key that signed the file (the fingerprints differ). "
                "Ask the signer for the right file.",
            )
            return False
        show_error(self.error, "")
        self.fingerprint.setText(key.fingerprint)
        if not self.name_edit.text():
            self.name_edit.setText(key.name)
        return True

    def submit(self) -> None:
        if not self.file_edit.text().strip():
            show_error(self.error, "Choose the signer's public-key file.")
            return
        if not self._load():
            return
        if not self.compared.isChecked():
            show_error(
                self.error, "Compare the fingerprint with the signer first, then tick the box."
            )
            return
        try:
            key = self._signing.trust_key_file(
                Path(self.file_edit.text().strip()), name=self.name_edit.text()
            )
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        self.trusted.emit(key)
        self.accept()
