"""Change the vault passphrase: the current one, then the new one twice (KDF off-thread)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.widgets.passphrase_pair import PassphrasePair
from noteapp.ui.workers import run_in_background


class ChangePassphraseDialog(QDialog):
    """`change(current, new)` runs on a worker thread; raises WrongSecretError if wrong."""

    def __init__(self, change: Callable[[str, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePassphraseDialog")
        self.setWindowTitle("Change passphrase")
        self._change = change
        lay = QVBoxLayout(self)
        lay.setSpacing(12)
        lay.addWidget(
            body_label(
                "Your records stay as they are; only the lock on them changes. "
                "The recovery key keeps working.",
                self,
            )
        )
        self.current = QLineEdit(self)
        self.current.setObjectName("currentPassphraseEdit")
        self.current.setAccessibleName("Current passphrase")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.pair = PassphrasePair(self, prefix="change", label="&New passphrase")
        self.pair.insert_row("&Current passphrase", self.current)
        lay.addWidget(self.pair)
        self.error = error_label(self, "changePassphraseError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "changePassphraseBusy")
        lay.addWidget(self.busy)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Change passphrase")
        ok.setObjectName("changePassphraseOkButton")
        ok.setAccessibleName("Change passphrase")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("changePassphraseCancelButton")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        fit_to_content(self, 520)

    def _submit(self) -> None:
        if not self.current.text():
            show_error(self.error, "Type your current passphrase.")
            return
        problem = self.pair.problem()
        if problem:
            show_error(self.error, problem)
            return
        if self.pair.passphrase() == self.current.text():
            show_error(self.error, "The new passphrase is the same as the current one.")
            return
        current, new = self.current.text(), self.pair.passphrase()
        self._set_busy(True)
        run_in_background(
            lambda: self._change(current, new),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.buttons, self.current, self.pair):
            w.setEnabled(not busy)

    def _done(self, _result: object) -> None:
        self._set_busy(False)
        self.current.clear()
        self.pair.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.current.clear()
        show_error(self.error, message_for(exc))
