"""Never frozen, always told: saves, backups, exports, unlock, the demo vault and the search
index run on worker threads; long work shows progress (determinate where the count is
known) and can be cancelled where that is safe. Behaviour only — no timings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.domain.progress import Cancelled
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.views.welcome_view import WelcomeView
from noteapp.ui.widgets.progress_panel import ProgressPanel
from noteapp.ui.windows.note_window import NoteWindow
from tests.conftest import PASSPHRASE
from tests.ui.conftest import create_vault_through_ui, export_dialog, without_open_risk_flags


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=2, notes=8, passphrase=PASSPHRASE)
    without_open_risk_flags(workspace)
    return workspace


class SaveSpy:
    """Wraps NoteService.save: which thread each call ran on, and what it saved."""

    def __init__(self, ws, monkeypatch, *, hold_first: bool = False) -> None:
        self.real = ws.notes.save
        self.threads: list[threading.Thread] = []
        self.texts: list[str] = []
        self.release = threading.Event()
        self.started = threading.Event()
        self.hold_first = hold_first
        monkeypatch.setattr(ws.notes, "save", self)

    def __call__(self, note_id, **kw):
        self.threads.append(threading.current_thread())
        self.texts.append(str((kw.get("fields") or {}).get("plan", "")))
        if self.hold_first and len(self.threads) == 1:
            self.started.set()
            assert self.release.wait(10), "the test never released the first save"
        return self.real(note_id, **kw)


def _window(qtbot, ws, note_id: str) -> NoteWindow:
    window = NoteWindow(NoteServices.of(ws), note_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, text)


def test_autosave_writes_on_a_worker_thread(qtbot, ws, monkeypatch) -> None:
    note = ws.notes.new(client_id=ws.clients.list()[0].id, template_id="soap")
    spy = SaveSpy(ws, monkeypatch)
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    editor._debounce.setInterval(20)
    _type(qtbot, editor.sections["plan"].text_edit, "Weekly CBT")
    qtbot.waitUntil(lambda: not editor.dirty, timeout=5000)
    assert spy.threads and all(t is not threading.main_thread() for t in spy.threads)
    assert ws.notes.get(note.id).text("plan") == "Weekly CBT"
    assert editor.autosave_label.text().startswith("All changes saved")


def test_a_save_queued_while_one_runs_runs_after_it_and_close_waits(qtbot, ws, monkeypatch) -> None:
    note = ws.notes.new(client_id=ws.clients.list()[0].id, template_id="soap")
    spy = SaveSpy(ws, monkeypatch, hold_first=True)
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    plan = editor.sections["plan"].text_edit
    _type(qtbot, plan, "First")
    editor.saver.save_now()  # the first save starts, and is held on its worker
    assert spy.started.wait(10)
    _type(qtbot, plan, " and second")
    editor.saver.save_now()  # queued behind the first
    assert editor.dirty and editor.autosave_label.text() == "Saving…"
    # Closing waits for both saves (released from another thread: the GUI thread waits).
    threading.Timer(0.05, spy.release.set).start()
    window.close()
    assert spy.texts == ["First", "First and second"]  # in order, none lost
    assert ws.notes.get(note.id).text("plan") == "First and second"
    assert all(t is not threading.main_thread() for t in spy.threads)


def test_ratings_share_the_notes_save_queue(qtbot, ws) -> None:
    client = next(c for c in ws.clients.list() if ws.plans.current_signed(c.id))
    note = ws.notes.new(client_id=client.id, template_id="soap")
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    panel = editor.objectives
    assert panel is not None and panel.combos
    objective = next(iter(panel.combos))
    _type(qtbot, editor.sections["plan"].text_edit, "Practise breathing daily")
    panel.set_rating(objective, "some progress", "Used it twice.")
    editor.saver.save_now()
    assert editor.flush()
    stored = ws.notes.get(note.id)
    assert stored.text("plan") == "Practise breathing daily"
    assert [r["rating"] for r in stored.goal_progress] == ["some progress"]


def test_adherence_shares_the_notes_save_queue(qtbot, ws, monkeypatch) -> None:
    """Adherence recorded while an autosave runs waits for it on the same queue (run at
    once on the GUI thread, it raced the autosave for the note's next version)."""
    client = ws.clients.list()[0]
    med = ws.medications.add(client_id=client.id, name="Sertraline", dose="50 mg")
    note = ws.notes.new(client_id=client.id, template_id="soap")
    spy = SaveSpy(ws, monkeypatch, hold_first=True)
    real = ws.medications.record_adherence
    calls: list[tuple[threading.Thread, int]] = []

    def record(note_id, entries):
        calls.append((threading.current_thread(), len(spy.threads)))
        return real(note_id, entries)

    monkeypatch.setattr(ws.medications, "record_adherence", record)
    window = _window(qtbot, ws, note.id)
    editor = window.editor
    _type(qtbot, editor.sections["plan"].text_edit, "Review sleep")
    editor.saver.save_now()  # held on its worker
    assert spy.started.wait(10)
    editor.adherence.set_adherence(med.id, "partial", "Dry mouth.")
    assert calls == []  # queued behind the autosave, not run beside it
    spy.release.set()
    assert editor.flush()
    assert calls and all(t is not threading.main_thread() and saves >= 1 for t, saves in calls)
    stored = ws.notes.get(note.id)
    assert stored.text("plan") == "Review sleep"
    assert [(e.medication_id, e.side_effects) for e in stored.adherence] == [(med.id, "Dry mouth.")]


class Progressed:
    """Every (done, total) a ProgressPanel showed."""

    def __init__(self, monkeypatch) -> None:
        self.seen: dict[str, list[tuple[int, int]]] = {}
        real = ProgressPanel.set_progress

        def spy(panel, done, total):
            self.seen.setdefault(panel.objectName(), []).append((done, total))
            real(panel, done, total)

        monkeypatch.setattr(ProgressPanel, "set_progress", spy)

    def determinate(self, name: str) -> list[tuple[int, int]]:
        return [x for x in self.seen.get(name, []) if x[1] > 0]


def test_a_chart_export_shows_progress_on_a_worker(qtbot, ws, tmp_path, monkeypatch) -> None:
    seen = Progressed(monkeypatch)
    client = next(
        c for c in ws.clients.list() if ws.notes.list(client_id=c.id, status=NoteStatus.SIGNED)
    )
    threads: list[threading.Thread] = []
    real = ws.exports.export_chart

    def spy(*a, **kw):
        threads.append(threading.current_thread())
        return real(*a, **kw)

    monkeypatch.setattr(ws.exports, "export_chart", spy)
    dialog = export_dialog(ws, client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date_from.setDate(dialog.date_from.date().addYears(-5))
    out = tmp_path / "chart.docx"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.busy.isVisible() and not dialog.export_button.isEnabled()
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert out.is_file()
    assert threads and threads[0] is not threading.main_thread()
    counted = seen.determinate("exportBusy")
    assert counted and counted[-1] == (100, 100)
    assert [d for d, _ in counted] == sorted(d for d, _ in counted)


def test_a_pdf_is_written_on_a_worker(qtbot, ws, tmp_path, monkeypatch) -> None:
    from noteapp.ui.dialogs import export_dialog as module

    note = ws.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)[0]
    threads: list[threading.Thread] = []
    real = module.write_pdf

    def spy(*a, **kw):
        threads.append(threading.current_thread())
        return real(*a, **kw)

    monkeypatch.setattr(module, "write_pdf", spy)
    dialog = export_dialog(ws, note_id=note.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format_buttons["pdf"].setChecked(True)
    out = tmp_path / "note.pdf"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.done_label.isVisible() or dialog.error.isVisible(), timeout=20000
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert threads and threads[0] is not threading.main_thread()
    assert not list(tmp_path.glob(".*partial"))


def test_cancelling_an_export_writes_no_file(qtbot, ws, tmp_path, monkeypatch) -> None:
    client = ws.clients.list()[0]
    go = threading.Event()
    asked = threading.Event()

    def slow_chart(client_id, out, *, progress, **_kw):
        progress(1, 100)
        asked.set()
        assert go.wait(10)
        progress(2, 100)  # raises Cancelled: the dialog's Cancel was pressed meanwhile
        Path(out).write_bytes(b"never")
        return out

    monkeypatch.setattr(ws.exports, "export_chart", slow_chart)
    dialog = export_dialog(ws, client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "chart.docx"
    dialog.path_edit.setText(str(out))
    dialog._name_touched = True
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked.wait(10)
    qtbot.waitUntil(lambda: dialog.busy.bar.maximum() > 0)  # determinate: 1 of 100
    qtbot.mouseClick(dialog.busy.cancel_button, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert dialog.error.text() == "Export cancelled; no file was written."
    assert not out.exists()
    assert dialog.export_button.isEnabled()


def test_backup_now_runs_on_a_worker_and_can_be_cancelled(qtbot, controller, monkeypatch) -> None:
    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    page = main.pages.settings.pages["Backups"]
    threads: list[threading.Thread] = []
    real = ws.backups.backup_now

    def spy(*a, **kw):
        threads.append(threading.current_thread())
        return real(*a, **kw)

    monkeypatch.setattr(ws.backups, "backup_now", spy)
    page.backup_now()
    qtbot.waitUntil(lambda: page.last_backup is not None, timeout=15000)
    assert page.last_backup.is_file()
    assert threads and threads[0] is not threading.main_thread()

    def cancelled(*_a, progress, **_kw):
        progress(0, 10)
        raise Cancelled()

    monkeypatch.setattr(ws.backups, "backup_now", cancelled)
    page.backup_now()
    qtbot.waitUntil(lambda: page.backup_button.isEnabled(), timeout=15000)
    assert page.status.text() == "Backup cancelled; no file was written."


def test_unlock_shows_the_key_check_then_counted_progress(qtbot, controller, monkeypatch) -> None:
    seen = Progressed(monkeypatch)
    create_vault_through_ui(qtbot, controller)
    controller.lock()
    view = controller.page()
    assert isinstance(view, UnlockView)
    view.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    assert view.busy.label.text() == "Checking the passphrase…"
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    shown = seen.seen["unlockBusy"]
    assert shown[0] == (0, 0)  # the key derivation: a moving bar
    counted = seen.determinate("unlockBusy")
    assert counted and counted[-1][0] == counted[-1][1]


def test_the_demo_vault_is_created_with_progress_and_can_be_cancelled(
    qtbot, controller, monkeypatch
) -> None:
    seen = Progressed(monkeypatch)
    controller.start()
    welcome = controller.page()
    assert isinstance(welcome, WelcomeView)
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    assert welcome.progress.isVisible() and welcome.progress.cancel_button.isVisible()
    # Cancel once the count is known (while invented notes are being written).
    qtbot.waitUntil(lambda: bool(seen.determinate("welcomeProgress")), timeout=20000)
    qtbot.mouseClick(welcome.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: welcome.demo_button.isEnabled(), timeout=20000)
    assert isinstance(controller.page(), WelcomeView)
    assert not controller.paths.default_demo_vault.exists()
    # And a second try goes through, counted to the end.
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=60000)
    done, total = seen.determinate("welcomeProgress")[-1]
    assert total > 0 and done == total


def test_background_pace_keeps_the_work_to_its_share() -> None:
    """The check of every record sleeps (releasing the GIL) three times as long as it
    worked: a quarter of the interpreter, the rest for the GUI and the user's own work."""
    from noteapp.ui import workers

    now = [100.0]
    slept: list[float] = []
    pace = workers.background_pace(0.25, clock=lambda: now[0], sleep=slept.append)
    now[0] += 0.001
    pace()
    assert slept == []  # a millisecond of work: not yet
    now[0] += 0.005
    pace()
    assert slept == [pytest.approx(0.018)]  # 6 ms of work, then 18 ms of rest
    now[0] += 0.004
    pace()
    assert slept[1] == pytest.approx(0.012)
    now[0] += 5.0  # however long the clock says it worked, a rest stays short
    pace()
    assert slept[2] == pytest.approx(0.05)


def test_background_pace_counts_only_the_threads_own_work() -> None:
    """Waiting for the GIL is not work: the default clock is the thread's CPU time, so a
    worker that only waited (here: slept) rests for nothing."""
    import time

    from noteapp.ui import workers

    slept: list[float] = []
    pace = workers.background_pace(0.25, sleep=slept.append)
    time.sleep(0.05)  # waiting, as for the GIL while the GUI thread works
    pace()
    assert slept == []


def test_background_pace_holds_while_the_user_is_at_work() -> None:
    """While `hold()` says the user just pressed a key or clicked, the work waits (in short
    rests, so a lock never waits long); the time held is not counted as work."""
    from noteapp.ui import workers

    now = [0.0]
    slept: list[float] = []
    holding = [True, True, False]
    pace = workers.background_pace(
        0.25, clock=lambda: now[0], sleep=slept.append, hold=lambda: holding.pop(0)
    )
    now[0] += 0.010
    pace()
    assert slept == [0.05, 0.05]  # held twice, then no rest for work done before the hold
    holding.append(False)
    now[0] += 0.002
    pace()
    assert slept == [0.05, 0.05]


def test_a_key_press_or_click_is_remembered_for_background_work(qtbot) -> None:
    """The auto-lock filter also notes the latest key, click or scroll (what the full check
    holds back for); a pointer merely moving over the window is not input. It watches the
    windows, where input arrives first — not every event of every widget (a filter on the
    application was called eleven thousand times to open one chart)."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QKeyEvent, QMouseEvent
    from PySide6.QtWidgets import QApplication, QLineEdit

    from noteapp.services.autolock import IdleTimer
    from noteapp.ui import idle

    class Clock:
        def monotonic(self) -> float:
            return 0.0

    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    watcher = idle.IdleWatcher(IdleTimer(Clock(), 5), lambda: None)  # type: ignore[arg-type]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    watcher.start(app)
    try:
        idle._last_input[0] = float("-inf")
        window = field.windowHandle()
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(3, 3),
            QPointF(3, 3),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window, move)
        assert idle.seconds_since_input() == float("inf")
        # An event made inside the app for a widget (not input) never reaches the filter.
        QApplication.sendEvent(
            field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier)
        )
        assert idle.seconds_since_input() == float("inf")
        qtbot.keyClick(window, Qt.Key.Key_A)
        assert idle.seconds_since_input() < 1.0
    finally:
        watcher.stop()


def test_what_the_user_asks_for_never_waits_behind_housekeeping(qtbot) -> None:
    """The check of every record, opening the search index and the spelling dictionary run
    in a pool of their own: with more of them running than the machine has CPUs, a search
    (or any other task the user asked for) still starts at once."""
    from PySide6.QtCore import QThreadPool

    from noteapp.ui.workers import run_in_background

    release = threading.Event()
    busy = QThreadPool.globalInstance().maxThreadCount() + 1
    held: list[str] = []
    for _ in range(busy):
        run_in_background(lambda: release.wait(10) and held.append("done"), housekeeping=True)
    answered: list[str] = []
    try:
        run_in_background(lambda: "hits", on_done=answered.append)
        qtbot.waitUntil(lambda: answered == ["hits"], timeout=5000)
        assert held == []  # the housekeeping was still holding its threads
    finally:
        release.set()
    qtbot.waitUntil(lambda: len(held) == busy, timeout=15000)


def test_after_unlock_the_background_work_is_housekeeping(qtbot, controller, monkeypatch) -> None:
    from noteapp.ui import main_builder

    started: list[bool] = []
    real = main_builder.run_in_background

    def spy(fn, **kw):
        started.append(bool(kw.get("housekeeping")))
        return real(fn, **kw)

    monkeypatch.setattr(main_builder, "run_in_background", spy)
    main = create_vault_through_ui(qtbot, controller)
    qtbot.waitUntil(lambda: main.pages.today.ready and len(started) >= 3, timeout=15000)
    assert started[:3] == [True, True, True]  # the check, the search index, the dictionary


def test_the_spelling_dictionary_loads_once_the_user_pauses(qtbot, controller, monkeypatch) -> None:
    """Loading the dictionary holds the interpreter for a fifth of a second in one call: it
    waits while the user types (a search typed as Today appeared took several times as long
    beside it) and loads once they pause."""
    from noteapp.services.spelling import Speller
    from noteapp.ui import main_builder

    typing = threading.Event()
    typing.set()
    monkeypatch.setattr(main_builder, "seconds_since_input", lambda: 0.0 if typing.is_set() else 9)
    loaded: list[bool] = []
    monkeypatch.setattr(Speller, "prepare", staticmethod(lambda: loaded.append(True)))
    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    qtbot.waitUntil(lambda: main.pages.today.ready and ws.search.ready, timeout=15000)
    assert loaded == []  # the search index opened; the dictionary waits for a pause
    typing.clear()
    qtbot.waitUntil(lambda: loaded == [True], timeout=15000)


def test_the_check_of_a_replaced_main_view_stops(qtbot, controller, monkeypatch) -> None:
    """A sync's reload builds a new main view, which starts a check of its own: the old
    view's check stops at its next record (two of them held both housekeeping threads, and
    the new view's search index then never opened in the background)."""
    from noteapp.vault.store import Vault

    release = threading.Event()
    stopped: list[str] = []

    def slow_scan(self, pace=None):  # the check of a large vault: seconds, paced
        try:
            while not release.wait(0.01):
                pace()
        except Cancelled:
            stopped.append("cancelled")
            raise

    monkeypatch.setattr(Vault, "scan_snapshot", slow_scan)
    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    qtbot.waitUntil(lambda: main.pages.today.ready and ws.search.ready, timeout=15000)
    try:
        ws.reload()
        fresh = controller._build_main()  # what AgencySession.try_refresh does
        qtbot.waitUntil(lambda: stopped == ["cancelled"], timeout=15000)
        qtbot.waitUntil(lambda: fresh.pages.today.ready and ws.search.ready, timeout=15000)
    finally:
        release.set()
