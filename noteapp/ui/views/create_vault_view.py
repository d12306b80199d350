"""First run, step 1: where the vault lives and its passphrase."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.widgets.layout import (
    body_label,
    busy_bar,
    centered_card,
    error_label,
    show_error,
    title_label,
)
from noteapp.ui.widgets.passphrase_pair import PassphrasePair


class CreateVaultView(QWidget):
    """Emits `create_requested(path, passphrase)`; the controller runs the KDF off-thread."""

    create_requested = Signal(object, str)
    back_requested = Signal()

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createVaultView")
        self.path = default_path
        card = QFrame(self)
        lay = QVBoxLayout(card)
        lay.setSpacing(12)
        lay.addWidget(title_label("Create your vault", card))
        lay.addWidget(
            body_label(
                "Choose a passphrase you will remember. Every record is encrypted with it; "
                "noteapp cannot read your vault without it.",
                card,
            )
        )
        where = QHBoxLayout()
        self.path_label = QLabel(str(default_path), card)
        self.path_label.setObjectName("vaultLocationLabel")
        self.path_label.setWordWrap(True)
        self.path_label.setToolTip("Where the vault file will be saved")
        self.choose_button = QPushButton("Choose…", card)
        self.choose_button.setObjectName("chooseVaultLocationButton")
        self.choose_button.setAccessibleName("Choose where to save the vault")
        self.choose_button.clicked.connect(self._choose)
        where.addWidget(QLabel("Location:", card))
        where.addWidget(self.path_label, 1)
        where.addWidget(self.choose_button)
        lay.addLayout(where)
        self.pair = PassphrasePair(card)
        lay.addWidget(self.pair)
        self.error = error_label(card, "createVaultError")
        lay.addWidget(self.error)
        self.busy = busy_bar(card, "createVaultBusy")
        lay.addWidget(self.busy)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back", card)
        self.back_button.setObjectName("createVaultBackButton")
        self.back_button.setAccessibleName("Back")
        self.create_button = QPushButton("Create vault", card)
        self.create_button.setObjectName("createVaultConfirmButton")
        self.create_button.setAccessibleName("Create vault")
        self.create_button.setDefault(True)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        lay.addLayout(buttons)
        centered_card(self, card)

        self.back_button.clicked.connect(self.back_requested)
        self.create_button.clicked.connect(self._create)
        self.pair.second.returnPressed.connect(self._create)
        self.pair.changed.connect(lambda: show_error(self.error, ""))
        self.setTabOrder(self.choose_button, self.pair.first)
        self.setTabOrder(self.pair.first, self.pair.second)
        self.setTabOrder(self.pair.second, self.create_button)
        self.setTabOrder(self.create_button, self.back_button)

    def _choose(self) -> None:
        file, _ = QFileDialog.getSaveFileName(
            self, "Where should the vault be saved?", str(self.path), "noteapp vaults (*.noteapp)"
        )
        if file:
            self.set_path(Path(file) if file.endswith(".noteapp") else Path(file + ".noteapp"))

    def set_path(self, path: Path) -> None:
        self.path = path
        self.path_label.setText(str(path))

    def _create(self) -> None:
        problem = self.pair.problem()
        if problem:
            show_error(self.error, problem)
            return
        if self.path.exists():
            show_error(self.error, "A vault already exists there. Choose another location.")
            return
        self.create_requested.emit(self.path, self.pair.passphrase())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.create_button, self.back_button, self.choose_button, self.pair):
            w.setEnabled(not busy)

    def show_failure(self, message: str) -> None:
        self.set_busy(False)
        show_error(self.error, message)

    def focus_first(self) -> None:
        self.pair.first.setFocus()
