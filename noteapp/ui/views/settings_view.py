"""Settings: Profile, Security and Backups as tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from noteapp.ui.widgets.layout import title_label


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


class SettingsView(QWidget):
    def __init__(self, pages: list[tuple[str, QWidget]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsView")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setAccessibleName("Settings sections")
        self.pages = dict(pages)
        for title, page in pages:
            page.setMaximumWidth(760)
            self.tabs.addTab(_scrolling(page), title)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 24, 32, 24)
        lay.setSpacing(12)
        lay.addWidget(title_label("Settings", self))
        lay.addWidget(self.tabs, 1)

    def show_section(self, title: str) -> None:
        self.tabs.setCurrentIndex(list(self.pages).index(title))
