"""The draft editor: session details, the template's sections, the checklist and a live
preview, with autosave off the GUI thread that never loses more than a couple of seconds of
typing (views/draft_saver.py). Undo, quick phrases, history, preview, Sign and Export are
toolbar actions. A signed note is not edited here: the note window shows it as a document
(views/signed_note_view.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import FieldValue, Note
from noteapp.domain.risk import RiskConflict, reconcile
from noteapp.ui import shortcuts, theme
from noteapp.ui.dialogs.draft_history_dialog import DraftHistoryDialog
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from noteapp.ui.errors import message_for
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.draft_saver import DraftSaver
from noteapp.ui.views.note_text_editing import NoteTextEditing
from noteapp.ui.widgets.quick_phrase_popup import QuickPhrasePopup
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit


class NoteEditorView(NoteTextEditing):
    """Edit one draft. `saved(Note)` fires after each successful save (e.g. to refresh lists);
    `signed(Note)` once it is signed (the window then shows it as a document).

    Call `flush()` before locking or quitting; hiding or closing the view flushes too.
    """

    saved = Signal(object)
    signed = Signal(object)

    PREVIEW_DELAY_MS = 300

    def __init__(self, services: NoteServices, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note_editor")
        self.services = services
        self.note: Note = services.notes.get(note_id)
        self.template = services.notes.template_for(self.note)
        self.client = services.clients.get(self.note.client_id)
        self.read_only = False  # True once signed here
        self.psychotherapy = self.note.psychotherapy
        self._last_edit: SpellTextEdit | None = None
        self.phrase_popup: QuickPhrasePopup | None = None
        self.history_dialog: DraftHistoryDialog | None = None
        self.sign_dialog: SignDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self._ignored: set[str] = set()
        self.saver = DraftSaver(self._save_call, self)
        self.saver.saved.connect(self._on_saved)
        self.saver.state_changed.connect(self._show_state)
        # The autosave timers, by their old names (tests shorten them).
        self._debounce = self.saver.debounce
        self._max_wait = self.saver.max_wait
        self._retry = self.saver.retry

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 4, 12, 8)
        lay.setSpacing(6)
        lay.addWidget(self._build_toolbar())
        lay.addLayout(self._build_header())
        self._build_banners(lay)
        lay.addWidget(self._build_body(services), 1)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(self.PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for section in self.sections.values():
            section.changed.connect(self._on_changed)
        self.metadata.changed.connect(self._on_changed)
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for shortcut_id, slot in (
            ("save", self.saver.save_now),
            ("next_section", lambda: self.step_section(1)),
            ("previous_section", lambda: self.step_section(-1)),
        ):
            shortcuts.bind(self, shortcut_id, slot, context=ctx)
        self._load(self.note)
        self.refresh_preview()

    def _follow_screen(self) -> None:
        """The risk assessment shows the session details' screen (one risk screen)."""
        if self.risk_panel is not None:
            self.risk_panel.set_screen(self.metadata.session().risk)

    def _load(self, note: Note) -> None:
        self.note = note
        conflicts: list[RiskConflict] = []
        if self.risk_panel is not None:
            # One risk screen per note: an older draft that said two things is shown (and
            # saved) with the safer answer, and the clinician is told what changed.
            screen, conflicts = reconcile(note.session.risk, note.risk_assessment)
            note = replace(note, session=replace(note.session, risk=screen))
        for field_id, editor in self.sections.items():
            editor.set_value(note.fields.get(field_id, [] if editor.checks else ""))
        self.metadata.set_session(note.session)
        if self.risk_panel is not None:
            self.risk_panel.set_assessment(note.risk_assessment)
            self.risk_panel.set_screen(note.session.risk)
        self._show_state()
        self.risk_conflict_banner.label.setText(
            " ".join(c.message() for c in conflicts)
            + " The risk screen now says “present”: check it, and the risk assessment, "
            "before signing."
        )
        self.risk_conflict_banner.setVisible(bool(conflicts))
        if conflicts:
            self._on_changed()

    def reload(self) -> None:
        """Show the stored note again (after a version was restored)."""
        self.saver.stop()
        self.saver.unsaved = False
        self._load(self.services.notes.get(self.note.id))
        self.refresh_preview()

    def _on_rated(self, _note: Note) -> None:
        self.refresh_preview()  # the saver already took the note with its ratings

    def _on_adherence(self, _note: Note) -> None:
        self.refresh_preview()  # the saver already took the note with its adherence

    # --- values ------------------------------------------------------------------------

    def field_values(self) -> dict[str, FieldValue]:
        return {fid: editor.value() for fid, editor in self.sections.items()}

    def draft(self) -> Note:
        """The note as it stands on screen (saved or not)."""
        note = replace(
            self.note,
            fields={**self.note.fields, **self.field_values()},
            session=self.metadata.session(),
        )
        if self.risk_panel is not None:
            note = replace(note, risk_assessment=self.risk_panel.assessment_or_none())
        return note

    def word_count(self) -> int:
        return sum(len(v.split()) for v in self.field_values().values() if isinstance(v, str))

    # --- autosave ----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Something on screen is not in the vault yet (changed, or a save still running)."""
        return self.saver.pending

    @property
    def last_error(self) -> str:
        return self.saver.last_error

    def _on_changed(self) -> None:
        if self.read_only:
            return
        self.saver.changed()
        self._preview_timer.start()

    def _save_call(self) -> Callable[[], Note]:
        """Read the screen now (GUI thread); the returned call saves it (worker thread)."""
        notes, note_id = self.services.notes, self.note.id
        fields, session = self.field_values(), self.metadata.session()
        risk = self.risk_panel.assessment() if self.risk_panel is not None else None
        # No assessment on screen: remove a stored one (a no-op when none is stored).
        clear = self.risk_panel is not None and risk is None
        return lambda: notes.save(
            note_id,
            fields=fields,
            session=session,
            autosave=True,
            risk_assessment=risk,
            clear_risk_assessment=clear,
        )

    def _on_saved(self, note: Note) -> None:
        self.note = note
        self.saved.emit(note)

    def _show_state(self) -> None:
        error = self.saver.last_error
        self.save_error.setText(f"Not saved: {error} Retrying…" if error else "")
        self.save_error.setVisible(bool(error))
        if error:
            self.autosave_label.setText("Not saved")
        elif self.saver.pending:
            self.autosave_label.setText("Saving…")
        else:
            when = self.note.updated_at or self.services.clock.now()
            self.autosave_label.setText(f"All changes saved · {when.astimezone():%H:%M}")

    def flush(self) -> bool:
        """Save now and wait until every queued save is in the vault. False (a red banner,
        and a retry) when saving failed."""
        if self.read_only:
            return True
        for panel in (self.objectives, self.adherence):
            if panel is not None:
                panel.flush()
        return self.saver.flush()

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        super().closeEvent(event)

    # --- preview and checklist ---------------------------------------------------------

    def refresh_preview(self) -> None:
        # Rendering a note takes about a millisecond and reads the in-memory caches the
        # saves also use, so it stays on the GUI thread (debounced) rather than a worker.
        draft = self.draft()
        if self.preview_action.isChecked():
            try:
                self.preview.show_document(self.services.notes.render(draft))
            except Exception as exc:  # a broken custom template must not stop the typing
                self.preview.show_message(f"The preview cannot be shown: {message_for(exc)}")
        if self.psychotherapy:
            self.checklist.set_warnings(self.services.notes.psychotherapy_warnings(draft))
        else:
            self.checklist.set_result(self.services.notes.check(draft))
        self._show_same_day(draft)
        words = self.word_count()
        self.word_count_label.setText(f"· {words} word{'s' if words != 1 else ''}")

    def _show_same_day(self, draft: Note) -> None:
        try:
            measures = self.services.notes.note_measures(draft)
        except Exception:  # the line is a convenience; the preview shows the same facts
            measures = ()
        text = "   ·   ".join(str(m.get("summary", "")) for m in measures if m.get("summary"))
        risky = any(m.get("risk") for m in measures)
        self.same_day_label.setText(("Measures this date: " + text) if text else "")
        theme.set_tone(self.same_day_label, "danger" if risky else "info")
        self.same_day_label.setVisible(bool(text))

    def _toggle_preview(self, on: bool) -> None:
        self.preview.setVisible(on)
        if on:
            self.refresh_preview()

    def go_to(self, field_id: str, rule: str = "") -> None:
        """Focus the input that fixes a checklist item."""
        editor = self.sections.get(field_id)
        if editor is not None:
            self.sections_scroll.ensureWidgetVisible(editor, 0, 40)
            editor.focus_input()
            return
        if rule in ("risk_flag_followup", "risk_assessment") and self.risk_panel is not None:
            self.sections_scroll.ensureWidgetVisible(self.risk_panel, 0, 40)
            self.risk_panel.level.setFocus()
            return
        target = self.metadata.focus_for_rule(rule)
        self.meta_scroll.ensureWidgetVisible(target, 0, 40)

    def open_history(self) -> None:
        self.flush()
        dialog = DraftHistoryDialog(self.services.notes, self.note.id, self)
        dialog.restored.connect(lambda _note: self.reload())
        self.history_dialog = dialog
        dialog.open()

    # --- signing and export ------------------------------------------------------------

    def open_sign(self) -> None:
        if self.read_only or not self.flush():
            return
        s = self.services
        dialog = SignDialog(
            notes=s.notes,
            signing=s.signing,
            settings=s.settings,
            profile=s.profile,
            note_id=self.note.id,
            parent=self,
        )
        dialog.signed.connect(self._on_signed)
        self.sign_dialog = dialog
        dialog.open()

    def _on_signed(self, _item: object) -> None:
        self.read_only = True
        self.saver.enabled = False
        self.saver.stop()
        self.note = self.services.notes.get(self.note.id)
        for action in (self.undo_action, self.redo_action, self.phrase_action):
            action.setEnabled(False)
        self.sign_action.setEnabled(False)
        self.splitter.setEnabled(False)
        self.status_chip.setText("Signed")
        self.autosave_label.setText("Signed")
        self.saved.emit(self.note)
        self.signed.emit(self.note)

    def open_export(self) -> None:
        self.flush()
        dialog = ExportDialog.of(self.services, note_id=self.note.id, parent=self)
        self.export_dialog = dialog
        dialog.open()
