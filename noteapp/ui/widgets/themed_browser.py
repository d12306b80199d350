"""A read-only rich-text panel whose HTML takes its colours from the theme, and is drawn
again when the colour scheme changes (the OS switching to dark at sunset, or Settings →
Appearance), keeping its scroll position."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTextBrowser, QWidget

from noteapp.ui import theme


class ThemedBrowser(QTextBrowser):
    """`show_html(make)`: `make()` builds the HTML now and again after a scheme change."""

    def __init__(self, parent: QWidget | None = None, *, paper: bool = False) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._make: Callable[[], str] | None = None
        if paper:  # a document: the paper colours of the scheme (theme.style_sheet)
            self.setProperty("paper", True)
        theme.changed().connect(self._rerender)

    def show_html(self, make: Callable[[], str]) -> None:
        self._make = make
        self._render()

    def _render(self) -> None:
        if self._make is None:
            return
        bar = self.verticalScrollBar()
        keep = bar.value()
        self.setHtml(self._make())
        bar.setValue(keep)

    def _rerender(self) -> None:
        self._render()
