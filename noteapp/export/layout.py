"""What an export shows, as a flat list of paragraphs and tables built from an ExportJob.

The writer renders exactly these items and :func:`expected_body_lines` reads its lines
from them, so what verification expects and what the file holds come from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from noteapp.domain.document import BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.export_model import ExportedNote, ExportJob, SignatureLine
from noteapp.export.allowlist import FIELD_CLOSE, FIELD_OPEN
from noteapp.export.text import clean_text, normalise, split_paragraphs

DRAFT_SIGNATURE = "Draft — not signed"
DRAFT_HEADER = "DRAFT — not signed"
DRAFT_HEADER_MIXED = "DRAFT — includes unsigned notes"
FOOTER_TEXT = "Confidential — protected health information"
EMPTY_VALUE = "—"


class Role(StrEnum):
    """How a paragraph looks; each role is one paragraph style of the document."""

    TITLE = "Title"
    H1 = "Heading1"
    H2 = "Heading2"
    H3 = "Heading3"
    BODY = "Normal"
    BULLET = "ListBullet"
    ENTRY_HEADING = "NoteappEntryHeading"
    ENTRY_META = "NoteappEntryMeta"
    ATTESTATION = "NoteappAttestation"
    SIGNATURE = "NoteappSignature"
    SIGNATURE_META = "NoteappSignatureMeta"
    DRAFT_SIGNATURE = "NoteappDraftSignature"
    LETTERHEAD_NAME = "NoteappLetterheadName"
    LETTERHEAD_LINE = "NoteappLetterheadLine"
    HEADER_DRAFT = "NoteappHeaderDraft"
    HEADER_CLIENT = "NoteappHeaderClient"
    SPACER = "NoteappSpacer"


class TableKind(StrEnum):
    """The look of a table: key/value (bold keys) or contents (a header row)."""

    KEY_VALUE = "key_value"
    CONTENTS = "contents"


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph; ``text`` is clean, ``\\n`` inside it is a line break."""

    text: str
    role: Role
    page_break: bool = False
    rule_above: bool = False
    keep_next: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table of clean text cells; a cell's ``\\n`` is a line break."""

    rows: tuple[tuple[str, ...], ...]
    kind: TableKind


@dataclass(frozen=True, slots=True)
class LetterheadItem:
    """The agency block at the top of page 1: logo beside the text when a logo is given."""

    logo_png: bytes | None
    name: str
    lines: tuple[str, ...]


Item = Para | Table | LetterheadItem


@dataclass(frozen=True, slots=True)
class PageField:
    """A field whose value the reader's layout computes (PAGE, NUMPAGES)."""

    name: str


# The footer of every page: "Confidential — … <tab> Page 3 of 5".
FOOTER: tuple[str | PageField, ...] = (
    FOOTER_TEXT + "\tPage ",
    PageField("PAGE"),
    " of ",
    PageField("NUMPAGES"),
)


def footer_line() -> str:
    """The footer's comparable line: a field shows as its name between two markers."""
    return normalise(
        "".join(p if isinstance(p, str) else FIELD_OPEN + p.name + FIELD_CLOSE for p in FOOTER)
    )


def item_lines(item: Item) -> list[str]:
    """The comparable lines one item shows (see :mod:`noteapp.export.extract`)."""
    if isinstance(item, Para):
        text = normalise(item.text)
        return [text] if text else []
    if isinstance(item, Table):
        return [line for row in item.rows if (line := row_line(row))]
    texts = [t for t in (normalise(x) for x in (item.name, *item.lines)) if t]
    if item.logo_png is None:
        return texts
    return [line] if (line := row_line(("", "\n".join(texts)))) else []


def row_line(cells: tuple[str, ...] | list[str]) -> str:
    """One table row as a line: cells joined by a tab; "" when every cell is empty."""
    texts = [normalise(cell) for cell in cells]
    return "\t".join(texts) if any(texts) else ""


def is_draft(job: ExportJob) -> bool:
    """True when any note of the job is shown as not signed."""
    return job.draft or any(note.signature is None for note in job.notes)


def header_items(job: ExportJob) -> list[Para]:
    """The page header: the DRAFT marking (when any) and the client's name and birth date."""
    items: list[Para] = []
    if is_draft(job):
        mixed = not job.draft and any(note.signature is not None for note in job.notes)
        items.append(Para(DRAFT_HEADER_MIXED if mixed else DRAFT_HEADER, Role.HEADER_DRAFT))
    if job.report is not None:
        report = job.report
        items.append(
            Para(f"{clean_text(report.kind)} {clean_text(report.reference)}", Role.HEADER_CLIENT)
        )
        return items
    client = clean_text(job.client.name)
    if job.client.dob:
        client = f"{client} · Date of birth {clean_text(job.client.dob)}"
    items.append(Para(client, Role.HEADER_CLIENT))
    return items


def body_items(job: ExportJob) -> list[Item]:
    """Everything the body shows, in order."""
    items: list[Item] = []
    items.extend(_letterhead(job))
    chart = bool(job.chart_title)
    title = job.chart_title or (job.notes[0].document.title if job.notes else "")
    items.append(Para(clean_text(title), Role.TITLE))
    client = job.client
    if job.report is None:
        items.append(
            _kv(
                (
                    ("Client name", client.name),
                    ("Date of birth", client.dob or EMPTY_VALUE),
                    ("Client code", client.code or EMPTY_VALUE),
                )
            )
        )
        items.append(Para("", Role.SPACER))  # keeps the client table apart from the next one
    if chart:
        items.append(Para("Contents", Role.H1))
        items.append(_contents(job))
    for index, note in enumerate(job.notes):
        if chart or index > 0:
            items.append(Para(_note_heading(note.document), Role.H1, page_break=True))
        content = document_items(note.document)
        if content and isinstance(content[-1], Para):
            # The last lines of the note travel with the signature: no signature alone on a page.
            content[-1] = replace(content[-1], keep_next=True)
        items.extend(content)
        items.extend(_signed_part(note, draft=job.draft or note.signature is None))
    for extra in job.extra:
        items.append(Para(clean_text(extra.title), Role.H1, page_break=True))
        items.extend(document_items(extra))
    return items


def document_items(doc: Document) -> list[Item]:
    """The blocks of a note document (its title is placed by the caller)."""
    items: list[Item] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            role = (Role.H1, Role.H2, Role.H3)[min(max(block.level, 1), 3) - 1]
            items.append(Para(clean_text(block.text), role))
        elif isinstance(block, Paragraph):
            items.extend(_paragraphs(block.text, Role.BODY))
        elif isinstance(block, KeyValueTable):
            if block.rows:
                items.append(_kv(block.rows))
        elif isinstance(block, BulletList):
            items.extend(Para(clean_text(item), Role.BULLET) for item in block.items)
    return items


def _note_heading(doc: Document) -> str:
    date = note_date(doc)
    title = clean_text(doc.title)
    return f"{title} — {clean_text(date)}" if date.strip() else title


def note_date(doc: Document) -> str:
    """The date of service a note's session table shows, or "" when it has none."""
    for block in doc.blocks:
        if isinstance(block, KeyValueTable):
            for key, value in block.rows:
                if key.strip().lower() in ("date of service", "date"):
                    return value
    return ""


def note_status(note: ExportedNote, *, draft: bool) -> str:
    """A short status for the contents list, e.g. "Signed · 1 addendum · co-signed"."""
    if draft or note.signature is None:
        return DRAFT_SIGNATURE
    parts = ["Signed"]
    count = len(note.addenda)
    if count:
        parts.append(f"{count} addend{'um' if count == 1 else 'a'}")
    if note.cosignatures:
        parts.append("co-signed")
    return " · ".join(parts)


def _letterhead(job: ExportJob) -> list[Item]:
    head = job.letterhead
    lines = tuple(clean_text(x) for x in (head.agency_address, head.agency_phone) if x.strip())
    name = clean_text(head.agency_name)
    if head.logo_png is None and not name.strip() and not lines:
        return []
    return [LetterheadItem(head.logo_png, name, lines)]


def _kv(rows: tuple[tuple[str, str], ...]) -> Table:
    return Table(tuple((clean_text(k), clean_text(v)) for k, v in rows), TableKind.KEY_VALUE)


def _contents(job: ExportJob) -> Table:
    rows = [("Date of service", "Note", "Status")]
    for note in job.notes:
        date = note_date(note.document) or EMPTY_VALUE
        status = note_status(note, draft=job.draft)
        rows.append((clean_text(date), clean_text(note.document.title), status))
    return Table(tuple(rows), TableKind.CONTENTS)


def _paragraphs(text: str, role: Role) -> list[Para]:
    return [Para(part, role) for part in split_paragraphs(clean_text(text))]


def _signature(line: SignatureLine, hash_label: str, *, rule: bool) -> list[Para]:
    meta = (
        f"Key fingerprint: {clean_text(line.fingerprint)} · "
        f"{hash_label}: {clean_text(line.content_hash)}"
    )
    return [
        Para(clean_text(line.statement), Role.SIGNATURE, rule_above=rule),
        Para(meta, Role.SIGNATURE_META),
    ]


def _together(block: list[Para]) -> list[Para]:
    """Keep a signed block on one page with its signature line (no orphaned signatures)."""
    return [replace(p, keep_next=True) for p in block[:-1]] + block[-1:]


def _signed_part(note: ExportedNote, *, draft: bool) -> list[Para]:
    items: list[Para] = []
    if draft or note.signature is None:
        items.append(Para(DRAFT_SIGNATURE, Role.DRAFT_SIGNATURE, rule_above=True))
    else:
        block: list[Para] = []
        attestation = clean_text(note.attestation)
        if normalise(attestation):
            block.append(Para(attestation, Role.ATTESTATION, rule_above=True))
        rule = not normalise(attestation)
        block.extend(_signature(note.signature, clean_text(note.hash_label), rule=rule))
        items.extend(_together(block))
    for entry in note.addenda:
        label = clean_text(entry.kind_label)
        heading = f"{label} — {clean_text(entry.written_on)} by {clean_text(entry.author)}"
        block = [Para(heading, Role.ENTRY_HEADING)]
        if entry.reason.strip():
            block.append(Para(f"Reason: {clean_text(entry.reason)}", Role.ENTRY_META))
        if entry.date_of_service.strip():
            covered = f"Date of service covered: {clean_text(entry.date_of_service)}"
            block.append(Para(covered, Role.ENTRY_META))
        block.extend(_paragraphs(entry.text, Role.BODY))
        block.extend(_signature(entry.signature, f"{label} hash", rule=False))
        items.extend(_together(block))
    for cosign in note.cosignatures:
        block = [Para(clean_text(cosign.heading), Role.ENTRY_HEADING)]
        statement = clean_text(cosign.statement)
        if normalise(statement):
            block.append(Para(statement, Role.ATTESTATION))
        block.extend(_signature(cosign.signature, "Co-signed hash", rule=False))
        items.extend(_together(block))
    return items
