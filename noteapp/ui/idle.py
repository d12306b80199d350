"""Auto-lock plumbing: any key or mouse input counts as activity; a timer polls `due()`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from noteapp.services.autolock import IdleTimer

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Installed on the QApplication while unlocked; calls `on_idle` once when time is up."""

    def __init__(
        self,
        idle: IdleTimer,
        on_idle: Callable[[], None],
        *,
        poll_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.idle = idle
        self._on_idle = on_idle
        self.timer = QTimer(self)
        self.timer.setObjectName("autoLockPoll")
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.check)

    _app: QObject | None = None

    def start(self, app: QObject) -> None:
        self._app = app
        app.installEventFilter(self)
        self.idle.touch()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = self._app
        if app is not None:
            app.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.idle.touch()
        return False

    def check(self) -> None:
        if self.idle.due():
            self.stop()
            self._on_idle()
