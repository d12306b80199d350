"""Export a signed version (treatment plan, safety plan) to Word, optionally with a file
password; written on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.exports import MIN_EXPORT_PASSWORD, ExportService
from noteapp.services.plans import PlanService
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


class VersionExportDialog(QDialog):
    """Save-as, optional password, export on a worker. `exported(Path)` fires once written.

    `export(out, password)` does the work; `allow_password=False` hides the password (a
    client's own copy is for the client to keep and read)."""

    exported = Signal(object)

    def __init__(
        self,
        *,
        title: str,
        dialog_name: str,
        prefix: str,
        text: str,
        default_path: Path,
        save_caption: str,
        export: Callable[[Path, str | None], Any],
        allow_password: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(dialog_name)
        self.setWindowTitle(title)
        self._export = export
        self._save_caption = save_caption
        lay = QVBoxLayout(self)
        lay.addWidget(body_label(text, self))
        form = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(default_path))
        self.path_edit.setObjectName(f"{prefix}PathEdit")
        self.path_edit.setAccessibleName("Save as")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setObjectName(f"{prefix}BrowseButton")
        self.browse_button.setAccessibleName("Browse")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("&Save as", row)
        self.password = QLineEdit(self)
        self.password.setObjectName(f"{prefix}PasswordEdit")
        self.password.setAccessibleName("File password (optional)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"optional, at least {MIN_EXPORT_PASSWORD} characters")
        if allow_password:
            form.addRow("File &password", self.password)
        else:
            self.password.hide()
        lay.addLayout(form)
        self.error = error_label(self, f"{prefix}Error")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, f"{prefix}Busy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName(f"{prefix}Button")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{prefix}CancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_content(self, 620)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self._save_caption, self.path_edit.text(), "Word document (*.docx)"
        )
        if chosen:
            self.path_edit.setText(chosen)

    def submit(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            show_error(self.error, "Choose where to save the file.")
            return
        out = Path(text)
        if out.suffix.lower() != ".docx":
            out = out.with_suffix(".docx")
        password = (self.password.text() or None) if self.password.isVisibleTo(self) else None
        show_error(self.error, "")
        self._set_busy(True)
        export = self._export
        run_in_background(
            lambda: export(out, password),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.export_button, self.cancel_button, self.path_edit, self.password):
            w.setEnabled(not busy)

    def _done(self, path: object) -> None:
        self._set_busy(False)
        self.password.clear()
        self.exported.emit(path)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error, message_for(exc))


class PlanExportDialog(VersionExportDialog):
    def __init__(
        self,
        exports: ExportService,
        plans: PlanService,
        plan_id: str,
        parent: QWidget | None = None,
    ) -> None:
        version = plans.get(plan_id).version
        super().__init__(
            title="Export treatment plan",
            dialog_name="planExportDialog",
            prefix="planExport",
            text=f"Version {version} of the plan as a Word document, with its signature block "
            "and the client's acknowledgement. A supervisor can verify it like a signed note.",
            # No client data in default file names (PHI hygiene): the version only.
            default_path=documents_dir() / f"treatment-plan-v{version}.docx",
            save_caption="Save the plan as",
            export=lambda out, password: exports.export_plan(plan_id, out, password=password),
            parent=parent,
        )
