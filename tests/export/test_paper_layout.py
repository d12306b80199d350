"""Page setup per paper size: the page, and everything measured from it — full-width tables
and the footer's right-aligned "Page X of Y" — fit between the margins of that paper."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.shared import Twips
from lxml import etree

from noteapp.domain.paper import PaperSize
from noteapp.export import read_docx, write_client_copy, write_docx
from noteapp.export.expected import expected_body_lines
from noteapp.export.extract import W
from tests.export.samples import chart_job, job
from tests.export.test_client_copy import sample_copy


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _layout(path: Path) -> tuple[int, int, list[int], list[int]]:
    """(text width, page width, footer tab stops, table widths) of a written .docx."""
    section = docx.Document(str(path)).sections[0]
    text = section.page_width - section.left_margin - section.right_margin
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    tabs = [
        int(tab.get(_w("pos")))
        for style in styles.iterfind(_w("style"))
        if style.get(_w("styleId")) in ("NoteappFooter", "SafetyFooter")
        for tab in style.iter(_w("tab"))
    ]
    tables = [
        sum(int(col.get(_w("w"))) for col in grid.iterfind(_w("gridCol")))
        for grid in body.iter(_w("tblGrid"))
    ]
    return int(text / 635), section.page_width, tabs, tables  # EMU → twips


@pytest.mark.parametrize("paper", list(PaperSize))
def test_note_and_chart_pages_fit_the_paper(paper: PaperSize, tmp_path: Path) -> None:
    for name, export in (("note", job(paper=paper)), ("chart", replace(chart_job(3), paper=paper))):
        out = tmp_path / f"{name}.docx"
        write_docx(export, out)
        text, width, tabs, tables = _layout(out)
        assert width == Twips(paper.width_twips)
        assert text == paper.width_twips - 2 * 1152
        assert tabs == [text]  # "Page X of Y" ends exactly at the right margin
        assert tables and all(w <= text for w in tables)
        # The paper changes the layout, never the words: verification compares these.
        assert read_docx(out).body_lines == expected_body_lines(export)


@pytest.mark.parametrize("paper", list(PaperSize))
def test_client_copy_fits_the_paper(paper: PaperSize, tmp_path: Path) -> None:
    out = tmp_path / "copy.docx"
    write_client_copy(sample_copy(), out, paper=paper)
    section = docx.Document(str(out)).sections[0]
    assert (section.page_width, section.page_height) == (
        Twips(paper.width_twips),
        Twips(paper.height_twips),
    )
    text, _, tabs, tables = _layout(out)
    assert tabs == [text]
    assert tables and all(w <= text for w in tables)
