"""Layout helpers shared by the full-window pages (welcome, unlock, first run)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui import theme


def centered_card(page: QWidget, card: QWidget, width: int = 560) -> None:
    """Put `card` in the middle of `page`, at a readable width, whatever the window size."""
    card.setMaximumWidth(width)
    card.setMinimumWidth(min(width, 420))
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 10)
    row.addStretch(1)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(24, 24, 24, 24)
    outer.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)


def title_label(text: str, parent: QWidget, *, size_delta: int = 6) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # titles may hold client names: never markup
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def body_label(text: str, parent: QWidget, name: str = "", *, rich: bool = False) -> QLabel:
    """Plain text unless `rich`: text with client data must never be read as markup."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def error_label(parent: QWidget, name: str) -> QLabel:
    """An inline message (not a popup) for errors, hidden while empty."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName("Error message")
    label.setProperty("role", "error")
    # No palette role means "error": the theme's danger colour, checked in every scheme.
    theme.set_tone(label, "danger")
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    """Set an inline message; the label takes no space while empty."""
    label.setText(text)
    label.setVisible(bool(text))


show_text = show_error


def status_label(parent: QWidget, name: str) -> QLabel:
    """A status sentence (e.g. "Saved."), hidden while empty."""
    label = body_label("", parent, name)
    label.hide()
    return label


def icon_label(parent: QWidget, icon: QIcon, size: int = 40) -> QLabel:
    label = QLabel(parent)
    label.setPixmap(icon.pixmap(size, size))
    label.setFixedSize(size, size)
    return label


def scroll_area(inner: QWidget, name: str, parent: QWidget | None = None) -> QScrollArea:
    """`inner` in a frameless scroll area that resizes it: content that can grow scrolls
    rather than running off a laptop screen (or being drawn over its neighbours).

    `inner` must have its layout already: Qt sizes a scroll area's widget from the layout it
    has when it is set, and one added later leaves it squeezed or unseen."""
    area = QScrollArea(parent)
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


def busy_bar(parent: QWidget, name: str) -> QProgressBar:
    """An indeterminate progress bar shown while a worker runs."""
    bar = QProgressBar(parent)
    bar.setObjectName(name)
    bar.setAccessibleName("Working")
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(6)
    bar.hide()
    return bar


def named_button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    """A button with its objectName (tests) and accessible name (screen readers) set."""
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


def passphrase_row(form: QFormLayout, parent: QWidget, name: str, *, needed: bool) -> QLineEdit:
    """The "confirm with your passphrase" field of a signing dialog: a form row when the
    settings ask for it (`confirm_passphrase_to_sign`), else a hidden field."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName("Your passphrase")
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if needed:
        form.addRow("&Passphrase", edit)
    else:
        edit.hide()
    return edit
