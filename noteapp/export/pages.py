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
    check_theme,
    even_and_odd_headers,
)
from noteapp.export.errors import ExportReadError
from noteapp.export.extract import Part, block_lines
from noteapp.export.formatting import Findings, is_on
from noteapp.export.geometry import page_text_width
from noteapp.export.settings import settings_problems, web_settings_problems

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_HEADER, RT_FOOTER, RT_IMAGE = _RT + "header", _RT + "footer", _RT + "image"
RT_STYLES, RT_NUMBERING = _RT + "styles", _RT + "numbering"
RT_SETTINGS, RT_FONTS = _RT + "settings", _RT + "fontTable"
RT_THEME, RT_WEB_SETTINGS = _RT + "theme", _RT + "webSettings"
# Parts of which a document has one: with two, readers may use either (LibreOffice takes the
# first styles part), so a second one is a finding whichever the verifier would read.
_ONE_EACH = {
    RT_STYLES: "styles",
    RT_NUMBERING: "list definitions",
    RT_SETTINGS: "settings",
    RT_FONTS: "font table",
    RT_THEME: "theme",
    RT_WEB_SETTINGS: "web settings",
    _RT + "footnotes": "footnotes",
    _RT + "endnotes": "endnotes",
    _RT + "comments": "comments",
    _RT + "glossaryDocument": "glossary",
}
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
    _one_part_each(doc_part, found)
    sections = _sections(body, found)
    # Tab stops and tables are measured against the narrowest page of the document.
    found.text_width = min((page_text_width(s) for s in sections), default=found.text_width)
    body_part = Part("the body", found, images=_image_lookup(doc_part))
    body_lines = block_lines(body, body_part)
    settings = _related(doc_part, RT_SETTINGS)
    for problem in settings_problems(settings) + web_settings_problems(
        _related(doc_part, RT_WEB_SETTINGS)
    ):
        found.add(problem)
    even = even_and_odd_headers(settings)
    headers, footers = _page_parts(doc_part, sections, even=even, found=found)
    check_styles(_related(doc_part, RT_STYLES), found)
    check_numbering(_related(doc_part, RT_NUMBERING), found)
    check_fonts(_related(doc_part, RT_FONTS), found)
    check_theme(_related(doc_part, RT_THEME), found)
    first_header = next((h.lines for h in headers), [])
    return ReadResult(
        body_lines=body_lines,
        header_lines=first_header,
        headers=headers,
        footers=footers,
        findings=tuple(found.sentences),
        images=tuple(body_part.shown_images),
    )


def _one_part_each(doc_part: Any, found: Findings) -> None:
    counts: dict[str, int] = {}
    for rel in doc_part.rels.values():
        counts[rel.reltype] = counts.get(rel.reltype, 0) + 1
    for reltype, what in _ONE_EACH.items():
        if counts.get(reltype, 0) > 1:
            found.add(
                f"The document names more than one {what} part; readers may use either, so "
                "it cannot be verified."
            )


def _sections(body: Any, found: Findings) -> list[Any]:
    """Section properties in document order: inside paragraphs, then the body's last one.

    Only these two places end a section for every reader; a second body-level one, one
    that is not the body's last element, or one anywhere else (a table cell) is read
    differently by different readers (LibreOffice showed the headers of both), so each is
    a finding rather than a guess."""
    in_paragraphs = []
    for pr in body.iterfind(f"{w('p')}/{w('pPr')}"):
        own = pr.findall(w("sectPr"))
        in_paragraphs.extend(own[:1])
        if len(own) > 1:
            found.add("A paragraph of the document ends two sections; it cannot be verified.")
    elements = [child for child in body if isinstance(child.tag, str)]
    last = [child for child in elements if child.tag == w("sectPr")]
    if len(last) > 1 or (last and elements[-1] is not last[0]):
        found.add(
            "The document's body has more than one closing section, or one before its end; "
            "readers may show the headers of either, so it cannot be verified."
        )
    known = {id(s) for s in (*in_paragraphs, *last)}
    if any(id(s) not in known for s in body.iter(w("sectPr"))):
        found.add(
            "The document has a section break inside a table or another place where readers "
            "disagree whether it starts a section; it cannot be verified."
        )
    return [*in_paragraphs, *last[:1]]


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
                    if (kind, kind_type) in own:
                        # LibreOffice shows both; the verifier would compare one of them.
                        found.add(
                            f"A section of the document names two {_TYPES[kind_type]}{kind}s; "
                            "readers may show either or both, so it cannot be verified."
                        )
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
