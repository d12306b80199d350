"""First run, step 2: the recovery key, shown once, to copy, save or print."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.paper import system_paper_size
from noteapp.ui.widgets.job_document import page_size
from noteapp.ui.widgets.layout import (
    body_label,
    centered_card,
    show_text,
    status_label,
    title_label,
)

try:  # QtPrintSupport ships with PySide6-Essentials, but a trimmed build may lack it
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    PRINT_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on the installed wheel
    PRINT_AVAILABLE = False


def grouped(key: str) -> str:
    """The key in groups of four, four groups a line, easy to read aloud and write down."""
    chars = re.sub(r"[\s-]", "", key)
    groups = [chars[i : i + 4] for i in range(0, len(chars), 4)]
    lines = [" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)]
    return "\n".join(lines)


def write_private_file(path: Path, text: str) -> None:
    """Owner-only (0600) from the first byte: the key must not be readable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


class RecoveryKeyView(QWidget):
    continue_requested = Signal()

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyView")
        self._key = recovery_key
        card = QFrame(self)
        lay = QVBoxLayout(card)
        lay.setSpacing(12)
        lay.addWidget(title_label("Your recovery key", card))
        lay.addWidget(
            body_label(
                "If you ever forget your passphrase, this key is the only way back into "
                "your records. It is shown only now. Print it or write it down, and keep it "
                "somewhere safe and separate from this computer — for example with your "
                "practice's emergency records.",
                card,
            )
        )
        self.key_label = QLabel(grouped(recovery_key), card)
        self.key_label.setObjectName("recoveryKeyLabel")
        self.key_label.setAccessibleName("Recovery key")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setMargin(16)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(mono.pointSize() + 6)
        mono.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(mono)
        lay.addWidget(self.key_label)

        actions = QHBoxLayout()
        self.copy_button = QPushButton("Copy", card)
        self.copy_button.setObjectName("copyRecoveryKeyButton")
        self.copy_button.setAccessibleName("Copy the recovery key")
        self.save_button = QPushButton("Save to file…", card)
        self.save_button.setObjectName("saveRecoveryKeyButton")
        self.save_button.setAccessibleName("Save the recovery key to a file")
        self.print_button = QPushButton("Print…", card)
        self.print_button.setObjectName("printRecoveryKeyButton")
        self.print_button.setAccessibleName("Print the recovery key")
        self.print_button.setVisible(PRINT_AVAILABLE)
        for b in (self.copy_button, self.save_button, self.print_button):
            actions.addWidget(b)
        actions.addStretch(1)
        lay.addLayout(actions)
        self.status = status_label(card, "recoveryKeyStatus")
        lay.addWidget(self.status)

        self.stored_check = QCheckBox("I have stored the recovery key somewhere safe", card)
        self.stored_check.setObjectName("recoveryKeyStoredCheck")
        self.stored_check.setAccessibleName("I have stored the recovery key somewhere safe")
        lay.addWidget(self.stored_check)
        row = QHBoxLayout()
        row.addStretch(1)
        self.continue_button = QPushButton("Continue", card)
        self.continue_button.setObjectName("recoveryKeyContinueButton")
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setEnabled(False)
        self.continue_button.setDefault(True)
        row.addWidget(self.continue_button)
        lay.addLayout(row)
        centered_card(self, card, width=620)

        self.stored_check.toggled.connect(self.continue_button.setEnabled)
        self.copy_button.clicked.connect(self._copy)
        self.save_button.clicked.connect(self._save)
        self.print_button.clicked.connect(self._print)
        self.continue_button.clicked.connect(self._continue)

    def _text_for_paper(self) -> str:
        return (
            "noteapp recovery key\n\n"
            f"{grouped(self._key)}\n\n"
            "Use it with “Forgot passphrase? Use recovery key” on the unlock screen.\n"
            "Keep it somewhere safe, away from the computer.\n"
        )

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._key)
        show_text(
            self.status,
            "Copied. Paste it into your password manager, then copy something else "
            "so it does not stay on the clipboard.",
        )

    def _save(self) -> None:
        file, _ = QFileDialog.getSaveFileName(
            self,
            "Save the recovery key",
            str(Path.home() / "noteapp-recovery-key.txt"),
            "Text files (*.txt)",
        )
        if not file:
            return
        try:
            write_private_file(Path(file), self._text_for_paper())
        except OSError:
            show_text(self.status, "The file could not be saved there. Choose another folder.")
            return
        show_text(self.status, f"Saved to {file} (readable only by you).")

    def _print(self) -> None:
        if not PRINT_AVAILABLE:
            return
        printer = QPrinter()
        # A new vault has no paper-size setting yet: the computer's region decides.
        printer.setPageSize(page_size(system_paper_size()))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("recoveryKeyPrintDialog")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setPlainText(self._text_for_paper())
        doc.print_(printer)
        show_text(self.status, "Sent to the printer.")

    def _continue(self) -> None:
        if not self.stored_check.isChecked():
            return
        self.forget_key()
        self.continue_requested.emit()

    def forget_key(self) -> None:
        """Drop the key from the screen once the user moved on."""
        self._key = ""
        self.key_label.clear()
