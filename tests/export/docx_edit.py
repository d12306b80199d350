"""Edit a .docx package the way a forger would: by hand, part by part (tests only)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def rewrite(src: Path, dest: Path, changes: dict[str, Callable[[bytes], bytes] | bytes]) -> Path:
    """Copy ``src`` to ``dest``; each named part is replaced (bytes) or edited (a function).
    Names not in the package are added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for info in zin.infolist():
            data = zin.read(info.filename)
            change = changes.get(info.filename)
            if change is not None:
                data = change if isinstance(change, bytes) else change(data)
            zout.writestr(info, data)
        for name, change in changes.items():
            if name not in names:
                assert isinstance(change, bytes), name
                zout.writestr(name, change)
    return dest


def edit_document(src: Path, dest: Path, edit: Callable[[str], str]) -> Path:
    return rewrite(src, dest, {"word/document.xml": lambda b: edit(b.decode()).encode()})


def after_run_with(text: str, snippet: str) -> Callable[[str], str]:
    """Insert ``snippet`` right after the run that holds ``text``."""

    def edit(xml: str) -> str:
        at = xml.index(text)
        end = xml.index("</w:r>", at) + len("</w:r>")
        return xml[:end] + snippet + xml[end:]

    return edit


def run_properties(text: str, rpr: str) -> Callable[[str], str]:
    """Give the run that holds ``text`` the run properties ``rpr`` (inner XML of w:rPr)."""

    def edit(xml: str) -> str:
        at = xml.index(text)
        start = xml.rindex("<w:r>", 0, at) + len("<w:r>")
        return xml[:start] + f"<w:rPr>{rpr}</w:rPr>" + xml[start:]

    return edit


def paragraph_with(text: str, replacement: Callable[[str], str]) -> Callable[[str], str]:
    """Replace the paragraph holding ``text`` by ``replacement(paragraph_xml)``."""

    def edit(xml: str) -> str:
        at = xml.index(text)
        start = xml.rindex("<w:p>", 0, at)
        end = xml.index("</w:p>", at) + len("</w:p>")
        return xml[:start] + replacement(xml[start:end]) + xml[end:]

    return edit


def add_related_part(
    src: Path,
    dest: Path,
    *,
    name: str,
    kind: str,
    data: bytes,
    rid: str,
    first: bool = False,
    changes: dict[str, Callable[[bytes], bytes] | bytes] | None = None,
) -> Path:
    """Add the part word/``name`` related from the document with the relationship type and
    content type of ``kind`` (header, styles …), its relationship first or last."""
    rel = f'<Relationship Id="{rid}" Type="{_RT}{kind}" Target="{name}"/>'.encode()

    def rels(old: bytes) -> bytes:
        if first:
            return old.replace(b"<Relationship ", rel + b"<Relationship ", 1)
        return old.replace(b"</Relationships>", rel + b"</Relationships>")

    def types(old: bytes) -> bytes:
        override = f'<Override PartName="/word/{name}" ContentType="{_CT}{kind}+xml"/>'
        return old.replace(b"</Types>", override.encode() + b"</Types>")

    return rewrite(
        src,
        dest,
        {
            "word/_rels/document.xml.rels": rels,
            "[Content_Types].xml": types,
            f"word/{name}": data,
            **(changes or {}),
        },
    )


def page_part_xml(kind: str, text: str) -> bytes:
    root = "hdr" if kind == "header" else "ftr"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} xmlns:w="{W_NS}">'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{root}>"
    ).encode()


def add_page_part(
    src: Path, dest: Path, *, kind: str, ref_type: str, text: str, title_page: bool = False
) -> Path:
    """Add a header or footer of ``ref_type`` (first, even, default) showing ``text``."""
    name = f"{kind}{ref_type.capitalize()}9.xml"
    rid = f"rIdForged{kind}{ref_type}"

    def rels(data: bytes) -> bytes:
        rel = f'<Relationship Id="{rid}" Type="{_RT}{kind}" Target="{name}"/>'
        return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    def types(data: bytes) -> bytes:
        override = f'<Override PartName="/word/{name}" ContentType="{_CT}{kind}+xml"/>'
        return data.replace(b"</Types>", override.encode() + b"</Types>")

    def document(data: bytes) -> bytes:
        xml = data.decode()
        ref = f'<w:{kind}Reference w:type="{ref_type}" r:id="{rid}"/>'
        xml = re.sub(r"(<w:body>.*<w:sectPr[^>]*>)", lambda m: m.group(1) + ref, xml, flags=re.S)
        if title_page:
            xml = xml.replace("</w:sectPr></w:body>", "<w:titlePg/></w:sectPr></w:body>")
        return xml.encode()

    return rewrite(
        src,
        dest,
        {
            "word/_rels/document.xml.rels": rels,
            "[Content_Types].xml": types,
            "word/document.xml": document,
            f"word/{name}": page_part_xml(kind, text),
        },
    )


def even_and_odd_pages(src: Path, dest: Path) -> Path:
    def settings(data: bytes) -> bytes:
        return re.sub(rb"(<w:settings[^>]*>)", rb"\1<w:evenAndOddHeaders/>", data, count=1)

    return rewrite(src, dest, {"word/settings.xml": settings})
