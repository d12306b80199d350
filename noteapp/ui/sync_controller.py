"""The agency's sync in the desktop app (issue #14, docs/agency.md): automatic in the
background whenever the server can be reached, and on request ("Sync now").

One `SyncController` per unlocked vault that belongs to an agency. Runs are one at a time, on
a thread of their own (a `SerialQueue`), never on the GUI thread: a first sync after unlock,
then again every few minutes, sooner after this vault signed or reviewed something, and a
retry after a failure. The state and the time of the last sync are what the main window's
indicator shows.

Locking or quitting stops the timer, asks a running sync to stop at its next batch (each
batch is its own transaction on the server and in the vault, so stopping there loses and
doubles nothing) and waits for it before the vault closes.

What a sync wrote into the vault is read by the app only once the services are built anew
(`records_arrived`): the composition root decides when that is safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from noteapp.domain.errors import RefusedError, ServerUnavailableError
from noteapp.domain.progress import Cancelled
from noteapp.ui.errors import message_for
from noteapp.ui.workers import SerialQueue

if TYPE_CHECKING:
    from noteapp.services.sync import SyncReport
    from noteapp.services.sync_status import AgencyStatus

EVERY_MS = 5 * 60_000  # a colleague's signed note or a supervisor's review is minutes away
RETRY_MS = 60_000  # offline (a laptop on the road): try again every minute, quietly
SOON_MS = 5_000  # after a signature or a review here: push it while it is fresh


class SyncState(StrEnum):
    NEVER = "never"  # joined, not synced yet on this device
    SYNCING = "syncing"
    SYNCED = "synced"
    OFFLINE = "offline"  # the server could not be reached; tried again later
    PROBLEM = "problem"  # something was refused, or this member is not certified yet


@dataclass(frozen=True)
class SyncView:
    """What the indicator shows."""

    state: SyncState
    last_sync: datetime | None
    detail: str  # the last problem, in a sentence ("" when none)
    pending_refresh: bool = False  # records arrived that the open windows do not show yet
    conflicts: int = 0  # what sync kept both versions of, for the user to look at


def _parse(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


class SyncController(QObject):
    """`changed` after every change of state; `records_arrived(report)` after a sync wrote
    records into this vault."""

    changed = Signal()
    records_arrived = Signal(object)

    def __init__(
        self,
        *,
        sync: Callable[[Callable[[str, int, int], None]], SyncReport],
        status: Callable[[], AgencyStatus],
        every_ms: int = EVERY_MS,
        retry_ms: int = RETRY_MS,
        soon_ms: int = SOON_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sync = sync
        self._status = status
        self._every, self._retry, self._soon = every_ms, retry_ms, soon_ms
        self._queue = SerialQueue(self)
        self._stop = threading.Event()
        self._again = False
        self._running = False
        self.runs = 0  # finished runs (tests wait on `changed` and read this)
        self.last_report: SyncReport | None = None
        first = status()
        state = SyncState.PROBLEM if first.last_error else SyncState.NEVER
        if first.last_sync and not first.last_error:
            state = SyncState.SYNCED
        self.view = SyncView(
            state, _parse(first.last_sync), first.last_error, conflicts=first.conflicts
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)

    # --- asking for a sync ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """The first sync after unlock (in the background), then the schedule."""
        self.sync_now()

    def sync_now(self) -> None:
        """Sync now; if a sync is running, one more right after it (it may have started
        before what the user wants sent)."""
        if self._stop.is_set():
            return
        if self.running:
            self._again = True
            return
        self._timer.stop()
        self._running = True
        self._set(SyncState.SYNCING, self.view.detail)
        stop = self._stop

        def progress(_phase: str, _done: int, _total: int) -> None:
            if stop.is_set():  # locking: stop between batches, each one committed or not
                raise Cancelled("Sync stopped: the vault was locked; it goes on at the next.")

        self._queue.submit(lambda: self._sync(progress), on_done=self._done, on_error=self._failed)

    def soon(self) -> None:
        """Something worth sending was saved here (a signature, a review): sync shortly."""
        if self._stop.is_set():
            return
        if self.running:
            self._again = True
            return
        if not self._timer.isActive() or self._timer.remainingTime() > self._soon:
            self._timer.start(self._soon)

    def mark_refreshed(self, pending: bool) -> None:
        """The app shows what arrived (False) or waits for its note windows (True)."""
        if pending != self.view.pending_refresh:
            self.view = replace(self.view, pending_refresh=pending)
            self.changed.emit()

    def recount(self) -> None:
        """Conflicts again (the user dismissed one)."""
        self.view = replace(self.view, conflicts=self._status().conflicts)
        self.changed.emit()

    @property
    def stopping(self) -> threading.Event:
        """Set once `stop` was called (a running sync raises `Cancelled` at its next batch)."""
        return self._stop

    def stop(self) -> None:
        """Locking or quitting: no new runs; a running one stops at its next batch, and this
        returns once it has."""
        self._stop.set()
        self._timer.stop()
        self._queue.wait()

    # --- results ---------------------------------------------------------------------------

    def _set(
        self, state: SyncState, detail: str, last: datetime | None = None, conflicts: int = -1
    ) -> None:
        v = self.view
        self.view = replace(
            v,
            state=state,
            last_sync=last or v.last_sync,
            detail=detail,
            conflicts=v.conflicts if conflicts < 0 else conflicts,
        )
        self.changed.emit()

    def _next(self, ms: int) -> None:
        if self._stop.is_set():
            return
        if self._again:
            self._again = False
            ms = 0
        self._timer.start(ms)

    def _done(self, report: Any) -> None:
        self._running = False
        self.runs += 1
        self.last_report = report
        if self._stop.is_set():
            return  # locking: the vault is closing; what arrived shows at the next unlock
        status = self._status()
        last = _parse(status.last_sync)
        if report.ok:
            self._set(SyncState.SYNCED, "", last, status.conflicts)
        else:
            problem = (report.failed + report.refused)[0]
            self._set(SyncState.PROBLEM, problem, last, status.conflicts)
        if report.changed:
            self.records_arrived.emit(report)
        self._next(self._every)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.runs += 1
        if isinstance(exc, Cancelled):
            return  # locking: nothing to show
        if isinstance(exc, ServerUnavailableError):
            self._set(SyncState.OFFLINE, message_for(exc))
            self._next(self._retry)
            return
        # Not certified yet, a refused server, a vault problem: shown, tried again later
        # (the administrator may certify this member in the meantime).
        self._set(SyncState.PROBLEM, message_for(exc))
        self._next(self._retry if isinstance(exc, RefusedError) else self._every)
