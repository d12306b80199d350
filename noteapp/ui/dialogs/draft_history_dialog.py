"""Draft history: every saved version of a note, previewed; restore one as a new version."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import FieldValue, Note
from noteapp.services.notes import NoteService
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.note_preview import NotePreview


def _words(note: Note) -> int:
    return sum(len(v.split()) for v in note.fields.values() if isinstance(v, str))


class DraftHistoryDialog(QDialog):
    """Lists `notes.history(note_id)` newest first. "Restore this version" saves the
    chosen version's content as a new version (nothing is ever overwritten) and emits
    `restored(Note)`."""

    restored = Signal(object)

    def __init__(self, notes: NoteService, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_history_dialog")
        self.setWindowTitle("Draft history")
        fit_to_screen(self, 900, 600)
        self._notes = notes
        self.note_id = note_id
        self.current: Note = notes.get(note_id)
        self.versions: list[Note] = list(reversed(notes.history(note_id)))

        lay = QVBoxLayout(self)
        intro = QLabel(
            "Every autosave is kept. Pick a version to see it; restoring it saves it as the "
            "newest version, so nothing is lost.",
            self,
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget(split)
        self.list.setObjectName("history_list")
        self.list.setAccessibleName("Saved versions, newest first")
        for i, v in enumerate(self.versions):
            when = v.updated_at.astimezone().strftime("%Y-%m-%d  %H:%M:%S") if v.updated_at else ""
            words = _words(v)
            tag = "  (current)" if i == 0 else ""
            text = f"Version {v.version} · {when}\n{words} word{'s' if words != 1 else ''}{tag}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.list.addItem(item)
        self.preview = NotePreview(split)
        self.preview.setObjectName("history_preview")
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([260, 640])
        lay.addWidget(split, 1)
        self.error = QLabel(self)
        self.error.setObjectName("history_error")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)

        row = QHBoxLayout()
        self.restore_button = QPushButton("&Restore this version", self)
        self.restore_button.setObjectName("restore_button")
        self.restore_button.setAccessibleName("Restore this version")
        self.restore_button.clicked.connect(self.restore_selected)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("history_buttons")
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("history_close")
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        lay.addLayout(row)
        self.list.currentRowChanged.connect(self._show)
        if self.versions:
            self.list.setCurrentRow(0)
        self.list.setFocus()

    def selected(self) -> Note | None:
        row = self.list.currentRow()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def _show(self, row: int) -> None:
        version = self.selected()
        if version is None:
            return
        try:
            self.preview.show_document(self._notes.render(version))
        except Exception as exc:
            self.preview.show_message(f"This version cannot be shown: {message_for(exc)}")
        self.restore_button.setEnabled(row > 0 and not self.current.is_signed)

    def restore_selected(self) -> Note | None:
        version = self.selected()
        if version is None or self.current.is_signed:
            return None
        latest = self._notes.get(self.note_id)
        # Fields added after this version are emptied, so the result matches it exactly.
        fields: dict[str, FieldValue] = {
            key: ([] if isinstance(value, list) else "") for key, value in latest.fields.items()
        }
        fields.update(version.fields)
        try:
            note: Note = self._notes.save(self.note_id, fields=fields, session=version.session)
        except Exception as exc:
            self.error.setText(message_for(exc))
            self.error.show()
            return None
        self.restored.emit(note)
        self.accept()
        return note
