"""Text from a file or a record, ready for a widget: control characters made visible.

A forged export can sign strings holding terminal escapes, C1 controls or bidi overrides
(which reorder what a reader sees); a widget must show them, never act on them. Rich-text
views use :func:`escape`; plain labels use :func:`noteapp.domain.display.visible`.
"""

from __future__ import annotations

import html

from noteapp.domain.display import visible


def escape(text: str) -> str:
    """HTML-escaped ``text`` with every unsafe character written as an escape (``\\x1b``).
    Line breaks and tabs stay (paragraphs); HTML shows them as spaces unless converted."""
    return html.escape(visible(text, multiline=True))
