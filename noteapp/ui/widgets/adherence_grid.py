"""Adherence over time beside the measure trends: one column per day (a note that recorded
adherence, or a measure given), one row per medication and per instrument. A cell shows
the adherence in a symbol and a word (never colour alone), side effects in its tooltip; a
measure row shows the total with its band."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from noteapp.domain.display import visible
from noteapp.domain.medications import Adherence
from noteapp.ui.theme import ToneDelegate, set_item_tone
from noteapp.ui.widgets.record_table import TONES

SYMBOLS = {
    Adherence.AS_PRESCRIBED: ("✓ as prescribed", "success"),
    Adherence.PARTIAL: ("◐ partial", "warning"),
    Adherence.MISSED: ("✗ missed", "danger"),
    Adherence.NOT_DISCUSSED: ("– not discussed", "muted"),
}


class AdherenceGrid(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setObjectName("adherenceGrid")
        self.setAccessibleName("Medication adherence and measure scores over time")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        # By pixel: by item, "scrolled to the last day" stays put when the view widens and
        # leaves every column out of sight.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ToneDelegate(self))
        # Columns are sized once, after they are filled (show_data): a header that resizes to
        # its contents re-measures every column as each label is set — quadratic, 1.5 s for
        # a chart with 500 days of notes.
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_data(
        self,
        medications: Sequence[tuple[str, str]],
        points: Sequence[Any],
        measures: Sequence[Any],
    ) -> None:
        """`medications`: (id, label); `points`: AdherencePoint; `measures`: Measure."""
        days: list[date] = sorted({p.on for p in points} | {m.on for m in measures})
        instruments = sorted({(m.instrument, m.name) for m in measures})
        shown = [
            (mid, label)
            for mid, label in medications
            if any(p.medication_id == mid for p in points)
        ]
        self.clear()
        self.setColumnCount(len(days))
        self.setRowCount(len(shown) + len(instruments))
        self.setHorizontalHeaderLabels([d.isoformat() for d in days])
        self.setVerticalHeaderLabels(
            [visible(label) for _id, label in shown] + [name for _i, name in instruments]
        )
        column = {d: i for i, d in enumerate(days)}
        for row, (mid, _label) in enumerate(shown):
            for p in points:
                if p.medication_id != mid:
                    continue
                text, tone = SYMBOLS[p.status]
                item = QTableWidgetItem(text)
                set_item_tone(item, TONES[tone])
                tip = (
                    f"Side effects: {p.side_effects}" if p.side_effects else "No side effects noted"
                )
                item.setToolTip(visible(tip) + ("" if p.signed else " (draft note)"))
                self.setItem(row, column[p.on], item)
        for offset, (instrument, _name) in enumerate(instruments):
            row = len(shown) + offset
            for m in measures:
                if m.instrument == instrument:
                    self.setItem(row, column[m.on], QTableWidgetItem(f"{m.total} {m.severity}"))
        # The newest days matter most: start scrolled to the right end.
        self.resizeColumnsToContents()
        bar = self.horizontalScrollBar()
        bar.setValue(bar.maximum())
