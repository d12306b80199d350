"""Red-team findings: formatting that keeps every signed word in the file but takes it off
the page, clips it, shrinks it or draws it in pictographs must not verify.

Each edit below verified as "valid" before the fix; rendered in LibreOffice 7, the signed
sentence (or the table of session details) was missing from the page, unreadably small, or
drawn as dingbats or Greek letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from noteapp.export import read_docx
from tests.export import docx_edit as ed
from tests.export import test_fail_closed as fail_closed

RISK = "Risk remains low"
good = fail_closed.good  # fixture: a clean export of the sample note
Change = Callable[[bytes], bytes]


def _text(edit: Callable[[str], str]) -> Change:
    return lambda data: edit(data.decode()).encode()


def _paragraph(pr: str) -> Change:
    """Give the Risk paragraph the paragraph properties ``pr``."""
    return _text(ed.paragraph_with(RISK, lambda p: p.replace("<w:pPr>", f"<w:pPr>{pr}", 1)))


def _leading_tab(xml: str) -> str:
    """A tab before the Risk sentence: the comparable text is the same (spaces collapse)."""
    return xml.replace(f">{RISK}", f'/><w:tab/><w:t xml:space="preserve">{RISK}', 1).replace(
        '<w:t xml:space="preserve"/><w:tab/>', "<w:tab/>", 1
    )


def _first_table(tbl_pr: str) -> Change:
    return _text(lambda xml: xml.replace("<w:tblPr>", f"<w:tblPr>{tbl_pr}", 1))


def _first_cells(tc_pr: str) -> Change:
    return _text(lambda xml: xml.replace("<w:tcPr>", f"<w:tcPr>{tc_pr}", 1))


def _section(edit: Callable[[str], str]) -> Change:
    def change(xml: str) -> str:
        start = xml.rindex("<w:sectPr")
        return xml[:start] + edit(xml[start:])

    return _text(change)


def _theme_font(name: str) -> Change:
    def change(xml: str) -> str:
        return re.sub(r'(<a:(?:minor|major)Font>\s*<a:latin typeface=")[^"]*', rf"\g<1>{name}", xml)

    return _text(change)


# part name → change; what the finding says
EDITS: dict[str, tuple[dict[str, Change], str]] = {
    # Fonts: LibreOffice on Linux draws these as dingbats or Greek letters.
    "urw-dingbats": (
        {"word/document.xml": _text(ed.run_properties(RISK, '<w:rFonts w:ascii="D050000L"/>'))},
        "(D050000L)",
    ),
    "dingbats-alias": (
        {"word/document.xml": _text(ed.run_properties(RISK, '<w:rFonts w:hAnsi="Dingbats"/>'))},
        "symbol font (Dingbats)",
    ),
    "greek-symbols": (
        {
            "word/document.xml": _text(
                ed.run_properties(RISK, '<w:rFonts w:ascii="Standard Symbols PS"/>')
            )
        },
        "(Standard Symbols PS)",
    ),
    "theme-font": ({"word/theme/theme1.xml": _theme_font("D050000L")}, "document's theme"),
    "substitute-font": (
        {
            "word/fontTable.xml": lambda b: b.replace(
                b"</w:fonts>",
                b'<w:font w:name="Calibri"><w:altName w:val="Wingdings"/></w:font></w:fonts>',
            )
        },
        "font table",
    ),
    # Off the page: LibreOffice shows nothing of the sentence or the table.
    "tab-stop-off-page": (
        {
            "word/document.xml": lambda b: _paragraph(
                '<w:tabs><w:tab w:val="left" w:pos="30000"/></w:tabs>'
            )(_text(_leading_tab)(b))
        },
        "tab stop",
    ),
    "default-tab-off-page": (
        {
            "word/document.xml": _text(_leading_tab),
            "word/settings.xml": lambda b: re.sub(
                rb'<w:defaultTabStop w:val="\d+"/>', b'<w:defaultTabStop w:val="30000"/>', b
            ),
        },
        "tab stop",
    ),
    "indents-meet": (
        {"word/document.xml": _paragraph('<w:ind w:left="5000" w:right="5000"/>')},
        "indented",
    ),
    "table-indented-off-page": (
        {"word/document.xml": _first_table('<w:tblInd w:w="30000" w:type="dxa"/>')},
        "table",
    ),
    "cell-margin": (
        {
            "word/document.xml": _first_cells(
                '<w:tcMar><w:left w:w="30000" w:type="dxa"/></w:tcMar>'
            )
        },
        "cell margin",
    ),
    "table-cell-margins": (
        {
            "word/document.xml": _text(
                lambda xml: xml.replace(
                    '<w:left w:w="100" w:type="dxa"/>', '<w:left w:w="20000" w:type="dxa"/>', 1
                )
            )
        },
        "cell margin",
    ),
    "exact-row-height": (
        {
            "word/document.xml": _text(
                lambda xml: xml.replace(
                    "<w:trPr>", '<w:trPr><w:trHeight w:val="400" w:hRule="exact"/>'
                )
            )
        },
        "row",
    ),
    "wide-grid": (
        {
            "word/document.xml": _text(
                lambda xml: re.sub(
                    r'<w:gridCol w:w="\d+"/>', '<w:gridCol w:w="30000"/>', xml, count=1
                )
            )
        },
        "table",
    ),
    "left-margin": (
        {
            "word/document.xml": _section(
                lambda s: re.sub(r'w:left="\d+"', 'w:left="30000"', s, count=1)
            )
        },
        "page",
    ),
    "top-margin": (
        {
            "word/document.xml": _section(
                lambda s: re.sub(r'w:top="\d+"', 'w:top="-30000"', s, count=1)
            )
        },
        "page",
    ),
    "tiny-page": (
        {"word/document.xml": _section(lambda s: re.sub(r'w:h="\d+"', 'w:h="100"', s, count=1))},
        "page",
    ),
    "columns-apart": (
        {
            "word/document.xml": _section(
                lambda s: s.replace("</w:sectPr>", '<w:cols w:num="2" w:space="30000"/></w:sectPr>')
            )
        },
        "columns",
    ),
    "character-grid": (
        {
            "word/document.xml": _section(
                lambda s: s.replace(
                    "</w:sectPr>",
                    '<w:docGrid w:type="snapToChars" w:charSpace="-40000"/></w:sectPr>',
                )
            )
        },
        "grid",
    ),
    "page-numbers-as-words": (
        {
            "word/document.xml": _section(
                lambda s: s.replace(
                    "</w:sectPr>", '<w:pgNumType w:fmt="ordinalText" w:start="7"/></w:sectPr>'
                )
            )
        },
        "page numbers",
    ),
    "tiny-superscript": (
        {
            "word/document.xml": _text(
                ed.run_properties(RISK, '<w:sz w:val="12"/><w:vertAlign w:val="superscript"/>')
            )
        },
        "superscript",
    ),
    # The logo drawn over a page (LibreOffice pushes the text on; Word honours a negative
    # effect extent and draws the picture over the text after it).
    "page-sized-logo": (
        {
            "word/document.xml": _text(
                lambda xml: re.sub(
                    r'<wp:extent cx="\d+" cy="\d+"/>', '<wp:extent cx="6000000" cy="9000000"/>', xml
                )
            )
        },
        "larger than the letterhead logo",
    ),
    "logo-over-text": (
        {
            "word/document.xml": _text(
                lambda xml: re.sub(
                    r"(<wp:extent [^>]*/>)",
                    r'\1<wp:effectExtent l="0" t="0" r="0" b="-8500000"/>',
                    xml,
                )
            )
        },
        "beyond its place",
    ),
    # Settings that bring content from outside the package or hide the page headers.
    "attached-template": (
        {
            "word/settings.xml": lambda b: re.sub(
                rb"(<w:settings[^>]*>)",
                rb'\1<w:attachedTemplate r:id="rId1"/><w:linkStyles/>',
                b,
                count=1,
            )
        },
        "settings",
    ),
    "frames-page": (
        {
            "word/webSettings.xml": lambda b: b.replace(
                b"<w:allowPNG/>",
                b'<w:allowPNG/><w:frameset><w:frame><w:name w:val="x"/></w:frame></w:frameset>',
            )
        },
        "web settings",
    ),
    "hidden-page-boundaries": (
        {
            "word/settings.xml": lambda b: re.sub(
                rb"(<w:settings[^>]*>)", rb"\1<w:doNotDisplayPageBoundaries/>", b, count=1
            )
        },
        "settings",
    ),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_layout_that_takes_signed_text_off_the_page_is_a_finding(
    name: str, good: Path, tmp_path: Path
) -> None:
    changes, expected = EDITS[name]
    forged = ed.rewrite(good, tmp_path / f"{name}.docx", dict(changes))
    found = read_docx(forged).findings
    assert found, "the edit was not noticed"
    text = " ".join(found)
    assert expected in text, text
    assert all(s.endswith(".") and "Jordan" not in s for s in found)


def test_text_fonts_of_word_and_libreoffice_are_not_findings(good: Path, tmp_path: Path) -> None:
    for font in (
        "Liberation Serif",
        "DejaVu Sans",
        "Noto Sans CJK SC",
        "Times New Roman",
        "Carlito",
    ):
        edited = ed.edit_document(
            good,
            tmp_path / "f.docx",
            ed.run_properties(RISK, f'<w:rFonts w:ascii="{font}" w:cs="{font}"/>'),
        )
        assert read_docx(edited).findings == (), font


def test_tabs_and_indents_within_the_page_are_not_findings(good: Path, tmp_path: Path) -> None:
    edited = ed.rewrite(
        good,
        tmp_path / "t.docx",
        {
            "word/document.xml": lambda b: _paragraph(
                '<w:tabs><w:tab w:val="right" w:pos="9000"/></w:tabs>'
                '<w:ind w:left="720" w:right="720"/>'
            )(_text(_leading_tab)(b))
        },
    )
    assert read_docx(edited).findings == ()
