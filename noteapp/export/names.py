"""Default file names for exports: the client code and dates only, never a name."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(part: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("-", part.strip()).strip(".-_")
    return cleaned[:40] or fallback


def default_file_name(client_code: str, date: str, kind: str = "note") -> str:
    """E.g. ``C0004_2026-03-04_note.docx`` or ``C0004_2026-01-01_to_2026-03-31_chart.docx``.

    ``date`` is one date or a range "FROM to TO" (or "FROM_to_TO"); every part is reduced
    to letters, digits, dot, dash and underscore so the name is safe on every file system.
    """
    code = _safe(client_code, "client")
    pieces = [p for p in re.split(r"\s+to\s+|_to_", date.strip()) if p.strip()]
    dates = "_to_".join(_safe(p, "undated") for p in pieces) or "undated"
    kind = _safe(kind, "note") if kind else "note"
    return f"{code}_{dates}_{kind}.docx"
