"""A report document as plain blocks — headings, paragraphs, tables and pictures — that a
service builds and `export.report_docx` writes to Word (python-docx stays in export/)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    small: bool = False


@dataclass(frozen=True)
class TableBlock:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    first_column_wide: bool = True


@dataclass(frozen=True)
class Picture:
    png: bytes = field(repr=False)
    description: str  # the alternative text, and a caption under it
    width_inches: float = 6.0


Block = Heading | Para | TableBlock | Picture


@dataclass(frozen=True)
class ReportDocument:
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    footer: str = ""
