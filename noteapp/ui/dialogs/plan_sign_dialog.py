"""Sign a version of a treatment plan or a safety plan: what still stops it, the passphrase
(when the setting asks for it), then signing on a worker thread (the check runs Argon2)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.signatures import SignedItem
from noteapp.ui import theme
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


def passphrase_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName("Your passphrase")
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText("Your vault passphrase, to confirm it is you")
    return edit


class VersionSignDialog(EditingDialog):
    """Signs one version of a versioned document through `service` (get /
    validate_for_signing / sign). `signed(SignedItem)` fires once it is signed and locked."""

    signed = Signal(object)

    def __init__(
        self,
        ws: Any,
        service: Any,
        plan_id: str,
        *,
        noun: str,
        prefix: str,
        dialog_name: str,
        title: str,
        verb: str = "fix",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(dialog_name)
        self.setWindowTitle(title)
        self.ws = ws
        self._service = service
        self.plan_id = plan_id
        plan = service.get(plan_id)
        self.problems = list(service.validate_for_signing(plan))
        self.needs_passphrase = bool(ws.settings.get().confirm_passphrase_to_sign)
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Signing locks version {plan.version} of this {noun}. Later changes make a new "
                "version; this one is kept as signed.",
                self,
            )
        )
        self.problem_label = body_label("", self, f"{prefix}ProblemLabel")
        lay.addWidget(self.problem_label)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName(f"{prefix}ProblemList")
        self.problem_list.setAccessibleName("What still stops signing")
        self.problem_list.setItemDelegate(theme.ToneDelegate(self.problem_list))
        bold = self.problem_label.font()
        bold.setBold(True)
        self.problem_label.setFont(bold)
        for text in self.problems:
            row = QListWidgetItem("✗  " + text[:1].upper() + text[1:])
            theme.set_item_tone(row, "danger_text")
            self.problem_list.addItem(row)
        self.problem_list.setVisible(bool(self.problems))
        self.problem_list.setMaximumHeight(160)
        lay.addWidget(self.problem_list)
        if self.problems:
            n = len(self.problems)
            self.problem_label.setText(
                f"✗ {n} thing{'s' if n != 1 else ''} to {verb} before this plan can be signed:"
            )
            theme.set_tone(self.problem_label, "danger")
        else:
            self.problem_label.setText(f"✓ The {noun} has everything a signed plan needs.")
            theme.set_tone(self.problem_label, "success")
        form = QFormLayout()
        self.passphrase = passphrase_edit(self, f"{prefix}PassphraseEdit")
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, f"{prefix}Error")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, f"{prefix}Busy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign and lock", self)
        self.sign_button.setObjectName(f"{prefix}AndLockButton")
        self.sign_button.setAccessibleName("Sign and lock")
        self.submit_on_enter(self.passphrase, self.sign_button)
        self.sign_button.setEnabled(not self.problems)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{prefix}CancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_content(self, 560)

    def submit(self) -> None:
        if self.problems:
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            return
        show_error(self.error, "")
        self._set_busy(True)
        service, plan_id = self._service, self.plan_id
        run_in_background(
            lambda: service.sign(plan_id, passphrase=passphrase),
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


class PlanSignDialog(VersionSignDialog):
    def __init__(self, ws: Any, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ws,
            ws.plans,
            plan_id,
            noun="plan",
            prefix="planSign",
            dialog_name="planSignDialog",
            title="Sign treatment plan",
            parent=parent,
        )
