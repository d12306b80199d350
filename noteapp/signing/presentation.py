"""How signed items are shown: the export model built from a proof alone.

Writing an export and verifying one both go through `job_from_proof`, so the visible text a
verifier expects is exactly what the exporter wrote — and any edit to it shows.
"""

from __future__ import annotations

from typing import Any

from noteapp.domain.document import Document, document_from_dict
from noteapp.domain.export_model import (
    AddendumBlock,
    ClientBlock,
    CosignBlock,
    ExportedNote,
    ExportJob,
    Letterhead,
    ReportBlock,
    SignatureLine,
)
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.signing.canonical import short_hash
from noteapp.signing.proof import NoteProof, Proof, ProofError


def _s(d: dict[str, Any], key: str) -> str:
    value = d.get(key, "")
    return value if isinstance(value, str) else ""


def signer_text(author: dict[str, Any]) -> str:
    """'Dana Whitfield, LCSW (License LCSW-000000)'."""
    name = _s(author, "name")
    credentials = _s(author, "credentials")
    license_no = _s(author, "license_number")
    text = f"{name}, {credentials}" if credentials else name
    return f"{text} (License {license_no})" if license_no else text


def signature_line(item: SignedItem) -> SignatureLine:
    verb = {
        ItemType.COSIGNATURE: "Co-signed electronically by",
        ItemType.RETURN: "Returned for revision by",
    }.get(item.type, "Electronically signed by")
    when = _s(item.payload, "signed_at_display") or _s(item.payload, "signed_at")
    return SignatureLine(
        statement=f"{verb} {signer_text(item.author)} on {when}",
        fingerprint=item.fingerprint,
        content_hash=short_hash(item.hash),
    )


def exported_note(np: NoteProof) -> ExportedNote:
    note = np.note
    try:
        document: Document = document_from_dict(note.payload["document"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofError("The signed note's document is malformed.") from exc
    addenda = tuple(
        AddendumBlock(
            kind_label=item.type.label,
            author=signer_text(item.author),
            written_on=_s(item.payload, "signed_at_display") or _s(item.payload, "signed_at"),
            reason=_s(item.payload, "reason"),
            text=_s(item.payload, "text"),
            signature=signature_line(item),
            date_of_service=_s(item.payload, "date_of_service"),
        )
        for item in np.items[1:]
        if item.type.is_correction
    )
    cosignatures = tuple(
        CosignBlock(
            statement=_s(item.payload, "statement") or _s(item.payload, "comments"),
            signature=signature_line(item),
            heading="Supervisor co-signature"
            if item.type == ItemType.COSIGNATURE
            else "Returned for revision — supervisor's comments",
        )
        for item in np.items[1:]
        if item.type in (ItemType.COSIGNATURE, ItemType.RETURN)
    )
    return ExportedNote(
        document=document,
        signature=signature_line(note),
        addenda=addenda,
        cosignatures=cosignatures,
        attestation=_s(note.payload, "attestation"),
        hash_label=_HASH_LABELS.get(note.type, "Note hash"),
    )


# Only kinds first exported with their own label: older files show "Note hash" for plans
# and safety plans, and must go on verifying.
_HASH_LABELS = {ItemType.REFERRAL: "Letter hash", ItemType.INCIDENT: "Report hash"}


def job_from_proof(proof: Proof) -> ExportJob:
    """The export a proof describes. Letterhead and client come from the first note."""
    first = proof.notes[0].note.payload
    client = first.get("client") if isinstance(first.get("client"), dict) else {}
    letterhead = first.get("letterhead") if isinstance(first.get("letterhead"), dict) else {}
    assert isinstance(client, dict) and isinstance(letterhead, dict)
    return ExportJob(
        letterhead=Letterhead(
            agency_name=_s(letterhead, "agency_name"),
            agency_address=_s(letterhead, "agency_address"),
            agency_phone=_s(letterhead, "agency_phone"),
            logo_png=proof.logo_png,
        ),
        client=ClientBlock(name=_s(client, "name"), dob=_s(client, "dob"), code=_s(client, "code")),
        notes=tuple(exported_note(n) for n in proof.notes),
        draft=False,
        chart_title=proof.chart_title,
        extra=tuple(_extra_document(e) for e in proof.extra),
        report=_report_block(proof.notes[0]),
    )


def _report_block(np: NoteProof) -> ReportBlock | None:
    """An incident report names no client: its reference takes the client's place (from the
    signed payload, like everything else the export shows)."""
    if np.note.type != ItemType.INCIDENT:
        return None
    report = np.note.payload.get("report")
    if not isinstance(report, dict):
        raise ProofError("The signed incident report is malformed.")
    return ReportBlock(reference=_s(report, "reference"), kind="Incident report")


def _extra_document(d: dict[str, Any]) -> Document:
    try:
        return document_from_dict(d)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofError("A summary in the signature proof is malformed.") from exc
