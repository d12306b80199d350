"""Settings → Security: auto-lock, passphrase, and "remember on this device"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.change_passphrase_dialog import ChangePassphraseDialog
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import (
    body_label,
    error_label,
    show_error,
    show_text,
    status_label,
)


@dataclass(frozen=True)
class KeychainControls:
    """The keychain as this page sees it (built by the composition root from the workspace)."""

    available: bool
    reason: str
    remembered: bool
    remember: Callable[[], None]
    forget: Callable[[], None]


class SettingsSecurityPage(QWidget):
    def __init__(
        self,
        settings: SettingsService,
        *,
        change_passphrase: Callable[[str, str], None],
        keychain: KeychainControls,
        on_auto_lock_changed: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsSecurityPage")
        self._settings = settings
        self._change = change_passphrase
        self._keychain = keychain
        self._on_auto_lock = on_auto_lock_changed

        lock_box = QGroupBox("Automatic lock", self)
        form = QFormLayout(lock_box)
        self.auto_lock = QSpinBox(lock_box)
        self.auto_lock.setObjectName("autoLockMinutesSpin")
        self.auto_lock.setAccessibleName("Lock after this many idle minutes")
        self.auto_lock.setRange(0, 240)
        self.auto_lock.setSuffix(" min")
        self.auto_lock.setSpecialValueText("Never (not recommended)")
        self.auto_lock.setValue(settings.get().auto_lock_minutes)
        self.auto_lock.setMaximumWidth(240)
        form.addRow("Lock after idle for", self.auto_lock)
        form.addRow(
            body_label(
                "noteapp locks itself when you step away, so nobody passing by sees a chart.",
                lock_box,
            )
        )
        self.lock_status = status_label(lock_box, "autoLockStatus")
        form.addRow(self.lock_status)
        self.auto_lock.editingFinished.connect(self._save_auto_lock)
        self.auto_lock.valueChanged.connect(lambda _v: self._save_auto_lock())

        pass_box = QGroupBox("Passphrase", self)
        pass_outer = QVBoxLayout(pass_box)
        pass_lay = QHBoxLayout()
        pass_outer.addLayout(pass_lay)
        pass_lay.addWidget(
            body_label("Change it if you think someone may have seen it.", pass_box), 1
        )
        self.pass_status = status_label(pass_box, "changePassphraseStatus")
        pass_outer.addWidget(self.pass_status)
        self.change_button = QPushButton("Change passphrase…", pass_box)
        self.change_button.setObjectName("changePassphraseButton")
        self.change_button.setAccessibleName("Change passphrase")
        self.change_button.clicked.connect(self.open_change_dialog)
        pass_lay.addWidget(self.change_button)

        device_box = QGroupBox("This device", self)
        device_lay = QVBoxLayout(device_box)
        self.remember = QCheckBox(
            "Remember on this device (unlock with the system keychain)", device_box
        )
        self.remember.setObjectName("settingsRememberCheck")
        self.remember.setAccessibleName("Remember on this device")
        self.remember.setChecked(keychain.remembered)
        self.keychain_note = body_label("", device_box, "keychainNote")
        if keychain.available:
            device_lay.addWidget(self.remember)
            self.keychain_note.setText(
                "Your passphrase and recovery key keep working. Turn this off on a shared computer."
            )
            self.remember.toggled.connect(self._toggle_remember)
        else:
            self.remember.hide()
            self.keychain_note.setText(
                (keychain.reason or "No secure keychain is available on this computer.")
                + " You will type your passphrase to unlock."
            )
        device_lay.addWidget(self.keychain_note)
        self.device_error = error_label(device_box, "keychainError")
        device_lay.addWidget(self.device_error)

        lay = QVBoxLayout(self)
        lay.setSpacing(16)
        lay.addWidget(lock_box)
        lay.addWidget(pass_box)
        lay.addWidget(device_box)
        lay.addStretch(1)
        self.dialog: ChangePassphraseDialog | None = None

    def _save_auto_lock(self) -> None:
        minutes = self.auto_lock.value()
        if minutes == self._settings.get().auto_lock_minutes:
            return
        try:
            self._settings.update(auto_lock_minutes=minutes)
        except NoteappError as exc:
            show_text(self.lock_status, message_for(exc))
            return
        self._on_auto_lock(minutes)
        show_text(
            self.lock_status,
            "Saved." if minutes else "Saved. noteapp will only lock when you press Ctrl+L.",
        )

    def open_change_dialog(self) -> None:
        self.dialog = ChangePassphraseDialog(self._change, self)
        self.dialog.accepted.connect(
            lambda: show_text(self.pass_status, "Passphrase changed. Use the new one next time.")
        )
        self.dialog.open()

    def _toggle_remember(self, on: bool) -> None:
        try:
            if on:
                self._keychain.remember()
            else:
                self._keychain.forget()
        except NoteappError as exc:
            show_error(self.device_error, message_for(exc))
            self.remember.blockSignals(True)
            self.remember.setChecked(not on)
            self.remember.blockSignals(False)
            return
        show_error(self.device_error, "")
