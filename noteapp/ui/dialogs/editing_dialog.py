"""The base of every window and dialog where a clinician types: no keystroke commits or
discards their text.

Qt's QDialog makes the first "auto-default" push button the default one, and Enter pressed
in any single-line field (a QLineEdit, a time or date edit, a combo box) clicks it. In the
note window that button was Undo, which erased the section just typed — and autosave then
kept the blank. Here:

- no push button is default or auto-default;
- Enter in a single-line field moves to the next field, as in a paper-like form;
- Enter on a focused push button presses it (the user chose that button);
- Enter in the one field given to `submit_on_enter` (a passphrase box) presses its button,
  the convention for "type the passphrase, press Enter";
- Escape does not close a dialog that holds typed, unsaved text (Cancel does), unless the
  dialog keeps its text when it closes (the note window saves on close).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QWidget,
)

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def clear_default_buttons(root: QWidget) -> None:
    """No push button under `root` is clicked by an Enter meant for another widget."""
    for button in root.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


def typed_text(root: QWidget) -> bool:
    """True when an editable text field under `root` holds text the user changed."""
    for line in root.findChildren(QLineEdit):
        if (
            line.isModified()
            and line.text().strip()
            and not line.isReadOnly()
            and line.echoMode() == QLineEdit.EchoMode.Normal
        ):
            return True
    edits: list[QPlainTextEdit | QTextEdit] = [
        *root.findChildren(QPlainTextEdit),
        *root.findChildren(QTextEdit),
    ]
    return any(
        not e.isReadOnly() and e.document().isModified() and e.toPlainText().strip() for e in edits
    )


class EditingDialog(QDialog):
    """A QDialog whose keyboard never commits or discards what was typed (see module doc)."""

    # The note window saves when it closes, so Escape may close it.
    keeps_text_on_close = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit_fields: list[tuple[QLineEdit, QPushButton]] = []

    def submit_on_enter(self, field: QLineEdit, button: QPushButton) -> None:
        """Enter in `field` (and only there) presses `button`."""
        self._submit_fields.append((field, button))

    def showEvent(self, event: QShowEvent) -> None:
        # QDialogButtonBox makes its first accept button default when it is shown, and
        # QDialog picks an auto-default button right after: clear both, every time.
        clear_default_buttons(self)
        super().showEvent(event)
        clear_default_buttons(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if event.key() in _ENTER and plain:
            self._enter(self.focusWidget())
            event.accept()
            return
        escape = event.key() == Qt.Key.Key_Escape and plain
        if escape and not self.keeps_text_on_close and typed_text(self):
            event.accept()  # Cancel still closes; a stray Escape does not discard
            return
        super().keyPressEvent(event)

    def _enter(self, focus: QWidget | None) -> None:
        if focus is None:
            return
        for field, button in self._submit_fields:
            if field is focus:
                if button.isEnabled() and button.isVisible():
                    button.click()
                return
        if isinstance(focus, (QPushButton, QToolButton)):
            if focus.isEnabled():
                focus.click()
            return
        if isinstance(focus, (QLineEdit, QAbstractSpinBox, QComboBox)):
            self.focusNextChild()
