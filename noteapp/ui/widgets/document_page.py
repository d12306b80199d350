"""A rendered document (a referral letter, an incident report) with a few lines of the
app's own before or after it — its status, its history — in the preview's style."""

from __future__ import annotations

from noteapp.domain.document import Document
from noteapp.ui.widgets.note_preview import document_html


def document_page_html(doc: Document, *, before: str = "", after: str = "") -> str:
    """`before` and `after` are HTML the caller built from escaped text."""
    html = document_html(doc)
    return html.replace("<body>", "<body>" + before, 1).replace("</body>", after + "</body>", 1)
