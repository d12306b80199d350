"""Part of the composition root: the unlocked main view, each page given only what it needs.

Pages are built with the typed services they use and a `Navigator`; the navigator's requests
(open a note, a client's chart tab and a record in it, an incident report, Review, a Settings
page, a full worklist, search) are connected to what opens them here, in one place. The
case-management parts come from casemgmt_builder; the keyboard shortcuts from ui/shortcuts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from noteapp.domain.clients import Client
from noteapp.domain.errors import OlderCopyWarning
from noteapp.domain.progress import Cancelled
from noteapp.services.worklist import SectionKey, worklist_for
from noteapp.services.workspace import Workspace
from noteapp.ui import agency_builder, casemgmt_builder, memory
from noteapp.ui.dialogs.goal_library_dialog import GoalLibraryDialog
from noteapp.ui.dialogs.search_dialog import SearchDialog
from noteapp.ui.idle import seconds_since_input
from noteapp.ui.navigator import ChartTab, Navigator
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.service_bundles import (
    CaseServices,
    MeasureServices,
    NoteServices,
    PlanServices,
    ReviewServices,
    SafetyPlanServices,
)
from noteapp.ui.sync_controller import SyncController
from noteapp.ui.views.clients_view import ClientsView
from noteapp.ui.views.main_view import MainPages, MainView
from noteapp.ui.views.measures_tab import MeasuresTab
from noteapp.ui.views.notes_tab import NotesTab
from noteapp.ui.views.plan_tab import PlanTab
from noteapp.ui.views.record_view import RecordView
from noteapp.ui.views.reports_view import ReportsView
from noteapp.ui.views.review_view import ReviewView
from noteapp.ui.views.safety_plan_tab import SafetyPlanTab
from noteapp.ui.views.settings_appearance_page import AppearanceSettingsPage
from noteapp.ui.views.settings_backups_page import SettingsBackupsPage
from noteapp.ui.views.settings_checklist_page import ChecklistSettingsPage
from noteapp.ui.views.settings_dictionary_page import DictionarySettingsPage
from noteapp.ui.views.settings_keys_page import SettingsKeysPage
from noteapp.ui.views.settings_paper_page import PaperSettingsPage
from noteapp.ui.views.settings_phrases_page import QuickPhrasesSettingsPage
from noteapp.ui.views.settings_plans_page import PlanSettingsPage
from noteapp.ui.views.settings_profile_page import SettingsProfilePage
from noteapp.ui.views.settings_reference_page import ReferenceDataSettingsPage
from noteapp.ui.views.settings_safety_page import SafetyPlanSettingsPage
from noteapp.ui.views.settings_security_page import KeychainControls, SettingsSecurityPage
from noteapp.ui.views.settings_templates_page import TemplatesSettingsPage
from noteapp.ui.views.settings_view import SettingsView
from noteapp.ui.views.today_view import TodayView
from noteapp.ui.widgets.banner import Banner
from noteapp.ui.widgets.integrity_banner import IntegrityBanner
from noteapp.ui.widgets.risk_flag_banner import RiskFlagBanner
from noteapp.ui.windows.note_window import NoteWindow, NoteWindows
from noteapp.ui.workers import background_pace, run_in_background

DEMO_BANNER = (
    "Demo vault — invented clients only. Nothing here is real, and nothing you do here "
    "touches your own vault."
)


class _RiskEvents(QObject):
    """Measures saved or notes signed: the risk banners and Today re-read flags."""

    changed = Signal()


def _keychain_controls(ws: Workspace, prefs: DevicePrefs) -> KeychainControls:
    try:
        status = ws.keychain_status()
        available, reason = status.available, status.reason
    except Exception:  # any keychain failure means: do not offer it
        available, reason = False, "No keychain could be reached on this computer."

    def remember() -> None:
        ws.remember_on_device()

    def forget() -> None:
        ws.forget_on_device()

    return KeychainControls(available, reason, ws.remembered_on_device, remember, forget)


def _clients_view(
    ws: Workspace,
    navigator: Navigator,
    risk_events: _RiskEvents,
    today: Any,
    cases: CaseServices,
) -> ClientsView:
    notes = NoteServices.of(ws)
    library = ws.goal_library

    def notes_tab(client: Client) -> NotesTab:
        return NotesTab(notes, client.id, navigator.open_note)

    def plan_tab(client: Client) -> PlanTab:
        tab: list[PlanTab] = []

        def from_library() -> dict[str, Any] | None:
            plan = tab[0].plan if tab else None
            start = (plan.valid_from if plan else None) or ws.clock.now().date()
            dialog = GoalLibraryDialog(library.groups(), start, tab[0] if tab else None)
            return dialog.result_problem if dialog.exec() else None

        tab.append(PlanTab(PlanServices.of(ws), client.id, library=from_library))
        return tab[0]

    def measures_tab(client: Client) -> MeasuresTab:
        tab = MeasuresTab(MeasureServices.of(ws), client.id)
        tab.changed.connect(risk_events.changed)
        return tab

    def safety_plan_tab(client: Client) -> SafetyPlanTab:
        return SafetyPlanTab(SafetyPlanServices.of(ws), client.id)

    def risk_banner(client: Client) -> RiskFlagBanner:
        banner = RiskFlagBanner(lambda: ws.measures.open_risk_flags(client.id))
        risk_events.changed.connect(banner.refresh)
        return banner

    return ClientsView(
        ws.clients,
        today=today,
        chart_tabs=(
            (ChartTab.NOTES.value, notes_tab),
            (ChartTab.PLAN.value, plan_tab),
            (ChartTab.MEASURES.value, measures_tab),
            (ChartTab.SAFETY_PLAN.value, safety_plan_tab),
            *casemgmt_builder.chart_tabs(cases),
        ),
        header_widgets=(risk_banner,),
        damaged=lambda: [r.describe() for r in ws.damage.clients()],
        emergency_contact=ws.contacts.emergency_contact,
    )


def _settings_view(
    ws: Workspace,
    *,
    kdf_params: Any,
    prefs: DevicePrefs,
    on_auto_lock_changed: Callable[[int], None],
    profile_page: SettingsProfilePage,
    backups_page: SettingsBackupsPage,
    cases: CaseServices,
) -> SettingsView:
    def change_passphrase(current: str, new: str) -> None:
        ws.change_passphrase(current=current, new=new, params=kdf_params)

    return SettingsView(
        [
            ("Profile", profile_page),
            ("Appearance", AppearanceSettingsPage(prefs)),
            (
                "Security",
                SettingsSecurityPage(
                    ws.settings,
                    change_passphrase=change_passphrase,
                    keychain=_keychain_controls(ws, prefs),
                    on_auto_lock_changed=on_auto_lock_changed,
                ),
            ),
            ("Backups", backups_page),
            ("Paper", PaperSettingsPage(ws.settings)),
            ("Templates", TemplatesSettingsPage(ws.templates)),
            ("Quick phrases", QuickPhrasesSettingsPage(ws.reference)),
            ("Dictionary", DictionarySettingsPage(ws.speller)),
            ("Checklist", ChecklistSettingsPage(ws.settings)),
            ("Treatment plans", PlanSettingsPage(ws.settings)),
            ("Safety plans", SafetyPlanSettingsPage(ws.safety_plans)),
            ("Signing keys", SettingsKeysPage(ws.signing, ws.profile)),
            ("Reference data", ReferenceDataSettingsPage(ws.reference)),
            ("Case management", casemgmt_builder.settings_page(cases)),
        ]
    )


def _banners(ws: Workspace, *, is_demo: bool, notice: str) -> list[Banner]:
    banners: list[Banner] = []
    if is_demo:
        banners.append(Banner(DEMO_BANNER, object_name="demoBanner"))
    for warning in ws.warnings:  # an older copy of the vault, an upgrade: shown once
        banners.append(
            Banner(
                str(warning),
                object_name="vaultWarningBanner",
                warning=isinstance(warning, OlderCopyWarning),
                button_text="I have read this",
            )
        )
    if notice:  # something the unlock could not do, e.g. storing the key in the keychain
        banners.append(
            Banner(notice, object_name="unlockNoticeBanner", warning=True, button_text="OK")
        )
    return banners


def build_main_view(
    ws: Workspace,
    *,
    is_demo: bool,
    kdf_params: Any,
    on_lock: Callable[[], None],
    on_restore: Callable[[Path, str], None],
    on_auto_lock_changed: Callable[[int], None],
    prefs: DevicePrefs,
    notice: str = "",
    sync: SyncController | None = None,
) -> MainView:
    profile = ws.profile.get()
    now = ws.clock.now()
    first_name = profile.name.split()[0] if profile and profile.name.split() else ""
    navigator = Navigator()
    risk_events = _RiskEvents()
    holder: list[QWidget] = []  # the main view, once built: note windows' parent
    notes = NoteServices.of(ws)
    cases = CaseServices.of(ws)
    note_windows = NoteWindows(
        lambda note_id: NoteWindow(notes, note_id, holder[0] if holder else None), navigator
    )
    # A signed note may address a risk flag: the banners and Today re-read them.
    note_windows.saved.connect(lambda _n: risk_events.changed.emit())

    inbox = agency_builder.review_inbox(ws)
    today = TodayView(
        worklist_for(ws, review_inbox=inbox), ws.clients, navigator, first_name=first_name, now=now
    )
    clients = _clients_view(ws, navigator, risk_events, now.astimezone().date(), cases)
    incidents = casemgmt_builder.incidents_page(cases, navigator)
    review = ReviewView(ReviewServices.of(ws))
    reports = ReportsView(
        report=ws.outcomes.report,
        charts=ws.outcomes.charts,
        outcomes=lambda: [(o.id, o.name) for o, _value in ws.outcomes.outcomes()],
        save_csv=ws.outcomes.write_csv,
        save_docx=ws.outcomes.write_docx,
        today=now.astimezone().date(),
    )
    profile_page = SettingsProfilePage(ws.profile)
    backups_page = SettingsBackupsPage(
        ws.backups, ws.settings, vault_path=ws.vault_path, on_restore=on_restore
    )
    settings = _settings_view(
        ws,
        kdf_params=kdf_params,
        prefs=prefs,
        on_auto_lock_changed=on_auto_lock_changed,
        profile_page=profile_page,
        backups_page=backups_page,
        cases=cases,
    )

    def header_text() -> str:
        p = ws.profile.get()
        if p is None:
            return "noteapp"
        return p.signature_name + (f"  ·  {p.agency_name}" if p.agency_name else "")

    indicator = agency_builder.sync_indicator(ws, sync)
    banners = _banners(ws, is_demo=is_demo, notice=notice)
    view = MainView(
        MainPages(
            today=today,
            clients=clients,
            incidents=incidents,
            review=review,
            reports=reports,
            settings=settings,
        ),
        navigator,
        banners=banners,
        header_text=header_text(),
        header_widgets=(indicator,) if indicator is not None else (),
    )
    holder.append(view)

    def open_backups(snapshot: Path) -> None:
        """ "Open backups" on the integrity banner: the restore dialog, the right one chosen."""
        view.show_page("settings")
        settings.show_section("Backups")
        backups_page.open_restore(preselect=snapshot)

    def show_integrity(_checked: object) -> None:
        """After the background check of every record: what could not be read, if anything."""
        if not (ws.damage or ws.damage.rolled_back):
            return
        integrity = IntegrityBanner(ws.damage)
        integrity.open_backups.connect(open_backups)
        view.add_banner(integrity)
        view.integrity = integrity  # type: ignore[attr-defined]

    def check_everything() -> None:
        # Commands and pages read only what they show; the whole vault is checked here, off
        # the GUI thread, on a read-only snapshot of its own (the app goes on meanwhile).
        # It stops at its next record once this view is gone (a sync's reload builds a new
        # one, which starts its own check) or the app is locked (Vault.scan_snapshot), and
        # is held while the user is at work.
        gone = threading.Event()
        view.destroyed.connect(gone.set)
        keep_pace = background_pace(
            hold=lambda: not gone.is_set() and ws.is_open and seconds_since_input() < INPUT_HOLD_S
        )

        def pace() -> None:
            if gone.is_set():
                raise Cancelled
            keep_pace()

        view.integrity_check = run_in_background(  # type: ignore[attr-defined]
            lambda: ws.damage.check_everything(pace=pace),
            on_done=show_integrity,
            parent=view,
            housekeeping=True,
        )

    profile_page.saved.connect(lambda: view.header_label.setText(header_text()))
    view.lock_requested.connect(on_lock)
    _connect_navigator(ws, view, note_windows)
    agency_builder.connect_agency(
        ws, view, sync=sync, indicator=indicator, inbox=inbox, today=today,
        note_windows=note_windows,
    )  # fmt: skip
    risk_events.changed.connect(lambda: today.refresh() if today.isVisible() else None)

    _add_shortcuts(view, on_lock)
    _after_today(
        today,
        view,
        [
            check_everything,
            # The search index opens in the background (loaded from the vault, or rebuilt
            # after an upgrade or a restore), so the first search answers at once.
            lambda: run_in_background(ws.search.prepare, parent=view, housekeeping=True),
            # The spelling dictionary takes a fifth of a second: not in the first note window.
            lambda: _when_the_user_pauses(
                view,
                lambda: run_in_background(ws.speller.prepare, parent=view, housekeeping=True),
            ),
        ],
    )
    return view


# Background work after unlock waits for Today's first sections (or this long, whichever
# comes first): the check of every record and opening the search index share the
# interpreter with Today's worker, and took most of the 3.6 s (10,000 notes) before Today
# showed anything.
AFTER_TODAY_MS = 3000
# The check holds back until the user's last key, click or scroll is this long ago.
INPUT_HOLD_S = 0.75


# How often the app looks whether the user has paused (for work that waits for a pause).
PAUSE_POLL_MS = 100


def _when_the_user_pauses(view: QWidget, start: Callable[[], object]) -> None:
    """Call `start` once no key was pressed and nothing clicked for INPUT_HOLD_S: for work
    that holds the interpreter in one long stretch (the spelling dictionary's word list is
    parsed in one call of a fifth of a second), which a search typed meanwhile waited for —
    three to seven times as long as alone. Polled on the GUI thread by the view's timer: no
    worker thread waits, and nothing starts once the view is gone (locked)."""
    timer = QTimer(view)
    timer.setInterval(PAUSE_POLL_MS)

    def poll() -> None:
        if seconds_since_input() >= INPUT_HOLD_S:
            timer.stop()
            timer.deleteLater()
            start()

    timer.timeout.connect(poll)
    timer.start()


def _after_today(today: TodayView, view: QWidget, jobs: list[Callable[[], object]]) -> None:
    """Start `jobs` once Today has shown its first sections (or after AFTER_TODAY_MS)."""
    started = False

    def start() -> None:
        nonlocal started
        if started:
            return
        started = True
        today.sections_shown.disconnect(start)
        memory.settle()
        for job in jobs:
            job()

    today.sections_shown.connect(start)
    QTimer.singleShot(AFTER_TODAY_MS, view, start)


def _add_shortcuts(view: MainView, on_lock: Callable[[], None]) -> None:
    """The main window's shortcuts (the table in ui/shortcuts.py)."""
    clients, navigator = view.pages.clients, view.navigator

    def new_client() -> None:
        view.show_page("clients")
        clients.add_client()

    def find_client() -> None:
        view.show_page("clients")
        clients.focus_filter()

    def new_note() -> None:
        """Ctrl+N: a new note for the client whose chart is open, else a new client."""
        chart = clients.chart if view.current_page() == "clients" else None
        tab = chart.findChild(NotesTab) if chart is not None else None
        if chart is None or tab is None:
            new_client()
            return
        chart.tabs.setCurrentWidget(tab)
        tab.new_note()

    view.add_shortcut("new_note", new_note)
    view.add_shortcut("new_client", new_client)
    view.add_shortcut("find_client", find_client)
    view.add_shortcut("lock", on_lock)
    view.add_shortcut("settings", navigator.open_settings)
    view.add_shortcut("search", navigator.open_search)


def _connect_navigator(ws: Workspace, view: MainView, note_windows: NoteWindows) -> None:
    """What each of the navigator's requests opens."""
    navigator, pages = view.navigator, view.pages

    def open_client(client_id: str, tab: str, record_id: str) -> None:
        view.show_page("clients")
        pages.clients.open_client(client_id, "" if tab == ChartTab.OVERVIEW.value else tab)
        chart = pages.clients.chart
        shown = chart.tabs.currentWidget() if chart is not None else None
        if record_id and isinstance(shown, RecordView):
            shown.select(record_id)

    def open_incident(incident_id: str) -> None:
        view.show_page("incidents")
        pages.incidents.show_filter("all")
        pages.incidents.table.select(incident_id)

    def open_page(key: str, sub: str) -> None:
        view.show_page(key)
        if key == "settings" and sub in pages.settings.pages:
            pages.settings.show_section(sub)

    def open_worklist(key: str) -> None:
        view.show_page("today")
        pages.today.show_all(SectionKey(key))

    def open_hit(hit: Any) -> None:
        if casemgmt_builder.open_case_hit(hit, navigator):
            return
        if hit.kind == "client":
            navigator.open_client(hit.key)
        else:
            navigator.open_client(hit.client_id, tab=ChartTab.NOTES)
            navigator.open_note(hit.key)

    def search() -> None:
        finder = ws.search
        dialog = SearchDialog(
            finder.search,
            [(c.id, c.name, c.code) for c in ws.clients.list()],
            [(t.id, t.name) for t in ws.templates.list()],
            open_hit,
            view,
            unsearchable=lambda **kw: [r.describe() for r in ws.damage.search_gaps(**kw)],
            preparer=ws.search,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    navigator.note_requested.connect(note_windows.open)
    navigator.client_requested.connect(open_client)
    navigator.incident_requested.connect(open_incident)
    navigator.page_requested.connect(open_page)
    navigator.worklist_requested.connect(open_worklist)
    navigator.search_requested.connect(search)
