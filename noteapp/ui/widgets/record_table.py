"""A read-only table of records (contacts, releases, referrals, medications, incident
reports): one row per record, found again by its id; Enter or a double-click opens it.

Cells are plain text (a record's text is never markup); a row may carry a tone — the
theme's semantic colour of its status cell, with the word always in the text too, so colour
is never the only signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from noteapp.domain.display import visible
from noteapp.ui.theme import ToneDelegate, set_item_tone

# A row's tone -> the theme's text colour (contrast-checked in every scheme).
TONES = {
    "success": "success_text",
    "warning": "warning_text",
    "danger": "danger_text",
    "muted": "muted_text",
}


@dataclass(frozen=True)
class Row:
    id: str
    cells: tuple[str, ...]
    tone: str = ""  # a key of TONES, for the first cell (the status); "" for none
    tip: str = ""


class RecordTable(QTableWidget):
    """`opened(id)` on Enter or a double-click; `selected(id)` when the selection moves."""

    opened = Signal(str)
    selected = Signal(str)

    def __init__(
        self,
        name: str,
        accessible: str,
        columns: Sequence[str],
        parent: QWidget | None = None,
        *,
        stretch: int | None = None,
    ) -> None:
        """`stretch`: the column that takes the spare width (and is cut short first);
        default the last."""
        super().__init__(0, len(columns), parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setHorizontalHeaderLabels(list(columns))
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch is None:
            header.setStretchLastSection(True)
        else:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(ToneDelegate(self))
        self._ids: list[str] = []
        self.cellDoubleClicked.connect(lambda row, _col: self._open(row))
        self.itemSelectionChanged.connect(self._moved)

    def set_rows(self, rows: Sequence[Row], *, keep: str = "") -> None:
        keep = keep or self.selected_id()
        self.blockSignals(True)
        # A row with a cell too many or too few is a programming error, never silently cut.
        assert all(len(r.cells) == self.columnCount() for r in rows), "cells ≠ columns"
        self.setRowCount(len(rows))
        self._ids = [r.id for r in rows]
        for i, row in enumerate(rows):
            for col, text in enumerate(row.cells):
                item = QTableWidgetItem(visible(text))
                if row.tip:
                    item.setToolTip(visible(row.tip, multiline=True))
                if col == 0 and row.tone in TONES:
                    set_item_tone(item, TONES[row.tone])
                self.setItem(i, col, item)
        self.blockSignals(False)
        if keep in self._ids:
            self.selectRow(self._ids.index(keep))
        elif rows:
            self.selectRow(0)
        self._moved()

    def selected_id(self) -> str:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows or rows[0].row() >= len(self._ids):
            return ""
        return self._ids[rows[0].row()]

    def select(self, record_id: str) -> bool:
        if record_id not in self._ids:
            return False
        self.selectRow(self._ids.index(record_id))
        return True

    def ids(self) -> list[str]:
        return list(self._ids)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._open(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self._ids):
            self.opened.emit(self._ids[row])

    def _moved(self) -> None:
        self.selected.emit(self.selected_id())
