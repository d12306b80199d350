"""Write an ExportJob as a .docx: atomic, owner-only, styles built once per document."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
from docx.shared import Emu, Inches, Twips
from lxml import etree

from noteapp.domain.export_model import ExportJob
from noteapp.domain.progress import Progress, report
from noteapp.export import styles as st
from noteapp.export.allowlist import W
from noteapp.export.files import write_atomic
from noteapp.export.layout import (
    FOOTER,
    Item,
    LetterheadItem,
    Para,
    Role,
    Table,
    TableKind,
    body_items,
    header_items,
)
from noteapp.export.proof import RT_CUSTOM_XML, add_proof
from noteapp.export.text import is_rtl

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PIECES = re.compile(r"(\n|\t)")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
LOGO_MAX_HEIGHT = Inches(0.75)
LOGO_MAX_WIDTH = Inches(2.2)
_LOGO_COL = 3300  # twips


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    el = etree.SubElement(parent, _q(tag))
    for key, value in attrs.items():
        el.set(_q(key), value)
    return el


def _runs(p: Any, text: str, *, rtl: bool) -> None:
    r = _sub(p, "r")
    if rtl:
        _sub(_sub(r, "rPr"), "rtl")
    for piece in _PIECES.split(text):
        if piece == "\n":
            _sub(r, "br")
        elif piece == "\t":
            _sub(r, "tab")
        elif piece:
            t = _sub(r, "t")
            t.set(_XML_SPACE, "preserve")
            t.text = piece


def make_paragraph(
    parent: Any,
    text: str,
    style_id: str,
    *,
    page_break: bool = False,
    rule_above: bool = False,
    keep_next: bool = False,
    align: str = "",
) -> Any:
    """Append a ``w:p`` with one run of ``text`` (tabs and line breaks kept) to ``parent``."""
    p = _sub(parent, "p")
    ppr = _sub(p, "pPr")
    _sub(ppr, "pStyle", val=style_id)
    if keep_next:
        _sub(ppr, "keepNext")
    if page_break:
        _sub(ppr, "pageBreakBefore")
    if rule_above:
        _sub(_sub(ppr, "pBdr"), "top", val="single", sz="4", space="6", color=st.RULE)
    rtl = is_rtl(text)
    if rtl:
        _sub(ppr, "bidi")
    if align:
        _sub(ppr, "jc", val=align)
    if text:
        _runs(p, text, rtl=rtl)
    return p


def _table(parent: Any, widths: list[int], *, borders: bool) -> Any:
    tbl = _sub(parent, "tbl")
    pr = _sub(tbl, "tblPr")
    _sub(pr, "tblW", w="5000", type="pct")
    if borders:
        bdr = _sub(pr, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _sub(bdr, side, val="single", sz="4", space="0", color=st.GRID)
    _sub(pr, "tblLayout", type="fixed")
    mar = _sub(pr, "tblCellMar")
    for side, margin in (("top", "20"), ("left", "100"), ("bottom", "20"), ("right", "100")):
        _sub(mar, side, w=margin, type="dxa")
    _sub(pr, "tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0")
    grid = _sub(tbl, "tblGrid")
    for width in widths:
        _sub(grid, "gridCol", w=str(width))
    return tbl


def _cell(row: Any, width: int, fill: str = "", valign: str = "") -> Any:
    tc = _sub(row, "tc")
    pr = _sub(tc, "tcPr")
    _sub(pr, "tcW", w=str(width), type="dxa")
    if fill:
        _sub(pr, "shd", val="clear", color="auto", fill=fill)
    if valign:
        _sub(pr, "vAlign", val=valign)
    return tc


def _data_table(parent: Any, item: Table, full: int) -> None:
    """A table across the text width ``full`` (twips)."""
    if item.kind is TableKind.KEY_VALUE:
        widths = [2900, full - 2900]
    else:
        widths = [1900, full - 1900 - 3100, 3100]
    tbl = _table(parent, widths, borders=True)
    for index, row in enumerate(item.rows):
        tr = _sub(tbl, "tr")
        header = item.kind is TableKind.CONTENTS and index == 0
        trpr = _sub(tr, "trPr")
        _sub(trpr, "cantSplit")
        if header:
            _sub(trpr, "tblHeader")
        for col, text in enumerate(row):
            key = header or (item.kind is TableKind.KEY_VALUE and col == 0)
            fill = st.HEAD_FILL if header else (st.KEY_FILL if key else "")
            tc = _cell(tr, widths[min(col, len(widths) - 1)], fill)
            make_paragraph(tc, text, "NoteappTableKey" if key else "NoteappTableText")


class _Builder:
    """Builds one document; python-docx objects stay inside this class."""

    def __init__(self, job: ExportJob) -> None:
        self.job = job
        self.doc: Any = docx.Document()
        part = self.doc.part
        self.text_width = st.text_width_twips(job.paper)
        st.install_styles(part.styles.element, paper=job.paper)
        # The template's bibliography data and Word 2010 style copies are not ours to ship.
        for rid, rel in list(part.rels.items()):
            if rel.reltype in (_RT_STYLES_WITH_EFFECTS, RT_CUSTOM_XML):
                part.drop_rel(rid)
        body = self.doc.element.body
        for child in list(body):
            if child.tag != _q("sectPr"):
                body.remove(child)
        # New blocks go into a scratch element, then move before the section properties.
        self.scratch = etree.Element(_q("body"))

    def build(self, progress: Progress | None = None) -> None:
        self._page()
        items = body_items(self.job)
        for done, item in enumerate(items):
            if done % 25 == 0:
                report(progress, done, len(items))  # may raise Cancelled: nothing written yet
            self._item(item)
        report(progress, len(items), len(items))
        body = self.doc.element.body
        sect = body.find(_q("sectPr"))
        for child in list(self.scratch):
            sect.addprevious(child)
        props = self.doc.core_properties
        props.title = "Chart export" if self.job.chart_title else "Clinical note"
        props.author = ""
        props.comments = ""
        props.last_modified_by = ""
        props.subject = ""
        props.keywords = ""
        if self.job.proof is not None:
            add_proof(self.doc.part, self.job.proof)

    def save(self, out: Any) -> None:
        self.doc.save(out)

    def _page(self) -> None:
        section = self.doc.sections[0]
        paper = self.job.paper
        section.page_width, section.page_height = (
            Twips(paper.width_twips),
            Twips(paper.height_twips),
        )
        margin = Emu(st.PAGE_MARGIN_TWIPS * 635)
        section.top_margin = section.bottom_margin = margin
        section.left_margin = section.right_margin = margin
        section.header_distance = section.footer_distance = Inches(0.4)
        header = section.header
        header.is_linked_to_previous = False
        hdr = header._element
        for child in list(hdr):
            hdr.remove(child)
        for para in header_items(self.job):
            make_paragraph(hdr, para.text, para.role.value)
        footer = section.footer
        footer.is_linked_to_previous = False
        ftr = footer._element
        for child in list(ftr):
            ftr.remove(child)
        p = make_paragraph(ftr, "", "NoteappFooter")
        for piece in FOOTER:
            if isinstance(piece, str):
                _runs(p, piece, rtl=False)
            else:
                self._field(p, piece.name)

    @staticmethod
    def _field(p: Any, instr: str) -> None:
        fld = _sub(p, "fldSimple", instr=f" {instr} ")
        _runs(fld, "1", rtl=False)

    def _item(self, item: Item) -> None:
        if isinstance(item, Para):
            make_paragraph(
                self.scratch,
                item.text,
                item.role.value,
                page_break=item.page_break,
                rule_above=item.rule_above,
                keep_next=item.keep_next,
            )
        elif isinstance(item, Table):
            _data_table(self.scratch, item, self.text_width)
        else:
            self._letterhead(item)

    def _letterhead(self, item: LetterheadItem) -> None:
        if item.logo_png is None:
            if item.name.strip():
                make_paragraph(self.scratch, item.name, Role.LETTERHEAD_NAME.value)
            for line in item.lines:
                make_paragraph(self.scratch, line, Role.LETTERHEAD_LINE.value)
            make_paragraph(self.scratch, "", Role.SPACER.value)
            return
        widths = [_LOGO_COL, self.text_width - _LOGO_COL]
        tbl = _table(self.scratch, widths, borders=False)
        tr = _sub(tbl, "tr")
        logo_cell = _cell(tr, widths[0], valign="center")
        logo_p = make_paragraph(logo_cell, "", Role.LETTERHEAD_LINE.value)
        self._logo(logo_p, item.logo_png)
        text_cell = _cell(tr, widths[1], valign="center")
        if item.name.strip():
            make_paragraph(text_cell, item.name, Role.LETTERHEAD_NAME.value, align="right")
        for line in item.lines:
            make_paragraph(text_cell, line, Role.LETTERHEAD_LINE.value, align="right")
        if len(text_cell) == 1:  # a cell needs a paragraph
            make_paragraph(text_cell, "", Role.LETTERHEAD_LINE.value)
        make_paragraph(self.scratch, "", Role.SPACER.value)

    def _logo(self, p: Any, png: bytes) -> None:
        # A logo that is not a readable PNG is left out: it must never block a clinical export.
        image = _png_image(png)
        if image is None:
            return
        try:
            width_in = image.px_width / (image.horz_dpi or 96)
            height_in = image.px_height / (image.vert_dpi or 96)
            scale = min(LOGO_MAX_HEIGHT / Inches(height_in), LOGO_MAX_WIDTH / Inches(width_in))
            inline = self.doc.part.new_pic_inline(
                io.BytesIO(png),
                Emu(int(Inches(width_in) * scale)),
                Emu(int(Inches(height_in) * scale)),
            )
            _sub(_sub(p, "r"), "drawing").append(inline)
        except Exception:  # python-docx raises many kinds for bad images
            return


def _png_image(png: bytes) -> Any | None:
    if not png.startswith(_PNG_MAGIC):
        return None
    try:
        from docx.image.image import Image

        return Image.from_blob(png)
    except Exception:  # python-docx raises many kinds for bad images
        return None


def shown_logo(job: ExportJob) -> bytes | None:
    """The logo image the export shows, or None when there is none or it cannot be drawn."""
    png = job.letterhead.logo_png
    return png if png is not None and _png_image(png) is not None else None


def write_docx(job: ExportJob, path: Path, *, progress: Progress | None = None) -> None:
    """Write ``job`` to ``path`` atomically (temp file in the same folder, then rename), 0600.
    ``progress`` hears (items laid out, items); ``Cancelled`` from it writes nothing."""
    builder = _Builder(job)
    builder.build(progress)
    write_atomic(Path(path), builder.save)


def render_docx_bytes(job: ExportJob, *, progress: Progress | None = None) -> bytes:
    """The .docx of ``job`` in memory (for encryption: no plain copy ever touches the disk)."""
    builder = _Builder(job)
    builder.build(progress)
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
