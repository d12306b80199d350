"""Restore the vault from a backup: pick the snapshot, its passphrase, and confirm."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.backups import SnapshotInfo, SnapshotKind, SnapshotStatus
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error

_PathRole = Qt.ItemDataRole.UserRole + 1


def file_label(path: Path) -> str:
    """A file chosen with Browse: its modification time (nothing else is known of it)."""
    try:
        when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%a %d %b %Y, %H:%M")
    except OSError:
        when = "date unknown"
    return f"{when}   —   {path.name}"


def snapshot_label(info: SnapshotInfo) -> str:
    """When it was taken, why, and whether records were already damaged then."""
    when = info.taken_at.astimezone().strftime("%a %d %b %Y, %H:%M")
    notes = []
    if info.kind == SnapshotKind.BEFORE_DELETE:
        notes.append("taken before deleting a client")
    if info.status == SnapshotStatus.DAMAGED:
        count = len(info.damaged)
        notes.append(f"{count} record{'s' if count != 1 else ''} already damaged then")
    elif info.status == SnapshotStatus.CLEAN:
        notes.append("no damage known then")
    return f"{when}   —   {', '.join(notes) or info.path.name}"


class RestoreDialog(QDialog):
    """Emits `restore_requested(snapshot_path, passphrase)`; the controller does the rest."""

    restore_requested = Signal(object, str)

    def __init__(
        self,
        snapshots: list[SnapshotInfo],
        *,
        backup_dir: Path,
        vault_path: Path,
        preselect: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from a backup")
        self._backup_dir = backup_dir
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(
            body_label(
                "Choose the backup to restore. It is checked completely before anything is "
                f"replaced; your current vault ({vault_path.name}) is kept next to it under "
                "a new name, so nothing is lost.",
                self,
            )
        )
        self.list = QListWidget(self)
        self.list.setObjectName("snapshotList")
        self.list.setAccessibleName("Backups, newest first")
        for info in sorted(snapshots, key=lambda i: i.taken_at, reverse=True):
            label = snapshot_label(info)
            if info.path == preselect:
                label += "   —   the newest taken before the damage"
            item = self._add(info.path, label)
            item.setToolTip(str(info.path))
        paths = [i.path for i in sorted(snapshots, key=lambda i: i.taken_at, reverse=True)]
        if preselect in paths:  # e.g. the newest backup taken before a damage
            self.list.setCurrentRow(paths.index(preselect))
        elif self.list.count():
            self.list.setCurrentRow(0)
        lay.addWidget(self.list, 1)
        if not snapshots:
            lay.addWidget(body_label("No backups in the backup folder yet.", self))
        row = QHBoxLayout()
        row.addStretch(1)
        self.browse = QPushButton("Browse…", self)
        self.browse.setObjectName("browseSnapshotButton")
        self.browse.setAccessibleName("Choose a backup file elsewhere")
        self.browse.clicked.connect(self._browse)
        row.addWidget(self.browse)
        lay.addLayout(row)
        form = QFormLayout()
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("restorePassphraseEdit")
        self.passphrase.setAccessibleName("Passphrase of that backup")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("The passphrase the vault had when it was backed up")
        form.addRow("Backup's &passphrase", self.passphrase)
        lay.addLayout(form)
        self.confirm = QCheckBox("Replace my current vault with this backup", self)
        self.confirm.setObjectName("restoreConfirmCheck")
        self.confirm.setAccessibleName("Replace my current vault with this backup")
        lay.addWidget(self.confirm)
        self.error = error_label(self, "restoreError")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Restore")
        self.ok.setObjectName("restoreConfirmButton")
        self.ok.setAccessibleName("Restore")
        self.ok.setEnabled(False)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("restoreCancelButton")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.confirm.toggled.connect(self._update)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        fit_to_screen(self, 600, 440)

    def _add(self, path: Path, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(_PathRole, str(path))
        self.list.addItem(item)
        return item

    def _browse(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, "Choose a backup", str(self._backup_dir), "noteapp vaults (*.noteapp)"
        )
        if file:
            self.select_file(Path(file))

    def select_file(self, path: Path) -> None:
        item = self._add(path, file_label(path))
        self.list.setCurrentItem(item)

    def selected(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(_PathRole)) if item else None

    def _update(self) -> None:
        self.ok.setEnabled(self.confirm.isChecked() and self.selected() is not None)

    def _submit(self) -> None:
        snapshot = self.selected()
        if snapshot is None:
            show_error(self.error, "Choose a backup first.")
            return
        if not self.passphrase.text():
            show_error(self.error, "Type the passphrase of that backup.")
            return
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        self.restore_requested.emit(snapshot, passphrase)
        self.accept()
