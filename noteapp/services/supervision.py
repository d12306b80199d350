"""Supervision inside the agency (no file round trip): a supervisor's queue of their
supervisees' signed notes waiting for review, read as documents, co-signed or returned with
comments; the review is a signed item of the chart and reaches the clinician at the next sync,
where it is checked as `review import` checks a file. The clinician's side: their notes
returned for revision."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from noteapp.agency.keys import ChartRole
from noteapp.domain.document import Document, document_from_dict
from noteapp.domain.errors import RefusedError
from noteapp.domain.export_model import ExportJob
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.agency import AgencyService
from noteapp.services.agency_state import ChartState
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.services.signing import SigningService
from noteapp.services.trust import same_clinician
from noteapp.signing.payloads import author_block
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import Proof

REVIEWS = (ItemType.COSIGNATURE, ItemType.RETURN)


@dataclass(frozen=True)
class QueueEntry:
    note_id: str
    client_id: str
    client_code: str
    date_of_service: str
    title: str
    author: str  # "Dana Whitfield, LCSW", from the signed note
    fingerprint: str
    signed_at: str
    reason: str  # "new": never reviewed; "revised": corrected since the last review

    def __repr__(self) -> str:
        return f"QueueEntry(note={self.note_id[:8]}, reason={self.reason!r})"


@dataclass(frozen=True)
class ReturnedNote:
    note_id: str
    client_code: str
    date_of_service: str
    reviewer: str
    comments: str
    returned_at: str


def _state_of(item: SignedItem, items: builtins.list[SignedItem]) -> str:
    """ "new", "revised" or "" (reviewed) for a note's items in chain order."""
    last_review = max((n for n, i in enumerate(items) if i.type in REVIEWS), default=-1)
    if last_review < 0:
        return "new"
    corrected = any(i.type.is_correction for i in items[last_review + 1 :])
    return "revised" if corrected else ""


class SupervisionService:
    def __init__(
        self,
        *,
        agency: AgencyService,
        signing: SigningService,
        notes: NoteService,
        clients: ClientService,
        audit: AuditService,
    ) -> None:
        self._agency = agency
        self._signing = signing
        self._notes = notes
        self._clients = clients
        self._audit = audit

    def _charts(self, role: ChartRole) -> builtins.list[ChartState]:
        m = self._agency.membership()
        if m is None:
            return []
        states = [ChartState.from_dict(d, version=v) for d, v in self._agency.local_states()]
        return [s for s in states if s.assigned and s.role_of(m.member_id) == role]

    def is_supervisor(self) -> bool:
        return bool(self._charts(ChartRole.SUPERVISOR))

    def queue(self) -> builtins.list[QueueEntry]:
        """Signed notes of the charts this member supervises that wait for their review:
        never reviewed, or corrected since the last review. Oldest first."""
        own = self._signing.own_key()
        out = []
        for state in self._charts(ChartRole.SUPERVISOR):
            code = self._client_code(state.client_id)
            for note in self._notes.list(client_id=state.client_id, status=NoteStatus.SIGNED):
                items = self._signing.items(note.id)
                if not items or not items[0].type.is_document:
                    continue
                first = items[0]
                if own is not None and first.public_key == own.public_key:
                    continue
                reason = _state_of(first, items)
                if not reason:
                    continue
                out.append(
                    QueueEntry(
                        note_id=note.id,
                        client_id=state.client_id,
                        client_code=code,
                        date_of_service=note.session.date.isoformat(),
                        title=str(first.payload.get("document", {}).get("title", "")),
                        author=_who(first),
                        fingerprint=first.fingerprint,
                        signed_at=first.signed_at,
                        reason=reason,
                    )
                )
        return sorted(out, key=lambda e: (e.signed_at, e.note_id))

    def _client_code(self, client_id: str) -> str:
        try:
            return self._clients.get(client_id).code
        except Exception:
            return ""

    def document(self, note_id: str) -> Document:
        """The note as it was signed (its rendered document, from the signed content)."""
        item = self._signing.note_item(note_id)
        if item is None:
            raise RefusedError("This note is not signed yet.")
        return document_from_dict(item.payload.get("document", {}))

    def job(self, note_id: str) -> ExportJob:
        """The note under review laid out as its export would be — what was signed and every
        item added since (corrections, earlier reviews) — for reading on screen. Nothing is
        sealed or written: a supervisor exports only what they signed."""
        note = self._notes.get(note_id)
        if not any(s.client_id == note.client_id for s in self._charts(ChartRole.SUPERVISOR)):
            raise RefusedError("You are not a supervisor of this client's chart.")
        return job_from_proof(Proof((self._signing.proof(note_id),)))

    def cosign(self, note_id: str, *, statement: str, passphrase: str | None = None) -> SignedItem:
        statement = statement.strip() or (
            "I have reviewed this note and agree with the documented assessment and plan."
        )
        return self._review(note_id, ItemType.COSIGNATURE, statement, passphrase)

    def return_note(
        self, note_id: str, *, comments: str, passphrase: str | None = None
    ) -> SignedItem:
        return self._review(note_id, ItemType.RETURN, comments, passphrase)

    def _review(
        self, note_id: str, item_type: ItemType, text: str, passphrase: str | None
    ) -> SignedItem:
        note = self._notes.get(note_id)
        if not any(s.client_id == note.client_id for s in self._charts(ChartRole.SUPERVISOR)):
            raise RefusedError("You are not a supervisor of this client's chart.")
        proof = self._signing.proof(note.id)
        profile = self._signing.own_profile()
        if profile is not None and (
            proof.note.public_key == profile.public_key
            or same_clinician(proof.note.author, author_block(profile))
        ):
            raise RefusedError("This note is your own: no one co-signs or returns their own note.")
        item = self._signing.make_review_item(
            proof, item_type=item_type, text=text, passphrase=passphrase
        )
        # Stored under the id its signed content gives, as a received review is: the same
        # record on every device of the chart.
        return self._signing.attach_reviews([item], imported=False)[0]

    def returned(self) -> builtins.list[ReturnedNote]:
        """This clinician's signed notes whose latest review is a return not yet answered by
        a correction."""
        own = self._signing.own_key()
        out = []
        for note in self._notes.list(status=NoteStatus.SIGNED):
            items = self._signing.items(note.id)
            if not items or own is None or items[0].public_key != own.public_key:
                continue
            reviews = [n for n, i in enumerate(items) if i.type in REVIEWS]
            if not reviews or items[reviews[-1]].type != ItemType.RETURN:
                continue
            last = items[reviews[-1]]
            if any(i.type.is_correction for i in items[reviews[-1] + 1 :]):
                continue
            out.append(
                ReturnedNote(
                    note_id=note.id,
                    client_code=self._client_code(note.client_id),
                    date_of_service=note.session.date.isoformat(),
                    reviewer=_who(last),
                    comments=str(last.payload.get("comments", last.payload.get("text", ""))),
                    returned_at=last.signed_at,
                )
            )
        return out


def _who(item: SignedItem) -> str:
    a = item.author
    name, cred = str(a.get("name", "")), str(a.get("credentials", ""))
    return f"{name}, {cred}" if cred else name
