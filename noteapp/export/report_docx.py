"""Write a `ReportDocument` (the outcome report) as .docx: headings, tables, the charts as
pictures with alternative text, on the paper size of the setting. Atomic and owner-only
like every export; no names, dates of birth or codes ever reach it (the service builds it
from aggregates only), and the document properties carry no author."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Inches, Pt, RGBColor, Twips

from noteapp.domain.paper import PaperSize
from noteapp.domain.report_doc import Heading, Para, Picture, ReportDocument, TableBlock
from noteapp.export.files import write_atomic
from noteapp.export.text import clean_text

MARGIN = Inches(0.8)
MUTED = RGBColor(0x57, 0x60, 0x6A)


def _picture(document: Any, block: Picture, text_width: int) -> None:
    width = min(Inches(block.width_inches), text_width)
    document.add_picture(io.BytesIO(block.png), width=width)
    shape = document.inline_shapes[-1]
    # Alternative text for screen readers (Word's "descr" on the drawing's docPr).
    doc_pr = shape._inline.docPr  # python-docx has no public API for the alt text
    doc_pr.set("descr", clean_text(block.description))
    caption = document.add_paragraph()
    run = caption.add_run(clean_text(block.description))
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


def _table(document: Any, block: TableBlock, text_width: int) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    count = len(block.headers)
    first = int(Inches(1.7)) if block.first_column_wide and count > 2 else text_width // count
    rest = (text_width - first) // max(count - 1, 1)
    widths = [first] + [rest] * (count - 1)
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean_text(text))
        run.bold = True
        run.font.size = Pt(7.5)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(clean_text(text))
            run.font.size = Pt(8.5)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: what LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # the cells: what Word reads
    document.add_paragraph()


def write_report_docx(path: Path, report: ReportDocument, *, paper: PaperSize) -> None:
    """Write the report to `path` (atomic, 0600; an existing file is replaced only whole)."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width = Twips(paper.width_twips)
    section.page_height = Twips(paper.height_twips)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    text_width = paper.width_twips * 635 - 2 * MARGIN  # EMU: 635 per twip
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = clean_text(report.title)
    props.comments = ""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    document.add_heading(clean_text(report.title), level=0)
    sub = document.add_paragraph()
    sub_run = sub.add_run(clean_text(report.subtitle))
    sub_run.font.color.rgb = MUTED
    for block in report.blocks:
        if isinstance(block, Heading):
            document.add_heading(clean_text(block.text), level=min(max(block.level, 1), 3))
        elif isinstance(block, Para):
            p = document.add_paragraph()
            run = p.add_run(clean_text(block.text))
            if block.small:
                run.font.size = Pt(8.5)
                run.font.color.rgb = MUTED
        elif isinstance(block, TableBlock):
            _table(document, block, text_width)
        elif isinstance(block, Picture):
            _picture(document, block, text_width)
    if report.footer:
        footer = section.footer.paragraphs[0]
        run = footer.add_run(clean_text(report.footer))
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
    write_atomic(Path(path), document.save)
