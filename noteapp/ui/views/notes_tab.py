"""The Notes tab of a client's chart: the client's notes, and starting new ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui import shortcuts, theme
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.dialogs.group_note_dialog import GroupNoteDialog
from noteapp.ui.dialogs.new_note_dialog import NewNoteDialog
from noteapp.ui.errors import message_for
from noteapp.ui.models.note_list_model import (
    NoteIdRole,
    NoteListModel,
    SortRole,
    damaged_note_row,
    note_row,
)
from noteapp.ui.service_bundles import NoteServices


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


class NotesTab(QWidget):
    """`open_note(note_id)` is called to open a note in the editor (new ones too)."""

    def __init__(
        self,
        ws: NoteServices,
        client_id: str,
        open_note: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notes_tab")
        self.ws = ws
        self.client_id = client_id
        self.open_note = open_note
        self.active_dialog: Any = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.new_button = _button(
            "&New note…", "new_note_button", self, shortcuts.with_keys("Start a note", "new_note")
        )
        self.group_button = _button(
            "&Group note…", "group_note_button", self, "One note per member from a group session"
        )
        self.open_button = _button("&Open", "open_note_button", self, "Open the selected note")
        self.delete_button = _button(
            "&Delete draft…",
            "delete_draft_button",
            self,
            "Delete the selected draft (signed notes stay)",
        )
        self.export_button = _button(
            "E&xport chart…", "export_chart_button", self, "Signed notes in a date range"
        )
        self.export_button.clicked.connect(self.export_chart)
        self.new_button.clicked.connect(self.new_note)
        self.group_button.clicked.connect(self.group_note)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for b in (self.new_button, self.group_button, self.open_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        lay.addLayout(row)

        self.model = NoteListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("notes_table")
        self.table.setAccessibleName("Notes, newest first")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Widths from the font, not ResizeToContents: that asks every row of a long chart
        # (500 notes: 60,000 calls) each time the list changes.
        # Never narrower than the column's own title ("Date of service", "Service code").
        metrics = self.table.fontMetrics()
        for col, sample in ((0, "0000-00-00"), (2, "Signed · locked"), (3, "00000")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            width = max(metrics.horizontalAdvance(sample) + 28, header.sectionSizeHint(col))
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)  # Enter on a row
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        lay.addWidget(self.table, 1)
        self.empty_label = QLabel(
            f"No notes yet. Start one with New note ({shortcuts.keys_text('new_note')}).", self
        )
        self.empty_label.setObjectName("notes_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setContentsMargins(24, 24, 24, 24)
        theme.set_tone(self.empty_label, "muted")
        lay.addWidget(self.empty_label)
        self.refresh()

    # --- listing -----------------------------------------------------------------------

    def refresh(self) -> None:
        self._stale = False
        keep = self.selected_id()
        rows = []
        for note in self.ws.notes.list(client_id=self.client_id):
            try:
                name = self.ws.notes.template_for(note).name
            except Exception:  # a missing template snapshot must not hide the note
                name = note.template_id
            rows.append(note_row(note, name))
        # Damaged notes that are (or may be) this client's stay listed, marked.
        names = {t.id: t.name for t in self.ws.templates.list()}
        for r in self.ws.damage.notes(client_id=self.client_id):
            known = names.get(r.template, r.template) or "Note"
            whose = "" if r.client_id else " (client unknown)"
            rows.append(damaged_note_row(r, f"{known} — damaged{whose}"))
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        if keep:
            self.select(keep)
        elif rows:
            self.table.selectRow(0)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()  # notes change in the editor while this tab is hidden

    def hideEvent(self, event: QHideEvent) -> None:
        self._stale = True
        super().hideEvent(event)

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return str(rows[0].data(NoteIdRole)) if rows else ""

    def select(self, note_id: str) -> None:
        row = self.model.row_of(note_id)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def displayed_ids(self) -> list[str]:
        return [str(self.proxy.index(r, 0).data(NoteIdRole)) for r in range(self.proxy.rowCount())]

    def _update_buttons(self) -> None:
        note_id = self.selected_id()
        self.open_button.setEnabled(bool(note_id))
        keep = False  # signed notes stay; damaged ones are never touched (restore may need them)
        if note_id:
            row = self.model.row_of(note_id)
            keep = row >= 0 and (
                self.model.row_at(row).signed or bool(self.model.row_at(row).damaged)
            )
        self.delete_button.setEnabled(bool(note_id) and not keep)

    # --- actions -----------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self._open(str(index.data(NoteIdRole)))

    def open_selected(self) -> None:
        note_id = self.selected_id()
        if note_id:
            self._open(note_id)

    def _open(self, note_id: str) -> None:
        row = self.model.row_of(note_id)
        if row >= 0 and self.model.row_at(row).damaged:
            self.explain_damage(note_id)
        else:
            self.open_note(note_id)

    def explain_damage(self, note_id: str) -> None:
        """A damaged note cannot be opened: say what is known and what to do."""
        record = next((r for r in self.ws.damage.notes() if r.record_id == note_id), None)
        box = QMessageBox(self)
        box.setObjectName("damaged_note_box")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Damaged note")
        text = record.sentence() if record else "this note is damaged."
        box.setText(text[:1].upper() + text[1:])
        box.setInformativeText(self.ws.damage.advice([record]) if record else "")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.active_dialog = box
        box.open()

    def export_chart(self) -> None:
        dialog = ExportDialog.of(self.ws, client_id=self.client_id, parent=self)
        self.active_dialog = dialog
        dialog.open()

    def new_note(self) -> None:
        ws = self.ws
        dialog = NewNoteDialog(
            notes=ws.notes,
            clients=ws.clients,
            templates=ws.templates,
            clock=ws.clock,
            client_id=self.client_id,
            parent=self,
        )
        self.active_dialog = dialog
        dialog.accepted.connect(lambda: self._created([dialog.created_note_id]))
        dialog.open()

    def group_note(self) -> None:
        ws = self.ws
        dialog = GroupNoteDialog(
            notes=ws.notes,
            clients=ws.clients,
            templates=ws.templates,
            reference=ws.reference,
            clock=ws.clock,
            parent=self,
            preselect=self.client_id,
        )
        self.active_dialog = dialog
        dialog.accepted.connect(lambda: self._created([n.id for n in dialog.created_notes]))
        dialog.open()

    def _created(self, note_ids: list[str]) -> None:
        self.refresh()
        mine = [i for i in note_ids if self.ws.notes.get(i).client_id == self.client_id]
        if mine:
            self.select(mine[0])
            self.open_note(mine[0])

    def confirm_delete(self) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirm_delete_draft")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete draft")
        box.setText("Delete this draft and all its saved versions?")
        box.setInformativeText("This cannot be undone. Signed notes are never deleted.")
        delete = box.addButton("Delete draft", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete

    def delete_selected(self) -> None:
        note_id = self.selected_id()
        if not note_id or not self.confirm_delete():
            return
        try:
            self.ws.notes.delete_draft(note_id)
        except Exception as exc:
            QMessageBox.warning(self, "Delete draft", message_for(exc))
        self.refresh()
