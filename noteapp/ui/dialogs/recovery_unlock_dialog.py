"""Forgot the passphrase: unlock with the recovery key and choose a new passphrase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.widgets.passphrase_pair import PassphrasePair
from noteapp.ui.workers import run_in_background


class RecoveryUnlockDialog(QDialog):
    """`reset(recovery_key, new_passphrase)` runs off the GUI thread and returns a workspace."""

    unlocked = Signal(object)

    def __init__(self, reset: Callable[[str, str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryUnlockDialog")
        self.setWindowTitle("Unlock with the recovery key")
        self._reset = reset
        lay = QVBoxLayout(self)
        lay.setSpacing(12)
        lay.addWidget(
            body_label(
                "Type the recovery key you stored when the vault was created (spaces and "
                "dashes do not matter), then choose a new passphrase. The old passphrase "
                "stops working.",
                self,
            )
        )
        self.key = QLineEdit(self)
        self.key.setObjectName("recoveryKeyEdit")
        self.key.setAccessibleName("Recovery key")
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.setMinimumWidth(420)
        self.pair = PassphrasePair(self, prefix="recoveryNew", label="&New passphrase")
        self.pair.insert_row("Recovery &key", self.key)
        lay.addWidget(self.pair)
        self.error = error_label(self, "recoveryUnlockError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "recoveryUnlockBusy")
        lay.addWidget(self.busy)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("recoveryUnlockButtons")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Unlock and set passphrase")
        ok.setObjectName("recoveryUnlockOkButton")
        ok.setAccessibleName("Unlock and set the new passphrase")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("recoveryUnlockCancelButton")
        cancel.setAccessibleName("Cancel")
        lay.addWidget(self.buttons)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def _submit(self) -> None:
        key = self.key.text().strip()
        if not key:
            show_error(self.error, "Type the recovery key.")
            return
        problem = self.pair.problem()
        if problem:
            show_error(self.error, problem)
            return
        self._set_busy(True)
        passphrase = self.pair.passphrase()
        run_in_background(
            lambda: self._reset(key, passphrase),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.buttons.setEnabled(not busy)
        self.key.setEnabled(not busy)
        self.pair.setEnabled(not busy)

    def _done(self, ws: object) -> None:
        self._set_busy(False)
        self.pair.clear()
        self.key.clear()
        self.unlocked.emit(ws)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error, message_for(exc))
