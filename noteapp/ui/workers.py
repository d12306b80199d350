"""Run slow service calls (KDF, bulk decryption, saves, backups, exports) off the GUI thread.

The one helper for background work in the UI:

- `run_in_background(fn, on_done=..., on_error=...)` runs `fn()` in Qt's global thread pool
  and delivers its result or the exception it raised back on the GUI thread; with
  `housekeeping=True` (what the app starts on its own after unlock: the check of every
  record, opening the search index, the spelling dictionary) in a pool of its own, so what
  the user asks for never queues behind it;
- `run_with_progress(fn, on_progress=...)` gives `fn` a `Progress` callable: its (done,
  total) reach the GUI thread as `Task.progressed` (thinned out, so a loop over 50,000
  notes does not flood the event queue), and `Task.cancel()` makes the next report raise
  `Cancelled` inside `fn`, which the services only allow where stopping is safe;
- `SerialQueue` runs calls one after another, in the order given, on a thread of its own
  (the note editor's autosaves: a save queued while one runs always runs after it), and
  `wait()` blocks until every queued call is done (closing a note window);
- `background_pace()` slows long background work (the check of every record after unlock)
  to a share of the interpreter, so the GUI and the user's own work keep the rest.

Workers never touch widgets; only the callbacks do, and they run on the GUI thread.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from noteapp.domain.progress import Cancelled, Progress


class Task(QObject):
    """The GUI-thread end of one background call."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    progressed = Signal(int, int)  # done, total (total 0: not known yet)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = True
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point (it then fails with `Cancelled`)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

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
    progress = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        # Python keeps the runnable alive (see _alive) so PySide never frees it under us.
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            try:
                result = self._fn()
            except BaseException as exc:  # delivered to the GUI thread, which decides
                self._relay.error.emit(exc)
            else:
                self._relay.result.emit(result)
        except RuntimeError:
            # The relay is gone: the app is quitting while this ran (the check of every
            # record after unlock). Nobody is left to tell, and nothing to print.
            pass
        finally:
            self._fn = _noop  # drop references (passphrases in closures) promptly


def _noop() -> None:
    return None


_alive: dict[Task, _Runnable] = {}

# The global pool has as many threads as the machine has CPUs — two on many laptops — and
# the check of every record after unlock runs for seconds: with opening the search index and
# loading the spelling dictionary beside it, a search typed as Today appeared waited for a
# free thread (150 ms at 10,000 notes as at 50,000). That work has threads of its own; two,
# so the check never holds up the other two, which run one after the other.
HOUSEKEEPING_THREADS = 2


@functools.cache
def _housekeeping_pool() -> QThreadPool:
    # Owned by the application: its threads are waited for when it goes, as the global
    # pool's are.
    pool = QThreadPool(QCoreApplication.instance())
    pool.setMaxThreadCount(HOUSEKEEPING_THREADS)
    return pool


def _start(
    fn: Callable[[], Any],
    task: Task,
    relay: _Relay,
    on_done: Callable[[Any], None] | None,
    on_error: Callable[[BaseException], None] | None,
    *,
    housekeeping: bool = False,
) -> Task:
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
    pool = _housekeeping_pool() if housekeeping else QThreadPool.globalInstance()
    pool.start(runnable)
    return task


def run_in_background(
    fn: Callable[[], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    parent: QObject | None = None,
    housekeeping: bool = False,
) -> Task:
    """Start `fn()` on a worker thread; `on_done(result)` / `on_error(exc)` run on the GUI thread.

    If `parent` is destroyed before the call ends (e.g. the window was locked), the callbacks
    are simply not called. `housekeeping`: work nobody is waiting for, in its own pool.
    """
    return _start(fn, Task(parent), _Relay(), on_done, on_error, housekeeping=housekeeping)


class _Reporter:
    """The `Progress` a worker calls: raises `Cancelled` once cancel was asked, and passes
    on a report only when the bar would visibly move (every 1/200th, a new total, the end)."""

    STEPS = 200

    def __init__(self, task: Task, relay: _Relay) -> None:
        self._task = task
        self._relay = relay
        self._last: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._task._cancel.is_set():
            raise Cancelled()
        key = (done * self.STEPS // total if total > 0 else -1, total)
        if key == self._last and done != total:
            return
        self._last = key
        self._relay.progress.emit(done, total)


def run_with_progress(
    fn: Callable[[Progress], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    parent: QObject | None = None,
) -> Task:
    """Like `run_in_background`, for work that reports progress and may be cancelled:
    `fn(progress)`; `on_progress(done, total)` runs on the GUI thread; `Task.cancel()`."""
    task = Task(parent)
    relay = _Relay()
    relay.progress.connect(task.progressed)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    reporter = _Reporter(task, relay)
    return _start(lambda: fn(reporter), task, relay, on_done, on_error)


Callback = Callable[[Any], None]


class SerialQueue(QObject):
    """Calls that must run one at a time, in order, off the GUI thread (one note's saves).

    `submit` returns at once; callbacks run on the GUI thread in the order the calls ran.
    `wait()` blocks the calling (GUI) thread until every submitted call has finished and
    delivers their callbacks before it returns — for closing a window or locking, where
    nothing may be left unsaved.
    """

    _ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._jobs: deque[tuple[Callable[[], Any], Callback | None, Callback | None]] = deque()
        self._done: deque[tuple[Callback | None, Any]] = deque()
        self._running = False
        self._ready.connect(self._deliver)
        self.worker_threads: list[str] = []  # names of the threads calls ran on (tests)

    def submit(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        with self._cond:
            self._jobs.append((fn, on_done, on_error))
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._work, name="noteapp-serial", daemon=True).start()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._running

    def _work(self) -> None:
        while True:
            with self._cond:
                if not self._jobs:
                    self._running = False
                    self._cond.notify_all()
                    return
                fn, on_done, on_error = self._jobs.popleft()
            self.worker_threads.append(threading.current_thread().name)
            try:
                outcome: tuple[Callback | None, Any] = (on_done, fn())
            except BaseException as exc:  # handed to the GUI thread's on_error
                outcome = (on_error, exc)
            with self._cond:
                self._done.append(outcome)
            # The queue's owner may be gone (a closed window): then wait() delivered, or nobody.
            with contextlib.suppress(RuntimeError):
                self._ready.emit()

    def wait(self) -> None:
        """Block until every submitted call has run, then deliver their callbacks."""
        with self._cond:
            while self._running:
                self._cond.wait()
        self._deliver()

    @Slot()
    def _deliver(self) -> None:
        while True:
            with self._cond:
                if not self._done:
                    return
                callback, value = self._done.popleft()
            if callback is not None:
                callback(value)


# Long background work (the check of every record after unlock) takes at most about this
# share of the interpreter while it runs: it shares the GIL with the GUI thread and with
# what the user does meanwhile (opening a chart right after unlock).
BACKGROUND_SHARE = 0.25
# No single rest is longer than this, whatever the clock said: a lock or a quit waits for
# the check to reach its next record.
_LONGEST_REST = 0.05


def background_pace(
    share: float = BACKGROUND_SHARE,
    *,
    clock: Callable[[], float] = time.thread_time,
    sleep: Callable[[float], object] = time.sleep,
    hold: Callable[[], bool] = lambda: False,
) -> Callable[[], None]:
    """A `pace` for long background work: after each few milliseconds of work, sleep long
    enough that the work keeps about `share` of the time (sleeping releases the GIL), and
    wait altogether while `hold()` says so (the user is at work).

    Work is this thread's own CPU time, so time spent waiting for the GIL (the GUI busy)
    never counts as work and never lengthens a rest. Holding matters as much as the share:
    a thread that takes the GIL even briefly makes the GUI thread wait for it each time it
    lets go of it (around every Qt call), so a chart opened meanwhile took twice as long."""
    started = clock()

    def pace() -> None:
        nonlocal started
        held = False
        while hold():
            held = True
            sleep(_LONGEST_REST)
        worked = clock() - started
        if held:
            started = clock()
        elif worked >= 0.004:
            sleep(min(max(worked, 0.0) * (1 - share) / share, _LONGEST_REST))
            started = clock()

    return pace
