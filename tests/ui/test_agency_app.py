"""The agency in the desktop app, against a real PostgreSQL (the tests/agency fixtures): the
background sync at unlock and its indicator, the window re-read with what arrived (and not
while a note window is open), Sync now, and the supervisor's inbox — a supervisee's note read
as a document, returned with comments or co-signed, reaching the clinician at their next
sync."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from noteapp.agency.keys import ChartRole
from noteapp.domain.signatures import ItemType
from noteapp.services.worklist import SectionKey
from noteapp.services.workspace import Workspace
from noteapp.ui.app import AppController
from noteapp.ui.dialogs.supervision_dialog import SupervisionDialog
from noteapp.ui.views.main_view import MainView
from noteapp.ui.widgets.sync_indicator import SyncIndicator
from noteapp.ui.windows.note_window import NoteWindow
from tests.agency import conftest as agency_fixtures
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import FAST_KDF, PASSPHRASE

pytestmark = needs_postgres
# The agency tests' fixtures: a PostgreSQL cluster, an agency database, its team of vaults.
pg_cluster = agency_fixtures.pg_cluster
agency = agency_fixtures.agency
team = agency_fixtures.team


@pytest.fixture
def apps(qtbot) -> Iterator[list[AppController]]:  # type: ignore[no-untyped-def]
    made: list[AppController] = []
    yield made
    for ctl in made:
        ctl.shutdown()


def open_app(qtbot, apps: list[AppController], ws: Workspace) -> AppController:  # type: ignore[no-untyped-def]
    """The app on an unlocked member vault, as after typing the passphrase."""
    ctl = AppController(paths=ws.paths, clock=ws.clock, kdf_params=FAST_KDF, idle_poll_ms=60_000)
    qtbot.addWidget(ctl.window)
    apps.append(ctl)
    ctl.window.show()
    ctl._unlocked(ws)
    assert ctl.agency is not None
    return ctl


def main(ctl: AppController) -> MainView:
    assert ctl.main_view is not None
    return ctl.main_view


def indicator(ctl: AppController) -> SyncIndicator:
    found = main(ctl).findChild(SyncIndicator, "syncIndicator")
    assert found is not None
    return found


def wait_synced(qtbot, ctl: AppController, runs: int) -> None:  # type: ignore[no-untyped-def]
    assert ctl.agency is not None
    sync = ctl.agency.sync
    qtbot.waitUntil(lambda: sync.runs >= runs and not sync.running, timeout=60_000)


def test_the_supervisor_reviews_in_the_app_and_the_clinician_gets_it_at_the_next_sync(
    qtbot,  # type: ignore[no-untyped-def]
    team: Agency,
    apps: list[AppController],
) -> None:
    dana, lee = team.devices["dana"], team.devices["lee"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "lee", ChartRole.SUPERVISOR)
    a = ready_note(dana, client.id, day=5, text="Session five: worry log reviewed.")
    b = ready_note(dana, client.id, day=6)
    for note in (a, b):
        dana.signing.sign_note(note, passphrase=PASSPHRASE)
    assert dana.sync.sync().ok

    ctl = open_app(qtbot, apps, lee)
    assert ctl.agency is not None
    # The first sync runs at unlock, off the GUI thread; what it wrote is shown at once.
    qtbot.waitUntil(lambda: ctl.agency is not None and ctl.agency.refreshes == 1, timeout=60_000)
    label = indicator(ctl).state_label
    assert label.text().startswith("● Synced ")
    assert label.accessibleName().startswith("Agency sync: synced at ")
    # Reached with Tab, in the header's order: the state, Sync now, then Search.
    ctl.window.activateWindow()
    label.setFocus()
    QTest.keyClick(label, Qt.Key.Key_Tab)
    assert ctl.window.focusWidget() is indicator(ctl).sync_button
    QTest.keyClick(indicator(ctl).sync_button, Qt.Key.Key_Tab)
    assert ctl.window.focusWidget() is main(ctl).search_button
    QTest.keyClick(main(ctl).search_button, Qt.Key.Key_Backtab)
    QTest.keyClick(indicator(ctl).sync_button, Qt.Key.Key_Backtab)
    assert ctl.window.focusWidget() is label

    today = main(ctl).pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=30_000)
    card = today.sections[SectionKey.TO_REVIEW]
    assert {r.item.note_id for r in card.rows} == {a, b}

    row = next(r for r in card.rows if r.item.note_id == a)
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton)
    dialog = main(ctl).findChild(SupervisionDialog)
    assert dialog is not None and dialog.isVisible()
    assert "Session five: worry log reviewed." in dialog.document.toPlainText()
    assert "Dana Whitfield, LCSW" in dialog.heading.text()
    # A return needs comments; nothing is signed without them.
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    assert "Write what should be revised" in dialog.error.text()
    assert ctl.ws is not None and ctl.ws.signing.reviews(a) == []
    dialog.text.setPlainText("Please add the GAD-7 trend.")
    assert dialog.needs_passphrase  # the default: signing asks for the passphrase
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.reviewed, timeout=30_000) as reviewed:
        qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    assert reviewed.args == [a, "return"]

    qtbot.waitUntil(lambda: today.ready and len(today.sections[SectionKey.TO_REVIEW].rows) == 1)
    row = today.sections[SectionKey.TO_REVIEW].rows[0]
    assert row.item.note_id == b
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton)
    dialog = next(
        d
        for d in main(ctl).findChildren(SupervisionDialog)
        if d.isVisible() and d.entry.note_id == b
    )
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.reviewed, timeout=30_000):
        qtbot.mouseClick(dialog.cosign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: today.ready and not today.sections[SectionKey.TO_REVIEW].rows)

    # Sync now sends both reviews (they would go within seconds by themselves).
    assert ctl.agency is not None
    runs = ctl.agency.sync.runs
    qtbot.mouseClick(indicator(ctl).sync_button, Qt.MouseButton.LeftButton)
    wait_synced(qtbot, ctl, runs + 1)
    report = ctl.agency.sync.last_report
    assert report is not None and report.pushed == 2 and report.ok

    assert dana.sync.sync().ok
    dana.reload()
    [cosignature] = dana.signing.reviews(b)
    assert (cosignature.type, cosignature.author["name"]) == (ItemType.COSIGNATURE, "Lee Park")
    [(returned_id, item)] = dana.signing.returned()
    assert (returned_id, item.payload["comments"]) == (a, "Please add the GAD-7 trend.")


def test_what_arrives_waits_for_an_open_note_window_and_then_shows(
    qtbot,  # type: ignore[no-untyped-def]
    team: Agency,
    apps: list[AppController],
) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client = dana.clients.add(name="Riley Stone")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    mine = ready_note(dana, client.id, day=3)
    ctl = open_app(qtbot, apps, dana)
    wait_synced(qtbot, ctl, 1)
    assert ctl.agency is not None
    before = ctl.agency.refreshes

    # Dana is writing in a note window when Sam's signed note comes in.
    main(ctl).navigator.open_note(mine)
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NoteWindow))
    qtbot.waitExposed(window)
    assert sam.sync.sync().ok
    sam.reload()
    theirs = ready_note(sam, client.id, day=4, text="Sam's session with Riley.")
    sam.signing.sign_note(theirs, passphrase=PASSPHRASE)
    assert sam.sync.sync().ok

    runs = ctl.agency.sync.runs
    main(ctl).findChild(SyncIndicator).sync_button.click()  # type: ignore[union-attr]
    wait_synced(qtbot, ctl, runs + 1)
    assert ctl.agency.refreshes == before  # the note window is left alone
    assert "new records after your notes close" in indicator(ctl).state_label.text()
    assert window.isVisible()

    window.close()
    qtbot.waitUntil(lambda: ctl.agency is not None and ctl.agency.refreshes == before + 1)
    assert "new records" not in indicator(ctl).state_label.text()
    assert theirs in {n.id for n in ctl.ws.notes.list(client_id=client.id)}  # type: ignore[union-attr]


def test_a_vault_outside_any_agency_has_no_sync(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from noteapp.domain.clock import FakeClock
    from noteapp.services.paths import AppPaths

    ws, _ = Workspace.create(
        tmp_path / "solo.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        clock=FakeClock(),
        paths=AppPaths(tmp_path / "data", tmp_path / "config"),
    )
    ws.profile.set(name="Alex Solo", credentials="LMHC")
    ctl = AppController(paths=ws.paths, clock=ws.clock, kdf_params=FAST_KDF, idle_poll_ms=60_000)
    qtbot.addWidget(ctl.window)
    try:
        ctl._unlocked(ws)
        assert ctl.agency is None
        assert main(ctl).findChild(SyncIndicator) is None
    finally:
        ctl.shutdown()


def test_a_draft_edited_on_two_laptops_is_shown_as_a_conflict_to_look_at(
    qtbot,  # type: ignore[no-untyped-def]
    team: Agency,
    apps: list[AppController],
) -> None:
    from noteapp.ui.dialogs.sync_conflicts_dialog import SyncConflictsDialog
    from tests.agency.test_agency_conflicts import draft_edited_on_two_laptops

    _client_id, note, laptop2 = draft_edited_on_two_laptops(team)
    ctl = open_app(qtbot, apps, laptop2)
    assert ctl.agency is not None
    qtbot.waitUntil(lambda: ctl.agency is not None and ctl.agency.refreshes == 1, timeout=60_000)
    shown = indicator(ctl)
    assert shown.conflicts_button.isVisible()
    assert shown.conflicts_button.accessibleName() == "1 conflict to look at"
    assert "1 conflict to look at." in shown.state_label.accessibleName()

    qtbot.mouseClick(shown.conflicts_button, Qt.MouseButton.LeftButton)
    dialog = main(ctl).findChild(SyncConflictsDialog)
    assert dialog is not None and dialog.isVisible()
    cells = [dialog.table.item(0, c).text() for c in range(3)]
    assert cells[:2] == ["Jordan Avery", "Note"]
    assert cells[2].startswith("Changed here and on another device; yours is version")
    with qtbot.waitSignal(main(ctl).navigator.note_requested) as opened:
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [note]
    qtbot.mouseClick(dialog.looked_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0
    assert not indicator(ctl).conflicts_button.isVisible()
    assert ctl.ws is not None and ctl.ws.sync.conflicts() == []
    # Nothing was lost: the office's words are in the note's history on this laptop.
    history = [n.fields["behavior"] for n in ctl.ws.notes.history(note)]
    assert "Edited at the office." in history and "Edited at home." in history
