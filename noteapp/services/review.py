"""The supervision round trip: a supervisor co-signs or returns an exported note; the
clinician imports the result, which is checked against the note in the vault."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from noteapp.domain.errors import CheckFailedError, InvalidInputError, RefusedError
from noteapp.domain.paper import PaperSize
from noteapp.domain.signatures import ItemType, SignedItem, TrustedKey
from noteapp.export import encrypt_docx, write_docx
from noteapp.services.audit import AuditService
from noteapp.services.exports import sealed_job
from noteapp.services.paper import system_paper_size
from noteapp.services.signing import SigningService
from noteapp.services.trust import (
    TrustWarning,
    review_refusal,
    same_clinician,
    trust_warnings,
)
from noteapp.services.verification import VerificationReport, verify_docx
from noteapp.signing.payloads import author_block
from noteapp.signing.proof import NoteProof, check_note_proof


@dataclass(frozen=True)
class ImportResult:
    attached: tuple[SignedItem, ...]
    already_present: int


class ReviewService:
    def __init__(
        self,
        *,
        signing: SigningService,
        audit: AuditService,
        paper: Callable[[], PaperSize] = system_paper_size,
    ) -> None:
        self._signing = signing
        self._audit = audit
        self._paper = paper  # the reviewer's paper-size setting, for the reviewed copy

    def trusted(self) -> builtins.list[TrustedKey]:
        """Keys marked as trusted, plus this vault's own key."""
        keys = self._signing.trusted_keys()
        own = self._signing.own_key()
        return [*keys, own] if own is not None else keys

    def verify(self, path: Path, *, password: str | None = None) -> VerificationReport:
        return verify_docx(path, trusted_keys=self.trusted(), password=password)

    def trust_warnings(self, report: VerificationReport) -> builtins.list[TrustWarning]:
        """Signatures in the report from keys this vault does not trust, each naming the key
        that is trusted under the same name, if any (a likely impersonation)."""
        return trust_warnings(report, self.trusted())

    def own_note_reason(self, report: VerificationReport) -> str:
        """Why this vault's clinician may not co-sign or return the file ("" if they may):
        no one reviews their own note — same key, or the same clinician by name and
        license (or credentials) as signed."""
        profile = self._signing.own_profile()
        if profile is None or report.proof is None:
            return ""
        me = author_block(profile)
        if any(same_clinician(np.note.author, me) for np in report.proof.notes):
            return (
                "This note is your own (signed with your key, or by a clinician with your name "
                "and license): no one co-signs or returns their own note. Send it to your "
                "supervisor instead."
            )
        return ""

    def _review(
        self,
        src: Path,
        out: Path,
        *,
        item_type: ItemType,
        text: str,
        passphrase: str | None,
        password: str | None,
    ) -> VerificationReport:
        report = self.verify(src, password=password)
        if not report.ok or report.proof is None:
            raise CheckFailedError(f"Not reviewed: {report.summary}")
        own = self.own_note_reason(report)
        if own:
            raise RefusedError(f"Not reviewed: {own}")
        if Path(out).resolve() == Path(src).resolve():
            raise InvalidInputError("Write the reviewed note to a new file, not over the original.")
        notes = []
        for np in report.proof.notes:
            item = self._signing.make_review_item(
                np, item_type=item_type, text=text, passphrase=passphrase
            )
            notes.append(NoteProof((*np.items, item)))
        # The reviewed copy holds more than the export did: the supervisor signs its new
        # list of contents (their key signed the reviews in it).
        reviewed = replace(
            sealed_job(self._signing, replace(report.proof, notes=tuple(notes)), made_by="review"),
            paper=self._paper(),
        )
        # A protected file stays protected: the reviewed copy gets the same password.
        if password is None:
            write_docx(reviewed, Path(out))
        else:
            encrypt_docx(reviewed, Path(out), password)
        for np in notes:  # recorded once the file exists
            item = np.items[-1]
            self._audit.record(
                item.type.value, kind="note", record_id=item.note_id, detail={"item": item.id}
            )
        return self.verify(Path(out), password=password)

    def cosign(
        self,
        src: Path,
        out: Path,
        *,
        statement: str,
        passphrase: str | None = None,
        password: str | None = None,
    ) -> VerificationReport:
        statement = statement.strip() or (
            "I have reviewed this note and agree with the documented assessment and plan."
        )
        return self._review(
            src,
            out,
            item_type=ItemType.COSIGNATURE,
            text=statement,
            passphrase=passphrase,
            password=password,
        )

    def return_for_revision(
        self,
        src: Path,
        out: Path,
        *,
        comments: str,
        passphrase: str | None = None,
        password: str | None = None,
    ) -> VerificationReport:
        return self._review(
            src,
            out,
            item_type=ItemType.RETURN,
            text=comments,
            passphrase=passphrase,
            password=password,
        )

    def import_reviewed(self, path: Path, *, password: str | None = None) -> ImportResult:
        """Attach co-signatures and returns from a reviewed file to the notes they cover.

        Everything that decides where a review goes comes from signed content: the note it
        names (`note_id`, signed) must be signed in this vault with the same hash, the review
        must cover that note and corrections kept here, and its key must be trusted here
        (never the author's own). All or nothing: one refused review imports none."""
        report = self.verify(path, password=password)
        if not report.ok or report.proof is None:
            raise CheckFailedError(f"Not imported: {report.summary}")
        trusted = self._signing.trusted_keys()  # this vault's own key is not a reviewer
        attached: list[SignedItem] = []
        present = 0
        for np in report.proof.notes:
            ours = self._signing.items(np.note.note_id)
            if not ours or ours[0].hash != np.note.hash:
                raise RefusedError(
                    "This file is not about a note signed in this vault (or about a different "
                    "version of it); nothing was imported."
                )
            known = {i.hash for i in ours}
            for item in np.items[1:]:
                if item.type not in (ItemType.COSIGNATURE, ItemType.RETURN):
                    continue
                if item.hash in known:
                    present += 1
                    continue
                # The review must cover this note and corrections that exist here.
                check = check_note_proof(NoteProof((*ours, item)))[-1]
                if not check.ok:
                    raise RefusedError(
                        "A review in this file does not cover the note and corrections kept in "
                        "this vault; nothing was imported."
                    )
                refusal = review_refusal(item, note=ours[0], keys=trusted)
                if refusal:
                    raise RefusedError(refusal)
                known.add(item.hash)
                attached.append(item)
        stored = self._signing.attach_reviews(attached)
        return ImportResult(tuple(stored), present)
