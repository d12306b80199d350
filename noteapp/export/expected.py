"""The lines a reader must find in an export, computed from the job alone (no file)."""

from __future__ import annotations

from noteapp.domain.export_model import ExportJob
from noteapp.export.layout import body_items, header_items, item_lines


def expected_body_lines(job: ExportJob) -> list[str]:
    """Exactly what :func:`read_docx` returns as ``body_lines`` for ``write_docx(job)``."""
    lines: list[str] = []
    for item in body_items(job):
        lines.extend(item_lines(item))
    return lines


def expected_header_lines(job: ExportJob) -> list[str]:
    """Exactly what :func:`read_docx` returns as ``header_lines`` for ``write_docx(job)``."""
    lines: list[str] = []
    for item in header_items(job):
        lines.extend(item_lines(item))
    return lines
