"""PDF and paper from the same ExportJob the Word writer uses: letterhead, client block, the
notes with their signature blocks, corrections and reviews — so paper matches the .docx.

Pages carry the client's identity in a header and "page n of m" in a footer (auditors look
for the client on every page). Every piece of text is escaped: it is data, never markup.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from noteapp.domain.document import BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.export_model import ExportedNote, ExportJob, SignatureLine
from noteapp.domain.paper import PaperSize
from noteapp.domain.progress import Progress, report
from noteapp.ui.theme import PRINT, colour
from noteapp.ui.widgets.safe_text import escape

_PAGE_SIZES = {PaperSize.LETTER: QPageSize.PageSizeId.Letter, PaperSize.A4: QPageSize.PageSizeId.A4}


def page_size(paper: PaperSize) -> QPageSize:
    """Qt's page size for the paper-size setting (PDF files and the printer's default)."""
    return QPageSize(_PAGE_SIZES[paper])


def _css(screen: bool) -> str:
    """Paper is printed: black on white whatever the screen's scheme (theme.PRINT). On
    screen (a signed note read in the app) the same layout takes the scheme's paper colours:
    a white page at night is glare."""
    if screen:
        c = {
            "text": colour("paper_text"),
            "muted": colour("paper_muted"),
            "small": colour("paper_muted"),
            "rule": colour("paper_rule"),
            "draft": colour("danger_text"),
        }
    else:
        c = PRINT
    return f"""
body {{ font-family: 'DejaVu Serif', 'Georgia', serif; font-size: 10.5pt;
       color: {c["text"]}; }}
h1 {{ font-size: 15pt; margin: 10px 0 6px 0; }}
h2 {{ font-size: 12pt; margin: 12px 0 4px 0; }}
h3 {{ font-size: 11pt; margin: 8px 0 2px 0; }}
p {{ margin: 0 0 5px 0; }}
td {{ padding: 1px 10px 1px 0; vertical-align: top; }}
td.k {{ color: {c["muted"]}; }}
.letterhead {{ font-size: 13pt; font-weight: bold; }}
.small {{ font-size: 9pt; color: {c["small"]}; }}
.sig {{ border: 1px solid {c["rule"]}; }}
.draft {{ color: {c["draft"]}; font-size: 14pt; font-weight: bold; }}
"""


def _t(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def document_body(doc: Document) -> str:
    out: list[str] = []
    blocks = list(doc.blocks)
    if not (blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1):
        out.append(f"<h1>{_t(doc.title)}</h1>")
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append(f"<h{level}>{_t(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_t(block.text)}</p>")
        elif isinstance(block, KeyValueTable):
            rows = "".join(
                f'<tr><td class="k">{_t(k)}</td><td>{_t(v)}</td></tr>' for k, v in block.rows
            )
            out.append(f'<table cellspacing="0">{rows}</table>')
        elif isinstance(block, BulletList):
            out.append("<ul>" + "".join(f"<li>{_t(i)}</li>" for i in block.items) + "</ul>")
    return "".join(out)


def _signature(sig: SignatureLine) -> str:
    return (
        f"<p><b>{_t(sig.statement)}</b></p>"
        f'<p class="small">Signing key {escape(sig.fingerprint)} · signed content '
        f"{escape(sig.content_hash)}</p>"
    )


def _note(n: ExportedNote, draft: bool) -> str:
    out = [document_body(n.document)]
    if n.signature is not None:
        out.append('<table class="sig" width="100%" cellpadding="8"><tr><td>')
        if n.attestation:
            out.append(f"<p><i>{_t(n.attestation)}</i></p>")
        out.append(_signature(n.signature))
        out.append("</td></tr></table>")
    elif draft:
        out.append('<p class="draft">DRAFT — not signed</p>')
    for a in n.addenda:
        out.append(f"<h2>{_t(a.kind_label)}</h2>")
        out.append(f'<p class="small">By {_t(a.author)} · written {_t(a.written_on)}</p>')
        if a.date_of_service:
            out.append(f"<p><b>Date of service covered:</b> {_t(a.date_of_service)}</p>")
        if a.reason:
            out.append(f"<p><b>Reason:</b> {_t(a.reason)}</p>")
        out.append(f"<p>{_t(a.text)}</p>")
        out.append(_signature(a.signature))
    for c in n.cosignatures:
        out.append(f"<h2>{_t(c.heading)}</h2>")
        out.append(f"<p><i>{_t(c.statement)}</i></p>")
        out.append(_signature(c.signature))
    return "".join(out)


def job_html(job: ExportJob, *, screen: bool = False) -> str:
    """The job as HTML: for paper and PDF, or (`screen`) in the scheme's paper colours."""
    lh, client = job.letterhead, job.client
    out = [f"<html><head><style>{_css(screen)}</style></head><body>"]
    if lh.agency_name:
        out.append(f'<p class="letterhead">{_t(lh.agency_name)}</p>')
    contact = " · ".join(x for x in (lh.agency_address, lh.agency_phone) if x)
    if contact:
        out.append(f'<p class="small">{_t(contact)}</p>')
    if job.draft:
        out.append('<p class="draft">DRAFT — not signed</p>')
    rows = [("Client", client.name), ("Date of birth", client.dob), ("Client code", client.code)]
    out.append(
        '<table cellspacing="0">'
        + "".join(f'<tr><td class="k">{k}</td><td>{_t(v)}</td></tr>' for k, v in rows if v)
        + "</table><hr/>"
    )
    if job.chart_title:
        out.append(f"<h1>{_t(job.chart_title)}</h1><ol>")
        out.extend(f"<li>{_t(n.document.title)}</li>" for n in job.notes)
        out.append("</ol>")
    for i, n in enumerate(job.notes):
        if i:
            out.append('<p style="page-break-before: always"></p>')
        out.append(_note(n, job.draft))
    for extra in job.extra:
        out.append(document_body(extra))
    out.append("</body></html>")
    return "".join(out)


def _header_text(job: ExportJob) -> str:
    c = job.client
    parts = [c.name, f"DOB {c.dob}" if c.dob else "", c.code]
    return " · ".join(p for p in parts if p) + ("  ·  DRAFT" if job.draft else "")


def paint_job(
    job: ExportJob, device: QPagedPaintDevice, *, progress: Progress | None = None
) -> int:
    """Lay the job out on `device` page by page, with header and footer. Returns pages.
    Runs on a worker thread (QTextDocument and QPainter on a PDF writer or printer may);
    `progress` hears (pages painted, pages) and may raise `Cancelled` between pages."""
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setHtml(job_html(job))
    painter = QPainter(device)
    try:
        dpi = device.logicalDpiY()
        rect = device.pageLayout().paintRectPixels(dpi)
        width, height = float(rect.width()), float(rect.height())
        band = dpi * 0.4  # header and footer bands
        body_h = height - 2 * band
        doc.setPageSize(QSizeF(width, body_h))
        pages = doc.pageCount()
        small = QFont(doc.defaultFont())
        small.setPointSizeF(8.5)
        header = _header_text(job)
        for page in range(pages):
            report(progress, page, pages)
            if page:
                device.newPage()
            painter.setFont(small)
            painter.drawText(QPointF(0, band * 0.6), header)
            painter.drawText(QPointF(0, height - band * 0.2), f"Page {page + 1} of {pages}")
            painter.save()
            painter.translate(0, band - page * body_h)
            doc.drawContents(painter, QRectF(0, page * body_h, width, body_h))
            painter.restore()
        report(progress, pages, pages)
        return pages
    finally:
        painter.end()


def write_pdf(job: ExportJob, out: Path, *, progress: Progress | None = None) -> Path:
    """Write the PDF beside `out` under a hidden name, then move it into place: a failed or
    cancelled one leaves no half-written file."""
    out = Path(out)
    part = out.with_name(f".{out.name}.partial")
    try:
        _pdf(job, part, progress)
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return out


def _pdf(job: ExportJob, out: Path, progress: Progress | None) -> None:
    writer = QPdfWriter(str(out))
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            page_size(job.paper),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 15, 18, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("Clinical record")  # not the client's name: titles show in file lists
    writer.setCreator("noteapp")
    paint_job(job, writer, progress=progress)
    del writer  # the file is complete once the writer is gone
