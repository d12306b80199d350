"""What the note editor does in its text fields: remember the field last used (Undo, Redo and
quick phrases act there), insert a quick phrase at the cursor with sensible spacing,
re-check spelling everywhere when the personal dictionary changes, and move between the
note's parts from the keyboard (a draft opens in its first empty section)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from noteapp.ui.views.note_editor_layout import NoteEditorBase
from noteapp.ui.widgets.quick_phrase_popup import QuickPhrasePopup
from noteapp.ui.widgets.section_editor import SectionEditor
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit


class NoteTextEditing(NoteEditorBase):
    """Between the layout and NoteEditorView: what happens in the text fields."""

    phrase_popup: QuickPhrasePopup | None
    _shown_once = False

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

    # --- keyboard ----------------------------------------------------------------------

    def _parts(self) -> list[QWidget]:
        """The note's parts top to bottom: its sections and the risk assessment."""
        parts: list[QWidget] = list(self.sections.values())
        if self.risk_panel is not None and self.risk_panel.isVisibleTo(self):
            parts.append(self.risk_panel)
        return sorted(parts, key=lambda w: w.y())

    def step_section(self, step: int) -> None:
        """Ctrl+PgDown / Ctrl+PgUp: the next or previous part of the note."""
        parts = self._parts()
        if not parts:
            return
        focus = self.focusWidget()
        here = next((i for i, p in enumerate(parts) if focus and p.isAncestorOf(focus)), -1)
        target = parts[max(0, min(len(parts) - 1, here + step if here >= 0 else 0))]
        self.sections_scroll.ensureWidgetVisible(target, 0, 40)
        if isinstance(target, SectionEditor):
            target.focus_input()
        elif self.risk_panel is not None:
            self.risk_panel.level.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_first_empty(self) -> None:
        """A draft opens with the caret in its first empty section, ready to type."""
        editors = [p for p in self._parts() if isinstance(p, SectionEditor)]
        empty = [e for e in editors if not e.value()]
        if empty or editors:
            target = (empty or editors)[0]
            self.sections_scroll.ensureWidgetVisible(target, 0, 40)
            target.focus_input()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.focus_first_empty()
