"""Structured note document (title plus headings, paragraphs, key-value tables, bullet lists)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DOCUMENT_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading; level 1 is the largest."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of text; embedded newlines are line breaks within the paragraph."""

    text: str


@dataclass(frozen=True, slots=True)
class KeyValueTable:
    """A two-column table of (label, value) rows, e.g. the session details."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    """An unordered list of items."""

    items: tuple[str, ...]


Block = Heading | Paragraph | KeyValueTable | BulletList


@dataclass(frozen=True, slots=True)
class Document:
    """A rendered note: what the clinician signs and what exports show."""

    title: str
    blocks: tuple[Block, ...]


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"type": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, KeyValueTable):
        return {"type": "table", "rows": [[key, value] for key, value in block.rows]}
    return {"type": "bullets", "items": list(block.items)}


def document_to_dict(doc: Document) -> dict[str, Any]:
    """Return a plain JSON-able dict for ``doc`` (inverse of :func:`document_from_dict`)."""
    return {
        "version": DOCUMENT_FORMAT_VERSION,
        "title": doc.title,
        "blocks": [_block_to_dict(block) for block in doc.blocks],
    }


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"document {what} must be a string")
    return value


def _block_from_dict(data: object) -> Block:
    if not isinstance(data, Mapping):
        raise ValueError("document block must be an object")
    kind = data.get("type")
    if kind == "heading":
        level = data.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
            raise ValueError("heading level must be an integer from 1 to 6")
        return Heading(level=level, text=_str(data.get("text"), "heading text"))
    if kind == "paragraph":
        return Paragraph(text=_str(data.get("text"), "paragraph text"))
    if kind == "table":
        rows = data.get("rows")
        if not isinstance(rows, list):
            raise ValueError("table rows must be a list")
        parsed: list[tuple[str, str]] = []
        for row in rows:
            if not isinstance(row, list | tuple) or len(row) != 2:
                raise ValueError("table row must be a [key, value] pair")
            parsed.append((_str(row[0], "table key"), _str(row[1], "table value")))
        return KeyValueTable(rows=tuple(parsed))
    if kind == "bullets":
        items = data.get("items")
        if not isinstance(items, list):
            raise ValueError("bullet items must be a list")
        return BulletList(items=tuple(_str(item, "bullet item") for item in items))
    raise ValueError("unknown document block type")


def document_from_dict(data: Mapping[str, Any]) -> Document:
    """Rebuild a :class:`Document` from :func:`document_to_dict` output; ``ValueError`` if bad."""
    version = data.get("version", DOCUMENT_FORMAT_VERSION)
    if version != DOCUMENT_FORMAT_VERSION:
        raise ValueError("unsupported document format version")
    blocks = data.get("blocks")
    if not isinstance(blocks, list):
        raise ValueError("document blocks must be a list")
    return Document(
        title=_str(data.get("title"), "title"),
        blocks=tuple(_block_from_dict(block) for block in blocks),
    )


def document_lines(doc: Document) -> list[str]:
    """Return the visible text as one string per printed paragraph, in reading order.

    The title, each heading, each paragraph, each bullet item and each table row
    (``key<TAB>value``) is one entry, so an exported file can be compared paragraph
    by paragraph. A paragraph's own line breaks stay inside its entry as ``\\n``.
    """
    lines: list[str] = [doc.title]
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            lines.append(block.text)
        elif isinstance(block, KeyValueTable):
            lines.extend(f"{key}\t{value}" for key, value in block.rows)
        else:
            lines.extend(block.items)
    return lines


def document_plain_text(doc: Document) -> str:
    """Return the visible text of ``doc``: :func:`document_lines` joined by ``\\n``.

    No markup characters are added (no bullets, no ``#``), so the text is what a reader
    sees; it is stable for equal documents and is used to check that an export still
    shows what was signed.
    """
    return "\n".join(document_lines(doc))
