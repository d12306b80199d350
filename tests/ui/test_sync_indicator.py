"""The agency sync in the app without a server: the controller's states and schedule, the
indicator's words and screen reader name, Sync now, and locking during a sync."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from PySide6.QtCore import Qt

from noteapp.domain.errors import RefusedError, ServerUnavailableError
from noteapp.domain.progress import Cancelled
from noteapp.services.sync import SyncReport
from noteapp.services.sync_status import AgencyStatus
from noteapp.ui.sync_controller import SyncController, SyncState
from noteapp.ui.widgets.sync_indicator import SyncIndicator, describe

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class FakeServer:
    """What `SyncService.sync` and `.status` would do, scripted: each run takes the next
    outcome (a report or an exception)."""

    def __init__(self, *outcomes: object, last_sync: str = "", last_error: str = "") -> None:
        self.outcomes = list(outcomes)
        self.last_sync, self.last_error = last_sync, last_error
        self.calls = 0

    def sync(self, progress) -> SyncReport:  # type: ignore[no-untyped-def]
        self.calls += 1
        progress("pull", 1, 1)
        outcome = self.outcomes.pop(0) if self.outcomes else SyncReport()
        if isinstance(outcome, BaseException):
            self.last_error = str(outcome)
            raise outcome
        assert isinstance(outcome, SyncReport)
        self.last_sync, self.last_error = NOON.isoformat(), ""
        return outcome

    def status(self) -> AgencyStatus:
        return AgencyStatus(joined=True, last_sync=self.last_sync, last_error=self.last_error)


def controller(server: FakeServer, **kw: int) -> SyncController:
    return SyncController(
        sync=server.sync,
        status=server.status,
        every_ms=kw.get("every_ms", 3_600_000),
        retry_ms=kw.get("retry_ms", 3_600_000),
        soon_ms=kw.get("soon_ms", 3_600_000),
    )


def wait_runs(qtbot, ctl: SyncController, n: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: ctl.runs >= n and not ctl.running, timeout=10_000)


def test_states_words_and_screen_reader_names(qtbot) -> None:  # type: ignore[no-untyped-def]
    server = FakeServer(
        SyncReport(pulled=3),
        ServerUnavailableError("Could not reach the agency's server: connection refused"),
        SyncReport(refused=["Chart 0f1e2d3c: the server served an older state."]),
    )
    ctl = controller(server)
    indicator = SyncIndicator(ctl, now=lambda: NOON)
    qtbot.addWidget(indicator)
    assert ctl.view.state == SyncState.NEVER
    assert indicator.state_label.text() == "○ Not synced yet"

    ctl.start()
    wait_runs(qtbot, ctl, 1)
    local = NOON.astimezone().strftime("%H:%M")
    assert ctl.view.state == SyncState.SYNCED
    assert indicator.state_label.text() == f"● Synced {local}"
    assert indicator.state_label.accessibleName() == f"Agency sync: synced at {local}."

    qtbot.mouseClick(indicator.sync_button, Qt.MouseButton.LeftButton)
    wait_runs(qtbot, ctl, 2)
    assert ctl.view.state == SyncState.OFFLINE
    assert indicator.state_label.text() == f"○ Offline · last sync {local}"
    assert "connection refused" in indicator.state_label.accessibleName()

    ctl.sync_now()
    wait_runs(qtbot, ctl, 3)
    assert ctl.view.state == SyncState.PROBLEM
    assert "older state" in indicator.state_label.toolTip()
    assert server.calls == 3
    ctl.stop()


def test_the_last_sync_of_another_day_and_a_waiting_refresh() -> None:
    from noteapp.ui.sync_controller import SyncView

    earlier = datetime(2026, 2, 27, 9, 5, tzinfo=UTC)
    text, spoken = describe(SyncView(SyncState.OFFLINE, earlier, "No network."), NOON)
    day = earlier.astimezone()
    assert text == f"Offline · last sync Feb {day.day}, {day.strftime('%H:%M')}"
    assert spoken.endswith("No network.")
    text, spoken = describe(SyncView(SyncState.SYNCED, NOON, "", pending_refresh=True), NOON)
    assert "new records after your notes close" in text
    assert "appear when your open notes are closed" in spoken


def test_indicator_and_sync_now_are_reached_with_tab(qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = controller(FakeServer(SyncReport()))
    indicator = SyncIndicator(ctl, now=lambda: NOON)
    qtbot.addWidget(indicator)
    indicator.show()
    qtbot.waitExposed(indicator)
    assert indicator.state_label.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert indicator.sync_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert indicator.sync_button.accessibleName() == "Sync now (F5)"
    ctl.stop()


def test_a_problem_at_start_is_shown_until_the_next_sync(qtbot) -> None:  # type: ignore[no-untyped-def]
    server = FakeServer(
        RefusedError("Your administrator has not certified your key yet."),
        last_sync="2026-03-01T10:00:00+00:00",
        last_error="The server could not be reached.",
    )
    ctl = controller(server)
    assert ctl.view.state == SyncState.PROBLEM
    assert ctl.view.last_sync == datetime(2026, 3, 1, 10, tzinfo=UTC)
    ctl.start()
    wait_runs(qtbot, ctl, 1)
    assert ctl.view.state == SyncState.PROBLEM
    assert "certified" in ctl.view.detail
    ctl.stop()


def test_records_arrived_only_when_the_vault_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = controller(FakeServer(SyncReport(pulled=2, written=0), SyncReport(pulled=2, written=2)))
    arrived: list[SyncReport] = []
    ctl.records_arrived.connect(arrived.append)
    ctl.start()
    wait_runs(qtbot, ctl, 1)
    assert arrived == []
    ctl.sync_now()
    wait_runs(qtbot, ctl, 2)
    assert [r.written for r in arrived] == [2]
    ctl.stop()


def test_the_schedule_syncs_again_by_itself(qtbot) -> None:  # type: ignore[no-untyped-def]
    server = FakeServer(SyncReport(), ServerUnavailableError("offline"), SyncReport())
    ctl = controller(server, every_ms=10, retry_ms=10)
    states: list[SyncState] = []
    ctl.changed.connect(lambda: states.append(ctl.view.state))
    ctl.start()
    # Nobody asks again: the timer does, after a success and after a failure.
    qtbot.waitUntil(lambda: ctl.runs >= 3, timeout=10_000)
    ctl.stop()
    assert states[:6] == [
        SyncState.SYNCING, SyncState.SYNCED, SyncState.SYNCING, SyncState.OFFLINE,
        SyncState.SYNCING, SyncState.SYNCED,
    ]  # fmt: skip


def test_sync_now_during_a_sync_runs_once_more_after_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    started = threading.Event()
    calls: list[int] = []

    def slow(progress) -> SyncReport:  # type: ignore[no-untyped-def]
        calls.append(1)
        started.set()
        release.wait(10)
        return SyncReport()

    ctl = SyncController(
        sync=slow,
        status=lambda: AgencyStatus(joined=True),
        every_ms=3_600_000,
        retry_ms=3_600_000,
    )
    ctl.start()
    assert started.wait(10)
    ctl.sync_now()  # while the first runs: remembered, not a second thread
    assert len(calls) == 1
    release.set()
    wait_runs(qtbot, ctl, 2)
    assert len(calls) == 2
    ctl.stop()


def test_locking_stops_a_running_sync_at_its_next_batch_and_waits_for_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    in_batch = threading.Event()
    proceed = threading.Event()
    seen: list[str] = []

    def batches(progress) -> SyncReport:  # type: ignore[no-untyped-def]
        try:
            for n in range(1000):
                if n == 1:
                    in_batch.set()
                    proceed.wait(10)
                progress("pull", n, 1000)
        except Cancelled:
            seen.append("stopped between batches")
            raise
        return SyncReport()

    ctl = SyncController(sync=batches, status=lambda: AgencyStatus(joined=True))
    ctl.start()
    assert in_batch.wait(10)
    # The batch ends only once the lock has asked the sync to stop, while stop() waits.
    threading.Thread(target=lambda: ctl.stopping.wait(10) and proceed.set()).start()
    ctl.stop()
    assert seen == ["stopped between batches"]
    ctl.sync_now()  # after stop: nothing more runs
    assert not ctl.running
