"""Autosave of one draft, off the GUI thread, strictly in order, never losing a save.

What is on screen is read on the GUI thread (`make_save` returns the service call with the
values captured); the call runs on the draft's own `SerialQueue`, so a save queued while
another runs always runs after it, and the goal-progress ratings of the same note share the
queue. A failed save keeps the text on screen, says so, and is retried with what is on
screen then. `flush()` waits for every queued save (closing, signing, locking).

Timing: a save one second after the last keystroke, and at least every two seconds while
typing without a pause, so killing the app loses at most about two seconds of typing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from noteapp.domain.notes import Note
from noteapp.ui.errors import message_for
from noteapp.ui.workers import SerialQueue


class DraftSaver(QObject):
    """`saved(Note)` after each save that went through; `state_changed()` whenever the
    status to show changes (saving, saved, not saved)."""

    saved = Signal(object)
    state_changed = Signal()

    SAVE_DELAY_MS = 1000  # after the last keystroke
    MAX_WAIT_MS = 2000  # while typing without pause
    RETRY_MS = 3000

    def __init__(self, make_save: Callable[[], Callable[[], Note]], parent: QObject) -> None:
        super().__init__(parent)
        self._make_save = make_save
        self.queue = SerialQueue(self)
        self.enabled = True
        self.unsaved = False  # changed on screen since the last save was queued
        self.in_flight = 0  # queued or running, callbacks not delivered yet
        self.last_error = ""
        self.debounce = self._timer(self.SAVE_DELAY_MS)
        self.max_wait = self._timer(self.MAX_WAIT_MS)
        self.retry = self._timer(self.RETRY_MS)

    def _timer(self, ms: int) -> QTimer:
        t = QTimer(self)
        t.setSingleShot(True)
        t.setInterval(ms)
        t.timeout.connect(self.save_now)
        return t

    @property
    def pending(self) -> bool:
        """Something on screen is not in the vault yet."""
        return self.unsaved or self.in_flight > 0

    def changed(self) -> None:
        if not self.enabled:
            return
        self.unsaved = True
        self.debounce.start()
        if not self.max_wait.isActive():
            self.max_wait.start()
        self.state_changed.emit()

    def stop(self) -> None:
        for t in (self.debounce, self.max_wait, self.retry):
            t.stop()

    def save_now(self) -> None:
        """Queue a save of what is on screen, if it changed (returns at once)."""
        self.stop()
        if not (self.enabled and self.unsaved):
            return
        try:
            call = self._make_save()
        except Exception as exc:  # reading the screen failed: report like a failed save
            self._failed(exc, counted=False)
            return
        self.unsaved = False
        self.submit(call, None, None)

    def submit(
        self,
        work: Callable[[], Note],
        on_done: Callable[[Note], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        """Any write of this note, in order with the autosaves (e.g. goal-progress ratings)."""
        self.in_flight += 1

        def done(note: Any) -> None:
            self.in_flight -= 1
            self.last_error = ""
            self.saved.emit(note)
            if on_done is not None:
                on_done(note)
            self.state_changed.emit()

        def failed(exc: BaseException) -> None:
            self._failed(exc, counted=True, retry=on_error is None)
            if on_error is not None:
                on_error(exc)

        self.queue.submit(work, on_done=done, on_error=failed)
        self.state_changed.emit()

    def _failed(self, exc: BaseException, *, counted: bool, retry: bool = True) -> None:
        if counted:
            self.in_flight -= 1
        if retry:  # an autosave: keep what is on screen and try again
            self.last_error = message_for(exc)
            self.unsaved = True
            self.retry.start()
        self.state_changed.emit()

    def flush(self) -> bool:
        """Save what is on screen and wait for every queued save. False if one failed."""
        self.save_now()
        self.queue.wait()
        return not self.last_error and not self.unsaved
