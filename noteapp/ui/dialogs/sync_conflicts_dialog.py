"""What a sync kept both versions of (docs/agency.md, principle 4): the same draft edited on
two devices, a draft signed elsewhere while edited here, client details whose same field
changed on both sides. Nothing was lost — both versions are in the record's history — but
the author should look: open the record, keep or restore the version they want, then say
they have looked ("I have looked at it"), which only takes it off this list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.sync_status import conflict_sentence
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, named_button, show_error

KINDS = {
    "note": "Note",
    "psychotherapy_note": "Psychotherapy note",
    "client": "Client details",
    "contact": "Contact",
    "medication": "Medication",
    "release": "Release of information",
    "referral": "Referral",
    "plan": "Treatment plan",
    "safety_plan": "Safety plan",
    "measure": "Measure",
}


class SyncConflictsDialog(QDialog):
    """`dismissed()` after a conflict left the list."""

    dismissed = Signal()

    def __init__(
        self,
        *,
        conflicts: Callable[[], list[dict[str, Any]]],
        dismiss: Callable[[str], None],
        client_name: Callable[[str], str],
        open_record: Callable[[dict[str, Any]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflictsDialog")
        self.setWindowTitle("Sync conflicts")
        self._conflicts = conflicts
        self._dismiss = dismiss
        self._client_name = client_name
        self._open_record = open_record
        self.found: list[dict[str, Any]] = []
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "These records were changed here and on another device. Both versions are "
                "kept in each record's history; the one shown is this device's. Open the "
                "record, keep or restore the version you want, then mark it as looked at.",
                self,
            )
        )
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("syncConflictsTable")
        self.table.setAccessibleName("Sync conflicts")
        self.table.setHorizontalHeaderLabels(["Client", "Record", "What happened"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _i: self.open_selected())
        lay.addWidget(self.table, 1)
        self.error = error_label(self, "syncConflictsError")
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.open_button = named_button("Open", "syncConflictOpenButton", self)
        self.open_button.clicked.connect(lambda _c=False: self.open_selected())
        self.looked_button = named_button("I have looked at it", "syncConflictLookedButton", self)
        self.looked_button.clicked.connect(lambda _c=False: self.dismiss_selected())
        close = QPushButton("Close", self)
        close.setObjectName("syncConflictsCloseButton")
        close.setAccessibleName("Close")
        close.clicked.connect(self.accept)
        row.addWidget(self.open_button)
        row.addWidget(self.looked_button)
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self.resize(820, 360)
        self.reload()

    def reload(self) -> None:
        self.found = self._conflicts()
        self.table.setRowCount(len(self.found))
        for r, c in enumerate(self.found):
            cells = [
                self._client_name(str(c.get("client", ""))),
                KINDS.get(str(c.get("kind")), str(c.get("kind"))),
                conflict_sentence(c).capitalize(),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
        if self.found:
            self.table.selectRow(0)
        self._update_buttons()

    def _selected(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.found[row] if 0 <= row < len(self.found) else None

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        self.open_button.setEnabled(chosen)
        self.looked_button.setEnabled(chosen)

    def open_selected(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self._open_record(chosen)

    def dismiss_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        try:
            self._dismiss(str(chosen["number"]))
        except Exception as exc:  # a vault problem: said, and the list stays as it was
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.reload()
        self.dismissed.emit()
