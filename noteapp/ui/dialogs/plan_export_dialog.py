"""Export a signed plan version to Word (signed and verifiable like a note, with the client
acknowledgement block), optionally with a file password; written on a worker thread."""

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


class PlanExportDialog(QDialog):
    """`exported(Path)` fires once the file is written."""

    exported = Signal(object)

    def __init__(self, ws: Any, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planExportDialog")
        self.setWindowTitle("Export treatment plan")
        self.ws = ws
        self.plan_id = plan_id
        plan = ws.plans.get(plan_id)
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Version {plan.version} of the plan as a Word document, with its signature "
                "block and the client's acknowledgement. A supervisor can verify it like a "
                "signed note.",
                self,
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        # No client data in default file names (PHI hygiene): the version only.
        self.path_edit = QLineEdit(str(documents_dir() / f"treatment-plan-v{plan.version}.docx"))
        self.path_edit.setObjectName("planExportPathEdit")
        self.path_edit.setAccessibleName("Save as")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setObjectName("planExportBrowseButton")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("&Save as", row)
        self.password = QLineEdit(self)
        self.password.setObjectName("planExportPasswordEdit")
        self.password.setAccessibleName("File password (optional)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"optional, at least {MIN_EXPORT_PASSWORD} characters")
        form.addRow("File &password", self.password)
        lay.addLayout(form)
        self.error = error_label(self, "planExportError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "planExportBusy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("planExportButton")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("planExportCancelButton")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the plan as", self.path_edit.text(), "Word document (*.docx)"
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
        run_in_background(
            lambda: ws.exports.export_plan(plan_id, out, password=password),
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
