"""A client's notes as a Qt table model: date, template, status, service code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

NoteIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class NoteRow:
    """What the list shows of a note (plain values, no Qt)."""

    note_id: str
    date: date | None  # None: a damaged note whose date nobody knows
    template_name: str
    signed: bool
    service_code: str
    psychotherapy: bool = False
    updated_at: datetime | None = None
    damaged: str = ""  # why it cannot be opened (a damaged note stays listed)

    @property
    def status_text(self) -> str:
        if self.damaged:
            return "Damaged"
        return "Signed" if self.signed else "Draft"

    @cached_property
    def sort_keys(self) -> tuple[str, str, str, str]:
        """Per column; built once, as sorting a long chart asks thousands of times. A
        damaged note of unknown date sorts as the newest: it must be seen."""
        updated = self.updated_at.isoformat() if self.updated_at else ""
        day = self.date.isoformat() if self.date else "9999"
        return (
            f"{day} {updated}",
            self.template_name.casefold(),
            f"{int(self.signed)} {day}",
            self.service_code,
        )

    @property
    def date_text(self) -> str:
        return self.date.isoformat() if self.date else "?"


def damaged_note_row(record: Any, template_name: str) -> NoteRow:
    """A damaged note (a `DamagedRecord`), with what other records say about it."""
    try:
        day: date | None = date.fromisoformat(record.date)
    except ValueError:
        day = None
    return NoteRow(
        note_id=record.record_id,
        date=day,
        template_name=template_name,
        signed=bool(record.signed),
        service_code="",
        psychotherapy=record.kind == "psychotherapy_note",
        damaged=record.sentence(),
    )


def note_row(note: Any, template_name: str) -> NoteRow:
    return NoteRow(
        note_id=note.id,
        date=note.session.date,
        template_name=template_name,
        signed=note.is_signed,
        service_code="" if note.psychotherapy else note.session.service_code,
        psychotherapy=note.psychotherapy,
        updated_at=note.updated_at,
    )


class NoteListModel(QAbstractTableModel):
    """Columns: date of service, template, status, service code. Sort through a proxy with
    `SortRole` (dates sort as dates, not as text)."""

    HEADERS = ("Date of service", "Template", "Status", "Service code")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NoteRow] = []

    def set_rows(self, rows: list[NoteRow]) -> None:
        if rows == self._rows:
            # Nothing changed (the tab shown again): a reset would re-sort a long chart
            # (thousands of calls into this model) for nothing.
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> NoteRow:
        return self._rows[row]

    def row_of(self, note_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.note_id == note_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == NoteIdRole:
            return r.note_id
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                r.date_text,
                r.template_name + ("  (private)" if r.psychotherapy else ""),
                r.status_text,
                r.service_code or "—",
            )[col]
        if role == SortRole:
            return r.sort_keys[col]
        if role == Qt.ItemDataRole.ToolTipRole and r.damaged:
            return r.damaged
        if role == Qt.ItemDataRole.ToolTipRole and r.psychotherapy:
            return "Psychotherapy notes: kept apart from the record, excluded from exports"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{r.date_text}, {r.template_name}, {r.status_text}"
        return None
