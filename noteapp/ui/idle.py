"""Auto-lock plumbing: any key or mouse input counts as activity; a timer polls `due()`.

The same filter remembers when the user last pressed a key, clicked or scrolled
(`seconds_since_input`): long background work (the check of every record after unlock) holds
back while the user is at work, so a chart opened right after unlock opens at full speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QWindow

from noteapp.services.autolock import IdleTimer

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
# Input that starts something (a pointer merely moving over the window does not).
_INPUT = _ACTIVITY - {QEvent.Type.MouseMove}
_last_input = [float("-inf")]  # time.monotonic() of the latest; read from worker threads


def seconds_since_input() -> float:
    """Since the user last pressed a key, clicked or scrolled in the unlocked app."""
    return time.monotonic() - _last_input[0]


class IdleWatcher(QObject):
    """Watches the app's windows while unlocked; calls `on_idle` once when time is up.

    The filter sits on each top-level window (the `QWindow` a key press or click reaches
    first, before the widget under it), not on the application: a filter on the application
    is called from Python for every event of every widget — building a chart's widgets sends
    eleven thousand — and took a quarter of the time to open a 500-note chart. A window is
    watched once it is active (the one the keyboard types into) or already open at start."""

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

    _app: QGuiApplication | None = None

    def start(self, app: QGuiApplication) -> None:
        self._app = app
        for window in app.topLevelWindows():
            window.installEventFilter(self)
        app.focusWindowChanged.connect(self._watch)
        self.idle.touch()
        self.timer.start()

    def _watch(self, window: QWindow | None) -> None:
        # Installing it again on a window already watched only moves it to the front.
        if window is not None:
            window.installEventFilter(self)

    def stop(self) -> None:
        self.timer.stop()
        app = self._app
        if app is not None:
            app.focusWindowChanged.disconnect(self._watch)
            for window in app.topLevelWindows():
                window.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY:
            self.idle.touch()
            if kind in _INPUT:
                _last_input[0] = time.monotonic()
        return False

    def check(self) -> None:
        if self.idle.due():
            self.stop()
            self._on_idle()
