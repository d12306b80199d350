"""What a Word export shows, as plain values: the exporter renders exactly this, and
verification rebuilds it from the signed proof to check the visible text still matches."""

from __future__ import annotations

from dataclasses import dataclass

from noteapp.domain.document import Document
from noteapp.domain.paper import PaperSize


@dataclass(frozen=True)
class Letterhead:
    agency_name: str = ""
    agency_address: str = ""
    agency_phone: str = ""
    logo_png: bytes | None = None


@dataclass(frozen=True)
class ClientBlock:
    name: str
    dob: str  # preformatted, "" when unknown
    code: str


@dataclass(frozen=True)
class ReportBlock:
    """What an export about an event (an incident report) shows where others show their
    client: it names no single client, so the page header names the report instead."""

    reference: str
    kind: str  # "Incident report"


@dataclass(frozen=True)
class SignatureLine:
    """'Electronically signed by NAME, CREDENTIALS (License L) on DATE TIME ZONE'."""

    statement: str
    fingerprint: str  # signer's key: 8 groups of 4 hex digits
    content_hash: str  # short hash of what was signed, for people to compare


@dataclass(frozen=True)
class AddendumBlock:
    kind_label: str  # "Addendum", "Amendment" or "Late entry"
    author: str
    written_on: str
    reason: str
    text: str
    signature: SignatureLine
    date_of_service: str = ""  # late entries: the date the entry covers


@dataclass(frozen=True)
class CosignBlock:
    statement: str  # the supervisor's attestation, or a return's comments
    signature: SignatureLine
    heading: str = "Supervisor co-signature"


@dataclass(frozen=True)
class ExportedNote:
    document: Document  # the rendered note (title, session table, sections)
    signature: SignatureLine | None  # None: a draft
    addenda: tuple[AddendumBlock, ...] = ()
    cosignatures: tuple[CosignBlock, ...] = ()
    attestation: str = ""  # the author's attestation text at signing, if any
    # What the signature line calls the signed content's hash. Notes, plans and safety plans
    # say "Note hash" (files exported so far show it, so it stays); newer kinds say theirs.
    hash_label: str = "Note hash"


@dataclass(frozen=True)
class ExportJob:
    letterhead: Letterhead
    client: ClientBlock
    notes: tuple[ExportedNote, ...]
    draft: bool = False
    chart_title: str = ""  # set for a chart export: a contents list precedes the notes
    extra: tuple[Document, ...] = ()  # plan, measures … (later issues), after the notes
    proof: bytes | None = None  # the signed payloads and signatures, embedded as its own part
    # The page the file or print is laid out on (the paper-size setting). Not signed, not
    # verified: verification compares the text, which is the same on either paper.
    paper: PaperSize = PaperSize.LETTER
    # Set for an incident report: its header names the report, and no client table opens it
    # (the report's own first table says what it is; the client block is then empty).
    report: ReportBlock | None = None
