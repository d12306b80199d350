"""The base of every dialog that signs something: the passphrase (when Settings asks for it
on signing), an inline error, a busy bar, the confirm and Cancel buttons, and the signing
call on a worker thread (the passphrase check runs Argon2, about a second).

Used by the seven signing dialogs: note sign, correction, treatment-plan sign, safety-plan
sign, plan review, plan acknowledgement, and a referral letter or incident report. A
subclass lays out its own fields, calls `add_passphrase_row(form)` and `finish(lay)` (or
`finish_signing`), and in its submit checks its fields and calls `run(work)` (or
`sign_if_ready`) with `work(passphrase)` — the service call. The passphrase is cleared after
every attempt, and never kept by this dialog beyond that call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import busy_bar, error_label, show_error
from noteapp.ui.workers import run_in_background


def passphrase_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName("Your passphrase")
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText("Your vault passphrase, to confirm it is you")
    return edit


class PassphraseDialog(EditingDialog):
    """`completed(result)` fires with the service call's result once it succeeded; the
    subclasses re-emit it under their own name (signed, added, recorded)."""

    completed = Signal(object)

    def __init__(
        self,
        settings: SettingsService,
        *,
        prefix: str,
        confirm_text: str,
        confirm_name: str,
        needs_passphrase: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.problems: list[str] = []  # what still stops signing (the subclass lists it)
        # Settings → Security may ask for the passphrase again on signing (the default).
        self.needs_passphrase = needs_passphrase and bool(settings.get().confirm_passphrase_to_sign)
        self.passphrase = passphrase_edit(self, f"{prefix}PassphraseEdit")
        self.error = error_label(self, f"{prefix}Error")
        self.busy = busy_bar(self, f"{prefix}Busy")
        self.confirm_button = QPushButton(confirm_text, self)
        self.confirm_button.setObjectName(confirm_name)
        self.confirm_button.setAccessibleName(confirm_text)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{prefix}CancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.submit_on_enter(self.passphrase, self.confirm_button)
        self.confirm_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

    def add_passphrase_row(self, form: QFormLayout) -> None:
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()

    def finish(self, lay: QVBoxLayout) -> None:
        """The error line, the busy bar and the buttons, at the bottom of `lay`."""
        lay.addWidget(self.error)
        lay.addWidget(self.busy)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        lay.addWidget(buttons)

    def finish_signing(self, lay: QVBoxLayout, width: int) -> None:
        """The passphrase row, then `finish`; the confirm button only when nothing stops
        signing; the dialog sized to its content."""
        form = QFormLayout()
        self.add_passphrase_row(form)
        lay.addLayout(form)
        self.finish(lay)
        self.confirm_button.setEnabled(not self.problems)
        fit_to_content(self, width)

    def sign_if_ready(self, work: Callable[[str | None], Any]) -> None:
        """Run `work(passphrase)` unless something stops signing or the passphrase it
        needs is empty (said under the field)."""
        if self.problems:
            return
        passphrase = self.typed_passphrase()
        if passphrase == "":
            return
        self.run(work, passphrase)

    def submit(self) -> None:
        raise NotImplementedError

    def typed_passphrase(self, missing: str = "Type your passphrase to sign.") -> str | None:
        """The passphrase to pass on (None when Settings does not ask for it); shows
        `missing` and returns "" when it is needed but empty."""
        if not self.needs_passphrase:
            return None
        if not self.passphrase.text():
            show_error(self.error, missing)
            return ""
        return self.passphrase.text()

    def run(self, work: Callable[[str | None], Any], passphrase: str | None) -> None:
        """Call `work(passphrase)` on a worker thread; the dialog is busy meanwhile."""
        show_error(self.error, "")
        self.set_busy(True)
        run_in_background(
            lambda: work(passphrase),
            on_done=self._succeeded,
            on_error=self._failed,
            parent=self,
        )

    def busy_widgets(self) -> list[QWidget]:
        """What is disabled while the call runs (subclasses add their fields)."""
        return [self.confirm_button, self.cancel_button, self.passphrase]

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in self.busy_widgets():
            w.setEnabled(not busy)

    def _succeeded(self, result: object) -> None:
        self.set_busy(False)
        self.passphrase.clear()
        self.completed.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
        if self.needs_passphrase:
            self.passphrase.setFocus()
