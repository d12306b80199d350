"""The note editor: session details, the template's sections, the checklist and a live
preview, with autosave that never loses more than a couple of seconds of typing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import FieldValue, Note
from noteapp.domain.risk import RiskConflict, reconcile
from noteapp.domain.signatures import ItemType
from noteapp.ui import shortcuts, theme
from noteapp.ui.dialogs.correction_dialog import CorrectionDialog
from noteapp.ui.dialogs.draft_history_dialog import DraftHistoryDialog
from noteapp.ui.dialogs.export_dialog import ExportDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from noteapp.ui.errors import message_for
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.widgets.adherence_panel import AdherencePanel
from noteapp.ui.widgets.banner import Banner
from noteapp.ui.widgets.checklist_panel import ChecklistPanel
from noteapp.ui.widgets.metadata_panel import MetadataPanel
from noteapp.ui.widgets.note_preview import NotePreview
from noteapp.ui.widgets.objectives_panel import ObjectivesPanel
from noteapp.ui.widgets.quick_phrase_popup import QuickPhrasePopup
from noteapp.ui.widgets.risk_assessment_panel import RiskAssessmentPanel
from noteapp.ui.widgets.section_editor import SectionEditor
from noteapp.ui.widgets.signed_record import record_html
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit
from noteapp.ui.widgets.themed_browser import ThemedBrowser

SIGNED_TEXT = (
    "Signed — read only. A signed note stays exactly as it was signed; new information, "
    "corrections and late entries are added below it as dated, signed records."
)
PSYCHOTHERAPY_TEXT = (
    "Psychotherapy notes are kept apart from the record and excluded from search and "
    "exports unless you include them."
)
RISK_FLAG_TEXT = (
    "A measure raised a risk flag (item 9 above 0): complete this risk assessment, and make "
    "sure the client has a current safety plan, before signing."
)
COPIED_TEXT = (
    "Some sections were copied forward from an earlier note. Edit them so they describe "
    "today's session: auditors look for cloned notes."
)


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAutoDefault(False)  # never pressed by an Enter typed into a field
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


def _scroll(inner: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


class NoteEditorView(QWidget):
    """Edit one note. `saved(Note)` fires after each successful save (e.g. to refresh lists).

    Call `flush()` before locking or quitting; hiding or closing the view flushes too.
    """

    saved = Signal(object)

    SAVE_DELAY_MS = 1000  # after the last keystroke
    MAX_WAIT_MS = 2000  # while typing without pause: killing the app loses ≤ 2 s
    RETRY_MS = 3000
    PREVIEW_DELAY_MS = 300

    def __init__(self, ws: Any, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note_editor")
        self.ws = ws
        self.note: Note = ws.notes.get(note_id)
        self.template = ws.notes.template_for(self.note)
        self.client = ws.clients.get(self.note.client_id)
        self.read_only = self.note.is_signed
        self.psychotherapy = self.note.psychotherapy
        self.dirty = False
        self.last_error = ""
        self._last_edit: SpellTextEdit | None = None
        self.phrase_popup: QuickPhrasePopup | None = None
        self.history_dialog: DraftHistoryDialog | None = None
        self.sign_dialog: SignDialog | None = None
        self.correction_dialog: CorrectionDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self._ignored: set[str] = set()
        self._shown_once = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 8)
        lay.setSpacing(6)
        lay.addLayout(self._build_header())
        lay.addLayout(self._build_actions())
        self._build_banners(lay)
        lay.addWidget(self._build_body(), 1)
        self._build_timers()
        self._build_shortcuts()
        self._load(self.note)
        if self.read_only:
            self._set_read_only()
        self._show_actions()
        self.refresh_preview()

    # --- building ----------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        title = QLabel(self.client.name, self)
        title.setObjectName("editor_client_name")
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        sub = QLabel(f"· {self.template.name}", self)
        sub.setObjectName("editor_template_name")
        sub.setTextFormat(Qt.TextFormat.PlainText)
        signed = self.note.is_signed
        self.status_chip = QLabel("Signed" if signed else "Draft", self)
        self.status_chip.setObjectName("status_chip")
        theme.set_chip(self.status_chip, "signed" if signed else "draft")
        self.autosave_label = QLabel("", self)
        self.autosave_label.setObjectName("autosave_label")
        self.autosave_label.setAccessibleName("Save status")
        theme.set_tone(self.autosave_label, "muted")
        self.word_count_label = QLabel("", self)
        self.word_count_label.setObjectName("word_count")
        theme.set_tone(self.word_count_label, "muted")
        for w in (title, sub, self.status_chip):
            row.addWidget(w)
        row.addSpacing(12)
        row.addWidget(self.autosave_label)
        row.addWidget(self.word_count_label)
        row.addStretch(1)
        self.undo_button = _button("Undo", "undo_button", self, "Undo in the field (Ctrl+Z)")
        self.redo_button = _button("Redo", "redo_button", self, "Redo (Ctrl+Shift+Z)")
        self.phrase_button = _button(
            "Quick phrase…", "quick_phrase_button", self, "Insert a quick phrase (Ctrl+J)"
        )
        self.history_button = _button("History…", "history_button", self, "Earlier versions")
        self.preview_toggle = QToolButton(self)
        self.preview_toggle.setObjectName("preview_toggle")
        self.preview_toggle.setText("Preview")
        self.preview_toggle.setAccessibleName("Show preview")
        self.preview_toggle.setCheckable(True)
        self.preview_toggle.setChecked(True)
        self.preview_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Undo and Redo act only when clicked (or Ctrl+Z / Ctrl+Shift+Z in a field): they take
        # no keyboard focus, so neither Tab, Space nor Enter can reach them by accident, and
        # clicking them leaves the caret in the field they act on.
        for b in (self.undo_button, self.redo_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.phrase_button.clicked.connect(self.open_quick_phrases)
        self.history_button.clicked.connect(self.open_history)
        self.preview_toggle.toggled.connect(self._toggle_preview)
        for b in (self.undo_button, self.redo_button, self.phrase_button, self.history_button):
            row.addWidget(b)
        row.addWidget(self.preview_toggle)
        return row

    def _build_banners(self, lay: QVBoxLayout) -> None:
        self.save_error = QLabel(self)
        self.save_error.setObjectName("save_error_banner")
        self.save_error.setWordWrap(True)
        self.save_error.setTextFormat(Qt.TextFormat.PlainText)
        theme.set_tone(self.save_error, "danger-box")
        bold = self.save_error.font()
        bold.setBold(True)
        self.save_error.setFont(bold)
        self.save_error.hide()
        lay.addWidget(self.save_error)
        self.signed_banner = Banner(SIGNED_TEXT, object_name="signed_banner", parent=self)
        self.signed_banner.setVisible(self.read_only)
        lay.addWidget(self.signed_banner)
        if self.psychotherapy:
            lay.addWidget(
                Banner(
                    PSYCHOTHERAPY_TEXT,
                    object_name="psychotherapy_banner",
                    warning=True,
                    parent=self,
                )
            )
        # Measures given on the session date: "PHQ-9 14 (moderate), down 4 since last".
        self.same_day_label = QLabel("", self)
        self.same_day_label.setObjectName("same_day_measures")
        self.same_day_label.setAccessibleName("Measures given this day")
        self.same_day_label.setTextFormat(Qt.TextFormat.PlainText)
        self.same_day_label.setWordWrap(True)
        bold = self.same_day_label.font()
        bold.setBold(True)
        self.same_day_label.setFont(bold)
        self.same_day_label.hide()
        lay.addWidget(self.same_day_label)
        # An older draft whose session details and risk assessment disagreed (domain/risk.py).
        self.risk_conflict_banner = Banner(
            "", object_name="riskConflictBanner", warning=True, button_text="Got it", parent=self
        )
        self.risk_conflict_banner.hide()
        lay.addWidget(self.risk_conflict_banner)
        if self.note.copied_from and not self.read_only:
            lay.addWidget(
                Banner(COPIED_TEXT, object_name="copied_banner", button_text="Got it", parent=self)
            )

    def _build_body(self) -> QSplitter:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("editor_splitter")
        self.splitter.setChildrenCollapsible(False)
        meta_box = QWidget()
        meta_lay = QVBoxLayout(meta_box)
        meta_lay.setContentsMargins(0, 0, 8, 0)
        head = QLabel("Session details", meta_box)
        bold = QFont(head.font())
        bold.setBold(True)
        head.setFont(bold)
        meta_lay.addWidget(head)
        self.metadata = MetadataPanel(
            self.ws.reference.get(),
            self.client.diagnoses,
            self.ws.speller,
            meta_box,
            psychotherapy=self.psychotherapy,
        )
        meta_lay.addWidget(self.metadata)
        # Goal progress belongs to the progress note, never to psychotherapy notes.
        self.objectives: ObjectivesPanel | None = None
        if not self.psychotherapy:
            self.objectives = ObjectivesPanel(self.ws, self.note, meta_box)
            self.objectives.rated.connect(self._on_rated)
            meta_lay.addWidget(self.objectives)
        # Medication adherence (issue 13): part of the progress note, never the process note.
        self.adherence: AdherencePanel | None = None
        if not self.psychotherapy:
            self.adherence = AdherencePanel(self.ws, self.note, meta_box)
            self.adherence.recorded.connect(self._on_adherence)
            meta_lay.addWidget(self.adherence)
        meta_lay.addStretch(1)
        self.meta_scroll = _scroll(meta_box, "metadata_scroll")
        self.meta_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Never narrower than its form: with no horizontal scroll bar, the rest was cut off.
        bar = self.meta_scroll.verticalScrollBar().sizeHint().width()
        self.meta_scroll.setMinimumWidth(max(260, meta_box.minimumSizeHint().width() + bar))

        sections_box = QWidget()
        sections_box.setObjectName("sections_box")
        s_lay = QVBoxLayout(sections_box)
        s_lay.setContentsMargins(8, 0, 12, 0)
        self.sections: dict[str, SectionEditor] = {}
        for section in self.template.sections:
            editor = SectionEditor(
                section, self.ws.speller, sections_box, ignored_words=self._ignored
            )
            self.sections[section.field_id] = editor
            s_lay.addWidget(editor)
            if editor.text_edit is not None:
                self._watch_edit(editor.text_edit)
        # The structured risk assessment: first when a measure raised a risk flag.
        self.risk_panel: RiskAssessmentPanel | None = None
        if not self.psychotherapy:
            flagged = bool(self.ws.measures.open_risk_flags(self.note.client_id))
            self.risk_panel = RiskAssessmentPanel(
                sections_box, alert=RISK_FLAG_TEXT if flagged and not self.read_only else ""
            )
            self.risk_panel.set_assessment(self.note.risk_assessment)
            self.risk_panel.changed.connect(self._on_changed)
            self.metadata.changed.connect(self._follow_screen)
            s_lay.insertWidget(0 if flagged else s_lay.count(), self.risk_panel)
        s_lay.addStretch(1)
        if not self.psychotherapy:
            self._watch_edit(self.metadata.risk_detail)
        self.sections_scroll = _scroll(sections_box, "sections_scroll")
        self.sections_scroll.setMinimumWidth(340)

        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setObjectName("side_splitter")
        self.checklist = ChecklistPanel(psychotherapy=self.psychotherapy)
        self.checklist.go_to.connect(self.go_to)
        self.preview = NotePreview()
        # The signature, corrections and reviews: shown under the note, never merged into it.
        self.record = ThemedBrowser()
        self.record.setObjectName("signed_record")
        self.record.setAccessibleName("Signature, corrections and reviews")
        self.side.addWidget(self.checklist)
        self.side.addWidget(self.preview)
        self.side.addWidget(self.record)
        self.side.setStretchFactor(0, 1)
        self.side.setStretchFactor(1, 3)
        self.side.setStretchFactor(2, 2)
        kind = "signed" if self.read_only else "draft"
        remember_splitter(self.side, f"note.side.{kind}", default=[230, 440, 260])
        self.record.setVisible(self.read_only)
        if self.read_only:
            self.checklist.hide()  # the checklist is about signing; this note is signed

        for w in (self.meta_scroll, self.sections_scroll, self.side):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        remember_splitter(
            self.splitter,
            "note.psychotherapy" if self.psychotherapy else "note.editor",
            default=[300, 560, 440] if not self.psychotherapy else [220, 640, 440],
        )
        return self.splitter

    def _watch_edit(self, edit: SpellTextEdit) -> None:
        edit.installEventFilter(self)
        edit.dictionaryChanged.connect(self._dictionary_changed)
        if self._last_edit is None:
            self._last_edit = edit

    def _build_timers(self) -> None:
        def timer(ms: int, slot: Any) -> QTimer:
            t = QTimer(self)
            t.setSingleShot(True)
            t.setInterval(ms)
            t.timeout.connect(slot)
            return t

        self._debounce = timer(self.SAVE_DELAY_MS, self.flush)
        self._max_wait = timer(self.MAX_WAIT_MS, self.flush)
        self._retry = timer(self.RETRY_MS, self.flush)
        self._preview_timer = timer(self.PREVIEW_DELAY_MS, self.refresh_preview)
        for section in self.sections.values():
            section.changed.connect(self._on_changed)
        self.metadata.changed.connect(self._on_changed)

    def _build_shortcuts(self) -> None:
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for shortcut_id, slot in (
            ("quick_phrase", self.open_quick_phrases),
            ("save", self.flush),
            ("sign", self.open_sign),
            ("next_section", lambda: self.step_section(1)),
            ("previous_section", lambda: self.step_section(-1)),
        ):
            shortcuts.bind(self, shortcut_id, slot, context=ctx)

    # --- loading -----------------------------------------------------------------------

    def _follow_screen(self) -> None:
        """The risk assessment shows the session details' screen (one risk screen)."""
        if self.risk_panel is not None:
            self.risk_panel.set_screen(self.metadata.session().risk)

    def _load(self, note: Note) -> None:
        self.note = note
        conflicts: list[RiskConflict] = []
        if not self.read_only and self.risk_panel is not None:
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
        if not self.read_only:
            self._show_saved(note)
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
        self._stop_timers()
        self.dirty = False
        self._load(self.ws.notes.get(self.note.id))
        self.refresh_preview()

    def _on_rated(self, note: Note) -> None:
        self.note = replace(self.note, goal_progress=note.goal_progress)
        self.refresh_preview()
        self.saved.emit(note)

    def _on_adherence(self, note: Note) -> None:
        self.note = replace(self.note, adherence=note.adherence)
        self.refresh_preview()
        self.saved.emit(note)

    def _set_read_only(self) -> None:
        if self.objectives is not None:
            self.objectives.set_read_only()
        if self.adherence is not None:
            self.adherence.set_read_only()
        for editor in self.sections.values():
            editor.set_read_only(True)
        if self.risk_panel is not None:
            self.risk_panel.set_read_only(True)
            self.risk_panel.set_alert("")
            self.risk_panel.setVisible(self.note.risk_assessment is not None)
        self.metadata.set_read_only(True)
        for b in (self.undo_button, self.redo_button, self.phrase_button):
            b.setEnabled(False)
        self.autosave_label.setText("Read only")
        self.checklist.hide()
        self.signed_banner.show()
        self.record.show()
        self.status_chip.setText("Signed")
        theme.set_chip(self.status_chip, "signed")
        self.refresh_record()

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
        if self.risk_panel is not None and not self.read_only:
            note = replace(note, risk_assessment=self.risk_panel.assessment_or_none())
        return note

    def word_count(self) -> int:
        return sum(len(v.split()) for v in self.field_values().values() if isinstance(v, str))

    # --- autosave ----------------------------------------------------------------------

    def _on_changed(self) -> None:
        if self.read_only:
            return
        self.dirty = True
        if not self.last_error:
            self.autosave_label.setText("Saving…")
        self._debounce.start()
        if not self._max_wait.isActive():
            self._max_wait.start()
        self._preview_timer.start()

    def _stop_timers(self) -> None:
        for t in (self._debounce, self._max_wait, self._retry):
            t.stop()

    def flush(self) -> bool:
        """Save now if anything changed. False (and a red banner, and a retry) on failure."""
        if self.read_only or not self.dirty:
            return True
        self._stop_timers()
        try:
            risk = self.risk_panel.assessment() if self.risk_panel is not None else None
            note = self.ws.notes.save(
                self.note.id,
                fields=self.field_values(),
                session=self.metadata.session(),
                autosave=True,
                risk_assessment=risk,
                clear_risk_assessment=risk is None and self.note.risk_assessment is not None,
            )
        except Exception as exc:  # any failure: keep the text on screen and keep trying
            self.last_error = message_for(exc)
            self.save_error.setText(f"Not saved: {self.last_error} Retrying…")
            self.save_error.show()
            self.autosave_label.setText("Not saved")
            self._retry.start()
            return False
        self.note = note
        self.dirty = False
        self.last_error = ""
        self.save_error.hide()
        self._show_saved(note)
        self.saved.emit(note)
        return True

    def _show_saved(self, note: Note) -> None:
        when = note.updated_at or self.ws.clock.now()
        self.autosave_label.setText(f"All changes saved · {when.astimezone():%H:%M}")

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
        if self.preview_toggle.isChecked():
            try:
                self.preview.show_document(self.ws.notes.render(draft))
            except Exception as exc:  # a broken custom template must not stop the typing
                self.preview.show_message(f"The preview cannot be shown: {message_for(exc)}")
        if self.psychotherapy:
            self.checklist.set_warnings(self.ws.notes.psychotherapy_warnings(draft))
        else:
            self.checklist.set_result(self.ws.notes.check(draft))
        self._show_same_day(draft)
        words = self.word_count()
        self.word_count_label.setText(f"· {words} word{'s' if words != 1 else ''}")

    def _show_same_day(self, draft: Note) -> None:
        try:
            measures = self.ws.notes.note_measures(draft)
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
        focus = self.focusWidget()
        here = next((i for i, p in enumerate(parts) if focus and p.isAncestorOf(focus)), -1)
        target = parts[max(0, min(len(parts) - 1, here + step if here >= 0 else 0))]
        self.sections_scroll.ensureWidgetVisible(target, 0, 40)
        if isinstance(target, SectionEditor):
            target.focus_input()
        else:
            self.risk_panel.level.setFocus(Qt.FocusReason.ShortcutFocusReason)  # type: ignore[union-attr]

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
            if not self.read_only:
                self.focus_first_empty()

    # --- editing helpers ---------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, SpellTextEdit):
            self._last_edit = obj
        return super().eventFilter(obj, event)

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
        profile = self.ws.profile.get()
        return {
            "first_name": self.client.first_name,
            "name": self.client.name,
            "date": self.metadata.session().date.isoformat(),
            "clinician": profile.signature_name if profile else "",
        }

    def open_quick_phrases(self) -> None:
        if self.read_only:
            return
        target = self._last_edit
        if target is None:
            return
        popup = QuickPhrasePopup(self.ws.reference.phrases(), self.phrase_values(), self)
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

    def open_history(self) -> None:
        self.flush()
        dialog = DraftHistoryDialog(self.ws, self.note.id, self)
        dialog.restored.connect(lambda _note: self.reload())
        self.history_dialog = dialog
        dialog.open()

    # --- signing, corrections and export -----------------------------------------------

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.sign_button = _button(
            "Sign…", "sign_button", self, "Check, sign and lock this note (Ctrl+Shift+S)"
        )
        self.addendum_button = _button(
            "Addendum…", "addendum_button", self, "Add new information, dated and signed"
        )
        self.amendment_button = _button(
            "Amendment…", "amendment_button", self, "Correct an error, with the reason, signed"
        )
        self.late_entry_button = _button(
            "Late entry…", "late_entry_button", self, "An entry written after the fact"
        )
        self.export_button = _button(
            "Export…", "export_button", self, "Word, PDF or print; optionally password-protected"
        )
        self.sign_button.clicked.connect(self.open_sign)
        self.addendum_button.clicked.connect(lambda: self.open_correction(ItemType.ADDENDUM))
        self.amendment_button.clicked.connect(lambda: self.open_correction(ItemType.AMENDMENT))
        self.late_entry_button.clicked.connect(lambda: self.open_correction(ItemType.LATE_ENTRY))
        self.export_button.clicked.connect(self.open_export)
        self.signature_label = QLabel("", self)
        self.signature_label.setObjectName("signature_line")
        self.signature_label.setTextFormat(Qt.TextFormat.PlainText)
        theme.set_tone(self.signature_label, "success")
        self.signature_label.setWordWrap(True)
        row.addWidget(self.signature_label, 1)
        row.addStretch(0)  # buttons keep their size when the signature line is hidden
        for b in (
            self.sign_button,
            self.addendum_button,
            self.amendment_button,
            self.late_entry_button,
            self.export_button,
        ):
            row.addWidget(b)
        return row

    def _show_actions(self) -> None:
        self.sign_button.setVisible(not self.read_only)
        for b in (self.addendum_button, self.amendment_button, self.late_entry_button):
            b.setVisible(self.read_only)
        self.export_button.setVisible(True)
        item = self.ws.signing.note_item(self.note.id) if self.read_only else None
        if item is not None:
            when = item.payload.get("signed_at_display") or item.signed_at
            self.signature_label.setText(
                f"✓ Electronically signed by {item.author.get('name', '')}"
                + (f", {item.author.get('credentials')}" if item.author.get("credentials") else "")
                + f" on {when}"
            )
        self.signature_label.setVisible(item is not None)

    def refresh_record(self) -> None:
        """Show the signature, corrections and reviews kept with this note."""
        items = self.ws.signing.items(self.note.id)
        self.record.show_html(lambda: record_html(items))

    def open_sign(self) -> None:
        if self.read_only:
            return
        if self.objectives is not None:
            self.objectives.flush()
        if self.adherence is not None:
            self.adherence.flush()
        if not self.flush():
            return
        dialog = SignDialog(self.ws, self.note.id, self)
        dialog.signed.connect(self._on_signed)
        self.sign_dialog = dialog
        dialog.open()

    def _on_signed(self, _item: object) -> None:
        self._stop_timers()
        self.note = self.ws.notes.get(self.note.id)
        self.read_only = True
        self.dirty = False
        self._set_read_only()
        self._show_actions()
        self.refresh_preview()
        self.saved.emit(self.note)

    def open_correction(self, kind: ItemType | str) -> None:
        if not self.read_only:
            return
        dialog = CorrectionDialog(self.ws, self.note.id, kind, self)
        dialog.added.connect(lambda _item: self.refresh_record())
        self.correction_dialog = dialog
        dialog.open()

    def open_export(self) -> None:
        self.flush()
        dialog = ExportDialog(self.ws, note_id=self.note.id, parent=self)
        self.export_dialog = dialog
        dialog.open()
