"""The lines a reader must find in an export, computed from the job alone (no file)."""

from __future__ import annotations

from noteapp.domain.export_model import ExportJob
from noteapp.export.layout import body_items, footer_line, header_items, item_lines
from noteapp.export.writer import shown_logo


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


def expected_footer_lines(job: ExportJob) -> list[str]:
    """What every page footer of ``write_docx(job)`` reads (page numbers as field names)."""
    del job  # the same on every export; kept per job like the header
    return [footer_line()]


def expected_images(job: ExportJob) -> list[bytes]:
    """The pictures the body of ``write_docx(job)`` shows: the letterhead logo, if drawn."""
    logo = shown_logo(job)
    return [logo] if logo is not None else []
