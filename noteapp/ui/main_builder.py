"""Part of the composition root: the unlocked main view, each page given only what it needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from noteapp.domain.clients import Client
from noteapp.domain.errors import NoteappError, OlderCopyWarning
from noteapp.domain.notes import NoteStatus
from noteapp.domain.profile import Role
from noteapp.domain.signatures import ItemType
from noteapp.services.workspace import Workspace
from noteapp.ui import casemgmt_builder
from noteapp.ui.dialogs.goal_library_dialog import GoalLibraryDialog
from noteapp.ui.dialogs.note_window import NoteWindow
from noteapp.ui.dialogs.search_dialog import SearchDialog
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.views.clients_view import ClientsView
from noteapp.ui.views.dashboard_view import DashboardView, DraftRow, PlanItemRow, ReviewRow
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.measures_tab import MeasuresTab
from noteapp.ui.views.notes_tab import NotesTab
from noteapp.ui.views.plan_tab import PlanTab
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
from noteapp.ui.widgets.banner import Banner
from noteapp.ui.widgets.integrity_banner import IntegrityBanner
from noteapp.ui.widgets.risk_flag_banner import RiskFlagBanner
from noteapp.ui.workers import run_in_background

DEMO_BANNER = (
    "Demo vault — invented clients only. Nothing here is real, and nothing you do here "
    "touches your own vault."
)


class _RiskEvents(QObject):
    """Measures saved or notes signed: the risk banners and the dashboard re-read flags."""

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
) -> MainView:
    profile = ws.profile.get()
    today = ws.clock.now().astimezone().date()
    first_name = profile.name.split()[0] if profile and profile.name.split() else ""
    note_windows: dict[str, NoteWindow] = {}
    risk_events = _RiskEvents()
    parent_holder: list[QWidget] = []

    def open_note(note_id: str) -> None:
        window = note_windows.get(note_id)
        if window is None or not window.isVisible():
            window = NoteWindow(ws, note_id, parent_holder[0] if parent_holder else None)
            # A signed note may address a risk flag: the banners re-read them.
            window.editor.saved.connect(lambda _n: risk_events.changed.emit())
            note_windows[note_id] = window
            window.finished.connect(lambda _r, i=note_id: note_windows.pop(i, None))
        window.show()
        window.raise_()
        window.activateWindow()

    def notes_tab(client: Client) -> NotesTab:
        return NotesTab(ws, client.id, open_note)

    library = ws.goal_library

    def plan_tab(client: Client) -> PlanTab:
        tab: list[PlanTab] = []

        def from_library() -> dict[str, Any] | None:
            plan = tab[0].plan if tab else None
            start = (plan.valid_from if plan else None) or ws.clock.now().date()
            dialog = GoalLibraryDialog(library.groups(), start, tab[0] if tab else None)
            return dialog.result_problem if dialog.exec() else None

        tab.append(PlanTab(ws, client.id, library=from_library))
        return tab[0]

    def measures_tab(client: Client) -> MeasuresTab:
        tab = MeasuresTab(ws, client.id)
        tab.changed.connect(risk_events.changed)
        return tab

    def safety_plan_tab(client: Client) -> SafetyPlanTab:
        return SafetyPlanTab(ws, client.id)

    def risk_banner(client: Client) -> RiskFlagBanner:
        banner = RiskFlagBanner(lambda: ws.measures.open_risk_flags(client.id))
        risk_events.changed.connect(banner.refresh)
        return banner

    clients = ClientsView(
        ws.clients,
        today=today,
        chart_tabs=(
            ("Notes", notes_tab),
            ("Plan", plan_tab),
            ("Measures", measures_tab),
            ("Safety plan", safety_plan_tab),
            *casemgmt_builder.chart_tabs(ws),
        ),
        header_widgets=(risk_banner,),
        damaged=lambda: [r.describe() for r in ws.damage.clients()],
        emergency_contact=ws.contacts.emergency_contact,
    )

    def drafts() -> list[DraftRow]:
        names = {t.id: t.name for t in ws.templates.list()}
        rows = []
        for n in ws.notes.list(status=NoteStatus.DRAFT, include_psychotherapy=False):
            try:
                who = ws.clients.get(n.client_id).name
            except NoteappError:
                continue
            blocking = len(ws.notes.check(n).blocking)
            rows.append(DraftRow(n.id, n.session.date, who, names.get(n.template_id, ""), blocking))
        return rows

    def signed_rows() -> list[tuple[Any, str, str]]:
        names = {t.id: t.name for t in ws.templates.list()}
        out = []
        for n in ws.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False):
            try:
                who = ws.clients.get(n.client_id).name
            except NoteappError:
                continue
            out.append((n, who, names.get(n.template_id, "")))
        return out

    def returned() -> list[ReviewRow]:
        rows = []
        for n, who, template in signed_rows():
            reviews = ws.signing.reviews(n.id)
            if not reviews or reviews[-1].type != ItemType.RETURN:
                continue
            last = reviews[-1]
            corrected = any(c.signed_at > last.signed_at for c in ws.signing.corrections(n.id))
            rows.append(
                ReviewRow(
                    n.id,
                    n.session.date,
                    who,
                    template,
                    comments=str(last.payload.get("comments", "")),
                    reviewer=str(last.author.get("name", "")),
                    corrected_since=corrected,
                )
            )
        return rows

    def awaiting() -> list[ReviewRow]:
        return [
            ReviewRow(n.id, n.session.date, who, template)
            for n, who, template in signed_rows()
            if not ws.signing.reviews(n.id)
        ]

    def client_name(client_id: str) -> str | None:
        try:
            return str(ws.clients.get(client_id).name)
        except NoteappError:
            return None

    def plan_reviews() -> list[PlanItemRow]:
        rows = []
        # Overdue first, then by due date.
        for d in sorted(ws.plans.due_reviews(), key=lambda d: (not d.overdue, d.due)):
            who = client_name(d.client_id)
            if who is None:
                continue
            when = f"overdue since {d.due.isoformat()}" if d.overdue else f"due {d.due.isoformat()}"
            rows.append(PlanItemRow(d.client_id, f"{who}   ·   review {when}", urgent=d.overdue))
        return rows

    def without_plan() -> list[PlanItemRow]:
        rows = []
        for client_id in ws.plans.clients_without_current_plan():
            who = client_name(client_id)
            if who is None:
                continue
            latest = ws.plans.latest(client_id)
            why = (
                "no plan yet"
                if latest is None
                else "plan not signed yet"
                if not latest.is_signed
                else "signed plan no longer valid"
            )
            rows.append(PlanItemRow(client_id, f"{who}   ·   {why}"))
        return rows

    def without_progress() -> list[PlanItemRow]:
        rows = []
        for n in ws.plans.signed_notes_without_progress():
            who = client_name(n.client_id)
            if who is not None:
                text = f"{n.session.date.isoformat()}   {who}"
                rows.append(PlanItemRow(n.client_id, text, note_id=n.id))
        return rows

    def open_chart_tab(client_id: str, title: str) -> None:
        if not parent_holder:
            return
        parent_holder[0].show_page("clients")  # type: ignore[attr-defined]
        clients.refresh(select_id=client_id)
        chart = clients.chart
        if chart is not None:
            for i in range(chart.tabs.count()):
                if chart.tabs.tabText(i) == title:
                    chart.tabs.setCurrentIndex(i)

    def open_plan(client_id: str) -> None:
        open_chart_tab(client_id, "Plan")

    def risk_flags() -> list[PlanItemRow]:
        rows = []
        for m in ws.measures.open_risk_flags():
            who = client_name(m.client_id)
            if who is not None:
                text = f"{who}   ·   {m.name} on {m.on.isoformat()}: " + (
                    "; ".join(m.flag_labels) or "risk item endorsed"
                )
                rows.append(PlanItemRow(m.client_id, text, urgent=True))
        return rows

    is_clinician = profile is None or profile.role == Role.CLINICIAN
    dashboard = DashboardView(
        ws.clients,
        first_name=first_name,
        now=ws.clock.now(),
        drafts=drafts,
        open_note=lambda note_id: open_note(note_id),
        awaiting=awaiting if is_clinician else None,
        returned=returned,
        plan_items={
            "plan_reviews": plan_reviews,
            "no_plan": without_plan,
            "no_progress": without_progress,
        },
        open_plan=open_plan,
        risk_flags=risk_flags,
        open_risk=lambda client_id: open_chart_tab(client_id, "Measures"),
    )

    def change_passphrase(current: str, new: str) -> None:
        ws.change_passphrase(current=current, new=new, params=kdf_params)

    profile_page = SettingsProfilePage(ws.profile)
    backups_page = SettingsBackupsPage(
        ws.backups, ws.settings, vault_path=ws.vault_path, on_restore=on_restore
    )
    settings = SettingsView(
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
            ("Signing keys", SettingsKeysPage(ws)),
            ("Reference data", ReferenceDataSettingsPage(ws.reference)),
            ("Case management", casemgmt_builder.settings_page(ws)),
        ]
    )
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
    integrity = IntegrityBanner(ws.damage) if ws.damage else None
    if integrity is not None:
        banners.append(integrity)

    def header_text() -> str:
        p = ws.profile.get()
        if p is None:
            return "noteapp"
        return p.signature_name + (f"  ·  {p.agency_name}" if p.agency_name else "")

    review = ReviewView(ws)
    holder: list[MainView] = []

    def incident_settings() -> None:
        holder[0].show_page("settings")
        settings.show_section("Case management")

    incidents = casemgmt_builder.incidents_page(ws, incident_settings)
    reports = ReportsView(
        report=ws.outcomes.report,
        charts=ws.outcomes.charts,
        outcomes=lambda: [(o.id, o.name) for o, _value in ws.outcomes.outcomes()],
        save_csv=ws.outcomes.write_csv,
        save_docx=ws.outcomes.write_docx,
        today=today,
    )
    view = MainView(
        [
            ("dashboard", "Dashboard", dashboard),
            ("clients", "Clients", clients),
            ("incidents", "Incidents", incidents),
            ("review", "Review", review),
            ("reports", "Reports", reports),
            ("settings", "Settings", settings),
        ],
        banners=banners,
        header_text=header_text(),
    )
    holder.append(view)
    profile_page.saved.connect(lambda: view.header_label.setText(header_text()))

    def open_backups(snapshot: Path) -> None:
        """ "Open backups" on the integrity banner: the restore dialog, the right one chosen."""
        view.show_page("settings")
        settings.show_section("Backups")
        backups_page.open_restore(preselect=snapshot)

    if integrity is not None:
        integrity.open_backups.connect(open_backups)
    view.lock_requested.connect(on_lock)

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
    view.add_shortcut("settings", lambda: view.show_page("settings"))
    parent_holder.append(view)

    def open_incident(incident_id: str) -> None:
        view.show_page("incidents")
        incidents.show_filter("all")
        incidents.table.select(incident_id)

    def open_hit(hit: Any) -> None:
        if casemgmt_builder.open_case_hit(
            hit, open_chart_tab=open_chart_tab, open_incident=open_incident
        ):
            return
        if hit.kind == "client":
            view.show_page("clients")
            clients.refresh(select_id=hit.key)
        else:
            view.show_page("clients")
            clients.refresh(select_id=hit.client_id)
            open_note(hit.key)

    def search() -> None:
        dialog = SearchDialog(
            ws.search.search,
            [(c.id, c.name, c.code) for c in ws.clients.list()],
            [(t.id, t.name) for t in ws.templates.list()],
            open_hit,
            view,
            unsearchable=lambda **kw: [r.describe() for r in ws.damage.search_gaps(**kw)],
            preparer=ws.search,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # The search index opens in the background right after unlock (loaded from the vault,
    # or rebuilt after an upgrade or a restore), so the first search answers at once.
    run_in_background(ws.search.prepare, parent=view)
    view.add_shortcut("search", search)
    view.search_requested.connect(search)
    view.open_note = open_note  # type: ignore[attr-defined]
    view.open_search = search  # type: ignore[attr-defined]
    view.clients = clients  # type: ignore[attr-defined]
    view.dashboard = dashboard  # type: ignore[attr-defined]
    view.settings = settings  # type: ignore[attr-defined]
    view.review = review  # type: ignore[attr-defined]
    view.reports = reports  # type: ignore[attr-defined]
    view.incidents = incidents  # type: ignore[attr-defined]
    return view
