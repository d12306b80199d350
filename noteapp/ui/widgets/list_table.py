"""An editable list of rows (one or more text columns) with Add, Remove, Up and Down: the
building block of the safety-plan editor's steps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _tool(text: str, name: str, tip: str, parent: QWidget) -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(tip)
    b.setToolTip(tip)
    return b


class ListTable(QWidget):
    """`changed()` on any edit. `rows()` drops rows whose first column is empty."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        columns: Sequence[str],
        parent: QWidget | None = None,
        *,
        accessible: str = "",
        placeholder: str = "",
        stretch: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.columns = list(columns)
        self.placeholder = placeholder
        self._loading = False
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.columns), self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName(name + "Table")
        self.table.setAccessibleName(accessible or name)
        self.table.setHorizontalHeaderLabels(self.columns)
        self.table.horizontalHeader().setVisible(len(self.columns) > 1)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for c in range(len(self.columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, 220 if c == 0 else 150)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # Wrapped rows get their height from the column width: re-fit when it changes.
        header.sectionResized.connect(lambda *_: self._fit())
        self.table.itemChanged.connect(self._edited)
        lay.addWidget(self.table, 1)
        side = QVBoxLayout()
        self.add_button = _tool("+", name + "Add", "Add a row", self)
        self.remove_button = _tool("−", name + "Remove", "Remove the selected row", self)
        self.up_button = _tool("↑", name + "Up", "Move the selected row up", self)
        self.down_button = _tool("↓", name + "Down", "Move the selected row down", self)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setFixedWidth(34)
            side.addWidget(b)
        side.addStretch(1)
        lay.addLayout(side)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _edited(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _fit(self) -> None:
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount())) or 30
        head = self.table.horizontalHeader().height() if len(self.columns) > 1 else 0
        height = head + rows + 30 + 2 * self.table.frameWidth()
        self.table.setFixedHeight(max(min(height, 260), 96))

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self._loading = True
        try:
            self.table.setRowCount(0)
            for row in rows:
                self._append(row)
        finally:
            self._loading = False
        self._fit()

    def _append(self, values: Sequence[str]) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c in range(len(self.columns)):
            text = values[c] if c < len(values) else ""
            self.table.setItem(r, c, QTableWidgetItem(text))
        return r

    def add_row(self, values: Sequence[str] = ()) -> int:
        """Append a row (and start editing it when it is empty)."""
        r = self._append(values)
        self._fit()
        self.table.setCurrentCell(r, 0)
        item = self.table.item(r, 0)
        if not values and item is not None:
            self.table.editItem(item)
        self.changed.emit()
        return r

    def remove_current(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            return
        self.table.removeRow(r)
        self._fit()
        self.changed.emit()

    def move_current(self, delta: int) -> None:
        r = self.table.currentRow()
        target = r + delta
        if r < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self.raw_rows()
        rows[r], rows[target] = rows[target], rows[r]
        self.set_rows(rows)
        self.table.setCurrentCell(target, 0)
        self.changed.emit()

    def raw_rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            row = []
            for c in range(len(self.columns)):
                item = self.table.item(r, c)
                row.append(item.text().strip() if item is not None else "")
            out.append(row)
        return out

    def rows(self) -> list[list[str]]:
        return [row for row in self.raw_rows() if row[0]]

    def set_read_only(self, read_only: bool) -> None:
        triggers = (
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setEditTriggers(triggers)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setVisible(not read_only)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for r in range(self.table.rowCount()):
            for c in range(len(self.columns)):
                item = self.table.item(r, c)
                if item is not None:
                    item.setFlags(flags if read_only else flags | Qt.ItemFlag.ItemIsEditable)
