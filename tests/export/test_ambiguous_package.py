"""Red-team findings: a package a reader can resolve in two ways must not verify.

Each edit below leaves the verifier reading the signed part while a reader shows another
one. Checked in LibreOffice 7 (tools/render-docx): a duplicated relationship id, a second
header reference of the same type and a second body-level section all showed another
client's name in the page header; duplicated list definitions put "NOT" before a signed
sentence. All of them verified as "valid" before the fix.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from noteapp.domain.errors import CheckFailedError
from noteapp.export import ExportReadError, read_docx
from tests.export import docx_edit as ed
from tests.export import test_fail_closed as fail_closed

OTHER_CLIENT = "Riley Quimby · Date of birth 1977-01-01"
RISK = "Risk remains low"


good = fail_closed.good  # fixture: a clean export of the sample note


def _not_verifiable(path: Path) -> str:
    """The edit makes verification fail: a refusal to read, or a finding."""
    try:
        found = read_docx(path).findings
    except ExportReadError as exc:
        assert isinstance(exc, CheckFailedError)
        message = str(exc)
    else:
        assert found, "the ambiguous package was not noticed"
        message = " ".join(found)
    assert message.endswith(".") and "Jordan" not in message and "Riley" not in message
    return message


def _with_forged_header(good: Path, dest: Path) -> Path:
    return ed.add_page_part(good, dest, kind="header", ref_type="default", text=OTHER_CLIENT)


def test_a_duplicated_relationship_id_is_refused(good: Path, tmp_path: Path) -> None:
    # LibreOffice resolves rId1 to the first entry (the forged header); python-docx to the last.
    forged = ed.add_related_part(
        good,
        tmp_path / "rel.docx",
        name="header9.xml",
        kind="header",
        data=ed.page_part_xml("header", OTHER_CLIENT),
        rid="rId1",
        first=True,
    )
    assert "relationship" in _not_verifiable(forged)


def test_two_header_references_of_one_type_are_a_finding(good: Path, tmp_path: Path) -> None:
    # add_page_part puts the forged default reference before the real one; LibreOffice
    # shows both headers' text on one line, the verifier read only the last reference.
    forged = _with_forged_header(good, tmp_path / "two.docx")
    assert "header" in _not_verifiable(forged)


def test_a_second_body_level_section_is_a_finding(good: Path, tmp_path: Path) -> None:
    step = _with_forged_header(good, tmp_path / "a.docx")

    def second_section(xml: str) -> str:
        xml = xml.replace('<w:headerReference w:type="default" r:id="rIdForgedheaderdefault"/>', "")
        start = xml.rindex("<w:sectPr")
        end = xml.index("</w:sectPr>", start) + len("</w:sectPr>")
        sect = xml[start:end]
        forged = re.sub(
            r'(headerReference w:type="default" r:id=")[^"]*', r"\1rIdForgedheaderdefault", sect
        )
        return xml[:end] + forged + xml[end:]

    forged = ed.edit_document(step, tmp_path / "b.docx", second_section)
    assert "section" in _not_verifiable(forged)


def test_a_section_break_where_the_verifier_reads_none_is_a_finding(
    good: Path, tmp_path: Path
) -> None:
    # A section break inside a table cell: readers differ on whether it starts a section.
    step = _with_forged_header(good, tmp_path / "a.docx")

    def in_cell(xml: str) -> str:
        xml = xml.replace('<w:headerReference w:type="default" r:id="rIdForgedheaderdefault"/>', "")
        brk = (
            '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" '
            'r:id="rIdForgedheaderdefault"/></w:sectPr></w:pPr></w:p>'
        )
        at = xml.index("</w:tc>")
        return xml[:at] + brk + xml[at:]

    forged = ed.edit_document(step, tmp_path / "b.docx", in_cell)
    assert "section" in _not_verifiable(forged)


def test_two_styles_parts_are_refused(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as z:
        styles = z.read("word/styles.xml").decode()
    hidden = re.sub(
        r'(w:styleId="Normal".*?<w:rPr>)', r"\1<w:vanish/>", styles, count=1, flags=re.S
    )
    forged = ed.add_related_part(
        good,
        tmp_path / "s.docx",
        name="styles2.xml",
        kind="styles",
        data=hidden.encode(),
        rid="rId99",
    )
    assert "styles" in _not_verifiable(forged)


def test_a_duplicated_zip_entry_is_refused(good: Path, tmp_path: Path) -> None:
    # Python's zipfile reads the last of two same-named entries; other readers the first.
    dest = tmp_path / "dup.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != "word/document.xml":
                zout.writestr(info, data)
                continue
            zout.writestr("word/document.xml", data.replace(b"low", b"HIGH"))
            with pytest.warns(UserWarning, match="Duplicate name"):
                zout.writestr(info, data)
    assert "twice" in _not_verifiable(dest)


def test_a_part_named_twice_in_the_content_types_is_refused(good: Path, tmp_path: Path) -> None:
    def types(data: bytes) -> bytes:
        twice = (
            '<Override PartName="/WORD/document.xml" ContentType="application/vnd.ms-word.'
            'document.macroEnabled.main+xml"/>'
        )
        return data.replace(b"</Types>", twice.encode() + b"</Types>")

    forged = ed.rewrite(good, tmp_path / "ct.docx", {"[Content_Types].xml": types})
    assert "content type" in _not_verifiable(forged)


# --- definitions a reader picks one of ------------------------------------------------

_BULLET = '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
_WORDS = '<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="NOT"/></w:lvl>'


def _numbered(good: Path, dest: Path, abstracts: str, nums: str) -> Path:
    """The Risk paragraph becomes item of list 77; `abstracts` and `nums` define it."""

    def document(xml: str) -> str:
        return ed.paragraph_with(
            RISK,
            lambda p: p.replace(
                "<w:pPr>", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr>', 1
            ),
        )(xml)

    def numbering(data: bytes) -> bytes:
        xml = data.decode()
        first = xml.index("<w:abstractNum ")
        xml = xml[:first] + abstracts + xml[first:]
        return xml.replace("</w:numbering>", nums + "</w:numbering>").encode()

    return ed.rewrite(
        good,
        dest,
        {
            "word/document.xml": lambda b: document(b.decode()).encode(),
            "word/numbering.xml": numbering,
        },
    )


NUMBERING_EDITS: dict[str, tuple[str, str]] = {
    # LibreOffice shows "NOT  Risk remains low…" for each of these.
    "two-lists-with-one-id": (
        f'<w:abstractNum w:abstractNumId="77">{_BULLET}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="78">{_WORDS}</w:abstractNum>',
        '<w:num w:numId="77"><w:abstractNumId w:val="78"/></w:num>'
        '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num>',
    ),
    "two-definitions-with-one-id": (
        f'<w:abstractNum w:abstractNumId="77">{_WORDS}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="77">{_BULLET}</w:abstractNum>',
        '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num>',
    ),
    "two-levels-with-one-number": (
        f'<w:abstractNum w:abstractNumId="77">{_BULLET}{_WORDS}</w:abstractNum>',
        '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num>',
    ),
    "two-overrides-of-one-level": (
        f'<w:abstractNum w:abstractNumId="77">{_BULLET}</w:abstractNum>',
        '<w:num w:numId="77"><w:abstractNumId w:val="77"/>'
        f'<w:lvlOverride w:ilvl="0">{_WORDS}</w:lvlOverride>'
        f'<w:lvlOverride w:ilvl="0">{_BULLET}</w:lvlOverride></w:num>',
    ),
}


@pytest.mark.parametrize("name", sorted(NUMBERING_EDITS))
def test_list_definitions_a_reader_resolves_differently_are_a_finding(
    name: str, good: Path, tmp_path: Path
) -> None:
    abstracts, nums = NUMBERING_EDITS[name]
    forged = _numbered(good, tmp_path / f"{name}.docx", abstracts, nums)
    assert "list" in _not_verifiable(forged)


def test_one_bullet_list_still_verifies(good: Path, tmp_path: Path) -> None:
    abstracts = f'<w:abstractNum w:abstractNumId="77">{_BULLET}</w:abstractNum>'
    nums = '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num>'
    assert read_docx(_numbered(good, tmp_path / "ok.docx", abstracts, nums)).findings == ()


def test_two_styles_with_one_id_are_a_finding(good: Path, tmp_path: Path) -> None:
    def styles(data: bytes) -> bytes:
        xml = data.decode()
        normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', xml, re.S)
        assert normal is not None
        hidden = normal.group(0).replace("<w:rPr>", "<w:rPr><w:vanish/>", 1)
        hidden = hidden.replace(' w:default="1"', "")
        return (xml[: normal.start()] + hidden + xml[normal.start() :]).encode()

    forged = ed.rewrite(good, tmp_path / "st.docx", {"word/styles.xml": styles})
    assert "style" in _not_verifiable(forged)
