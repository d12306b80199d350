"""Sign a safety-plan version: what still stops it, the passphrase (when the setting asks for
it), then signing on a worker thread (the passphrase check runs Argon2)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.signatures import SignedItem
from noteapp.ui.dialogs.plan_sign_dialog import passphrase_edit
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


class SafetyPlanSignDialog(QDialog):
    """`signed(SignedItem)` fires once the version is signed and locked."""

    signed = Signal(object)

    def __init__(self, ws: Any, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyPlanSignDialog")
        self.setWindowTitle("Sign safety plan")
        self.ws = ws
        self.plan_id = plan_id
        plan = ws.safety_plans.get(plan_id)
        self.problems = list(ws.safety_plans.validate_for_signing(plan))
        self.needs_passphrase = bool(ws.settings.get().confirm_passphrase_to_sign)
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Signing locks version {plan.version} of this safety plan. Later changes make "
                "a new version; this one is kept as signed.",
                self,
            )
        )
        self.problem_label = body_label("", self, "safetySignProblemLabel")
        lay.addWidget(self.problem_label)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("safetySignProblemList")
        self.problem_list.setAccessibleName("What still stops signing")
        for text in self.problems:
            row = QListWidgetItem("✗  " + text)
            row.setForeground(Qt.GlobalColor.darkRed)
            self.problem_list.addItem(row)
        self.problem_list.setVisible(bool(self.problems))
        self.problem_list.setMaximumHeight(160)
        lay.addWidget(self.problem_list)
        if self.problems:
            n = len(self.problems)
            self.problem_label.setText(
                f"✗ {n} thing{'s' if n != 1 else ''} to add before this plan can be signed:"
            )
            self.problem_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        else:
            self.problem_label.setText("✓ The safety plan has everything a signed plan needs.")
            self.problem_label.setStyleSheet("color: #1e6b34; font-weight: bold;")
        form = QFormLayout()
        self.passphrase = passphrase_edit(self, "safetySignPassphraseEdit")
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, "safetySignError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "safetySignBusy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign and lock", self)
        self.sign_button.setObjectName("safetySignAndLockButton")
        self.sign_button.setAccessibleName("Sign and lock")
        self.sign_button.setDefault(True)
        self.sign_button.setEnabled(not self.problems)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("safetySignCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        if self.problems:
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            return
        show_error(self.error, "")
        self._set_busy(True)
        ws, plan_id = self.ws, self.plan_id
        run_in_background(
            lambda: ws.safety_plans.sign(plan_id, passphrase=passphrase),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.sign_button, self.cancel_button, self.passphrase):
            w.setEnabled(not busy)

    def _done(self, item: SignedItem) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.signed.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
