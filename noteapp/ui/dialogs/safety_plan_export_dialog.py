"""Export a signed safety plan: the client's copy (plain, large, friendly Word layout) or the
clinical document (signed and verifiable like a note), optionally with a file password;
written on a worker thread."""

from __future__ import annotations

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

from noteapp.services.exports import MIN_EXPORT_PASSWORD
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background

CLIENT_TEXT = (
    "Version {version} as the client's own copy: plain words, large print, the crisis lines "
    "first. It carries no codes and no signatures."
)
CLINICAL_TEXT = (
    "Version {version} as a clinical Word document with its signature block. A supervisor "
    "can verify it like a signed note."
)


class SafetyPlanExportDialog(QDialog):
    """`exported(Path)` fires once the file is written."""

    exported = Signal(object)

    def __init__(
        self, ws: Any, plan_id: str, parent: QWidget | None = None, *, client_copy: bool
    ) -> None:
        super().__init__(parent)
        self.setObjectName("safetyPlanExportDialog")
        self.client_copy = client_copy
        self.setWindowTitle("Export client copy" if client_copy else "Export safety plan")
        self.ws = ws
        self.plan_id = plan_id
        plan = ws.safety_plans.get(plan_id)
        lay = QVBoxLayout(self)
        text = CLIENT_TEXT if client_copy else CLINICAL_TEXT
        lay.addWidget(body_label(text.format(version=plan.version), self))
        form = QFormLayout()
        row = QHBoxLayout()
        # The core names the file by client code, never by name (PHI hygiene).
        name = ws.exports.safety_plan_file_name(plan_id, client_copy=client_copy)
        self.path_edit = QLineEdit(str(documents_dir() / name))
        self.path_edit.setObjectName("safetyExportPathEdit")
        self.path_edit.setAccessibleName("Save as")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setObjectName("safetyExportBrowseButton")
        self.browse_button.setAccessibleName("Browse")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("&Save as", row)
        self.password = QLineEdit(self)
        self.password.setObjectName("safetyExportPasswordEdit")
        self.password.setAccessibleName("File password (optional)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"optional, at least {MIN_EXPORT_PASSWORD} characters")
        if client_copy:
            self.password.hide()  # the client's copy is for the client to keep and read
        else:
            form.addRow("File &password", self.password)
        lay.addLayout(form)
        self.error = error_label(self, "safetyExportError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "safetyExportBusy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("safetyExportButton")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("safetyExportCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the safety plan as", self.path_edit.text(), "Word document (*.docx)"
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
        password = self.password.text() or None
        show_error(self.error, "")
        self._set_busy(True)
        ws, plan_id = self.ws, self.plan_id
        client_copy = self.client_copy

        def export() -> Path:
            if client_copy:
                return Path(ws.exports.export_client_copy(plan_id, out))
            return Path(ws.exports.export_safety_plan(plan_id, out, password=password))

        run_in_background(
            export,
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
