"""A window holding one note in the editor (several can be open side by side)."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from noteapp.services.workspace import Workspace
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.views.note_editor_view import NoteEditorView


class NoteWindow(EditingDialog):
    """Non-modal, so the chart and other notes stay usable. Closing (or locking, which
    closes every dialog) flushes the draft first: nothing typed is lost. No button is a
    default button: Enter in a single-line field moves on, it never presses Undo."""

    keeps_text_on_close = True

    def __init__(self, ws: Workspace, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteWindow")
        self.setModal(False)
        note = ws.notes.get(note_id)
        client = ws.clients.get(note.client_id)
        template = ws.notes.template_for(note)
        # The client code, not the name: window titles show up in task switchers.
        self.setWindowTitle(f"{template.name} — {client.code} · {note.session.date.isoformat()}")
        self.editor = NoteEditorView(ws, note_id, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.editor)
        self.resize(1320, 860)
        close = QShortcut(QKeySequence("Ctrl+W"), self)
        close.setObjectName("closeNoteShortcut")
        close.activated.connect(self.close)

    def done(self, result: int) -> None:
        self.editor.flush()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.editor.flush()
        super().closeEvent(event)
