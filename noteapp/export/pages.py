"""Everything a reader shows in a loaded .docx: the body, every page header and footer of
every section (default, first-page, even-page), and the parts that style them.

A section shows its first-page header when it sets `w:titlePg`, and even-page headers when
the settings set `w:evenAndOddHeaders`; a section without its own reference of a kind
shows the previous section's (the first section then shows none). Every header and footer
a reader would show is read, and so is every one the document refers to, so a second
client's name on page 1 or on even pages cannot hide from the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from noteapp.export.allowlist import R, w
from noteapp.export.definitions import (
    check_fonts,
    check_numbering,
    check_styles,
    even_and_odd_headers,
)
from noteapp.export.errors import ExportReadError
from noteapp.export.extract import Part, block_lines
from noteapp.export.formatting import Findings, is_on

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_HEADER, RT_FOOTER, RT_IMAGE = _RT + "header", _RT + "footer", _RT + "image"
RT_STYLES, RT_NUMBERING = _RT + "styles", _RT + "numbering"
RT_SETTINGS, RT_FONTS = _RT + "settings", _RT + "fontTable"
_KINDS = (("header", "headerReference", RT_HEADER), ("footer", "footerReference", RT_FOOTER))
_TYPES = {"default": "page ", "first": "first-page ", "even": "even-page "}
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


@dataclass(frozen=True)
class PagePart:
    """A page header or footer a reader shows, with its comparable lines."""

    label: str  # "the page header", "the first-page footer of section 2" …
    lines: list[str]


@dataclass(frozen=True)
class ReadResult:
    """What a reader sees in a .docx, in comparable form (see docs/exports.md)."""

    body_lines: list[str] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)  # the first default header
    proof: bytes | None = None
    headers: tuple[PagePart, ...] = ()  # every header a reader shows or the file refers to
    footers: tuple[PagePart, ...] = ()
    findings: tuple[str, ...] = ()  # content the verifier does not model (fails verification)
    images: tuple[bytes, ...] = ()  # what the body's pictures show (the letterhead logo)


def _xml(part: Any) -> Any:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, _SAFE_PARSER)


def _related(doc_part: Any, reltype: str) -> Any | None:
    for rel in doc_part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return _xml(rel.target_part)
    return None


def _image_lookup(doc_part: Any) -> Any:
    def lookup(rid: str) -> bytes | None:
        rel = doc_part.rels.get(rid)
        if rel is None or rel.is_external or rel.reltype != RT_IMAGE:
            return None
        blob = rel.target_part.blob
        return bytes(blob) if isinstance(blob, bytes | bytearray) else None

    return lookup


def read_package(doc_part: Any) -> ReadResult:
    """Lines, page parts, images and findings of a loaded document part (python-docx)."""
    found = Findings()
    root = doc_part.element
    body = root.find(w("body"))
    if root.tag != w("document") or body is None:
        raise ExportReadError("This Word document is damaged or incomplete and could not be read.")
    for child in root:
        if isinstance(child.tag, str) and child.tag != w("body"):
            found.unknown(child.tag, "the document")
    body_part = Part("the body", found, images=_image_lookup(doc_part))
    body_lines = block_lines(body, body_part)
    sections = _sections(body)
    even = even_and_odd_headers(_related(doc_part, RT_SETTINGS))
    headers, footers = _page_parts(doc_part, sections, even=even, found=found)
    check_styles(_related(doc_part, RT_STYLES), found)
    check_numbering(_related(doc_part, RT_NUMBERING), found)
    check_fonts(_related(doc_part, RT_FONTS), found)
    first_header = next((h.lines for h in headers), [])
    return ReadResult(
        body_lines=body_lines,
        header_lines=first_header,
        headers=headers,
        footers=footers,
        findings=tuple(found.sentences),
        images=tuple(body_part.shown_images),
    )


def _sections(body: Any) -> list[Any]:
    """Section properties in document order: inside paragraphs, then the body's last one."""
    found = [p for p in body.iterfind(f"{w('p')}/{w('pPr')}/{w('sectPr')}")]
    last = body.find(w("sectPr"))
    return [*found, last] if last is not None else found


def _page_parts(
    doc_part: Any, sections: list[Any], *, even: bool, found: Findings
) -> tuple[tuple[PagePart, ...], tuple[PagePart, ...]]:
    out: dict[str, list[PagePart]] = {"header": [], "footer": []}
    current: dict[tuple[str, str], str] = {}  # (kind, type) -> relationship id, inherited
    read: dict[tuple[str, str], list[str]] = {}
    many = len(sections) > 1
    for number, sect in enumerate(sections or [None], start=1):
        own: dict[tuple[str, str], str] = {}
        if sect is not None:
            for kind, tag, _ in _KINDS:
                for ref in sect.iterfind(w(tag)):
                    kind_type = str(ref.get(w("type"), "default"))
                    if kind_type not in _TYPES:
                        found.unknown(ref.tag, "the page setup")
                        continue
                    own[(kind, kind_type)] = str(ref.get(f"{{{R}}}id", ""))
        current.update(own)
        title = sect is not None and any(is_on(t) for t in sect.iterfind(w("titlePg")))
        shown = ["default", *(["first"] if title else []), *(["even"] if even else [])]
        wanted = set(own) | {(kind, t) for kind, _, _ in _KINDS for t in shown}
        for kind, reltype in (("header", RT_HEADER), ("footer", RT_FOOTER)):
            for kind_type in _TYPES:
                if (kind, kind_type) not in wanted:
                    continue
                where = f"the {_TYPES[kind_type]}{kind}" + (f" of section {number}" if many else "")
                rid = current.get((kind, kind_type))
                key = (kind, rid or f"none-{number}-{kind_type}")
                if key not in read:
                    read[key] = _part_lines(doc_part, rid, reltype, where, found)
                out[kind].append(PagePart(where, read[key]))
    return tuple(out["header"]), tuple(out["footer"])


def _part_lines(
    doc_part: Any, rid: str | None, reltype: str, where: str, found: Findings
) -> list[str]:
    if rid is None:
        return []  # no header of this kind: the page shows none
    rel = doc_part.rels.get(rid)
    if rel is None or rel.is_external or rel.reltype != reltype:
        found.add(f"The document's reference to {where} is broken.")
        return []
    element = _xml(rel.target_part)
    return block_lines(element, Part(where, found, fields=True))
