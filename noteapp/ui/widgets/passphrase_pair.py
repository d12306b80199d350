"""A new passphrase typed twice, with a live strength hint and the minimum length."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from noteapp.domain.passphrase import estimate
from noteapp.services.workspace import MIN_PASSPHRASE_LENGTH


class PassphrasePair(QWidget):
    """Emits `changed` on every keystroke; `problem()` says what is still wrong, if anything."""

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, prefix: str = "new", label: str = "&Passphrase"
    ) -> None:
        super().__init__(parent)
        self.first = QLineEdit(self)
        self.first.setObjectName(f"{prefix}PassphraseEdit")
        self.first.setAccessibleName("New passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText(f"At least {MIN_PASSPHRASE_LENGTH} characters")
        self.second = QLineEdit(self)
        self.second.setObjectName(f"{prefix}PassphraseRepeatEdit")
        self.second.setAccessibleName("Repeat the new passphrase")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar(self)
        self.meter.setObjectName(f"{prefix}PassphraseStrengthMeter")
        self.meter.setAccessibleName("Passphrase strength")
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setMaximumHeight(14)
        self.hint = QLabel(self)
        self.hint.setObjectName(f"{prefix}PassphraseHint")
        self.hint.setWordWrap(True)
        self.match = QLabel(self)
        self.match.setObjectName(f"{prefix}PassphraseMatch")
        self.match.setWordWrap(True)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.form = form
        form.addRow(label, self.first)
        strength = QVBoxLayout()
        strength.setSpacing(4)
        strength.addWidget(self.meter)
        strength.addWidget(self.hint)
        form.addRow("Strength", strength)
        form.addRow("&Repeat", self.second)
        form.addRow("", self.match)
        self.setLayout(form)
        # Wired here, not in insert_row(): the create-vault screen never inserts a row, and
        # its meter and match line must follow the typing too.
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def insert_row(self, label: str, widget: QWidget) -> None:
        """Put another field (current passphrase, recovery key) in the same aligned form."""
        self.form.insertRow(0, label, widget)

    def _update(self) -> None:
        text = self.first.text()
        strength = estimate(text)
        self.meter.setValue(strength.score if text else 0)
        self.meter.setFormat(strength.label if text else "")
        self.hint.setText(strength.hint)
        repeat = self.second.text()
        if repeat and repeat != text:
            self.match.setText("The two passphrases are not the same yet.")
        elif repeat and repeat == text:
            self.match.setText("The two passphrases match.")
        else:
            self.match.setText("")
        self.changed.emit()

    def passphrase(self) -> str:
        return self.first.text()

    def problem(self) -> str:
        """Empty when the passphrase can be used; otherwise one sentence saying why not."""
        text = self.first.text()
        if len(text) < MIN_PASSPHRASE_LENGTH:
            return f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters."
        if self.second.text() != text:
            return "Type the same passphrase twice."
        return ""

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
