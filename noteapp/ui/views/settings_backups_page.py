"""Settings → Backups: where, how many, back up now, and restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.domain.progress import Cancelled
from noteapp.services.backups import BackupService
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.restore_dialog import RestoreDialog
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, show_text, status_label
from noteapp.ui.widgets.progress_panel import ProgressPanel
from noteapp.ui.workers import Task, run_with_progress


class SettingsBackupsPage(QWidget):
    def __init__(
        self,
        backups: BackupService,
        settings: SettingsService,
        *,
        vault_path: Path,
        on_restore: Callable[[Path, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsBackupsPage")
        self._backups = backups
        self._settings = settings
        self._vault_path = vault_path
        self._on_restore = on_restore
        current = settings.get()

        where = QGroupBox("Where and how many", self)
        form = QFormLayout(where)
        folder_row = QHBoxLayout()
        # The folder chosen (each vault's backups go in a sub-folder named by its id).
        self.folder = QLineEdit(str(backups.base_directory), where)
        self.folder.setObjectName("backupFolderEdit")
        self.folder.setAccessibleName("Backup folder")
        self.folder.setReadOnly(True)
        self.choose = QPushButton("Choose…", where)
        self.choose.setObjectName("chooseBackupFolderButton")
        self.choose.setAccessibleName("Choose the backup folder")
        self.choose.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        form.addRow("Folder", folder_row)
        self.keep = self._spin(
            where, "backupKeepSpin", "Number of automatic backups to keep", "backup_keep"
        )
        self.keep.setRange(1, 365)
        self.keep.setValue(current.backup_keep)
        self.keep.setSuffix(" backups")
        form.addRow("Keep the latest", self.keep)
        self.delete_days = self._spin(
            where,
            "deleteBackupDaysSpin",
            "Days to keep the backup made before deleting a client",
            "delete_backup_days",
        )
        self.delete_days.setRange(1, 3650)
        self.delete_days.setValue(current.delete_backup_days)
        self.delete_days.setSuffix(" days")
        form.addRow("Before deleting a client, keep for", self.delete_days)
        self.auto = QCheckBox("Back up automatically when I lock or quit, if anything changed")
        self.auto.setObjectName("autoBackupCheck")
        self.auto.setAccessibleName("Back up automatically")
        self.auto.setChecked(current.auto_backup)
        self.auto.toggled.connect(lambda on: self._save(auto_backup=on))
        form.addRow(self.auto)
        form.addRow(
            body_label(
                "Backups are encrypted like the vault and open with the passphrase it had "
                "then. A folder on an external drive or a synced folder protects you from a "
                "lost laptop. Each vault keeps its backups in a folder of its own inside the "
                "one you choose, so another vault (the demo, say) never removes them. The "
                "backup made before deleting a client is kept apart from the latest ones, for "
                "the days set here; the last backup taken before a record was damaged is "
                "always kept.",
                where,
            )
        )

        now = QGroupBox("Back up and restore", self)
        now_lay = QVBoxLayout(now)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton("Back up now", now)
        self.backup_button.setObjectName("backupNowButton")
        self.backup_button.setAccessibleName("Back up now")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Restore…", now)
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setAccessibleName("Restore from a backup")
        self.restore_button.clicked.connect(self.open_restore)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        now_lay.addLayout(buttons)
        # The copy runs on a worker (a large vault takes seconds): counted, and it may be
        # cancelled until the file is complete.
        self.progress = ProgressPanel(now, "backupProgress", cancellable=True)
        now_lay.addWidget(self.progress)
        self.status = status_label(now, "backupStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        now_lay.addWidget(self.status)
        self.last_backup: Path | None = None

        lay = QVBoxLayout(self)
        lay.setSpacing(16)
        lay.addWidget(where)
        lay.addWidget(now)
        lay.addStretch(1)
        self.dialog: RestoreDialog | None = None

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Backup folder", self.folder.text())
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        try:
            self._settings.update(backup_dir=str(folder))
        except NoteappError as exc:
            show_text(self.status, message_for(exc))
            return
        self.folder.setText(str(self._backups.base_directory))

    def _spin(self, parent: QWidget, name: str, accessible: str, setting: str) -> QSpinBox:
        """A number setting, saved as it changes (set the range before the value)."""
        spin = QSpinBox(parent)
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setMaximumWidth(160)
        spin.valueChanged.connect(lambda value: self._save(**{setting: value}))
        return spin

    def _save(self, **changes: object) -> None:
        try:
            self._settings.update(**changes)
        except NoteappError as exc:
            show_text(self.status, message_for(exc))

    def backup_now(self) -> Task:
        """Start a backup on a worker; the status line says where it went (or why not)."""
        show_text(self.status, "")
        self.backup_button.setEnabled(False)
        backups = self._backups
        task = run_with_progress(
            lambda progress: backups.backup_now(progress=progress),
            on_done=self._backed_up,
            on_error=self._backup_failed,
            parent=self,
        )
        self.progress.start(task, "Backing up…")
        return task

    def _backed_up(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.last_backup = path
        show_text(self.status, f"Backup saved to {path}")

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            show_text(self.status, "Backup cancelled; no file was written.")
        else:
            show_text(self.status, message_for(exc))

    def open_restore(self, preselect: Path | None = None) -> None:
        """`preselect`: the snapshot to offer first (e.g. the newest before a damage)."""
        try:
            snapshots = self._backups.all_snapshots()
        except OSError:
            snapshots = []
        self.dialog = RestoreDialog(
            snapshots,
            backup_dir=self._backups.directory,
            vault_path=self._vault_path,
            preselect=preselect,
            parent=self,
        )
        self.dialog.restore_requested.connect(self._on_restore)
        self.dialog.open()
