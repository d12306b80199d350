"""What needs the clinician now: the Today page's sections, as queries over the services.

Each section is a count, its top rows and, per row, enough to open the item. Sections are
role-aware: the co-signature queue is there only for a clinician whose profile says a
supervisor co-signs their notes; a supervisor sees the notes waiting for their review.

No Qt, and no walking over every note here: each section asks the service that owns those
records (`notes.drafts()`, `signing.returned()`, `measures.open_risk_flags()`,
`plans.due_reviews()`, `measures.due()` …), so they can be made cheap underneath (lazy
services, issue #11) without touching this module. Expensive per-row work (the checklist of
a draft, the state of a plan) is done for the rows shown only.

Rules (docs/ui.md, "Today"):
- drafts: oldest date of service first, with their age in days;
- returned for revision: the latest review is a return and no correction followed it;
- awaiting co-signature (supervised clinicians only): never reviewed, or returned and since
  corrected; oldest first;
- measures due: an active client whose current signed plan measures an active objective with
  an instrument named in "measured by" (e.g. "PHQ-9 every 2 weeks") that was not given in
  the last 30 days (MEASURE_EVERY_DAYS), or never;
- referrals to follow up: open referrals whose follow-up date has passed
  (`referrals.overdue()`), longest overdue first;
- incident notifications overdue: reports whose type's notification deadline has passed
  with nobody notified (`incidents.overdue()`); the section is there only while one is
  (a deadline to a regulator, shown next to the risk flags), never as a standing empty card;
- "signed notes without goal progress" is a filter (Show all), never a Today section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from noteapp.domain.clock import Clock
from noteapp.domain.notes import Note, NoteStatus
from noteapp.domain.profile import ClinicianProfile, Role
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.incidents import IncidentService
from noteapp.services.measures import MeasureService
from noteapp.services.notes import NoteService
from noteapp.services.plans import PlanService
from noteapp.services.referrals import ReferralService
from noteapp.services.signing import SigningService
from noteapp.services.summaries import NoteSummary
from noteapp.services.templates import TemplateCatalog
from noteapp.services.worklist_items import (
    EMPTY,
    TITLES,
    NoReviewInbox,
    Place,
    ReviewInbox,
    SectionKey,
    WorkItem,
    WorkSection,
)
from noteapp.services.workspace import Workspace

__all__ = [
    "EMPTY",
    "TITLES",
    "TOP",
    "Place",
    "ReviewInbox",
    "SectionKey",
    "WorkItem",
    "WorkSection",
    "Worklist",
    "worklist_for",
]

TOP = 5  # rows a Today section shows before "Show all"


class Worklist:
    def __init__(
        self,
        *,
        profile: Callable[[], ClinicianProfile | None],
        clients: ClientService,
        notes: NoteService,
        signing: SigningService,
        plans: PlanService,
        measures: MeasureService,
        templates: TemplateCatalog,
        audit: AuditService,
        clock: Clock,
        referrals: ReferralService,
        incidents: IncidentService,
        review_inbox: ReviewInbox | None = None,
    ) -> None:
        self._profile = profile
        self._clients = clients
        self._notes = notes
        self._signing = signing
        self._plans = plans
        self._measures = measures
        self._templates = templates
        self._template_names: dict[str, str] | None = None
        self._audit = audit
        self._clock = clock
        self._inbox = review_inbox or NoReviewInbox()
        self._referrals = referrals
        self._incidents = incidents

    def today_date(self) -> date:
        return self._clock.now().astimezone().date()

    def sections(self) -> tuple[SectionKey, ...]:
        """The Today page's sections for this profile, most pressing first."""
        p = self._profile()
        keys = [SectionKey.RISK_FLAGS, SectionKey.DRAFTS]
        if self._incidents.overdue():
            keys.insert(1, SectionKey.INCIDENTS)
        if (p is not None and p.role == Role.SUPERVISOR) or self._inbox.active():
            keys.insert(0, SectionKey.TO_REVIEW)
        if p is not None and p.supervised:
            keys += [SectionKey.RETURNED, SectionKey.AWAITING_COSIGNATURE]
        elif self._signing.returned():  # a return imported here is never hidden
            keys.append(SectionKey.RETURNED)
        keys += [
            SectionKey.PLAN_REVIEWS,
            SectionKey.MEASURES_DUE,
            SectionKey.REFERRALS,
            SectionKey.NO_PLAN,
        ]
        return tuple(keys)

    def today(self, *, limit: int = TOP) -> tuple[WorkSection, ...]:
        return tuple(self.section(key, limit=limit) for key in self.sections())

    def section(self, key: SectionKey, *, limit: int | None = TOP) -> WorkSection:
        """One section; `limit` None lists every row (Show all)."""
        names = {str(c.id): c.name for c in self._clients.list()}
        today = self.today_date()
        count, items = _QUERIES[key](self, names, today, limit)
        return WorkSection(key, TITLES[key], count, tuple(items), self._empty(key))

    def _empty(self, key: SectionKey) -> str:
        if key != SectionKey.TO_REVIEW:
            return EMPTY[key]
        empty = self._inbox.empty() or EMPTY[key]
        done, last = self._audit.last_of(("cosignature", "return"))
        if not done:
            return empty
        return empty + f" You have reviewed {done} here; the latest on {last[:10]}."

    # --- the queries -------------------------------------------------------------------

    def _template_name(self, note: Note) -> str:
        try:
            return self._templates.from_snapshot(note.template_snapshot).name
        except Exception:  # a template that cannot be read still lists the note
            return note.template_id

    def _note_item(self, note: Note, names: dict[str, str], today: date, summary: str) -> WorkItem:
        text = self._template_name(note) + (f" · {summary}" if summary else "")
        return WorkItem(
            client_id=note.client_id,
            client=names[note.client_id],
            summary=text,
            on=note.session.date,
            place=Place.NOTE,
            note_id=note.id,
            age_days=(today - note.session.date).days,
        )

    def _summary_item(
        self, note: NoteSummary, names: dict[str, str], today: date, summary: str
    ) -> WorkItem:
        """A row for a signed note from its summary (no note's text is read for a queue)."""
        if self._template_names is None:
            self._template_names = {t.id: t.name for t in self._templates.list()}
        name = self._template_names.get(note.template_id, note.template_id)
        return WorkItem(
            client_id=note.client_id,
            client=names[note.client_id],
            summary=name + (f" · {summary}" if summary else ""),
            on=note.date,
            place=Place.NOTE,
            note_id=note.id,
            age_days=(today - note.date).days,
        )

    def _signed(self, names: dict[str, str]) -> dict[str, NoteSummary]:
        """This caseload's signed notes (psychotherapy notes stay out of every queue)."""
        return {
            s.id: s
            for s in self._notes.summaries(status=NoteStatus.SIGNED, include_psychotherapy=False)
            if s.client_id in names
        }

    def _risk_flags(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        flags = [m for m in self._measures.open_risk_flags() if m.client_id in names]
        rows = [
            WorkItem(
                client_id=m.client_id,
                client=names[m.client_id],
                summary=f"{m.name}: " + ("; ".join(m.flag_labels) or "risk item endorsed"),
                on=m.on,
                place=Place.CHART_MEASURES,
                urgent=True,
                age_days=(today - m.on).days,
            )
            for m in flags[:limit]
        ]
        return len(flags), rows

    def _drafts(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        drafts = [n for n in self._notes.drafts() if n.client_id in names]
        rows = []
        for n in drafts[:limit]:
            blocking = len(self._notes.check(n).blocking)
            state = (
                "ready to sign"
                if blocking == 0
                else f"{blocking} item{'s' if blocking != 1 else ''} missing"
            )
            age = (today - n.session.date).days
            when = "today" if age <= 0 else f"{age} day{'s' if age != 1 else ''} old"
            rows.append(self._note_item(n, names, today, f"{when} · {state}"))
        return len(drafts), rows

    def _returned(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        signed = self._signed(names)
        found = [(signed[i], item) for i, item in self._signing.returned() if i in signed]
        found.sort(key=lambda pair: pair[1].signed_at)
        rows = []
        for note, item in found[:limit]:
            who = item.author.get("name", "")
            comments = " ".join(str(item.payload.get("comments", "")).split())
            if len(comments) > 90:
                comments = comments[:89] + "…"
            by = f" by {who}" if isinstance(who, str) and who else ""
            rows.append(self._summary_item(note, names, today, f"returned{by}: “{comments}”"))
        return len(found), rows

    def _awaiting(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        signed = self._signed(names)
        waiting = sorted(
            (signed[i] for i in self._signing.awaiting_cosignature() if i in signed),
            key=lambda n: (n.date, n.id),
        )
        return len(waiting), [self._summary_item(n, names, today, "") for n in waiting[:limit]]

    def _to_review(self, _names: dict[str, str], _today: date, limit: int | None) -> _Rows:
        waiting = list(self._inbox.waiting())
        return len(waiting), waiting[:limit]

    def _plan_reviews(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        due = sorted(
            (d for d in self._plans.due_reviews() if d.client_id in names),
            key=lambda d: (not d.overdue, d.due),
        )
        rows = [
            WorkItem(
                client_id=d.client_id,
                client=names[d.client_id],
                summary=(
                    f"review overdue since {d.due.isoformat()}"
                    if d.overdue
                    else f"review due {d.due.isoformat()}"
                ),
                on=d.due,
                place=Place.CHART_PLAN,
                urgent=d.overdue,
            )
            for d in due[:limit]
        ]
        return len(due), rows

    def _no_plan(self, names: dict[str, str], _today: date, limit: int | None) -> _Rows:
        ids = [i for i in self._plans.clients_without_current_plan() if i in names]
        rows = []
        for client_id in ids[:limit]:
            latest = self._plans.latest(client_id)
            why = (
                "no plan yet"
                if latest is None
                else "plan not signed yet"
                if not latest.is_signed
                else "signed plan no longer valid"
            )
            rows.append(WorkItem(client_id, names[client_id], why, None, Place.CHART_PLAN))
        return len(ids), rows

    def _measures_due(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        due = [
            d
            for d in self._measures.due(named_by=self._plans.measured_by(), today=today)
            if d.client_id in names
        ]
        rows = [
            WorkItem(
                client_id=d.client_id,
                client=names[d.client_id],
                summary=(
                    f"{d.name} last given {_days_ago((today - d.last_given).days)}"
                    if d.last_given
                    else f"{d.name} not given yet"
                ),
                on=d.last_given,
                place=Place.CHART_MEASURES,
                age_days=(today - d.last_given).days if d.last_given else None,
            )
            for d in due[:limit]
        ]
        return len(due), rows

    def _referrals_due(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        due = [r for r in self._referrals.overdue() if r.client_id in names]
        rows = []
        for r in due[:limit]:
            try:
                to = self._referrals.recipient(r).label
            except Exception:  # a contact that cannot be read: the row still shows
                to = ""
            follow_up = r.follow_up or today  # overdue() means there is one
            late = (today - follow_up).days
            rows.append(
                WorkItem(
                    client_id=r.client_id,
                    client=names[r.client_id],
                    summary=(f"to {to} · " if to else "")
                    + f"{r.status.label} {r.status_date.isoformat()} · follow-up due "
                    + _days_ago(late),
                    on=follow_up,
                    place=Place.CHART_REFERRALS,
                    age_days=late,
                    record_id=r.id,
                )
            )
        return len(due), rows

    def _incidents_due(self, _names: dict[str, str], today: date, limit: int | None) -> _Rows:
        due = self._incidents.overdue()
        rows = []
        for i in due[:limit]:
            deadline = self._incidents.notification_due(i)
            when = f"{deadline.astimezone():%Y-%m-%d %H:%M}" if deadline else "passed"
            happened = i.occurred_at.astimezone().date()
            rows.append(
                WorkItem(
                    client_id="",
                    client=i.reference,
                    summary=f"{i.type_label}: notification was due {when}, nobody notified yet",
                    on=happened,
                    place=Place.INCIDENT,
                    urgent=True,
                    age_days=(today - happened).days,
                    record_id=i.id,
                )
            )
        return len(due), rows

    def _no_progress(self, names: dict[str, str], today: date, limit: int | None) -> _Rows:
        notes = [n for n in self._plans.signed_notes_without_progress() if n.client_id in names]
        return len(notes), [self._summary_item(n, names, today, "") for n in notes[:limit]]


def worklist_for(
    ws: Workspace,
    *,
    review_inbox: ReviewInbox | None = None,
) -> Worklist:
    """The worklist over a workspace's services."""
    return Worklist(
        profile=ws.profile.get,
        clients=ws.clients,
        notes=ws.notes,
        signing=ws.signing,
        plans=ws.plans,
        measures=ws.measures,
        templates=ws.templates,
        audit=ws.audit,
        clock=ws.clock,
        referrals=ws.referrals,
        incidents=ws.incidents,
        review_inbox=review_inbox,
    )


def _days_ago(days: int) -> str:
    return "today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} ago"


_Rows = tuple[int, list[WorkItem]]
_QUERIES: dict[SectionKey, Callable[[Worklist, dict[str, str], date, int | None], _Rows]] = {
    SectionKey.RISK_FLAGS: Worklist._risk_flags,
    SectionKey.INCIDENTS: Worklist._incidents_due,
    SectionKey.DRAFTS: Worklist._drafts,
    SectionKey.RETURNED: Worklist._returned,
    SectionKey.AWAITING_COSIGNATURE: Worklist._awaiting,
    SectionKey.TO_REVIEW: Worklist._to_review,
    SectionKey.PLAN_REVIEWS: Worklist._plan_reviews,
    SectionKey.NO_PLAN: Worklist._no_plan,
    SectionKey.MEASURES_DUE: Worklist._measures_due,
    SectionKey.REFERRALS: Worklist._referrals_due,
    SectionKey.NO_PROGRESS: Worklist._no_progress,
}
