"""A window holding one note (several can be open side by side): a draft in the editor, a
signed note as the document it is. Signing in the editor turns the window into the document.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from noteapp.ui import shortcuts
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.note_editor_view import NoteEditorView
from noteapp.ui.views.signed_note_view import SignedNoteView


class NoteWindow(EditingDialog):
    """Non-modal, so the chart and other notes stay usable. Closing (or locking, which
    closes every dialog) waits for the draft's saves first: nothing typed is lost. No button
    is a default button: Enter in a single-line field moves on, it never presses Undo.
    `saved(Note)` relays the editor's saves and signing; corrections added fire it too."""

    keeps_text_on_close = True
    saved = Signal(object)

    def __init__(self, services: NoteServices, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteWindow")
        self.setModal(False)
        self.services = services
        note = services.notes.get(note_id)
        client = services.clients.get(note.client_id)
        template = services.notes.template_for(note)
        # The client code, not the name: window titles show up in task switchers.
        self.setWindowTitle(f"{template.name} — {client.code} · {note.session.date.isoformat()}")
        self.editor: NoteEditorView | None = None
        self.document: SignedNoteView | None = None
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        if note.is_signed:
            self._show_document(note_id)
        else:
            self.editor = NoteEditorView(services, note_id, self)
            self.editor.saved.connect(self.saved)
            self.editor.signed.connect(lambda n: self._show_document(n.id))
            self._lay.addWidget(self.editor)
        fit_to_screen(self, 1320, 860)
        shortcuts.bind(self, "close_note", self.close)
        shortcuts.bind(self, "note_shortcuts", self.show_shortcuts)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self, first=shortcuts.NOTE)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _show_document(self, note_id: str) -> None:
        if self.editor is not None:
            self.editor.hide()
            self._lay.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None
        self.document = SignedNoteView(self.services, note_id, self)
        self.document.changed.connect(lambda: self.saved.emit(self.document.note))
        self._lay.addWidget(self.document)
        self.document.show()  # a child added to a shown window is not shown by itself

    def flush(self) -> bool:
        return self.editor.flush() if self.editor is not None else True

    def done(self, result: int) -> None:
        self.flush()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        super().closeEvent(event)


class NoteWindows(QObject):
    """The open note windows: one per note, raised when opened again. `saved(Note)` relays
    every window's saves (risk banners and Today re-read what changed)."""

    saved = Signal(object)

    def __init__(self, make: Callable[[str], NoteWindow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make = make
        self.windows: dict[str, NoteWindow] = {}

    def open(self, note_id: str) -> NoteWindow:
        window = self.windows.get(note_id)
        if window is None or not window.isVisible():
            window = self._make(note_id)
            window.saved.connect(self.saved)
            self.windows[note_id] = window
            window.finished.connect(lambda _r, i=note_id: self.windows.pop(i, None))
        window.show()
        window.raise_()
        window.activateWindow()
        return window
