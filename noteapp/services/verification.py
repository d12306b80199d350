"""Verify an exported .docx: every signature, every link between signed items, and that the
visible text still matches what was signed. Needs no vault; trusted keys are optional."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from noteapp.domain.errors import NoteappError
from noteapp.domain.export_model import ExportJob
from noteapp.domain.signatures import ItemType, SignedItem, TrustedKey
from noteapp.export import (
    ExportReadError,
    ReadResult,
    expected_body_lines,
    expected_footer_lines,
    expected_header_lines,
    expected_images,
    is_encrypted,
    read_docx,
)
from noteapp.signing.manifest import manifest_problems
from noteapp.signing.presentation import job_from_proof, signer_text
from noteapp.signing.proof import Proof, ProofError, check_note_proof, proof_from_bytes


class Status(StrEnum):
    VALID_TRUSTED = "valid"
    VALID_UNKNOWN_SIGNER = "valid-unknown-signer"
    INVALID = "invalid"
    UNSIGNED = "unsigned"


@dataclass(frozen=True)
class SignerReport:
    role: str
    signer: str  # "Dana Whitfield, LCSW (License …)"
    name: str
    credentials: str
    fingerprint: str
    signed_at: str
    trusted: bool
    valid: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class NoteReport:
    note_id: str
    title: str
    client_code: str
    date_of_service: str
    signers: tuple[SignerReport, ...]
    reference: str = ""  # an incident report's reference (it names no single client)

    @property
    def valid(self) -> bool:
        return all(s.valid for s in self.signers)

    @property
    def subject(self) -> str:
        """What the record is about, for people: "client C0003" or "report IR-2026-003"."""
        return f"report {self.reference}" if self.reference else f"client {self.client_code}"


@dataclass(frozen=True)
class VerificationReport:
    status: Status
    summary: str
    notes: tuple[NoteReport, ...] = ()
    problems: tuple[str, ...] = ()
    proof: Proof | None = None
    # Who signed the file's list of contents (the exporter, or the reviewer of a copy).
    contents: SignerReport | None = None

    @property
    def ok(self) -> bool:
        return self.status in (Status.VALID_TRUSTED, Status.VALID_UNKNOWN_SIGNER)

    @property
    def all_trusted(self) -> bool:
        """Valid, and every signer's key is trusted (what `verify --require-trusted` needs)."""
        return self.status == Status.VALID_TRUSTED


def _signer(
    item: SignedItem, role: str, problems: tuple[str, ...], trusted: dict[str, bytes]
) -> SignerReport:
    author = item.author
    return SignerReport(
        role=role,
        signer=signer_text(author),
        name=str(author.get("name", "")),
        credentials=str(author.get("credentials", "")),
        fingerprint=item.fingerprint,
        signed_at=str(item.payload.get("signed_at_display") or item.signed_at),
        trusted=trusted.get(item.fingerprint) == item.public_key,
        valid=not problems,
        problems=problems,
    )


def _quote(text: str, limit: int = 60) -> str:
    text = text.replace("\t", ": ")  # a table row's cells, as a person reads them
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _first_difference(expected: list[str], actual: list[str]) -> str:
    for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
        if e != a:
            return f"line {i + 1} reads {_quote(a)} but was signed as {_quote(e)}"
    if len(actual) > len(expected):
        return f"text was added after line {len(expected)} ({_quote(actual[len(expected)])})"
    return f"text was removed after line {len(actual)}"


def _page_problems(read: ReadResult, job: ExportJob) -> list[str]:
    """The body, every header and footer a reader shows, and the pictures, against the job."""
    problems = []
    expected = expected_body_lines(job)
    if read.body_lines != expected:
        problems.append(
            "The visible text does not match what was signed: "
            + _first_difference(expected, read.body_lines)
            + "."
        )
    for parts, lines, verdict in (
        (read.headers, expected_header_lines(job), "does not match the signed client details"),
        (read.footers, expected_footer_lines(job), "is not the one noteapp writes"),
    ):
        for part in parts:
            if part.lines != lines:
                # A field's markers are not text: show page numbers as a reader would name them.
                shown = " / ".join(part.lines).replace("\ufdd0", "{").replace("\ufdd1", "}")
                label = part.label[:1].upper() + part.label[1:]
                problems.append(
                    f"{label} {verdict}: it shows {_quote(shown) if shown else 'nothing'}."
                )
    if list(read.images) != expected_images(job):
        problems.append(
            "The pictures in the document are not the letterhead logo it was exported with."
        )
    return problems


def verify_read(read: ReadResult, *, trusted_keys: Iterable[TrustedKey] = ()) -> VerificationReport:
    """Verify what read_docx returned (the file's visible text and its proof part)."""
    if read.proof is None:
        return VerificationReport(
            Status.UNSIGNED,
            "This file carries no noteapp signature: it is a draft, was not exported signed, "
            "or a word processor removed the signature part when it was re-saved. Ask the "
            "sender for the original file.",
        )
    try:
        proof = proof_from_bytes(read.proof)
        job = job_from_proof(proof)
    except ProofError as exc:
        return VerificationReport(
            Status.INVALID, f"The signature part is damaged: {exc}", problems=(str(exc),)
        )
    trusted = {k.fingerprint: k.public_key for k in trusted_keys}
    notes: list[NoteReport] = []
    problems: list[str] = []
    for np in proof.notes:
        signers = []
        for check in check_note_proof(np):
            item = check.item
            role = "Author" if item.type == ItemType.NOTE else item.type.label
            signers.append(_signer(item, role, check.problems, trusted))
            problems.extend(f"{role} signature: {p}." for p in check.problems)
        payload = np.note.payload
        client = payload.get("client") if isinstance(payload.get("client"), dict) else {}
        session = payload.get("session") if isinstance(payload.get("session"), dict) else {}
        template = payload.get("template") if isinstance(payload.get("template"), dict) else {}
        report = payload.get("report") if isinstance(payload.get("report"), dict) else {}
        notes.append(
            NoteReport(
                note_id=np.note.note_id,
                title=str((template or {}).get("name", "")),
                client_code=str((client or {}).get("code", "")),
                date_of_service=str((session or {}).get("date", "")),
                signers=tuple(signers),
                reference=str((report or {}).get("reference", "")),
            )
        )
    bound = manifest_problems(proof)
    problems.extend(bound)
    contents = None
    if proof.manifest is not None:
        contents = _signer(proof.manifest, "Contents", tuple(bound), trusted)
    problems.extend(read.findings)
    problems.extend(_page_problems(read, job))
    if problems:
        return VerificationReport(
            Status.INVALID,
            "Verification FAILED: " + problems[0],
            tuple(notes),
            tuple(problems),
            proof,
            contents,
        )
    # The manifest's key signed something in the file, so it is among these signers.
    everyone_trusted = all(s.trusted for n in notes for s in n.signers)
    count = sum(len(n.signers) for n in notes)
    if everyone_trusted:
        return VerificationReport(
            Status.VALID_TRUSTED,
            f"Valid: {count} signature(s) check out, every signer is trusted, and the text "
            "is unchanged since signing.",
            tuple(notes),
            (),
            proof,
            contents,
        )
    return VerificationReport(
        Status.VALID_UNKNOWN_SIGNER,
        f"Valid, but from a signer you have not marked as trusted: {count} signature(s) "
        "check out and the text is unchanged. Compare the key fingerprint with the signer "
        "(e.g. by phone) and trust their key.",
        tuple(notes),
        (),
        proof,
        contents,
    )


def is_encrypted_file(path: Path) -> bool:
    """A password-protected (Office-encrypted) file: verifying it needs the password."""
    return is_encrypted(Path(path))


def verify_docx(
    path: Path, *, trusted_keys: Iterable[TrustedKey] = (), password: str | None = None
) -> VerificationReport:
    try:
        read = read_docx(Path(path), password=password)
    except ExportReadError as exc:
        return VerificationReport(Status.INVALID, str(exc), problems=(str(exc),))
    except NoteappError as exc:
        return VerificationReport(Status.INVALID, str(exc), problems=(str(exc),))
    return verify_read(read, trusted_keys=trusted_keys)
