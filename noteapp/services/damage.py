"""Damaged records: what is known about each, what it affects, and what to do about it.

A record that fails to decrypt or authenticate is collected by the service that loads its
kind (`problems`) and never shown as empty or written back. This report gathers them, works
out from other records what it can without the damaged one (the client, date and status of a
note from its signature record; the note a signature record belongs to from the audit log),
and names the remedy: the newest backup that holds an earlier copy, only when there is one.
Messages name kinds, short ids and client codes only — never client data.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.domain.errors import NoteappError, RecordIntegrityError
from noteapp.services.damaged_record import DamagedRecord, swapped_rows
from noteapp.vault.snapshots import RecordRef, SnapshotInfo

if TYPE_CHECKING:
    from noteapp.services.audit import AuditService
    from noteapp.services.backups import BackupService
    from noteapp.services.clients import ClientService
    from noteapp.services.measures import MeasureService
    from noteapp.services.notes import NoteService
    from noteapp.services.plans import PlanService
    from noteapp.services.safety_plans import SafetyPlanService
    from noteapp.services.signing import SigningService

NOTE_KINDS = ("note", "psychotherapy_note")
SIGNED_KIND = "signed_item"
CLI_HOW = "Settings → Backups → Restore, or `noteapp restore FILE`"


class DamageReport:
    """Every damaged record of the unlocked vault, with its context and the remedy."""

    def __init__(
        self,
        *,
        clients: ClientService,
        notes: NoteService,
        signing: SigningService,
        plans: PlanService,
        measures: MeasureService,
        safety_plans: SafetyPlanService,
        audit: AuditService,
        backups: BackupService,
    ) -> None:
        self._clients = clients
        self._notes = notes
        self._signing = signing
        self._plans = plans
        self._measures = measures
        self._safety = safety_plans
        self._audit = audit
        self._backups = backups
        # Other services' record stores with `problems` (contacts, referrals, ...).
        self.more_sources: builtins.list[Any] = []
        self._cache: tuple[tuple[RecordRef, ...], builtins.list[DamagedRecord]] | None = None
        self._advice: dict[tuple[RecordRef, ...], dict[RecordRef, SnapshotInfo | None]] = {}

    # --- what is damaged ---------------------------------------------------------------

    def errors(self) -> builtins.list[RecordIntegrityError]:
        seen: dict[RecordRef, RecordIntegrityError] = {}
        for service in (
            self._clients,
            self._notes,
            self._signing,
            self._plans,
            self._measures,
            self._safety,
            *self.more_sources,
        ):
            for err in service.problems:
                seen.setdefault((err.kind, err.record_id), err)
        return list(seen.values())

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
        owners = self._signature_owners() if any(r.kind == SIGNED_KIND for r in out) else {}
        unresolved = any(r.kind == SIGNED_KIND and r.record_id not in owners for r in out)
        found = [self._context(r, owners, unresolved) for r in out]
        codes: dict[str, str] = {c.id: c.code for c in self._clients.list()}
        return [
            replace(r, client_code=codes[r.client_id])
            if not r.client_code and r.client_id in codes
            else r
            for r in found
        ]

    def _signature_owners(self) -> dict[str, str]:
        """Signature record id → the note or plan it belongs to (from the audit log, whose
        entry for each stored signature record names it in `detail.item` and its note or plan
        as the record; and from the signature ids a signed note keeps)."""
        owners: dict[str, str] = {}
        entries, _unreadable = self._audit.read()
        for e in entries:
            item = e.detail.get("item") if isinstance(e.detail, dict) else None
            if isinstance(item, str) and e.kind == "note":
                owners.setdefault(item, e.record_id)
        for note in self._notes.all():
            for item_id in note.signature_ids:
                owners.setdefault(item_id, note.id)
        return owners

    def _context(
        self, r: DamagedRecord, owners: dict[str, str], unresolved_signatures: bool
    ) -> DamagedRecord:
        if r.kind == SIGNED_KIND:
            owner = owners.get(r.record_id, "")
            return replace(r, owner_id=owner, client_id=self._client_of(owner))
        if r.kind == "client":
            return replace(r, client_id=r.record_id, client_code=self._signed_code(r.record_id))
        if r.kind == "measure":  # notes keep the measures given on their day, by id
            for note in self._notes.all():
                if any(m.get("id") == r.record_id for m in note.measures):
                    return replace(r, client_id=note.client_id)
        if r.kind in (*NOTE_KINDS, "plan", "safety_plan"):
            item = self._signing.note_item(r.record_id)
            if item is None:
                # No signature record: a draft, unless a damaged one of unknown owner is it.
                return replace(r, signed=None if unresolved_signatures else False)
            payload = item.payload
            client = payload.get("client") if isinstance(payload.get("client"), dict) else {}
            session = payload.get("session") if isinstance(payload.get("session"), dict) else {}
            template = payload.get("template") if isinstance(payload.get("template"), dict) else {}
            assert isinstance(client, dict) and isinstance(session, dict)
            assert isinstance(template, dict)
            return replace(
                r,
                signed=True,
                client_id=_text(client, "id"),
                client_code=_text(client, "code"),
                date=_text(session, "date"),
                template=_text(template, "id"),
            )
        return r

    def _client_of(self, owner_id: str) -> str:
        if not owner_id:
            return ""
        for lookup in (self._notes.get, self._plans.get, self._safety.get):
            with suppress(NoteappError):  # not this kind, or damaged too: try the next
                return str(lookup(owner_id).client_id)
        item = self._signing.note_item(owner_id)
        client = item.payload.get("client") if item is not None else None
        return _text(client, "id") if isinstance(client, dict) else ""

    def _signed_code(self, client_id: str) -> str:
        for note in self._notes.all():
            if note.client_id != client_id:
                continue
            item = self._signing.note_item(note.id)
            client = item.payload.get("client") if item is not None else None
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
        """Damaged signature records that are, or may be, part of this note or plan."""
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
        are, or may be, this client's. Drafts are never in a chart."""
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
