"""First run: create a vault, open the demo vault, or open an existing vault."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCommandLinkButton, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from noteapp.ui.resources import icon
from noteapp.ui.widgets.layout import body_label, centered_card, icon_label, title_label
from noteapp.ui.widgets.progress_panel import ProgressPanel


class WelcomeView(QWidget):
    create_requested = Signal()
    demo_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeView")
        card = QFrame(self)
        lay = QVBoxLayout(card)
        lay.setSpacing(12)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(icon_label(card, icon("noteapp"), 48))
        head.addWidget(title_label("Welcome to noteapp", card), 1)
        lay.addLayout(head)
        lay.addWidget(
            body_label(
                "Your notes stay on this computer, in a vault encrypted with a passphrase "
                "only you know. Nothing is sent anywhere.",
                card,
            )
        )
        lay.addSpacing(8)
        self.create_button = QCommandLinkButton(
            "Create a new vault",
            "Start fresh: choose a passphrase, then set up your profile.",
            card,
        )
        self.create_button.setObjectName("createVaultButton")
        self.create_button.setAccessibleName("Create a new vault")
        self.create_button.setDefault(True)
        self.demo_button = QCommandLinkButton(
            "Open the demo vault",
            "Look around with invented clients first. Nothing you do there is real.",
            card,
        )
        self.demo_button.setObjectName("openDemoButton")
        self.demo_button.setAccessibleName("Open the demo vault")
        self.open_button = QCommandLinkButton(
            "Open an existing vault…",
            "A vault file you already have, or a copy from a backup.",
            card,
        )
        self.open_button.setObjectName("openExistingButton")
        self.open_button.setAccessibleName("Open an existing vault")
        for button in (self.create_button, self.demo_button, self.open_button):
            lay.addWidget(button)
        self.create_button.clicked.connect(self.create_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.busy = body_label("", card, "welcomeStatus")
        lay.addWidget(self.busy)
        # Creating the demo vault (a few seconds): counted, and it may be cancelled.
        self.progress = ProgressPanel(card, "welcomeProgress", cancellable=True)
        lay.addWidget(self.progress)
        centered_card(self, card)
        self.setTabOrder(self.create_button, self.demo_button)
        self.setTabOrder(self.demo_button, self.open_button)

    def set_busy(self, busy: bool, message: str = "") -> None:
        """While the demo vault opens: the choices disabled. `message` (e.g. why it
        failed) is shown under them."""
        self.busy.setText(message)
        for button in (self.create_button, self.demo_button, self.open_button):
            button.setEnabled(not busy)
