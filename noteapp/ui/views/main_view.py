"""The unlocked window content: banners, a header with Lock, navigation and the pages.

Everything holding client data lives under this widget, so locking destroys it in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui import shortcuts
from noteapp.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from noteapp.ui.navigator import Navigator
from noteapp.ui.resources import icon
from noteapp.ui.views.clients_view import ClientsView
from noteapp.ui.views.incidents_view import IncidentsView
from noteapp.ui.views.reports_view import ReportsView
from noteapp.ui.views.review_view import ReviewView
from noteapp.ui.views.settings_view import SettingsView
from noteapp.ui.views.today_view import TodayView
from noteapp.ui.widgets.banner import Banner


@dataclass(frozen=True)
class MainPages:
    """The pages, typed: tests and the composition root reach each by name."""

    today: TodayView
    clients: ClientsView
    incidents: IncidentsView
    review: ReviewView
    reports: ReportsView
    settings: SettingsView

    def listed(self) -> list[tuple[str, str, QWidget]]:
        return [
            ("today", "Today", self.today),
            ("clients", "Clients", self.clients),
            ("incidents", "Incidents", self.incidents),
            ("review", "Review", self.review),
            ("reports", "Reports", self.reports),
            ("settings", "Settings", self.settings),
        ]


class MainView(QWidget):
    lock_requested = Signal()

    def __init__(
        self,
        pages: MainPages,
        navigator: Navigator,
        *,
        banners: list[Banner],
        header_text: str,
        header_widgets: tuple[QWidget, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainView")
        self.pages = pages
        self.navigator = navigator
        listed = pages.listed()
        self.page_keys = [key for key, _t, _w in listed]

        header = QFrame(self)
        header.setObjectName("mainHeader")
        header.setFrameShape(QFrame.Shape.NoFrame)
        h = QHBoxLayout(header)
        h.setContentsMargins(16, 8, 12, 8)
        self.header_label = QLabel(header_text, header)
        self.header_label.setObjectName("mainHeaderLabel")
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)
        h.addWidget(self.header_label, 1)
        for widget in header_widgets:  # before Search, in the tab order too
            h.addWidget(widget)
            h.addSpacing(8)
        self.search_button = QPushButton(
            f"Search clients and notes…  {shortcuts.keys_text('search')}", header
        )
        self.search_button.setObjectName("searchButton")
        self.search_button.setAccessibleName(
            shortcuts.with_keys("Search clients and notes", "search")
        )
        self.search_button.clicked.connect(lambda _c=False: navigator.open_search())
        h.addWidget(self.search_button)
        h.addSpacing(8)
        self.lock_button = QPushButton("Lock", header)
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setAccessibleName(shortcuts.with_keys("Lock now", "lock"))
        self.lock_button.setToolTip(shortcuts.with_keys("Lock now", "lock"))
        self.lock_button.setIcon(icon("lock"))
        self.lock_button.clicked.connect(self.lock_requested)
        h.addWidget(self.lock_button)

        self.nav = QListWidget(self)
        self.nav.setObjectName("mainNavigation")
        self.nav.setAccessibleName("Sections")
        metrics = self.nav.fontMetrics()
        widest = max((metrics.horizontalAdvance(t) for _k, t, _w in listed), default=0)
        self.nav.setFixedWidth(max(150, widest + 56))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        # Layout only (no colours), so the palette keeps light and dark themes right.
        self.nav.setStyleSheet("QListWidget::item { padding-left: 14px; }")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("mainStack")
        for _key, title, widget in listed:
            item = QListWidgetItem(title)
            item.setSizeHint(QSize(120, max(36, self.nav.fontMetrics().height() + 18)))
            self.nav.addItem(item)
            self.stack.addWidget(widget)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        body.addWidget(line)
        body.addWidget(self.stack, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self._banner_count = 0
        for banner in banners:
            banner.setParent(self)
            lay.addWidget(banner)
            self._banner_count += 1
        lay.addWidget(header)
        sep = QFrame(self)
        sep.setFrameShape(QFrame.Shape.HLine)
        sep.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(sep)
        lay.addLayout(body, 1)
        self.nav.setCurrentRow(0)
        self.setTabOrder(self.nav, self.stack)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.add_shortcut("shortcuts", self.show_shortcuts)

    def add_banner(self, banner: Banner) -> None:
        """A banner that arrives after the window is shown (e.g. from the check of every
        record that runs in the background after unlock), below the others."""
        banner.setParent(self)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(self._banner_count, banner)
        banner.show()  # added to a window already shown: a child is hidden until shown
        self._banner_count += 1

    def show_page(self, key: str) -> None:
        if key in self.page_keys:
            self.nav.setCurrentRow(self.page_keys.index(key))

    def current_page(self) -> str:
        return self.page_keys[self.nav.currentRow()]

    def add_shortcut(self, shortcut_id: str, handler: Callable[[], object]) -> list[QShortcut]:
        """A shortcut of the table in ui/shortcuts.py: window-wide, and gone with this view
        when the vault locks."""
        return shortcuts.bind(self, shortcut_id, handler)

    def show_shortcuts(self) -> ShortcutsDialog:
        """The keyboard shortcuts sheet (F1, Ctrl+/)."""
        if self.shortcuts_dialog is None or not self.shortcuts_dialog.isVisible():
            self.shortcuts_dialog = ShortcutsDialog(self)
            self.shortcuts_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.shortcuts_dialog.destroyed.connect(
                lambda *_: setattr(self, "shortcuts_dialog", None)
            )
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        return self.shortcuts_dialog
