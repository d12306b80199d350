"""The one top-level window; its content is swapped between first run, lock screen and work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from noteapp.ui.screen_fit import fit_to_screen

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
        # Small laptop screens (1280×720, 1366×768, 2× scale): inside the usable area.
        self.setMinimumSize(820, 560)
        fit_to_screen(self, 1440, 900)

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
