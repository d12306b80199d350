"""Run a slow service call (KDF, bulk decryption, backup) off the GUI thread.

One helper for the whole UI: `run_in_background(fn, on_done=..., on_error=...)` runs `fn` in
Qt's global thread pool and delivers its result or the exception it raised back on the GUI
thread through queued signals. Workers never touch widgets; only the callbacks do, and they
run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Task(QObject):
    """The GUI-thread end of one background call."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = True

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        self.running = False
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(object)
    def _deliver_error(self, error: object) -> None:
        self.running = False
        self.failed.emit(error)
        self.finished.emit()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits these, Qt queues them across threads."""

    result = Signal(object)
    error = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        # Python keeps the runnable alive (see _alive) so PySide never frees it under us.
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            self._relay.error.emit(exc)
        else:
            self._relay.result.emit(result)
        finally:
            self._fn = _noop  # drop references (passphrases in closures) promptly


def _noop() -> None:
    return None


_alive: dict[Task, _Runnable] = {}


def run_in_background(
    fn: Callable[[], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    parent: QObject | None = None,
) -> Task:
    """Start `fn()` on a worker thread; `on_done(result)` / `on_error(exc)` run on the GUI thread.

    If `parent` is destroyed before the call ends (e.g. the window was locked), the callbacks
    are simply not called.
    """
    task = Task(parent)
    relay = _Relay()
    relay.result.connect(task._deliver_result)
    relay.error.connect(task._deliver_error)
    if on_done is not None:
        task.succeeded.connect(on_done)
    if on_error is not None:
        task.failed.connect(on_error)
    runnable = _Runnable(fn, relay)
    _alive[task] = runnable

    def _forget() -> None:
        _alive.pop(task, None)

    task.finished.connect(_forget)
    QThreadPool.globalInstance().start(runnable)
    return task
