"""Damaged records: what is known about each, what it affects, and what to do about it.

A record that fails to decrypt, to authenticate or to make a domain value is collected by
the service that read it (`problems`) and never shown as empty or written back. Services
read what a command or a screen needs, so this report names the damage that work came
across — a `note list --client X` the damaged notes of that chart, `client list` the
damaged clients — plus whatever a full check found (`check_everything`, run by the app in
the background after unlock). Gathering it never reads more of the vault.

What is known without the damaged record comes from where it is kept: its group names its
client, its group's list holds its summary (a note's date, template and status; what a
signature record belongs to), its client's signature records their client's code. The
remedy named is the newest backup that holds an earlier copy, only when there is one.
Messages name kinds, short ids and client codes only — never client data.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.domain.errors import NoteappError, RecordIntegrityError, RecordsRolledBackError
from noteapp.services.damaged_record import DamagedRecord, swapped_rows
from noteapp.vault.snapshots import RecordRef, SnapshotInfo
from noteapp.vault.store import ScanResult

if TYPE_CHECKING:
    from noteapp.services.audit import AuditService
    from noteapp.services.backups import BackupService
    from noteapp.services.clients import ClientService
    from noteapp.services.notes import NoteService
    from noteapp.services.plans import PlanService
    from noteapp.services.safety_plans import SafetyPlanService
    from noteapp.services.signing import SigningService
    from noteapp.services.workspace import Workspace

NOTE_KINDS = ("note", "psychotherapy_note")
SIGNED_KIND = "signed_item"
# Case management's kinds (services/chart_records.py).
CASE_KINDS = ("contact", "release", "referral", "medication", "incident")
# The kinds this report knows how to describe (a full check may find others: settings,
# templates… — those are named by the error itself where they are read).
_REPORTED_KINDS = (
    "client",
    *NOTE_KINDS,
    SIGNED_KIND,
    "plan",
    "measure",
    "safety_plan",
    *CASE_KINDS,
)
CLI_HOW = "Settings → Backups → Restore, or `noteapp restore FILE`"


class DamageReport:
    """Every damaged record of the unlocked vault, with its context and the remedy."""

    def __init__(
        self, ws: Workspace, *, scan: Callable[[Callable[[], None] | None], ScanResult]
    ) -> None:
        # The workspace, not its services: a service is made (and its module imported) only
        # when a damaged record needs it described; gathering the damage found never does.
        self._ws = ws
        self._scan = scan
        self._cache: tuple[tuple[RecordRef, ...], builtins.list[DamagedRecord]] | None = None
        self._advice: dict[tuple[RecordRef, ...], dict[RecordRef, SnapshotInfo | None]] = {}
        # What a full check found (check_everything), beside what the services came across.
        self._found: builtins.list[RecordIntegrityError] = []
        self.rolled_back: builtins.list[RecordsRolledBackError] = []
        self.checked = False

    # --- what is damaged ---------------------------------------------------------------

    @property
    def _clients(self) -> ClientService:
        return self._ws.clients

    @property
    def _notes(self) -> NoteService:
        return self._ws.notes

    @property
    def _signing(self) -> SigningService:
        return self._ws.signing

    @property
    def _plans(self) -> PlanService:
        return self._ws.plans

    @property
    def _safety(self) -> SafetyPlanService:
        return self._ws.safety_plans

    @property
    def _audit(self) -> AuditService:
        return self._ws.audit

    @property
    def _backups(self) -> BackupService:
        return self._ws.backups

    def errors(self) -> builtins.list[RecordIntegrityError]:
        seen: dict[RecordRef, RecordIntegrityError] = {}
        for service in self._ws.services_made():
            for err in service.problems:
                seen.setdefault((err.kind, err.record_id), err)
        for err in self._found:
            seen.setdefault((err.kind, err.record_id), err)
        return list(seen.values())

    def check_everything(self, pace: Callable[[], None] | None = None) -> int:
        """Read every current record of the vault (no older version) and remember what is
        damaged: the full picture the banner shows, found in the background after unlock.
        Returns how many records were checked. Raises nothing for damage: it is reported.
        `pace` is called after each record (the app slows the check down with it)."""
        result = self._scan(pace)
        self._found = [e for e in result.failures if e.kind in _REPORTED_KINDS]
        self.rolled_back = result.rolled_back
        self.checked = True
        return result.checked

    def refs(self) -> builtins.list[RecordRef]:
        return [(e.kind, e.record_id) for e in self.errors()]

    def records(self) -> builtins.list[DamagedRecord]:
        errors = self.errors()
        key = tuple((e.kind, e.record_id) for e in errors)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._build(errors) if errors else [])
        return list(self._cache[1])

    def __bool__(self) -> bool:
        return bool(self.errors())

    def find(self, kind: str, record_id: str) -> DamagedRecord | None:
        return next(
            (r for r in self.records() if r.kind == kind and r.record_id == record_id), None
        )

    def _build(self, errors: Sequence[RecordIntegrityError]) -> builtins.list[DamagedRecord]:
        out = [DamagedRecord(e.kind, e.record_id, swapped=swapped_rows(e)) for e in errors]
        # Signature records first: whether a damaged note was signed may rest on them.
        signed = {r.ref: self._context(r) for r in out if r.kind == SIGNED_KIND}
        unresolved = any(not r.owner_id for r in signed.values())
        found = [signed.get(r.ref) or self._context(r, unresolved) for r in out]
        codes: dict[str, str] = {c.id: c.code for c in self._clients.list()}
        return [
            replace(r, client_code=codes[r.client_id])
            if not r.client_code and r.client_id in codes
            else r
            for r in found
        ]

    def _context(self, r: DamagedRecord, unresolved_signatures: bool = False) -> DamagedRecord:
        """What other records (and the damaged record's own group and summary) say of it."""
        if r.kind == "client":
            return replace(r, client_id=r.record_id, client_code=self._signed_code(r.record_id))
        client = self._clients.client_of_record(r.kind, r.record_id) or ""
        r = replace(r, client_id=client)
        if r.kind == SIGNED_KIND:
            summary = self._signing.summary(r.record_id)
            owner = summary.note_id if summary is not None else self._owner_from_audit(r)
            return replace(r, owner_id=owner, client_id=client or self._client_of(owner))
        if r.kind in NOTE_KINDS:
            note = self._notes.summary(r.record_id)
            if note is not None:
                r = replace(
                    r,
                    signed=note.is_signed,
                    client_id=r.client_id or note.client_id,
                    date=note.date.isoformat(),
                    template=note.template_id,
                )
        if r.kind in (*NOTE_KINDS, "plan", "safety_plan") and r.signed is not False:
            item = self._signing.note_item(r.record_id)
            if item is None:
                if r.signed is not None:
                    return r
                # No summary and no signature record: a draft, unless a damaged signature
                # record whose owner is unknown is its own.
                return replace(r, signed=None if unresolved_signatures else False)
            payload = item.payload
            block = payload.get("client") if isinstance(payload.get("client"), dict) else {}
            session = payload.get("session") if isinstance(payload.get("session"), dict) else {}
            template = payload.get("template") if isinstance(payload.get("template"), dict) else {}
            assert isinstance(block, dict) and isinstance(session, dict)
            assert isinstance(template, dict)
            return replace(
                r,
                signed=True,
                client_id=_text(block, "id") or r.client_id,
                client_code=_text(block, "code"),
                date=_text(session, "date") or r.date,
                template=_text(template, "id") or r.template,
            )
        return r

    def _owner_from_audit(self, r: DamagedRecord) -> str:
        """The note or plan a signature record belongs to, from the audit log (whose entry for
        each stored signature record names it): only for one without a summary."""
        entries, _unreadable = self._audit.read()
        for e in entries:
            item = e.detail.get("item") if isinstance(e.detail, dict) else None
            if item == r.record_id and e.kind == "note":
                return e.record_id
        return ""

    def _client_of(self, owner_id: str) -> str:
        if not owner_id:
            return ""
        for lookup in (self._notes.get, self._plans.get, self._safety.get):
            with suppress(NoteappError):  # not this kind, or damaged too: try the next
                return str(lookup(owner_id).client_id)
        return self._signing.client_of(owner_id) or ""

    def _signed_code(self, client_id: str) -> str:
        """A damaged client's code, from the client block of its own signature records."""
        for item in self._signing.chart_items(client_id):
            client = item.payload.get("client")
            if isinstance(client, dict) and _text(client, "id") == client_id:
                return _text(client, "code")
        return ""

    def damaged_client_codes(self) -> dict[str, str]:
        """Client code (casefolded) → id of damaged clients whose code is known from a
        signed record."""
        return {
            r.client_code.casefold(): r.record_id
            for r in self.records()
            if r.kind == "client" and r.client_code
        }

    # --- what a given output is missing ------------------------------------------------

    def notes(
        self,
        *,
        client_id: str | None = None,
        status: str | None = None,
        include_psychotherapy: bool = True,
    ) -> builtins.list[DamagedRecord]:
        """Damaged notes that may belong in a note list with these filters."""
        return [
            r
            for r in self.records()
            if r.kind in NOTE_KINDS
            and (include_psychotherapy or r.kind == "note")
            and (client_id is None or r.concerns(client_id))
            and (status is None or r.signed is None or r.signed == (status == "signed"))
        ]

    def clients(self) -> builtins.list[DamagedRecord]:
        return [r for r in self.records() if r.kind == "client"]

    def signatures_of(self, record_id: str) -> builtins.list[DamagedRecord]:
        """Damaged signature records that are, or may be, part of this note or plan (its
        client's signature records are read first, so a damaged one is known)."""
        self._signing.items(record_id)
        return [
            r
            for r in self.records()
            if r.kind == SIGNED_KIND and (not r.owner_id or r.owner_id == record_id)
        ]

    def recoverable(self, r: DamagedRecord) -> bool:
        """A signed note whose signature records are all intact: everything it asserts is in
        them, so it can still be exported (and verified) from them."""
        return r.kind in NOTE_KINDS and r.signed is True and not self.signatures_of(r.record_id)

    def chart_gaps(
        self, client_id: str, *, include_psychotherapy: bool = False
    ) -> builtins.list[DamagedRecord]:
        """What a chart export of this client would be missing: damaged signed notes (that
        cannot be rebuilt from their signatures), signature records, plans and measures that
        are, or may be, this client's. Drafts are never in a chart. The chart is read first:
        a damaged record in it is then known."""
        self._read_chart(client_id)
        gaps = []
        for r in self.records():
            if not r.concerns(client_id):
                continue
            if r.kind in NOTE_KINDS:
                if r.kind == "psychotherapy_note" and not include_psychotherapy:
                    continue
                if r.signed is False or self.recoverable(r):
                    continue
            elif r.kind == "plan":
                if r.signed is False:
                    continue
            elif r.kind not in (SIGNED_KIND, "measure", "client"):
                continue
            gaps.append(r)
        return gaps

    def _read_chart(self, client_id: str) -> None:
        self._notes.list(client_id=client_id)
        self._signing.chart_items(client_id)
        self._plans.versions(client_id)
        self._ws.measures.list(client_id)

    def search_gaps(
        self,
        *,
        client_id: str | None = None,
        include_psychotherapy: bool = False,
        kinds: Iterable[str] | None = None,
    ) -> builtins.list[DamagedRecord]:
        """Clients and notes a search could not look into."""
        wanted = set(kinds) if kinds is not None else {"client", *NOTE_KINDS}
        if not include_psychotherapy:
            wanted.discard("psychotherapy_note")
        return [
            r
            for r in self.records()
            if r.kind in wanted and (client_id is None or r.concerns(client_id))
        ]

    # --- what to do ----------------------------------------------------------------------

    def restore_points(
        self, records: Sequence[DamagedRecord]
    ) -> dict[RecordRef, SnapshotInfo | None]:
        key = tuple(sorted(r.ref for r in records))
        if key not in self._advice:
            self._advice[key] = self._backups.before_damage(list(key))
        return self._advice[key]

    def restore_point(self, records: Sequence[DamagedRecord] | None = None) -> Path | None:
        """The backup to restore for these damaged records (default: all): the newest taken
        before the damage; None when no backup holds an earlier copy of any of them."""
        best = self._best(self.records() if records is None else records)
        return best.path if best is not None else None

    def _best(self, records: Sequence[DamagedRecord]) -> SnapshotInfo | None:
        have = [i for i in self.restore_points(records).values() if i is not None]
        # Restoring replaces the whole vault: the oldest of the newest good copies holds an
        # earlier copy of each record that any backup holds.
        return min(have, key=lambda i: i.taken_at) if have else None

    def advice(
        self,
        records: Sequence[DamagedRecord] | None = None,
        *,
        how: str = CLI_HOW,
        with_path: bool = True,
    ) -> str:
        """What to do about these damaged records (default: all), in one or two sentences.
        Restoring is advised only when a backup holds an earlier copy."""
        records = list(self.records() if records is None else records)
        if not records:
            return ""
        points = self.restore_points(records)
        missing = [r for r in records if points.get(r.ref) is None]
        recoverable = [r for r in missing if self.recoverable(r)]
        lost = [r for r in missing if not self.recoverable(r)]
        best = self._best(records)
        parts = []
        if best is not None:
            them = "it" if len(records) - len(missing) == 1 else "them"
            parts.append(
                f"To get {them} back, restore the backup of {best.when}"
                + (f" ({best.path})" if with_path else "")
                + f", the newest taken before the damage ({how}); it is checked first and the "
                "current vault is kept beside it."
            )
        if recoverable:
            parts.append(
                f"The signed content of {_list(recoverable)} is intact in its signature "
                "record: it can still be exported and verified."
            )
        if lost:
            parts.append(
                f"No backup holds an earlier copy of {_list(lost)}: keep this vault file as it "
                "is; a copy from elsewhere (another drive, this computer's own backups) may "
                "still hold it."
            )
        return " ".join(parts)

    def explain(self, err: RecordIntegrityError) -> str:
        """The message of an error about a damaged record, with what to do."""
        r = self.find(err.kind, err.record_id)
        return f"{err} {self.advice([r])}".strip() if r is not None else str(err)

    def as_json(self, r: DamagedRecord) -> dict[str, Any]:
        """A damaged record for --json output (ids, no client data)."""
        point = self.restore_points([r]).get(r.ref)
        return {
            "kind": r.kind,
            "id": r.record_id,
            "client": r.client_id or None,
            "client_code": r.client_code or None,
            "belongs_to": r.owner_id or None,
            "swapped": r.swapped,
            "problem": r.sentence(),
            "restore_from": str(point.path) if point is not None else None,
        }


def _text(d: Any, key: str) -> str:
    value = d.get(key, "") if isinstance(d, dict) else ""
    return value if isinstance(value, str) else ""


def _list(records: Sequence[DamagedRecord]) -> str:
    names = [f"{r.label} {r.short_id}" for r in records]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
