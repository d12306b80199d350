"""Word exports of notes and charts: signed notes carry their proof; drafts say DRAFT.

Psychotherapy notes are excluded from every export unless the caller includes them
explicitly for that one export. Default file names use the client code and dates only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from noteapp.domain.clock import Clock
from noteapp.domain.document import (
    Block,
    Document,
    Heading,
    KeyValueTable,
    Paragraph,
    document_to_dict,
)
from noteapp.domain.errors import InvalidInputError, RecordIntegrityError, RefusedError
from noteapp.domain.export_model import ClientBlock, ExportedNote, ExportJob, Letterhead
from noteapp.domain.notes import Note, NoteStatus
from noteapp.domain.paper import PaperSize
from noteapp.domain.progress import Progress, part, report
from noteapp.domain.safety_plan import safety_plan_from_dict
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.export import default_file_name, encrypt_docx, write_client_copy, write_docx
from noteapp.services import export_gaps
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.damage import DamageReport
from noteapp.services.measures import MeasureService
from noteapp.services.notes import PSYCHOTHERAPY_KIND, NoteService
from noteapp.services.paper import system_paper_size
from noteapp.services.plans import PlanService
from noteapp.services.profile import ProfileService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.signing.manifest import contents
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import Proof, proof_to_bytes
from noteapp.templates.safety_document import client_copy

MIN_EXPORT_PASSWORD = 8
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sealed_job(signing: SigningService, proof: Proof, *, made_by: str) -> ExportJob:
    """The export job of ``proof`` with its manifest, signed by this vault's key.

    Refused when this key signed nothing in the file: verification would not accept a
    manifest from a key that vouches for nothing else in it."""
    manifest = signing.sign_manifest(contents(proof, made_by=made_by))
    if manifest.public_key not in {i.public_key for np in proof.notes for i in np.items}:
        raise RefusedError(
            "This file holds nothing signed with your key, so you cannot export or review it."
        )
    proof = replace(proof, manifest=manifest)
    return replace(job_from_proof(proof), proof=proof_to_bytes(proof))


class ExportService:
    def __init__(
        self,
        *,
        notes: NoteService,
        clients: ClientService,
        signing: SigningService,
        profile: ProfileService,
        audit: AuditService,
        clock: Clock,
        plans: PlanService | None = None,
        measures: MeasureService | None = None,
        damage: DamageReport,
        settings: SettingsService | None = None,
    ) -> None:
        self._notes = notes
        self._clients = clients
        self._signing = signing
        self._profile = profile
        self._audit = audit
        self._clock = clock
        self._plans = plans
        self._measures = measures
        self._damage = damage
        self._settings = settings
        # More summary pages of a chart export, after the measures (e.g. the medication
        # list): (client id, from, to) -> a document, or None when there is nothing to show.
        self.chart_summaries: list[Callable[[str, date | None, date | None], Document | None]] = []

    def paper(self) -> PaperSize:
        """The paper-size setting (the computer's region's paper when none is set)."""
        return self._settings.paper_size() if self._settings else system_paper_size()

    def _letterhead(self) -> Letterhead:
        p = self._profile.get()
        if p is None:
            return Letterhead()
        return Letterhead(p.agency_name, p.agency_address, p.agency_phone, p.logo_png)

    def _client_block(self, client_id: str) -> ClientBlock:
        c = self._clients.get(client_id)
        return ClientBlock(c.name, c.dob.isoformat() if c.dob else "", c.code)

    def _check_psychotherapy(self, psychotherapy: bool, include: bool) -> None:
        if psychotherapy and not include:
            raise RefusedError(
                "Psychotherapy notes are kept out of exports; include them explicitly for "
                "this export if you really mean to."
            )

    def _sealed(self, proof: Proof) -> ExportJob:
        """The export of ``proof``, bound as a whole by a manifest signed with this vault's key."""
        return replace(sealed_job(self._signing, proof, made_by="export"), paper=self.paper())

    def plan_job(self, plan_id: str) -> ExportJob:
        """A signed plan version, verifiable like a note (acknowledgement block included)."""
        return self._signed_job([plan_id])

    def export_plan(self, plan_id: str, out: Path, *, password: str | None = None) -> Path:
        return self.write(
            self.plan_job(plan_id), out, password=password, what="plan", record_ids=[plan_id]
        )

    def export_signed_record(
        self, record_id: str, out: Path, *, what: str, password: str | None = None
    ) -> Path:
        """A signed referral letter or incident report on its own, verifiable like a note."""
        item = self._signing.note_item(record_id)
        if item is None:
            raise RefusedError("This is not signed yet: sign it first, then export it.")
        return self.write(
            self.plan_job(record_id), out, password=password, what=what, record_ids=[record_id]
        )

    # --- safety plans (the signed clinical version, and the client's own copy) ---------

    def _signed_safety_item(self, plan_id: str) -> SignedItem:
        item = self._signing.note_item(plan_id)
        if item is None or item.type != ItemType.SAFETY_PLAN:
            raise RefusedError(
                "This safety plan version is a draft: sign it first, then export or print it."
            )
        return item

    def safety_plan_job(self, plan_id: str) -> ExportJob:
        """A signed safety-plan version, verifiable like a note."""
        self._signed_safety_item(plan_id)
        return self.plan_job(plan_id)

    def export_safety_plan(self, plan_id: str, out: Path, *, password: str | None = None) -> Path:
        out = self._into_folder(out, plan_id, client_copy=False)
        return self.write(
            self.safety_plan_job(plan_id),
            out,
            password=password,
            what="safety-plan",
            record_ids=[plan_id],
        )

    def safety_plan_file_name(self, plan_id: str, *, client_copy: bool = False) -> str:
        """E.g. "C0004_safety-plan_client-copy.docx" (the client code, never a name)."""
        item = self._signed_safety_item(plan_id)
        client = item.payload.get("client")
        code = str(client.get("code", "")) if isinstance(client, dict) else ""
        kind = "safety-plan_client-copy" if client_copy else "safety-plan"
        return f"{_SAFE.sub('-', code).strip('.-_')[:40] or 'client'}_{kind}.docx"

    def _into_folder(self, out: Path, plan_id: str, *, client_copy: bool) -> Path:
        out = Path(out)
        if out.is_dir():
            return out / self.safety_plan_file_name(plan_id, client_copy=client_copy)
        return out

    def export_client_copy(self, plan_id: str, out: Path) -> Path:
        """The client's copy of a signed version: large print, plain words, no codes or
        signatures. `out` is a .docx path, or a folder (the default name is used)."""
        item = self._signed_safety_item(plan_id)
        out = self._into_folder(out, plan_id, client_copy=True)
        if out.suffix.lower() != ".docx":
            raise InvalidInputError("Export files end in .docx.")
        data = item.payload.get("safety_plan")
        if not isinstance(data, dict):
            raise RefusedError("This signed safety plan cannot be read back.")
        plan = safety_plan_from_dict(data)
        client = self._clients.get(plan.client_id)
        write_client_copy(client_copy(plan, client), out, paper=self.paper())
        self._audit.record(
            "export",
            kind="safety_plan",
            record_id=plan_id,
            detail={"what": "safety-plan-client-copy", "notes": 1, "encrypted": False},
        )
        return out

    def note_job(
        self, note_id: str, *, draft: bool = False, include_psychotherapy: bool = False
    ) -> ExportJob:
        try:
            note = self._notes.get(note_id)
        except RecordIntegrityError as err:
            return self._damaged_note_job(err, include_psychotherapy)
        self._check_psychotherapy(note.psychotherapy, include_psychotherapy)
        if note.status == NoteStatus.SIGNED:
            export_gaps.refuse(self._damage, self._damage.signatures_of(note.id))
            return self._signed_job([note.id])
        if not draft:
            raise RefusedError("This note is a draft: sign it first, or export it as a draft.")
        return ExportJob(
            letterhead=self._letterhead(),
            client=self._client_block(note.client_id),
            notes=(ExportedNote(document=self._notes.render(note), signature=None),),
            draft=True,
            paper=self.paper(),
        )

    def chart_job(
        self,
        client_id: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        include_psychotherapy: bool = False,
        allow_incomplete: bool = False,
        progress: Progress | None = None,
    ) -> ExportJob:
        """Signed notes of a client in a date range, oldest first, with their corrections.
        `progress` hears (notes gathered, notes).

        When damaged records are, or may be, part of the chart it is refused (naming them and
        the remedy) unless `allow_incomplete`: then it says INCOMPLETE on its first page and
        lists what is missing. A signed note whose record is damaged but whose signature
        records are intact is included in full: everything it asserts is in them."""
        client_id = self._clients.get(client_id).id
        entries = self._chart_entries(
            client_id,
            date_from=date_from,
            date_to=date_to,
            include_psychotherapy=include_psychotherapy,
        )
        gaps = self._damage.chart_gaps(client_id, include_psychotherapy=include_psychotherapy)
        if not allow_incomplete:
            export_gaps.refuse(self._damage, gaps, chart=True)
        if not entries:
            raise InvalidInputError("There are no signed notes for this client in that range.")
        span = " to ".join(
            x
            for x in (
                (date_from or entries[0][0]).isoformat(),
                (date_to or entries[-1][0]).isoformat(),
            )
            if x
        )
        proofs = []
        for done, (_day, note_id) in enumerate(entries):
            if done % 50 == 0:
                report(progress, done, len(entries))
            proofs.append(self._signing.proof(note_id))
        report(progress, len(entries), len(entries))
        plan = self._plans.current_signed(client_id) if self._plans is not None else None
        if plan is not None:  # the chart opens with the plan the notes were written under
            proofs.insert(0, self._signing.proof(plan.id))
        summary = self._measures_document(client_id, date_from, date_to)
        # An incomplete chart says so on its first page and lists what is missing first
        # among the summaries: an auditor must never take it for the whole record.
        extra = [export_gaps.incomplete_notice(gaps)] if gaps else []
        extra += [summary] if summary else []
        extra += [d for make in self.chart_summaries if (d := make(client_id, date_from, date_to))]
        proof = Proof(
            tuple(proofs),
            extra=tuple(document_to_dict(d) for d in extra),
            chart_title=f"Clinical record, {span}" + (export_gaps.INCOMPLETE_TITLE if gaps else ""),
            logo_png=self._letterhead().logo_png,
        )
        return self._sealed(proof)

    def _measures_document(
        self, client_id: str, date_from: date | None, date_to: date | None
    ) -> Document | None:
        """The client's measures in the range, per instrument (each note also carries, signed,
        the measures it referenced)."""
        if self._measures is None:
            return None
        items = [
            m
            for m in self._measures.list(client_id)
            if (date_from is None or m.on >= date_from) and (date_to is None or m.on <= date_to)
        ]
        if not items:
            return None
        blocks: list[Block] = []
        for instrument in sorted({m.instrument for m in items}):
            rows = [m for m in items if m.instrument == instrument]
            blocks.append(Heading(2, rows[0].name))
            blocks.append(
                KeyValueTable(
                    tuple(
                        (
                            m.on.isoformat(),
                            f"{m.total} ({m.severity})"
                            + (" · total only, from paper" if m.total_only else "")
                            + "".join(f" · {label}" for label in m.flag_labels),
                        )
                        for m in rows
                    )
                )
            )
            trend = self._measures.trend(client_id, instrument)
            change = trend.change_since_baseline
            facts = [
                f"change since baseline {change:+d}" if change is not None else "",
                "response (≥ 50 % reduction)" if trend.response else "",
                "remission" if trend.remission else "",
            ]
            if any(facts):
                blocks.append(Paragraph("; ".join(f for f in facts if f).capitalize() + "."))
        return Document(title="Outcome measures", blocks=tuple(blocks))

    def chart_notes(
        self,
        client_id: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        include_psychotherapy: bool = False,
    ) -> list[Note]:
        client = self._clients.get(client_id)
        return [
            n
            for n in reversed(self._notes.list(client_id=client.id))
            if n.status == NoteStatus.SIGNED
            and (date_from is None or n.session.date >= date_from)
            and (date_to is None or n.session.date <= date_to)
            and (include_psychotherapy or not n.psychotherapy)
        ]

    def default_name(
        self,
        *,
        note_id: str | None = None,
        client_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> str:
        if note_id:
            note = self._notes.get(note_id)
            code = self._clients.get(note.client_id).code
            return default_file_name(code, note.session.date.isoformat(), "note")
        if client_id is None:
            raise InvalidInputError("Name a note or a client.")
        code = self._clients.get(client_id).code
        today = self._clock.now().date().isoformat()
        span = "_to_".join(d.isoformat() for d in (date_from, date_to) if d) or today
        return default_file_name(code, span, "chart")

    def signed_file_name(self, record_id: str) -> str:
        """E.g. "C0004_2026-03-02_referral.docx" or "IR-2026-003_2026-03-02_incident.docx":
        the client code (or the report's reference), never a name."""
        item = self._signing.note_item(record_id)
        if item is None:
            raise RefusedError("This is not signed yet: sign it first, then export it.")
        who = item.payload.get("client") or item.payload.get("report") or {}
        session = item.payload.get("session") or {}
        code = str(who.get("code") or who.get("reference") or "") if isinstance(who, dict) else ""
        day = str(session.get("date", "")) if isinstance(session, dict) else ""
        return default_file_name(code, day, item.type.value)

    def write(
        self,
        job: ExportJob,
        out: Path,
        *,
        password: str | None = None,
        what: str,
        record_ids: Sequence[str],
        progress: Progress | None = None,
    ) -> Path:
        """Write (and optionally encrypt) an export; audited with ids only. `Cancelled`
        raised by `progress` stops it before the file is written."""
        out = Path(out)
        if out.suffix.lower() != ".docx":
            raise InvalidInputError("Export files end in .docx.")
        if password is not None and len(password) < MIN_EXPORT_PASSWORD:
            raise InvalidInputError(
                f"Choose a file password of at least {MIN_EXPORT_PASSWORD} characters."
            )
        if password is None:
            write_docx(job, out, progress=progress)
        else:
            encrypt_docx(job, out, password, progress=progress)
        self._audit.record(
            "export",
            kind="note",
            record_id=record_ids[0] if record_ids else "",
            detail={
                "what": what,
                "notes": len(record_ids),
                "encrypted": password is not None,
                "draft": job.draft,
            },
        )
        return out

    def export_note(
        self,
        note_id: str,
        out: Path,
        *,
        draft: bool = False,
        include_psychotherapy: bool = False,
        password: str | None = None,
    ) -> Path:
        job = self.note_job(note_id, draft=draft, include_psychotherapy=include_psychotherapy)
        try:
            full_id: str = self._notes.get(note_id).id
        except RecordIntegrityError as err:  # exported from its signature records
            full_id = err.record_id
        return self.write(job, out, password=password, what="note", record_ids=[full_id])

    def export_chart(
        self,
        client_id: str,
        out: Path,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        include_psychotherapy: bool = False,
        password: str | None = None,
        allow_incomplete: bool = False,
        progress: Progress | None = None,
    ) -> Path:
        """The chart as one .docx; `progress` hears one count over gathering the signed
        notes (a fifth) and laying the document out (the rest)."""
        gathered = 20
        job = self.chart_job(
            client_id,
            date_from=date_from,
            date_to=date_to,
            include_psychotherapy=include_psychotherapy,
            allow_incomplete=allow_incomplete,
            progress=part(progress, start=0, size=gathered, total=100),
        )
        ids = [
            note_id
            for _day, note_id in self._chart_entries(
                self._clients.get(client_id).id,
                date_from=date_from,
                date_to=date_to,
                include_psychotherapy=include_psychotherapy,
            )
        ]
        return self.write(
            job,
            out,
            password=password,
            what="chart",
            record_ids=ids,
            progress=part(progress, start=gathered, size=100 - gathered, total=100),
        )

    # --- damaged records -----------------------------------------------------------------

    def _signed_job(self, record_ids: list[str]) -> ExportJob:
        proofs = tuple(self._signing.proof(i) for i in record_ids)
        return self._sealed(Proof(proofs, logo_png=self._letterhead().logo_png))

    def _damaged_note_job(
        self, err: RecordIntegrityError, include_psychotherapy: bool
    ) -> ExportJob:
        """A signed note whose record is damaged is exported from its intact signature
        records (everything it asserts is in them); anything else is refused, loudly."""
        record = self._damage.find(err.kind, err.record_id)
        if record is None or not self._damage.recoverable(record):
            raise err
        self._check_psychotherapy(record.kind == PSYCHOTHERAPY_KIND, include_psychotherapy)
        return self._signed_job([record.record_id])

    def _chart_entries(
        self,
        client_id: str,
        *,
        date_from: date | None,
        date_to: date | None,
        include_psychotherapy: bool,
    ) -> list[tuple[date, str]]:
        """(date of service, note id) of the chart's signed notes, oldest first — readable
        ones, and damaged ones that can be rebuilt from their signature records."""
        span = {"date_from": date_from, "date_to": date_to}
        psy = include_psychotherapy
        return sorted(
            [
                (n.session.date, n.id)
                for n in self.chart_notes(client_id, **span, include_psychotherapy=psy)
            ]
            + export_gaps.recovered_notes(
                self._damage, client_id, **span, include_psychotherapy=psy
            )
        )
