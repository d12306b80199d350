"""Settings: a sidebar of pages with a filter box, each page in its own scroll area.

Thirteen sections as tabs overflowed any laptop screen, and a clinician looking for "where
do I change the paper size" had to open them one by one. The filter matches page titles and
every label, button, check box and group title inside a page, so typing "paper", "lock" or
"crisis" narrows the list to the pages that hold it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.widgets.layout import body_label, scroll_area, title_label

PAGE_MAX_WIDTH = 760


def _scrolling(page: QWidget, title: str) -> QScrollArea:
    area = scroll_area(page, "settingsPageScroll")
    area.setAccessibleName(f"{title} settings")
    return area


def page_words(title: str, page: QWidget) -> str:
    """Everything a person could search a page for: its title and the text inside it."""
    words = [title]
    for w in page.findChildren(QWidget):
        if isinstance(w, (QLabel, QAbstractButton)):
            words.append(w.text())
        elif isinstance(w, QGroupBox):
            words.append(w.title())
        words.append(w.accessibleName())
        words.append(w.toolTip())
    return " ".join(words).replace("&", "").casefold()


class SettingsView(QWidget):
    def __init__(self, pages: list[tuple[str, QWidget]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsView")
        self.pages = dict(pages)
        self.titles = [title for title, _p in pages]

        self.filter = QLineEdit(self)
        self.filter.setObjectName("settingsFilter")
        self.filter.setAccessibleName("Filter settings")
        self.filter.setAccessibleDescription(
            "Shows only the settings pages whose titles or contents match what you type"
        )
        self.filter.setPlaceholderText("Filter settings…")
        self.filter.setClearButtonEnabled(True)
        self.sections = QListWidget(self)
        self.sections.setObjectName("settingsSections")
        self.sections.setAccessibleName("Settings sections")
        self.sections.setFrameShape(QFrame.Shape.NoFrame)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("settingsStack")
        self.page_title = title_label("", self, size_delta=3)
        self.page_title.setObjectName("settingsPageTitle")
        self.no_match = body_label("", self, "settingsNoMatch")
        self.no_match.hide()
        width = 0
        for title, page in pages:
            page.setMaximumWidth(PAGE_MAX_WIDTH)
            item = QListWidgetItem(title)
            item.setSizeHint(QSize(0, self.sections.fontMetrics().height() + 12))
            self.sections.addItem(item)
            self.stack.addWidget(_scrolling(page, title))
            width = max(width, self.sections.fontMetrics().horizontalAdvance(title))
        self.sections.setFixedWidth(width + 48)

        side = QVBoxLayout()
        side.setSpacing(8)
        side.addWidget(title_label("Settings", self))
        side.addWidget(self.filter)
        side.addWidget(self.sections, 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.page_title)
        right.addWidget(self.no_match)
        right.addWidget(self.stack, 1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 20, 16, 12)
        lay.setSpacing(20)
        lay.addLayout(side)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addLayout(right, 1)
        self.filter.setFixedWidth(self.sections.width())

        self.sections.currentRowChanged.connect(self._show_row)
        self.filter.textChanged.connect(self.apply_filter)
        self.sections.setCurrentRow(0)
        self.setTabOrder(self.filter, self.sections)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.page_title.setText(self.titles[row])

    def show_section(self, title: str) -> None:
        if title in self.titles:
            row = self.titles.index(title)
            self.sections.item(row).setHidden(False)
            self.sections.setCurrentRow(row)

    def current_section(self) -> str:
        return self.titles[self.stack.currentIndex()]

    def visible_sections(self) -> list[str]:
        items = (self.sections.item(i) for i in range(self.sections.count()))
        return [t for t, item in zip(self.titles, items, strict=True) if not item.isHidden()]

    def apply_filter(self, text: str) -> None:
        needle = " ".join(text.casefold().split())
        shown: list[int] = []
        for i, title in enumerate(self.titles):
            hit = not needle or all(
                word in page_words(title, self.pages[title]) for word in needle.split()
            )
            self.sections.item(i).setHidden(not hit)
            if hit:
                shown.append(i)
        self.no_match.setText(f"No setting matches “{text.strip()}”." if not shown else "")
        self.no_match.setVisible(not shown)
        self.stack.setVisible(bool(shown))
        self.page_title.setVisible(bool(shown))
        if shown and self.sections.currentRow() not in shown:
            self.sections.setCurrentRow(shown[0])
