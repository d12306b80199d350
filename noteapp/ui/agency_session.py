"""The agency while a vault in an agency is unlocked: its background sync, and when what a
sync brought is shown (issue #14, point 3).

A sync writes records into the vault from its own thread; the app's services read the vault
once, so what arrived shows only when they are built anew (`Workspace.reload`) and the main
window with them. That happens at once when nothing would be lost by it, and otherwise waits:
while a note window or a dialog is open, or a page's editor holds a change not yet saved
(its `dirty`), the indicator says new records wait, and they show as soon as those are
closed (looked at every two seconds). The page and the
client's chart tab the user was on are opened again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from noteapp.services.workspace import Workspace
from noteapp.ui.sync_controller import SyncController
from noteapp.ui.views.main_view import MainView

RETRY_MS = 2_000  # how often a waiting refresh looks whether the note windows are closed


class AgencySession(QObject):
    def __init__(
        self,
        ws: Workspace,
        *,
        main_view: Callable[[], MainView | None],
        rebuild: Callable[[], MainView],
        retry_ms: int = RETRY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = ws
        self._main_view = main_view
        self._rebuild = rebuild
        self._pending = False
        self.refreshes = 0  # times the window was rebuilt with what arrived (tests)
        self.sync = SyncController(
            # Looked up at each run: after a reload the workspace holds new services.
            sync=lambda progress: ws.sync.sync(progress=progress),
            status=lambda: ws.sync.status(probe=False),
            parent=self,
        )
        self.sync.records_arrived.connect(self._arrived)
        self._retry = QTimer(self)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.try_refresh)

    @classmethod
    def for_workspace(cls, ws: Workspace, **kwargs: Any) -> AgencySession | None:
        """A session for a vault that belongs to an agency; None for any other vault."""
        return cls(ws, **kwargs) if ws.agency.membership() is not None else None

    def stop(self) -> None:
        """Locking or quitting: waits for a running sync to stop (see SyncController)."""
        self._retry.stop()
        self.sync.stop()

    def _arrived(self, _report: object) -> None:
        self._pending = True
        self.try_refresh()

    def busy(self) -> bool:
        """Would rebuilding the main window now close or lose something of the user's?"""
        view = self._main_view()
        if view is None or self.sync.running:
            return True  # never re-read the vault while a sync is writing to it
        main = view.window()
        for w in QApplication.topLevelWidgets():
            if w is not main and w.isVisible() and w.isWindow() and _is_user_window(w):
                return True  # a note window, a dialog
        return any(_dirty(w) for w in view.findChildren(QWidget))

    def try_refresh(self) -> None:
        if not self._pending:
            self._retry.stop()
            return
        if self.busy():
            self.sync.mark_refreshed(True)
            if not self._retry.isActive():
                self._retry.start()
            return
        self._retry.stop()
        self._pending = False
        view = self._main_view()
        assert view is not None
        page = view.current_page()
        chart = view.pages.clients.chart
        client_id = str(chart.client.id) if chart is not None else ""
        tab = chart.tabs.tabText(chart.tabs.currentIndex()) if chart is not None else ""
        self._ws.reload()
        self._ws.warnings.clear()  # shown once, at unlock
        fresh = self._rebuild()
        fresh.show_page(page)
        if client_id:
            fresh.pages.clients.open_client(client_id, tab)
        self.refreshes += 1
        self.sync.mark_refreshed(False)


def _dirty(w: QWidget) -> bool:
    # The pages' editors (plan, safety plan, settings lists) say `dirty` while a change waits
    # for its save; a filter typed in a list is nothing to lose.
    flag = getattr(w, "dirty", False)
    return bool(flag() if callable(flag) else flag)


def _is_user_window(w: QWidget) -> bool:
    # Tooltips and popup menus are top-level widgets too; they hold nothing of the user's.
    kind = w.windowType()
    return kind in (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet)
