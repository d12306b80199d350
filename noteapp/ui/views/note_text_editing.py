"""What the note editor does in its text fields: remember the field last used (Undo, Redo and
quick phrases act there), insert a quick phrase at the cursor with sensible spacing, and
re-check spelling everywhere when the personal dictionary changes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from noteapp.ui.views.note_editor_layout import NoteEditorBase
from noteapp.ui.widgets.quick_phrase_popup import QuickPhrasePopup
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit


class NoteTextEditing(NoteEditorBase):
    """Between the layout and NoteEditorView: what happens in the text fields."""

    phrase_popup: QuickPhrasePopup | None

    def _watch_edit(self, edit: SpellTextEdit) -> None:
        edit.installEventFilter(self)
        edit.dictionaryChanged.connect(self._dictionary_changed)
        if self._last_edit is None:
            self._last_edit = edit

    # --- editing helpers ---------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, SpellTextEdit):
            self._last_edit = obj
        return bool(super().eventFilter(obj, event))

    def _dictionary_changed(self) -> None:
        edits = [e.text_edit for e in self.sections.values() if e.text_edit is not None]
        if not self.psychotherapy:
            edits.append(self.metadata.risk_detail)
        for edit in edits:
            edit.highlighter.dictionary_changed()

    def undo(self) -> None:
        """Undo in the text field last focused (each field has its own history)."""
        if self._last_edit is not None:
            self._last_edit.undo()
            self._last_edit.setFocus()

    def redo(self) -> None:
        if self._last_edit is not None:
            self._last_edit.redo()
            self._last_edit.setFocus()

    def phrase_values(self) -> dict[str, str]:
        profile = self.services.profile.get()
        return {
            "first_name": self.client.first_name,
            "name": self.client.name,
            "date": self.metadata.session().date.isoformat(),
            "clinician": profile.signature_name if profile else "",
        }

    def open_quick_phrases(self) -> None:
        target = self._last_edit
        if target is None:
            return
        popup = QuickPhrasePopup(self.services.reference.phrases(), self.phrase_values(), self)
        popup.chosen.connect(lambda text: self.insert_text(target, text))
        self.phrase_popup = popup
        rect = target.cursorRect()
        popup.popup_at(target.viewport().mapToGlobal(rect.bottomLeft()))

    @staticmethod
    def insert_text(edit: SpellTextEdit, text: str) -> None:
        """Insert at the cursor (replacing a selection), with a space on either side where
        the phrase would otherwise run into a neighbouring word."""
        cursor = edit.textCursor()
        doc = edit.document()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        before = doc.characterAt(start - 1) if start > 0 else ""
        after = doc.characterAt(end) if end < doc.characterCount() - 1 else ""
        if before and not before.isspace():
            text = " " + text
        if after and not after.isspace() and after not in ".,;:!?)":
            text = text + " "
        cursor.insertText(text)
        edit.setTextCursor(cursor)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
