"""The lock screen: which vault, its passphrase, and the ways back in.

Shows no client data at all — not in the window title, not anywhere — and nothing from the
vault but its file path.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.resources import icon
from noteapp.ui.widgets.layout import (
    body_label,
    centered_card,
    error_label,
    icon_label,
    show_error,
    title_label,
)
from noteapp.ui.widgets.progress_panel import ProgressPanel
from noteapp.ui.workers import Task


class UnlockView(QWidget):
    unlock_requested = Signal(str, bool)  # passphrase, remember on this device
    keychain_unlock_requested = Signal()
    recovery_requested = Signal()
    switch_requested = Signal()

    def __init__(
        self,
        vault_path: Path,
        *,
        offer_remember: bool = False,
        offer_keychain: bool = False,
        demo_passphrase: str = "",
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockView")
        card = QFrame(self)
        lay = QVBoxLayout(card)
        lay.setSpacing(12)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(icon_label(card, icon("noteapp"), 44))
        head.addWidget(title_label("noteapp is locked", card), 1)
        lay.addLayout(head)
        self.message = body_label(message, card, "unlockMessage")
        self.message.setVisible(bool(message))
        lay.addWidget(self.message)

        where = QHBoxLayout()
        self.path_label = QLabel(str(vault_path), card)
        self.path_label.setObjectName("unlockVaultPathLabel")
        self.path_label.setWordWrap(True)
        self.path_label.setToolTip("The vault file this screen unlocks")
        self.switch_button = QPushButton("Switch vault…", card)
        self.switch_button.setObjectName("switchVaultButton")
        self.switch_button.setAccessibleName("Switch to another vault")
        where.addWidget(QLabel("Vault:", card))
        where.addWidget(self.path_label, 1)
        where.addWidget(self.switch_button)
        lay.addLayout(where)

        if demo_passphrase:
            lay.addWidget(
                body_label(
                    "This is the demo vault with invented clients only. "
                    f"Its passphrase is “{demo_passphrase}”.",
                    card,
                    "unlockDemoHint",
                )
            )

        self.passphrase = QLineEdit(card)
        self.passphrase.setObjectName("unlockPassphraseEdit")
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.setMinimumHeight(32)
        lay.addWidget(self.passphrase)
        self.error = error_label(card, "unlockError")
        lay.addWidget(self.error)

        self.remember = QCheckBox("Remember on this device (use the system keychain)", card)
        self.remember.setObjectName("rememberOnDeviceCheck")
        self.remember.setAccessibleName("Remember on this device")
        self.remember.setVisible(offer_remember)
        lay.addWidget(self.remember)
        # Unlocking: the key check (no count to give), then opening the records (counted).
        self.busy = ProgressPanel(card, "unlockBusy")
        lay.addWidget(self.busy)

        row = QHBoxLayout()
        self.recovery_button = QPushButton("Forgot passphrase? Use recovery key", card)
        self.recovery_button.setObjectName("useRecoveryKeyButton")
        self.recovery_button.setAccessibleName("Forgot passphrase? Use the recovery key")
        self.recovery_button.setFlat(True)
        row.addWidget(self.recovery_button)
        row.addStretch(1)
        self.keychain_button = QPushButton("Unlock with keychain", card)
        self.keychain_button.setObjectName("keychainUnlockButton")
        self.keychain_button.setAccessibleName("Unlock with this computer's keychain")
        self.keychain_button.setVisible(offer_keychain)
        row.addWidget(self.keychain_button)
        self.unlock_button = QPushButton("Unlock", card)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        row.addWidget(self.unlock_button)
        lay.addLayout(row)
        centered_card(self, card, width=560)

        self.passphrase.returnPressed.connect(self._unlock)
        self.unlock_button.clicked.connect(self._unlock)
        self.keychain_button.clicked.connect(self.keychain_unlock_requested)
        self.recovery_button.clicked.connect(self.recovery_requested)
        self.switch_button.clicked.connect(self.switch_requested)
        self.passphrase.textEdited.connect(lambda _t: show_error(self.error, ""))
        self.setTabOrder(self.passphrase, self.remember)
        self.setTabOrder(self.remember, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.keychain_button)
        self.setTabOrder(self.keychain_button, self.recovery_button)
        self.setTabOrder(self.recovery_button, self.switch_button)

    def _unlock(self) -> None:
        if self.busy.isVisible():
            return
        if not self.passphrase.text():
            show_error(self.error, "Type your passphrase to unlock.")
            return
        self.unlock_requested.emit(self.passphrase.text(), self.remember.isChecked())

    def set_busy(self, busy: bool, task: Task | None = None, text: str = "Unlocking…") -> None:
        """While unlocking: the fields disabled and a progress line (following `task`)."""
        if busy and task is not None:
            self.busy.start(task, "Checking the passphrase…", "Opening your records…")
        elif busy:
            self.busy.show_busy(text)
        else:
            self.busy.stop()
        for w in (
            self.passphrase,
            self.unlock_button,
            self.keychain_button,
            self.recovery_button,
            self.switch_button,
            self.remember,
        ):
            w.setEnabled(not busy)

    def show_failure(self, message: str) -> None:
        """Inline, never a popup; the passphrase is cleared so the next try starts clean."""
        self.set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message)
        self.passphrase.setFocus()

    def focus_first(self) -> None:
        self.passphrase.setFocus()
