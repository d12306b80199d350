"""Every window, dialog, page and tab of the app that a test can open, in one list.

`SCREENS` maps a name to a function that opens that screen the way the app does (through the
main window's own buttons and methods where there are some) on a small synthetic workspace,
and returns the top-level window to look at. The fit, keyboard and accessibility tests and
`tools/screenshots.py` all walk this list, so a new view is one line here:

    Screen("reports", lambda s: s.page("reports")),

Names are stable: screenshots are named after them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget

from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.services.paths import AppPaths
from noteapp.services.worklist import SectionKey
from noteapp.services.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)
# 7:05 pm on a weekday: the hour the app has to be pleasant at.
NOW = datetime(2026, 3, 10, 19, 5, tzinfo=UTC)


class Session:
    """One synthetic workspace and the app's main window on it, shared by every screen."""

    def __init__(self, folder: Path, *, clients: int = 12) -> None:
        from noteapp.demo import fill_demo
        from noteapp.ui.prefs import DevicePrefs

        self.folder = folder
        self.clock = FakeClock(NOW)
        self.paths = AppPaths(folder / "data", folder / "config")
        self.ws, _recovery = Workspace.create(
            folder / "screens.noteapp",
            PASSPHRASE,
            params=FAST_KDF,
            clock=self.clock,
            paths=self.paths,
        )
        fill_demo(self.ws, clients=clients, passphrase=PASSPHRASE)
        self.prefs = DevicePrefs(folder / "prefs.json")
        DevicePrefs.use(self.prefs)
        self._shell: Any = None
        self._first_run: Any = None
        self._damaged: Any = None
        self.damaged_ws: Any = None

    def close(self) -> None:
        """Close every window and delete ours (note windows are children of the main
        view), so later tests find no window of this session."""
        from PySide6.QtCore import QEvent

        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                w.close()
        for window in (self._shell, self._first_run, self._damaged):
            if window is not None:
                window.deleteLater()
        self._shell = self._first_run = self._damaged = None
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        for ws in (self.ws, self.damaged_ws):
            if ws is not None:
                with contextlib.suppress(Exception):
                    ws.close()

    # --- the main window ---------------------------------------------------------------

    @property
    def shell(self) -> Any:
        """The main window, unlocked, as AppController builds it."""
        if self._shell is None:
            self._shell = self._main_window(self.ws, demo=True)
            self._shell.show()
        return self._shell

    def _main_window(self, ws: Workspace, *, demo: bool) -> Any:
        """The unlocked main window on `ws`, as AppController.enter_main builds it."""
        from noteapp.ui.main_builder import build_main_view
        from noteapp.ui.views.shell_window import ShellWindow

        window = ShellWindow()
        view = build_main_view(
            ws,
            is_demo=demo,
            kdf_params=FAST_KDF,
            on_lock=lambda: None,
            on_restore=lambda _p, _s: None,
            on_auto_lock_changed=lambda _m: None,
            prefs=self.prefs,
        )
        window.set_page(view, title="noteapp — Demo vault" if demo else "noteapp")
        return window

    @property
    def main(self) -> Any:
        return self.shell.page()

    def page(self, key: str) -> QWidget:
        self.main.show_page(key)
        settle()
        return self.shell

    def today(self, show_all: SectionKey | None = None) -> QWidget:
        """The Today page with its sections gathered (or one list in full: Show all)."""
        today = self.main.pages.today
        self.main.show_page("today")
        if show_all is None:
            today.show_today()
            wait_until(lambda: today.ready)
        else:
            today.show_all(show_all)
            wait_until(lambda: today.full.ready)
        settle()
        return self.shell

    def settings_page(self, title: str) -> QWidget:
        self.main.show_page("settings")
        self.main.pages.settings.show_section(title)
        settle()
        return self.shell

    # --- clients -----------------------------------------------------------------------

    def client_with(self, test: Callable[[Any], bool]) -> Any:
        return next(c for c in self.ws.clients.list() if test(c))

    @property
    def flagged_client(self) -> Any:
        """An active client with notes, a signed plan and a safety plan: the richest chart."""
        ws = self.ws

        def rich(c: Any) -> bool:
            plan = ws.plans.latest(c.id)
            return bool(
                c.status == "active"
                and plan is not None
                and plan.is_signed
                and ws.safety_plans.latest(c.id) is not None
                and ws.notes.list(client_id=c.id)
            )

        return self.client_with(rich)

    def chart(self, tab: str, client: Any = None) -> Any:
        """The Clients page with `client`'s chart open on `tab`; returns the tab widget."""
        client = client or self.flagged_client
        self.main.show_page("clients")
        self.main.pages.clients.refresh(select_id=client.id)
        chart = self.main.pages.clients.chart
        tabs = chart.findChild(QTabWidget, "chartTabs")
        for i in range(tabs.count()):
            if tabs.tabText(i) == tab:
                tabs.setCurrentIndex(i)
        settle()
        return tabs.currentWidget()

    def chart_window(self, tab: str, client: Any = None) -> QWidget:
        self.chart(tab, client)
        return self.shell

    # --- notes -------------------------------------------------------------------------

    def note(self, status: NoteStatus, template: str = "") -> Any:
        notes = [
            n
            for n in self.ws.notes.list(status=status, include_psychotherapy=False)
            if not template or n.template_id == template
        ]
        return max(notes, key=lambda n: (len(n.fields), n.session.date))

    def note_window(self, note_id: str) -> QWidget:
        return self.opened(lambda: self.main.navigator.open_note(note_id))

    # --- opening dialogs ---------------------------------------------------------------

    def opened(self, action: Callable[[], Any]) -> QWidget:
        """Run `action` and return the top-level window it opened (shown by the app)."""
        _ = self.shell
        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        result = action()
        settle()
        if isinstance(result, QWidget) and result.isWindow():
            return result
        new = [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and id(w) not in before and w.isWindow()
        ]
        assert new, "the action opened no window"
        dialogs = [w for w in new if isinstance(w, QDialog)]
        return (dialogs or new)[-1]

    def first_run(self, make: Callable[[], QWidget], title: str = "noteapp") -> QWidget:
        """A first-run or lock-screen page in a window of its own, as the app shows it."""
        from noteapp.ui.views.shell_window import ShellWindow

        if self._first_run is None:
            self._first_run = ShellWindow()
        self._first_run.set_page(make(), title=title)
        self._first_run.show()
        settle()
        return self._first_run

    def exported_note(self) -> Path:
        """A note signed by another clinician (a supervisee), exported to Word."""
        out = self.folder / "review" / "note.docx"
        if not out.exists():
            from noteapp.demo import fill_demo

            out.parent.mkdir(parents=True, exist_ok=True)
            other, _ = Workspace.create(
                self.folder / "supervisee.noteapp",
                PASSPHRASE,
                params=FAST_KDF,
                clock=self.clock,
                paths=AppPaths(self.folder / "data2", self.folder / "config2"),
            )
            try:
                other.profile.set(name="Riley Moreno", credentials="AMFT")
                fill_demo(other, clients=1, notes=3, passphrase=PASSPHRASE)
                signed = other.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)
                other.exports.export_note(signed[0].id, out)
            finally:
                other.close()
        return out

    def damaged_window(self) -> QWidget:
        """The main window of a second small vault in which one note was damaged on disk
        (a flipped bit) after a backup: the integrity banner across the top."""
        if self._damaged is None:
            from noteapp.demo import fill_demo
            from tests.core.damaging import flip_record

            path = self.folder / "damaged.noteapp"
            paths = AppPaths(self.folder / "data3", self.folder / "config3")
            ws, _ = Workspace.create(
                path, PASSPHRASE, params=FAST_KDF, clock=self.clock, paths=paths
            )
            fill_demo(ws, clients=2, notes=4, passphrase=PASSPHRASE)
            note = ws.notes.list(status=NoteStatus.DRAFT)[0]
            ws.backups.backup_now()
            ws.close()
            flip_record(path, "note", note.id)
            self.damaged_ws = Workspace.unlock(path, PASSPHRASE, clock=self.clock, paths=paths)
            self._damaged = self._main_window(self.damaged_ws, demo=False)
        self._damaged.show()
        settle()
        return self._damaged

    def review_with_file(self) -> QWidget:
        review = self.main.pages.review
        self.main.show_page("review")
        if not review.files:
            review.add_paths([self.exported_note()])
        wait_until(lambda: review.pending() == 0)
        review.list.setCurrentRow(0)
        settle()
        return self.shell


def settle() -> None:
    """Let layouts finish (a table that fits its rows to its width takes a few rounds)."""
    for _ in range(6):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def wait_until(done: Callable[[], bool], timeout_ms: int = 20000) -> None:
    """Process events until `done()` (background work finishing); fails after the timeout."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not done():
        assert not deadline.hasExpired(), "timed out waiting for background work"
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    name: str
    open: Callable[[Session], QWidget]
    main_screen: bool = False  # one of the screenshots of docs/screenshots
    # What else must hold on this screen at every size (problems as sentences).
    check: Callable[[QWidget], list[str]] | None = None


def chart_share(window: QWidget) -> list[str]:
    """The plan tab gives its progress chart at least 40 % of the height by default."""
    from noteapp.ui.views.plan_tab import PlanTab

    tab = next(t for t in window.findChildren(PlanTab) if t.isVisible())
    plan, chart = tab.splitter.sizes()
    share = chart / (plan + chart)
    if share < 0.4:
        return [f"the progress chart gets {share:.0%} of the plan tab's height ({chart}px)"]
    return []


def _welcome(s: Session) -> QWidget:
    from noteapp.ui.views.welcome_view import WelcomeView

    return s.first_run(WelcomeView)


def _create(s: Session) -> QWidget:
    from noteapp.ui.views.create_vault_view import CreateVaultView

    return s.first_run(lambda: CreateVaultView(s.folder / "new.noteapp"))


def _recovery_key(s: Session) -> QWidget:
    from noteapp.ui.views.recovery_key_view import RecoveryKeyView

    return s.first_run(lambda: RecoveryKeyView("ABCD-" * 11 + "ABCD"))


def _profile_setup(s: Session) -> QWidget:
    from noteapp.ui.views.profile_setup_view import ProfileSetupView

    return s.first_run(lambda: ProfileSetupView(s.ws.profile))


def _unlock(s: Session) -> QWidget:
    from noteapp.ui.views.unlock_view import UnlockView

    return s.first_run(
        lambda: UnlockView(
            s.folder / "screens.noteapp",
            offer_remember=True,
            offer_keychain=True,
            message="noteapp locked itself after a period without activity.",
        ),
        title="noteapp — Locked",
    )


def newest_day_in_view(window: QWidget) -> list[str]:
    """The medications tab's adherence grid shows its newest day (it starts scrolled there)."""
    from noteapp.ui.widgets.adherence_grid import AdherenceGrid

    grid = next(g for g in window.findChildren(AdherenceGrid) if g.isVisible())
    last = grid.columnCount() - 1
    if last < 0:
        return ["the adherence grid shows no day"]
    x = grid.columnViewportPosition(last)
    if 0 <= x < grid.viewport().width():
        return []
    return ["the adherence grid's newest day is scrolled out of sight"]


def _other_client(s: Session) -> Any:
    """An active client other than the richest one (whose chart the other screens show)."""
    rich = s.flagged_client
    return s.client_with(lambda c: c.status == "active" and c.id != rich.id)


def _draft_of(tab_title: str) -> Callable[[Session], QWidget]:
    """A plan or safety-plan editor, on a draft (revising the signed version if there is)."""

    def open_(s: Session) -> QWidget:
        tab = s.chart(tab_title, _other_client(s))
        if tab.plan is None:
            tab.new_plan()
        elif tab.plan.is_signed:
            tab.revise()
        settle()
        return s.shell

    return open_


_plan_draft = _draft_of("Plan")
_safety_draft = _draft_of("Safety plan")


def _signed_plan_tab(s: Session) -> Any:
    return s.chart("Plan")


def _settings(title: str) -> Callable[[Session], QWidget]:
    return lambda s: s.settings_page(title)


SETTINGS_PAGES = (
    "Profile",
    "Appearance",
    "Security",
    "Backups",
    "Paper",
    "Templates",
    "Quick phrases",
    "Dictionary",
    "Checklist",
    "Treatment plans",
    "Safety plans",
    "Signing keys",
    "Reference data",
    "Case management",
)


def _slug(text: str) -> str:
    return text.lower().replace(" ", "_")


def _in_chart(tab: str, action: Callable[[Any], Any]) -> Callable[[Session], QWidget]:
    return lambda s: s.opened(lambda: action(s.chart(tab)))


def _draft_note(s: Session) -> QWidget:
    return s.note_window(s.note(NoteStatus.DRAFT).id)


def _signed_note(s: Session) -> QWidget:
    return s.note_window(s.note(NoteStatus.SIGNED).id)


def _note_dialog(action: Callable[[Any], Any], status: NoteStatus) -> Callable[[Session], QWidget]:
    """A dialog of the note window: from the draft editor, or a signed note's document."""

    def open_(s: Session) -> QWidget:
        window = s.note_window(s.note(status).id)
        return s.opened(lambda: action(window.editor or window.document))

    return open_


def _new_client(s: Session) -> QWidget:
    s.main.show_page("clients")
    return s.opened(s.main.pages.clients.add_client)


def _edit_client(s: Session) -> QWidget:
    s.chart("Overview")
    return s.opened(s.main.pages.clients.edit_client)


def _discharge(s: Session) -> QWidget:
    s.chart("Overview")
    return s.opened(s.main.pages.clients.discharge_or_reactivate)


def _delete(s: Session) -> QWidget:
    s.chart("Overview")
    return s.opened(s.main.pages.clients.delete_client)


def _give(s: Session, instrument: str) -> QWidget:
    return s.opened(lambda: s.chart("Measures").give_in_session(instrument))


def _give_measure(s: Session) -> QWidget:
    return _give(s, "phq9")


def _review_action(kind: str) -> Callable[[Session], QWidget]:
    def open_(s: Session) -> QWidget:
        s.review_with_file()
        return s.opened(lambda: s.main.pages.review.open_review_action(kind))

    return open_


def _restore(s: Session) -> QWidget:
    s.settings_page("Backups")
    page = s.main.pages.settings.pages["Backups"]
    if not s.ws.backups.snapshots():
        page.backup_now()
    return s.opened(page.open_restore)


def _compare(s: Session) -> QWidget:
    tab = _signed_plan_tab(s)
    if s.ws.plans.previous_version(tab.plan) is None:
        tab.revise()
        settle()
    return s.opened(tab.open_compare)


def _shortcuts(s: Session) -> QWidget:
    return s.opened(s.main.show_shortcuts)


def _in_incidents(
    action: Callable[[Any], Any], *, draft: bool | None = None
) -> Callable[[Session], QWidget]:
    """A dialog of the Incidents page, on a draft report (`draft`) or a signed one."""

    def open_(s: Session) -> QWidget:
        s.page("incidents")
        view = s.main.pages.incidents
        if draft is not None:
            wanted = next(i for i in s.ws.incidents.list() if i.is_signed != draft)
            view.table.select(wanted.id)
        return s.opened(lambda: action(view))

    return open_


def _selected_in_chart(tab: str, action: Callable[[Any], Any]) -> Callable[[Session], QWidget]:
    """A dialog of a case-management tab about its first record."""

    def open_(s: Session) -> QWidget:
        view = s.chart(tab)
        table = next(t for t in (getattr(view, n, None) for n in ("contacts", "table")) if t)
        table.selectRow(0)
        return s.opened(lambda: action(view))

    return open_


SCREENS: tuple[Screen, ...] = (
    # First run and the lock screen.
    Screen("welcome", _welcome),
    Screen("create_vault", _create),
    Screen("recovery_key", _recovery_key),
    Screen("profile_setup", _profile_setup),
    Screen("unlock", _unlock),
    # The main window: pages, the chart and its tabs, settings.
    Screen("today", lambda s: s.today(), main_screen=True),
    Screen("today_show_all", lambda s: s.today(show_all=SectionKey.DRAFTS)),
    Screen("clients", lambda s: s.page("clients")),
    Screen("chart_overview", lambda s: s.chart_window("Overview"), main_screen=True),
    Screen("chart_notes", lambda s: s.chart_window("Notes"), main_screen=True),
    Screen("chart_plan", lambda s: s.chart_window("Plan"), main_screen=True, check=chart_share),
    Screen("chart_plan_draft", _plan_draft, main_screen=True, check=chart_share),
    Screen("chart_measures", lambda s: s.chart_window("Measures"), main_screen=True),
    Screen("chart_safety_plan", lambda s: s.chart_window("Safety plan"), main_screen=True),
    Screen("chart_safety_plan_draft", _safety_draft),
    Screen("chart_contacts", lambda s: s.chart_window("Contacts"), main_screen=True),
    Screen("chart_referrals", lambda s: s.chart_window("Referrals"), main_screen=True),
    Screen(
        "chart_medications",
        lambda s: s.chart_window("Medications"),
        main_screen=True,
        check=newest_day_in_view,
    ),
    Screen("incidents", lambda s: s.page("incidents"), main_screen=True),
    Screen("review", lambda s: s.page("review")),
    Screen("reports", lambda s: s.page("reports"), main_screen=True),
    Screen("damaged_records", lambda s: s.damaged_window()),
    Screen("review_file", lambda s: s.review_with_file(), main_screen=True),
    *(
        Screen(f"settings_{_slug(t)}", _settings(t), main_screen=t in ("Profile", "Appearance"))
        for t in SETTINGS_PAGES
    ),
    # The note window and what opens from it.
    Screen("note_draft", _draft_note, main_screen=True),
    Screen("note_signed", _signed_note, main_screen=True),
    Screen("sign_note", _note_dialog(lambda e: e.open_sign(), NoteStatus.DRAFT)),
    Screen(
        "addendum",
        _note_dialog(lambda e: e.open_correction(ItemType.ADDENDUM), NoteStatus.SIGNED),
    ),
    Screen("export_note", _note_dialog(lambda e: e.open_export(), NoteStatus.SIGNED)),
    Screen("draft_history", _note_dialog(lambda e: e.open_history(), NoteStatus.DRAFT)),
    # Chart dialogs.
    Screen("new_note", _in_chart("Notes", lambda t: t.new_note())),
    Screen("group_note", _in_chart("Notes", lambda t: t.group_note())),
    Screen("export_chart", _in_chart("Notes", lambda t: t.export_chart())),
    Screen("new_client", _new_client),
    Screen("edit_client", _edit_client),
    Screen("discharge_client", _discharge),
    Screen("delete_client", _delete),
    Screen("give_measure", _give_measure, main_screen=True),
    Screen("give_measure_pcl5", lambda s: _give(s, "pcl5")),  # five answers, long items
    Screen("give_measure_auditc", lambda s: _give(s, "auditc")),
    Screen("paper_measure", _in_chart("Measures", lambda t: t.enter_from_paper())),
    Screen("plan_ack", _in_chart("Plan", lambda t: t.open_ack())),
    Screen("plan_review", _in_chart("Plan", lambda t: t.open_review())),
    Screen("plan_export", _in_chart("Plan", lambda t: t.open_export())),
    Screen("plan_compare", _compare),
    Screen("goal_library", lambda s: _goal_library(s)),
    # Case management.
    Screen("add_contact", _in_chart("Contacts", lambda t: t.add_contact())),
    Screen(
        "edit_contact",
        _selected_in_chart("Contacts", lambda t: t.edit_contact(t.contacts.selected_id())),
    ),
    Screen("add_release", _selected_in_chart("Contacts", lambda t: t.add_release())),
    Screen("new_referral", _in_chart("Referrals", lambda t: t.new_referral())),
    Screen(
        "referral_status",
        _selected_in_chart("Referrals", lambda t: t.update_status(t.table.selected_id())),
    ),
    Screen("sign_referral", _selected_in_chart("Referrals", lambda t: t.sign_letter())),
    Screen("add_medication", _in_chart("Medications", lambda t: t.add_medication())),
    Screen("stop_medication", _selected_in_chart("Medications", lambda t: t.stop_medication())),
    Screen("new_incident", _in_incidents(lambda v: v.new_report())),
    Screen(
        "edit_incident", _in_incidents(lambda v: v.edit_report(v.table.selected_id()), draft=True)
    ),
    Screen("sign_incident", _in_incidents(lambda v: v.sign_report(), draft=True)),
    Screen("notify_incident", _in_incidents(lambda v: v.record_notification(), draft=False)),
    Screen("export_incident", _in_incidents(lambda v: v.export_report(), draft=False)),
    Screen(
        "safety_plan_client_copy",
        _in_chart("Safety plan", lambda t: t.open_export(client_copy=True)),
    ),
    # The main window's own dialogs.
    Screen("search", lambda s: s.opened(s.main.navigator.open_search)),
    Screen("shortcuts", _shortcuts),
    Screen("review_cosign", _review_action("cosign")),
    Screen("trust_signer", lambda s: _trust(s)),
    Screen(
        "change_passphrase",
        lambda s: (
            s.settings_page("Security"),
            s.opened(s.main.pages.settings.pages["Security"].open_change_dialog),
        )[1],
    ),
    Screen("restore_backup", _restore),
)


def _goal_library(s: Session) -> QWidget:
    from noteapp.ui.dialogs.goal_library_dialog import GoalLibraryDialog

    def open_() -> QWidget:
        dialog = GoalLibraryDialog(s.ws.goal_library.groups(), NOW.date(), s.main)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    _plan_draft(s)
    return s.opened(open_)


def _trust(s: Session) -> QWidget:
    s.settings_page("Signing keys")
    return s.opened(s.main.pages.settings.pages["Signing keys"].open_add)


def screen(name: str) -> Screen:
    return next(x for x in SCREENS if x.name == name)


@contextlib.contextmanager
def opened_screen(session: Session, name: str) -> Iterator[QWidget]:
    """Open a screen; afterwards close every window it opened (the main window stays)."""
    keep = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    keep.add(id(session.shell))
    window = screen(name).open(session)
    try:
        yield window
    finally:
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and id(w) not in keep and w.isWindow():
                if isinstance(w, QDialog):
                    w.reject()
                w.close()
        settle()
