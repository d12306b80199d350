"""Settings → Signing keys: my fingerprint (to read out by phone) and public-key export, and
the supervisors' or clinicians' keys I trust."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.services.profile import ProfileService
from noteapp.services.signing import SigningService
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.dialogs.trust_signer_dialog import TrustSignerDialog
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, show_text, status_label
from noteapp.ui.widgets.mono import fingerprint_label

COLUMNS = ("Name", "Credentials", "Fingerprint", "Added on")


def _button(text: str, name: str, parent: QWidget) -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.rstrip("…"))
    return b


class SettingsKeysPage(QWidget):
    """Trusted keys and exporting mine (`signing`); my fingerprint (`profile`)."""

    def __init__(
        self, signing: SigningService, profile: ProfileService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsKeysPage")
        self._signing = signing
        self._profile = profile
        self.dialog: TrustSignerDialog | None = None
        me = profile.get()

        mine = QGroupBox("My signing key", self)
        ml = QVBoxLayout(mine)
        ml.addWidget(
            body_label(
                "Your fingerprint identifies your signatures. A supervisor who trusts your "
                "key compares it with what you read out to them by phone.",
                mine,
            )
        )
        self.my_fingerprint = fingerprint_label(
            me.fingerprint if me and me.fingerprint else "—",
            mine,
            "myFingerprintLabel",
        )
        row = QHBoxLayout()
        row.addWidget(self.my_fingerprint)
        row.addStretch(1)
        ml.addLayout(row)
        export_row = QHBoxLayout()
        self.export_button = _button("Export my public key…", "exportPublicKeyButton", mine)
        self.export_button.clicked.connect(self.choose_export)
        export_row.addWidget(self.export_button)
        export_row.addStretch(1)
        ml.addLayout(export_row)

        trusted = QGroupBox("Keys I trust", self)
        tl = QVBoxLayout(trusted)
        tl.addWidget(
            body_label(
                "Exported notes signed with these keys show as “Valid — trusted signer” on the "
                "Review screen.",
                trusted,
            )
        )
        self.table = QTableWidget(0, len(COLUMNS), trusted)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("trustedKeysTable")
        self.table.setAccessibleName("Trusted keys")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(160)
        tl.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = _button("Add key file…", "addTrustedKeyButton", trusted)
        self.remove_button = _button("Remove", "removeTrustedKeyButton", trusted)
        self.add_button.clicked.connect(self.open_add)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        tl.addLayout(buttons)
        self.status = status_label(self, "keysStatus")

        lay = QVBoxLayout(self)
        lay.setSpacing(16)
        lay.addWidget(mine)
        lay.addWidget(trusted)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh()

    def refresh(self) -> None:
        self.keys = self._signing.trusted_keys()
        self.table.setRowCount(len(self.keys))
        for r, k in enumerate(self.keys):
            for c, value in enumerate((k.name, k.credentials, k.fingerprint, k.added_on)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def open_add(self) -> None:
        dialog = TrustSignerDialog(self._signing, parent=self)
        dialog.trusted.connect(self._added)
        self.dialog = dialog
        dialog.open()

    def _added(self, key: Any) -> None:
        self.refresh()
        show_text(self.status, f"Now trusted: {key.name} ({key.fingerprint}).")

    def remove_selected(self, *, confirm: bool = True) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        key = self.keys[rows[0].row()]
        if confirm:
            answer = QMessageBox.question(
                self,
                "Remove trusted key",
                f"Stop trusting {key.name}'s key? Their signatures will show as "
                "“unknown signer” until you trust the key again.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self._signing.untrust(key.fingerprint)
        except NoteappError as exc:
            show_text(self.status, message_for(exc))
            return
        self.refresh()
        show_text(self.status, f"Removed {key.name}'s key.")

    def choose_export(self) -> None:
        profile = self._profile.get()
        stem = "".join(ch for ch in (profile.name if profile else "my") if ch.isalnum()) or "my"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Export my public key",
            str(documents_dir() / f"{stem}-public-key.json"),
            "noteapp public key (*.json)",
        )
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, dest: Path) -> Path | None:
        try:
            path: Path = self._signing.export_public_key(dest)
        except (NoteappError, OSError) as exc:
            show_text(self.status, message_for(exc))
            return None
        show_text(
            self.status,
            f"Saved {path}. Send it to your supervisor, then read them your fingerprint.",
        )
        return path
