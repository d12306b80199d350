"""The one top-level window; its content is swapped between first run, lock screen and work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

LOCKED_TITLE = "noteapp — Locked"


class ShellWindow(QMainWindow):
    def __init__(self, on_close: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.setObjectName("shellWindow")
        self.setWindowTitle("noteapp")
        self._on_close = on_close
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("shellStack")
        self.setCentralWidget(self.stack)
        self.resize(1200, 780)
        screen = self.screen()
        if screen is not None:  # small laptop screens: stay inside the usable area
            avail = screen.availableGeometry()
            self.resize(min(1200, int(avail.width() * 0.95)), min(780, int(avail.height() * 0.92)))
        self.setMinimumSize(820, 560)

    def page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def set_page(self, widget: QWidget, *, title: str = "noteapp") -> None:
        """Show `widget`; the previous page is hidden at once and destroyed."""
        old = self.stack.currentWidget()
        self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self.setWindowTitle(title)
        if old is not None and old is not widget:
            old.hide()
            self.stack.removeWidget(old)
            old.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._on_close is not None:
            self._on_close()
        super().closeEvent(event)
