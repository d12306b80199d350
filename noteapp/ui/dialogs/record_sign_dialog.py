"""Sign a referral letter or an incident report: what still stops it, the passphrase (when
the setting asks for it), then signing on a worker thread (the check runs Argon2). Once
signed, what it says is fixed; later facts are added as signed addenda."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.dialogs.plan_sign_dialog import passphrase_edit
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.theme import set_tone
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


class RecordSignDialog(EditingDialog):
    """`sign(passphrase)` signs; `signed(item)` fires when it did."""

    signed = Signal(object)

    def __init__(
        self,
        *,
        name: str,
        title: str,
        intro: str,
        problems: Sequence[str],
        needs_passphrase: bool,
        sign: Callable[[str | None], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._sign = sign
        self.problems = list(problems)
        self.needs_passphrase = needs_passphrase
        lay = QVBoxLayout(self)
        lay.addWidget(body_label(intro, self, f"{name}Intro"))
        if self.problems:
            what = "\n".join(f"✗  {p}" for p in self.problems)
            missing = body_label(f"Before it can be signed:\n{what}", self, f"{name}Problems")
            set_tone(missing, "danger")
            bold = missing.font()
            bold.setBold(True)
            missing.setFont(bold)
            lay.addWidget(missing)
        form = QFormLayout()
        self.passphrase = passphrase_edit(self, f"{name}PassphraseEdit")
        if needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, f"{name}Error")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, f"{name}Busy")
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign and lock", self)
        self.sign_button.setObjectName(f"{name}SignButton")
        self.sign_button.setAccessibleName("Sign and lock")
        self.sign_button.setEnabled(not self.problems)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{name}CancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.submit_on_enter(self.passphrase, self.sign_button)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_content(self, 540)

    def submit(self) -> None:
        if self.problems:
            return
        passphrase = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            return
        show_error(self.error, "")
        self._busy(True)
        sign = self._sign
        run_in_background(
            lambda: sign(passphrase), on_done=self._done, on_error=self._failed, parent=self
        )

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.sign_button, self.cancel_button, self.passphrase):
            w.setEnabled(not busy)

    def _done(self, item: object) -> None:
        self._busy(False)
        self.passphrase.clear()
        self.signed.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
