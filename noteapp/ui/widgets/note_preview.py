"""The live preview: a rendered note Document as calm, document-like HTML.

Every piece of text is escaped: field values are the clinician's words (and may contain
"<", "&" or "{{ }}"), never markup.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QWidget

from noteapp.domain.document import BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.ui.theme import colour
from noteapp.ui.widgets.themed_browser import ThemedBrowser


def _css() -> str:
    """The document's look, in the paper colours of the current scheme."""
    return f"""
body {{ font-family: 'DejaVu Serif', 'Georgia', serif; color: {colour("paper_text")}; }}
h1 {{ font-size: 15pt; margin: 0 0 8px 0; }}
h2 {{ font-size: 12pt; margin: 14px 0 4px 0; color: {colour("paper_heading")};
     border-bottom: 1px solid {colour("paper_rule")}; }}
h3, h4, h5, h6 {{ font-size: 11pt; margin: 10px 0 2px 0; }}
p {{ margin: 0 0 6px 0; line-height: 130%; }}
table.kv {{ border-collapse: collapse; margin: 0 0 6px 0; }}
table.kv td {{ padding: 2px 10px 2px 0; vertical-align: top; }}
table.kv td.k {{ color: {colour("paper_muted")}; white-space: nowrap; }}
table.kv td.kw {{ color: {colour("paper_muted")}; width: 55%; }}
ul {{ margin: 0 0 6px 0; }}
"""


def _text(value: str) -> str:
    """Escaped, with the paragraph's own line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def document_html(doc: Document) -> str:
    """The HTML a QTextBrowser shows for `doc` (Qt's rich-text subset)."""
    out = [f"<html><head><style>{_css()}</style></head><body>"]
    blocks = list(doc.blocks)
    # Templates usually open with a level-1 heading equal to the title: show it once.
    if not (blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1):
        out.append(f"<h1>{_text(doc.title)}</h1>")
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append(f"<h{level}>{_text(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_text(block.text)}</p>")
        elif isinstance(block, KeyValueTable):
            # Long keys (e.g. a plan objective rated in a note) may wrap; short ones never do.
            rows = "".join(
                f'<tr><td class="{"k" if len(k) <= 28 else "kw"}">{_text(k)}</td>'
                f"<td>{_text(v)}</td></tr>"
                for k, v in block.rows
            )
            out.append(f'<table class="kv" cellspacing="0">{rows}</table>')
        elif isinstance(block, BulletList):
            items = "".join(f"<li>{_text(i)}</li>" for i in block.items)
            out.append(f"<ul>{items}</ul>")
    out.append("</body></html>")
    return "".join(out)


class NotePreview(ThemedBrowser):
    """Read-only rendered note; keeps its scroll position across updates and follows the
    colour scheme (a white page at night is glare)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, paper=True)
        self.setObjectName("preview")
        self.setAccessibleName("Preview of the note")
        self.document().setDocumentMargin(18)

    def show_document(self, doc: Document) -> None:
        self.show_html(lambda: document_html(doc))

    def show_message(self, text: str) -> None:
        self.show_html(lambda: f"<p><i>{escape(text)}</i></p>")
