"""Banners across the top of a page: information, and warnings the user must acknowledge."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """A framed sentence, optionally with a button that acknowledges and hides it.

    Colours come from the palette (Highlight / ToolTip roles), so light and dark themes both
    stay readable.
    """

    acknowledged = Signal()

    def __init__(
        self,
        text: str,
        *,
        object_name: str,
        warning: bool = False,
        button_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        pal = self.palette()
        base = pal.color(
            QPalette.ColorRole.ToolTipBase if warning else QPalette.ColorRole.AlternateBase
        )
        pal.setColor(QPalette.ColorRole.Window, base)
        pal.setColor(
            QPalette.ColorRole.WindowText,
            pal.color(QPalette.ColorRole.ToolTipText if warning else QPalette.ColorRole.Text),
        )
        self.setPalette(pal)
        self.label = QLabel(text, self)
        self.label.setObjectName(object_name + "Text")
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        icon = QLabel("⚠" if warning else "ℹ", self)
        icon.setAccessibleName("Warning" if warning else "Information")
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            self.button.setObjectName(object_name + "Button")
            self.button.setAccessibleName(button_text)
            self.button.clicked.connect(self._acknowledge)
            layout.addWidget(self.button)
        self.setAccessibleName(text)

    def _acknowledge(self) -> None:
        self.hide()
        self.acknowledged.emit()
