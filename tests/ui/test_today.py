"""The Today page: compact role-aware sections that scroll and never overlap, rows that open
where they live through the navigator, Show all, and the goal-progress filter."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.clock import FakeClock
from noteapp.services.worklist import SectionKey, worklist_for
from noteapp.ui.navigator import ChartTab, Navigator
from noteapp.ui.views.today_view import TodayView
from tests.conftest import PASSPHRASE


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=4, notes=24, passphrase=PASSPHRASE)
    return workspace


class Opened:
    """What the navigator was asked to open."""

    def __init__(self, navigator: Navigator) -> None:
        self.notes: list[str] = []
        self.clients: list[tuple[str, str, str]] = []
        self.incidents: list[str] = []
        self.worklists: list[str] = []
        self.pages: list[tuple[str, str]] = []
        navigator.note_requested.connect(self.notes.append)
        navigator.client_requested.connect(lambda c, t, r: self.clients.append((c, t, r)))
        navigator.incident_requested.connect(self.incidents.append)
        navigator.worklist_requested.connect(self.worklists.append)
        navigator.page_requested.connect(lambda p, s: self.pages.append((p, s)))


def today_view(qtbot, ws, size=(1280, 720)) -> tuple[TodayView, Opened]:
    navigator = Navigator()
    opened = Opened(navigator)
    view = TodayView(
        worklist_for(ws), ws.clients, navigator, first_name="Dana", now=datetime(2026, 1, 5, 19)
    )
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.ready, timeout=10000)
    return view, opened


def test_sections_scroll_and_never_overlap_at_1280x720(qtbot, ws) -> None:
    ws.profile.set(supervised=True)  # one more section: more than fits
    view, _ = today_view(qtbot, ws)
    cards = list(view.sections.values())
    assert len(cards) >= 6
    # Cards added by the worker's answer are laid out on the next pass of the event loop
    # (a posted layout request); wait for that pass, which fails if it never comes.
    qtbot.waitUntil(
        lambda: all(c.height() >= c.minimumSizeHint().height() for c in cards), timeout=5000
    )
    tops = [c.geometry() for c in cards]
    for upper, lower in itertools.pairwise(tops):
        assert upper.bottom() < lower.top(), "cards overlap"
    for card in cards:
        assert card.height() >= card.minimumSizeHint().height()  # nothing cut to a stub
        for row in card.rows:
            assert row.height() >= row.fontMetrics().height()
            assert row.geometry().bottom() <= card.contentsRect().bottom()
    bar = view.summary.verticalScrollBar()
    assert bar.maximum() > 0  # the page scrolls instead of squeezing
    assert view.summary.widget().height() > view.summary.viewport().height()
    assert view.hello.text() == "Good evening, Dana."


def test_every_control_has_an_object_name_and_accessible_name(qtbot, ws) -> None:
    view, _ = today_view(qtbot, ws)
    for card in view.sections.values():
        key = card.section.key.value
        assert card.objectName() == f"today_{key}"
        assert card.show_all.objectName() == f"today_{key}_showAll"
        assert card.show_all.accessibleName().startswith("Show all")
        for i, row in enumerate(card.rows):
            assert row.objectName() == f"today_{key}_row{i}"
            assert row.accessibleName() and "⚠" not in row.accessibleName()


def test_a_solo_clinician_sees_no_cosignature_queue(qtbot, ws) -> None:
    view, _ = today_view(qtbot, ws)
    assert SectionKey.AWAITING_COSIGNATURE not in view.sections
    assert SectionKey.TO_REVIEW not in view.sections
    assert SectionKey.NO_PROGRESS not in view.sections  # a filter, not a section


def test_a_supervised_clinician_sees_the_queue(qtbot, ws) -> None:
    ws.profile.set(supervised=True)
    view, _ = today_view(qtbot, ws)
    card = view.sections[SectionKey.AWAITING_COSIGNATURE]
    assert card.section.count > 0 and card.rows


def test_a_supervisor_sees_notes_to_review_with_a_clear_empty_state(qtbot, ws) -> None:
    ws.profile.set(role="supervisor")
    view, _ = today_view(qtbot, ws)
    first = next(iter(view.sections))
    assert first == SectionKey.TO_REVIEW
    card = view.sections[first]
    assert card.empty.isVisible() and "Review screen" in card.empty.text()
    assert not card.rows and not card.show_all.isVisible()


def test_rows_open_where_they_live(qtbot, ws) -> None:
    view, opened = today_view(qtbot, ws)
    drafts = view.sections[SectionKey.DRAFTS]
    qtbot.mouseClick(drafts.rows[0], Qt.MouseButton.LeftButton)
    assert opened.notes == [drafts.rows[0].item.note_id]
    risk = view.sections[SectionKey.RISK_FLAGS]
    assert risk.rows, "the demo raises a risk flag"
    risk.rows[0].click()
    assert opened.clients == [(risk.rows[0].item.client_id, ChartTab.MEASURES.value, "")]
    assert risk.rows[0].shown_text().count("⚠") == 1  # urgent in words, not only in colour


def test_show_all_lists_every_row_and_enter_opens_one(qtbot, ws) -> None:
    view, opened = today_view(qtbot, ws)
    drafts = view.sections[SectionKey.DRAFTS]
    assert drafts.section.count > len(drafts.rows)  # the demo has more than the top rows
    drafts.show_all.click()
    assert opened.worklists == [SectionKey.DRAFTS.value]
    view.show_all(SectionKey.DRAFTS)  # what the main view does for that request
    page = view.full
    qtbot.waitUntil(lambda: page.ready, timeout=10000)
    assert view.stack.currentWidget() is page
    assert page.count_rows() == drafts.section.count
    page.list.setCurrentItem(page.list.topLevelItem(page.count_rows() - 1))
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert opened.notes == [ws.notes.drafts()[-1].id]
    qtbot.mouseClick(page.back, Qt.MouseButton.LeftButton)
    assert view.stack.currentWidget() is view.summary


def test_signed_notes_without_goal_progress_are_a_filter(qtbot, ws) -> None:
    view, _ = today_view(qtbot, ws)
    qtbot.mouseClick(view.filters_button, Qt.MouseButton.LeftButton)
    page = view.full
    qtbot.waitUntil(lambda: page.ready, timeout=10000)
    assert page.choice.currentData() == SectionKey.NO_PROGRESS.value
    expected = len(ws.plans.signed_notes_without_progress())
    assert page.count_rows() == expected
    assert str(expected) in page.count.text() or expected == 0


def test_today_follows_the_clock(qtbot, ws) -> None:
    assert isinstance(ws.clock, FakeClock)
    view, _ = today_view(qtbot, ws)
    drafts = view.sections[SectionKey.DRAFTS]
    before = drafts.rows[0].item.age_days
    ws.clock.advance(2 * 86400)
    view.refresh()
    qtbot.waitUntil(lambda: view.ready, timeout=10000)
    assert view.sections[SectionKey.DRAFTS].rows[0].item.age_days == before + 2


def test_working_under_supervision_is_a_profile_setting(qtbot, ws) -> None:
    from noteapp.ui.views.settings_profile_page import SettingsProfilePage

    page = SettingsProfilePage(ws.profile)
    qtbot.addWidget(page)
    assert not page.form.supervised.isChecked()
    page.form.supervised.setChecked(True)
    page.save()
    assert ws.profile.get().supervised is True
    view, _ = today_view(qtbot, ws)
    assert SectionKey.AWAITING_COSIGNATURE in view.sections
    again = SettingsProfilePage(ws.profile)
    qtbot.addWidget(again)
    assert again.form.supervised.isChecked()


def test_overdue_referrals_and_incident_notifications_open_where_they_live(qtbot, ws) -> None:
    """The demo holds a referral past its follow-up date and a draft incident report whose
    notification deadline has passed (issue #13)."""
    view, opened = today_view(qtbot, ws)
    keys = list(view.sections)
    assert keys[:2] == [SectionKey.RISK_FLAGS, SectionKey.INCIDENTS]  # deadlines first
    incidents = view.sections[SectionKey.INCIDENTS]
    report = ws.incidents.overdue()[0]
    row = incidents.rows[0]
    assert row.item.record_id == report.id and report.reference in row.shown_text()
    assert row.shown_text().count("⚠") == 1 and row.accessibleName().startswith("Urgent:")
    assert incidents.title.property("tone") == "danger"  # the theme paints it, no literal
    assert row.what.property("tone") == "danger"
    row.click()
    assert opened.incidents == [report.id]
    referrals = view.sections[SectionKey.REFERRALS]
    late = ws.referrals.overdue()
    assert referrals.section.count == len(late) > 0
    referrals.rows[0].click()
    assert opened.clients == [(late[0].client_id, ChartTab.REFERRALS.value, late[0].id)]


def test_no_incident_section_while_no_notification_is_overdue(qtbot, ws) -> None:
    for report in ws.incidents.overdue():
        ws.incidents.add_notification(report.id, to="Practice manager", how="in person")
    view, _ = today_view(qtbot, ws)
    assert SectionKey.INCIDENTS not in view.sections
    assert SectionKey.REFERRALS in view.sections


def test_a_today_row_opens_the_record_in_the_main_window(qtbot, ws) -> None:
    """Through the composition root: an incident row selects the report on the Incidents
    page; a referral row opens the chart's Referrals tab with the referral selected."""
    # A newer report heads the Incidents page: the one asked for must be chosen.
    now = ws.clock.now().astimezone()
    newer = ws.incidents.new(type_ref="property", fields={"occurred_at": now.isoformat()})
    main = _main_view(ws)
    qtbot.addWidget(main)
    main.resize(1280, 720)
    main.show()
    today = main.pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    report = ws.incidents.overdue()[0]
    today.sections[SectionKey.INCIDENTS].rows[0].click()
    assert main.current_page() == "incidents"
    assert main.pages.incidents.table.ids()[0] == newer.id != report.id
    assert main.pages.incidents.table.selected_id() == report.id
    late = ws.referrals.overdue()
    # A newer referral of the same client heads its tab: the one asked for must be chosen.
    ws.referrals.add(client_id=late[0].client_id, to_name="Harbor Housing", reason="Housing")
    assert ws.referrals.for_client(late[0].client_id)[0].id != late[0].id
    main.show_page("today")
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    today.sections[SectionKey.REFERRALS].rows[0].click()
    assert main.current_page() == "clients"
    chart = main.pages.clients.chart
    assert chart.tabs.tabText(chart.tabs.currentIndex()) == ChartTab.REFERRALS.value
    assert chart.tabs.currentWidget().table.selected_id() == late[0].id


def test_the_full_check_and_the_search_index_wait_for_todays_first_sections(qtbot, ws) -> None:
    """They share the interpreter with Today's worker: started together, they took most of
    the 3.6 s before Today showed anything at 10,000 notes. They start once it has."""
    main = _main_view(ws)
    qtbot.addWidget(main)
    assert not hasattr(main, "integrity_check") and not ws.search.ready
    with qtbot.waitSignal(main.pages.today.sections_shown, timeout=10000):
        main.resize(1280, 720)
        main.show()
    assert hasattr(main, "integrity_check")  # started at once, on the GUI thread
    qtbot.waitUntil(lambda: ws.search.ready, timeout=20000)


def test_pages_not_on_screen_are_read_when_first_shown_not_at_unlock(qtbot, ws) -> None:
    """The client list and the caseload's outcome report were read while the main window was
    built, before Today could show anything (0.2 s and 0.3 s at 50,000 notes). Each is read
    when its page is first shown, or the list when a client is opened."""
    main = _main_view(ws)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.pages.today.sections_shown, timeout=10000):
        main.resize(1280, 720)
        main.show()
    clients, reports = main.pages.clients, main.pages.reports
    assert clients.model.rowCount() == 0 and reports.current is None
    main.show_page("reports")
    assert reports.current is not None and reports.summary.rowCount() > 0
    main.show_page("clients")
    assert clients.model.rowCount() == len(ws.clients.list())


def test_opening_a_client_from_today_reads_the_list_it_needs(qtbot, ws) -> None:
    """A client opened before the Clients page was ever shown is selected and charted."""
    main = _main_view(ws)
    qtbot.addWidget(main)
    main.resize(1280, 720)
    main.show()
    client = ws.clients.list()[-1]
    main.navigator.open_client(client.id)
    clients = main.pages.clients
    assert clients.selected() is not None and clients.selected().id == client.id
    assert clients.chart is not None and clients.chart.client.id == client.id


def _main_view(ws):
    """The main window through the composition root, as the app builds it after unlock."""
    from noteapp.ui.main_builder import build_main_view
    from noteapp.ui.prefs import DevicePrefs

    return build_main_view(
        ws,
        is_demo=True,
        kdf_params=None,
        on_lock=lambda: None,
        on_restore=lambda _p, _s: None,
        on_auto_lock_changed=lambda _m: None,
        prefs=DevicePrefs.current(),
    )
