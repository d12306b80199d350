"""Notes: drafts that autosave as versions, copy forward, group notes, psychotherapy notes,
rendering through the note's own template snapshot, and the documentation checklist.

Notes are decrypted once after unlock and kept in memory. Psychotherapy (process) notes are
their own record kind, encrypted under their own key (see vault.store COMPARTMENT_PREFIXES).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from noteapp.domain.checklist import RULES, ChecklistFacts, ChecklistResult, check_note
from noteapp.domain.clients import Client
from noteapp.domain.clock import Clock
from noteapp.domain.document import Block, BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RefusedError,
)
from noteapp.domain.ids import ClientId, NoteId, new_id
from noteapp.domain.medications import AdherenceEntry, adherence_rows
from noteapp.domain.notes import (
    FieldValue,
    Modality,
    Note,
    NoteStatus,
    RiskAssessment,
    SessionInfo,
    note_from_dict,
    note_to_dict,
)
from noteapp.domain.risk import in_step
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.damaged_record import find_damaged
from noteapp.services.reference import ReferenceService
from noteapp.services.settings import SettingsService
from noteapp.services.templates import TemplateCatalog, template_info
from noteapp.templates import FieldKind, Template, build_render_context, render_note
from noteapp.vault.store import Vault

NOTE_KIND = "note"
_RULE_TITLES = {r.id: r.title for r in RULES}
PSYCHOTHERAPY_KIND = "psychotherapy_note"
MAX_FIELD_CHARS = 200_000

# What belongs in the progress note, not in psychotherapy notes (HIPAA 45 CFR 164.501).
_BILLING_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b([01]?\d|2[0-3]):[0-5]\d\b|\b\d+\s*(min|mins|minutes)\b", re.I),
        "session times",
    ),
    (re.compile(r"\b[A-TV-Z]\d[0-9AB]\.\d{1,4}\b|\bdiagnos[ie]s\b|\bICD", re.I), "a diagnosis"),
    (re.compile(r"\b9\d{4}\b|\bCPT\b|\bservice code\b", re.I), "a service code"),
    (
        re.compile(r"\b(progress|prognosis|treatment plan|functional status|symptoms?)\b", re.I),
        "progress, prognosis or symptoms",
    ),
    (re.compile(r"\b(PHQ-?9|GAD-?7|test results?|score[ds]?)\b", re.I), "test results"),
    (
        re.compile(r"\b(modality|frequency|telehealth|weekly|biweekly)\b", re.I),
        "modality or frequency",
    ),
)


def billing_content_warnings(text: str) -> list[str]:
    """Sentences warning that billing-type content was typed into a psychotherapy note."""
    found = [label for pattern, label in _BILLING_PATTERNS if pattern.search(text)]
    if not found:
        return []
    return [
        f"This looks like {label}: that belongs in the progress note, not in psychotherapy notes."
        for label in found
    ]


class NoteService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        templates: TemplateCatalog,
        reference: ReferenceService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._clients = clients
        self.templates = templates
        self._reference = reference
        self._settings = settings
        self._clock = clock
        self._notes: dict[str, Note] = {}
        self.problems: list[RecordIntegrityError] = []
        self.listeners: list[Callable[[Note], None]] = []  # e.g. the search index
        self.removal_listeners: list[Callable[[str], None]] = []  # with a deleted note's id
        # Later issues contribute facts (plans, measures) for the checklist here.
        self.fact_providers: list[Callable[[Note, ChecklistFacts], ChecklistFacts]] = []
        # Measures given on a draft's date (summaries as stored in Note.measures on signing).
        self.measure_sources: list[Callable[[Note], tuple[dict[str, Any], ...]]] = []
        self.reload()

    def reload(self) -> None:
        self._notes = {}
        self.problems = []
        for kind in (NOTE_KIND, PSYCHOTHERAPY_KIND):
            result = self._vault.load_kind(kind)
            for r in result.records:
                self._notes[r.id] = note_from_dict(r.data, version=r.version)
            self.problems.extend(result.failures)

    # --- reading -----------------------------------------------------------------------

    def list(
        self,
        *,
        client_id: str | None = None,
        status: NoteStatus | None = None,
        include_psychotherapy: bool = True,
    ) -> builtins.list[Note]:
        """Newest date of service first."""
        out = [
            n
            for n in self._notes.values()
            if (client_id is None or n.client_id == client_id)
            and (status is None or n.status == status)
            and (include_psychotherapy or not n.psychotherapy)
        ]
        return sorted(
            out, key=lambda n: (n.session.date, n.created_at or self._clock.now()), reverse=True
        )

    def all(self) -> Iterable[Note]:
        return self._notes.values()

    def drafts(self, *, include_psychotherapy: bool = False) -> builtins.list[Note]:
        """Unsigned notes, the longest-waiting (oldest date of service) first."""
        out = [
            n
            for n in list(self._notes.values())
            if not n.is_signed and (include_psychotherapy or not n.psychotherapy)
        ]
        return sorted(out, key=lambda n: (n.session.date, n.created_at or self._clock.now()))

    def get(self, note_id: str) -> Note:
        note = self._notes.get(note_id)
        if note is None:
            matches = [n for n in self._notes.values() if n.id.startswith(note_id)]
            if len(note_id) >= 6 and len(matches) == 1:
                return matches[0]
            # A damaged note is still there: say so, never "no such note".
            damaged = find_damaged(self.problems, note_id, prefix=not matches)
            if damaged is not None:
                raise damaged
            raise NotFoundError(f"No note with id '{note_id[:32]}'.")
        return note

    def history(self, note_id: str) -> builtins.list[Note]:
        """Every saved version of a note, oldest first (the draft history)."""
        note = self.get(note_id)
        return [
            note_from_dict(r.data, version=r.version)
            for r in self._vault.history(self._kind(note), note.id)
        ]

    def previous_note(
        self, client_id: str, *, before: date | None = None, exclude: str = ""
    ) -> Note | None:
        for n in self.list(client_id=client_id, include_psychotherapy=False):
            if n.id != exclude and (before is None or n.session.date <= before):
                return n
        return None

    def template_for(self, note: Note) -> Template:
        return self.templates.from_snapshot(note.template_snapshot)

    # --- creating and editing ----------------------------------------------------------

    def default_session(self, client: Client, *, on: date | None = None) -> SessionInfo:
        """Pre-filled from the chart and the client's last note (product.md, daily loop)."""
        # Group sessions have their own code and participants: never carry those into an
        # individual note.
        last = next(
            (
                n
                for n in self.list(client_id=client.id, include_psychotherapy=False)
                if not n.group_id
            ),
            None,
        )
        base = SessionInfo(date=on or self._clock.now().date(), diagnoses=client.diagnoses)
        if last is None:
            return base
        return replace(
            base,
            service_code=last.session.service_code,
            modality=last.session.modality,
            place_of_service=last.session.place_of_service,
            participants=last.session.participants,
            diagnoses=client.diagnoses or last.session.diagnoses,
            interventions=last.session.interventions,
        )

    def new(
        self,
        *,
        client_id: str,
        template_id: str,
        session: SessionInfo | None = None,
        fields: dict[str, FieldValue] | None = None,
        copy_from: str | None = None,
        carry_sections: Iterable[str] | None = None,
        group_id: str = "",
    ) -> Note:
        """A new draft. With `copy_from`, the chosen sections start from that earlier note."""
        client = self._clients.get(client_id)
        template = self.templates.get(template_id)
        start_fields: dict[str, FieldValue] = {}
        copied_from = ""
        if copy_from:
            source = self.get(copy_from)
            if source.client_id != client.id:
                raise InvalidInputError("Copy forward works only from the same client's notes.")
            if source.psychotherapy != template.psychotherapy:
                raise InvalidInputError(
                    "Psychotherapy notes and progress notes cannot be copied into each other."
                )
            wanted = set(carry_sections) if carry_sections is not None else set(source.fields)
            own = {sec.field_id for sec in template.sections}
            start_fields = {k: v for k, v in source.fields.items() if k in wanted & own}
            copied_from = source.id
        start_fields.update(self._validated_fields(template, fields or {}))
        now = self._clock.now()
        with self._vault.transaction():
            snapshot = self.templates.snapshot(template)
            note = Note(
                id=NoteId(new_id()),
                client_id=ClientId(client.id),
                template_id=template.id,
                template_version=template.version,
                template_snapshot=snapshot,
                session=session or self.default_session(client),
                fields=start_fields,
                created_at=now,
                updated_at=now,
                psychotherapy=template.psychotherapy,
                group_id=group_id,
                copied_from=copied_from,
            )
            note = self._write(note, action="create")
        return note

    def save(
        self,
        note_id: str,
        *,
        fields: dict[str, FieldValue] | None = None,
        session: SessionInfo | None = None,
        expected_version: int | None = None,
        autosave: bool = False,
        goal_progress: tuple[dict[str, Any], ...] | None = None,
        risk_assessment: RiskAssessment | None = None,
        clear_risk_assessment: bool = False,
        adherence: tuple[AdherenceEntry, ...] | None = None,
    ) -> Note:
        """Save a draft as a new version. Refused for a signed note. Unchanged → no write.
        `risk_assessment` sets the structured risk assessment (`clear_risk_assessment`
        removes it); `adherence` replaces the medication adherence (checked by
        MedicationService.record_adherence, which front ends call)."""
        current = self.get(note_id)
        if current.is_signed:
            raise RefusedError(
                "This note is signed and can no longer be edited; add an addendum instead."
            )
        if expected_version is not None and expected_version != current.version:
            raise ConcurrentChangeError("This note was changed elsewhere; reopen it and try again.")
        template = self.template_for(current)
        merged = dict(current.fields)
        if fields is not None:
            merged.update(self._validated_fields(template, fields))
        screen, assessment = in_step(
            (session or current.session).risk,
            None if clear_risk_assessment else (risk_assessment or current.risk_assessment),
            screen_given=session is not None,
            assessment_given=risk_assessment is not None,
        )
        new_session = replace(session or current.session, risk=screen)
        updated = replace(
            current,
            fields=merged,
            session=new_session,
            goal_progress=current.goal_progress if goal_progress is None else goal_progress,
            risk_assessment=assessment,
            adherence=current.adherence if adherence is None else tuple(adherence),
        )
        if (
            updated.fields == current.fields
            and updated.session == current.session
            and updated.goal_progress == current.goal_progress
            and updated.risk_assessment == current.risk_assessment
            and updated.adherence == current.adherence
        ):
            return current
        updated = replace(updated, updated_at=self._clock.now())
        return self._write(updated, action="autosave" if autosave else "edit")

    def delete_draft(self, note_id: str) -> None:
        note = self.get(note_id)
        if note.is_signed:
            raise RefusedError("A signed note is part of the record and cannot be deleted.")
        with self._vault.transaction():
            self._vault.delete(self._kind(note), note.id, expected_version=note.version)
            self._audit.record("delete", kind=self._kind(note), record_id=note.id)
        del self._notes[note.id]
        for listener in self.removal_listeners:
            listener(note.id)

    def _kind(self, note: Note) -> str:
        return PSYCHOTHERAPY_KIND if note.psychotherapy else NOTE_KIND

    def _write(self, note: Note, *, action: str) -> Note:
        kind = self._kind(note)
        with self._vault.transaction():
            version = self._vault.put(
                kind, note.id, note_to_dict(note), expected_version=note.version
            )
            # Autosaves are frequent; the audit log records the first save of a session of
            # typing and every explicit save, not every keystroke batch.
            if action and (action != "autosave" or self._last_audited != note.id):
                self._audit.record(
                    action if action != "autosave" else "edit", kind=kind, record_id=note.id
                )
                self._last_audited = note.id
        note = replace(note, version=version)
        self._notes[note.id] = note
        for listener in self.listeners:
            listener(note)
        return note

    _last_audited = ""

    def replace_signed(self, note: Note) -> Note:
        """For the signing service (next issue): store the locked note."""
        if note.status != NoteStatus.SIGNED:
            raise InvalidInputError("Only a signed note is stored this way.")
        return self._write(note, action="")  # the signing service audits the signature

    def _validated_fields(
        self, template: Template, fields: dict[str, FieldValue]
    ) -> dict[str, FieldValue]:
        sections = {s.field_id: s for s in template.sections}
        out: dict[str, FieldValue] = {}
        for key, value in fields.items():
            section = sections.get(key)
            if section is None:
                raise InvalidInputError(
                    f"Template '{template.id}' has no field '{str(key)[:40]}'. "
                    f"Its fields are: {', '.join(sections)}."
                )
            if section.kind in (FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST):
                if isinstance(value, str):
                    value = [v.strip() for v in value.splitlines() if v.strip()]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise InvalidInputError(f"Field '{key}' takes a list of texts.")
            elif not isinstance(value, str):
                if isinstance(value, (int, float)) and section.kind == FieldKind.SCALE:
                    value = str(value)
                else:
                    raise InvalidInputError(f"Field '{key}' takes text.")
            if sum(len(v) for v in ([value] if isinstance(value, str) else value)) > (
                MAX_FIELD_CHARS
            ):
                raise InvalidInputError(f"Field '{key}' is too long (200,000 characters at most).")
            out[key] = value
        return out

    # --- group notes -------------------------------------------------------------------

    def new_group(
        self,
        *,
        member_ids: builtins.list[str],
        session: SessionInfo,
        shared_fields: dict[str, FieldValue],
        template_id: str = "group",
        member_fields: dict[str, dict[str, FieldValue]] | None = None,
    ) -> builtins.list[Note]:
        """One group session → one draft per attending member, sharing the group part."""
        if not member_ids:
            raise InvalidInputError("A group note needs at least one attending member.")
        if len(set(member_ids)) != len(member_ids):
            raise InvalidInputError("A member is listed twice.")
        group_id = new_id()
        notes = []
        with self._vault.transaction():
            for member in member_ids:
                client = self._clients.get(member)
                own = (member_fields or {}).get(member, {})
                notes.append(
                    self.new(
                        client_id=client.id,
                        template_id=template_id,
                        session=replace(session, diagnoses=client.diagnoses),
                        fields={**shared_fields, **own},
                        group_id=group_id,
                    )
                )
        return notes

    def group_members(self, group_id: str) -> builtins.list[Note]:
        return [n for n in self._notes.values() if group_id and n.group_id == group_id]

    def update_group_shared(
        self, group_id: str, shared_fields: dict[str, FieldValue]
    ) -> builtins.list[Note]:
        """Change the shared part in every member's draft (signed ones are left alone)."""
        out = []
        with self._vault.transaction():
            for note in self.group_members(group_id):
                if not note.is_signed:
                    out.append(self.save(note.id, fields=shared_fields))
        return out

    # --- rendering and checking --------------------------------------------------------

    def render(self, note: Note, *, extra: dict[str, object] | None = None) -> Document:
        """The structured document shown in the preview (and, next issue, exported)."""
        client = self._clients.get(note.client_id)
        template = self.template_for(note)
        s = note.session
        reference = self._reference.get()
        place = reference.place(s.place_of_service)
        context = build_render_context(
            template,
            fields=note.fields,
            client_name=client.name,
            client_preferred_name=client.preferred_name,
            client_code=client.code,
            client_dob=client.dob.isoformat() if client.dob else "",
            session_date=s.date.isoformat(),
            session_start=s.start.strftime("%H:%M") if s.start else "",
            session_end=s.end.strftime("%H:%M") if s.end else "",
            duration_minutes=s.duration_minutes,
            service_code=s.service_code,
            modality=Modality(s.modality).label,
            place_of_service=f"{place.code} {place.description}" if place else s.place_of_service,
            participants=list(s.participants),
            diagnoses=[(d.code, d.description) for d in s.diagnoses],
            interventions=list(s.interventions),
            suicidal_ideation=s.risk.suicidal_ideation.value.replace("-", " "),
            homicidal_ideation=s.risk.homicidal_ideation.value.replace("-", " "),
            risk_detail=s.risk.detail,
            member_name=client.name if template.group else "",
            member_code=client.code if template.group else "",
            extra=dict(extra or {}),
        )
        document = render_note(template, context)
        extra_blocks: builtins.list[Block] = []
        if note.goal_progress:
            # Progress ratings are part of what the note asserts (and signs): show them.
            rows = tuple(
                (
                    str(r.get("objective", "")),
                    " — ".join(
                        x for x in (str(r.get("rating", "")), str(r.get("comment", ""))) if x
                    ),
                )
                for r in note.goal_progress
            )
            extra_blocks += [
                Heading(2, "Progress toward treatment-plan objectives"),
                KeyValueTable(rows),
            ]
        if note.risk_assessment is not None:
            extra_blocks += [
                Heading(2, "Risk assessment"),
                KeyValueTable(note.risk_assessment.rows()),
            ]
        if note.adherence:  # part of what the note asserts (and signs), like the ratings
            extra_blocks += [
                Heading(2, "Medication adherence"),
                KeyValueTable(adherence_rows(note.adherence)),
            ]
        measures = self.note_measures(note)
        if measures:
            extra_blocks += [
                Heading(2, "Measures given this day"),
                BulletList(tuple(str(m.get("summary", "")) for m in measures)),
            ]
        for o in note.overrides:
            rule = o.get("rule", "")
            extra_blocks += [
                Heading(2, "Checklist override"),
                Paragraph(
                    f"Signed without meeting “{_RULE_TITLES.get(rule, rule)}”. "
                    f"Reason: {o.get('reason', '')}"
                ),
            ]
        if not extra_blocks:
            return document
        return Document(title=document.title, blocks=(*document.blocks, *extra_blocks))

    def note_measures(self, note: Note) -> tuple[dict[str, Any], ...]:
        """The measures a note shows: as stored when it was signed, else those given on a
        draft's date (score, band and change)."""
        if note.is_signed or note.psychotherapy:
            return note.measures
        out: tuple[dict[str, Any], ...] = ()
        for source in self.measure_sources:
            out += source(note)
        return out

    def freeze_for_signing(self, note: Note) -> Note:
        """The note as it will be signed: the same-day measures it shows are kept in it."""
        return replace(note, measures=self.note_measures(note))

    def check(self, note: Note) -> ChecklistResult:
        template = self.template_for(note)
        facts = ChecklistFacts(today=self._clock.now().date())
        for provide in self.fact_providers:
            facts = provide(note, facts)
        return check_note(
            note,
            template_info(template),
            self._reference.get(),
            facts,
            self._settings.get().checklist_severities,
        )

    def psychotherapy_warnings(self, note: Note) -> builtins.list[str]:
        if not note.psychotherapy:
            return []
        return billing_content_warnings("\n".join(note.text(k) for k in note.fields))
