"""How the note editor is laid out: the toolbar, the header, the banners, and the three
panes (session details and goal progress; the template's sections and the risk assessment;
the checklist over the preview). NoteEditorView builds itself with these."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client
from noteapp.domain.notes import Note
from noteapp.ui import shortcuts, theme
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.views.draft_saver import DraftSaver
from noteapp.ui.widgets.adherence_panel import AdherencePanel
from noteapp.ui.widgets.banner import Banner
from noteapp.ui.widgets.checklist_panel import ChecklistPanel
from noteapp.ui.widgets.metadata_panel import MetadataPanel
from noteapp.ui.widgets.note_preview import NotePreview
from noteapp.ui.widgets.note_toolbar import (
    add_action,
    add_export_action,
    note_title,
    note_toolbar,
)
from noteapp.ui.widgets.objectives_panel import ObjectivesPanel
from noteapp.ui.widgets.risk_assessment_panel import RiskAssessmentPanel
from noteapp.ui.widgets.section_editor import SectionEditor
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit

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


def _scroll(inner: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


class NoteEditorBase(QWidget):
    """The note editor's layout (see the module doc); NoteEditorView fills in the hooks."""

    services: NoteServices
    note: Note
    client: Client
    template: Any  # the note's template (services' Template)
    psychotherapy: bool
    saver: DraftSaver
    _ignored: set[str]
    _last_edit: SpellTextEdit | None

    # --- hooks (NoteEditorView) --------------------------------------------------------

    def undo(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        raise NotImplementedError

    def open_quick_phrases(self) -> None:
        raise NotImplementedError

    def open_history(self) -> None:
        raise NotImplementedError

    def open_sign(self) -> None:
        raise NotImplementedError

    def open_export(self) -> None:
        raise NotImplementedError

    def go_to(self, field_id: str, rule: str = "") -> None:
        raise NotImplementedError

    def _toggle_preview(self, on: bool) -> None:
        raise NotImplementedError

    def _on_changed(self) -> None:
        raise NotImplementedError

    def _on_rated(self, note: Note) -> None:
        raise NotImplementedError

    def _on_adherence(self, note: Note) -> None:
        raise NotImplementedError

    def _follow_screen(self) -> None:
        raise NotImplementedError

    def _watch_edit(self, edit: SpellTextEdit) -> None:
        raise NotImplementedError

    # --- building ----------------------------------------------------------------------

    def _build_toolbar(self) -> QToolBar:
        bar = note_toolbar(self, "noteToolbar")
        self.undo_action, self.undo_button = add_action(
            self,
            bar,
            "Undo",
            "undo_button",
            self.undo,
            tip=shortcuts.with_keys("Undo in the field", "undo"),
        )
        self.redo_action, self.redo_button = add_action(
            self, bar, "Redo", "redo_button", self.redo, tip=shortcuts.with_keys("Redo", "redo")
        )
        self.phrase_action, self.phrase_button = add_action(
            self,
            bar,
            "Quick phrase…",
            "quick_phrase_button",
            self.open_quick_phrases,
            tip="Insert a quick phrase",
            shortcut="quick_phrase",
        )
        self.history_action, self.history_button = add_action(
            self, bar, "History…", "history_button", self.open_history, tip="Earlier versions"
        )
        self.preview_action, self.preview_toggle = add_action(
            self, bar, "Preview", "preview_toggle", lambda: None, tip="Show the preview"
        )
        self.preview_action.setCheckable(True)
        self.preview_action.setChecked(True)
        self.preview_action.toggled.connect(self._toggle_preview)
        bar.addSeparator()
        self.sign_action, self.sign_button = add_action(
            self,
            bar,
            "Sign…",
            "sign_button",
            self.open_sign,
            tip="Check, sign and lock this note",
            shortcut="sign",
        )
        self.export_action, self.export_button = add_export_action(self, bar, self.open_export)
        return bar

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        title = note_title(self, self.client.name, "editor_client_name")
        sub = QLabel(f"· {self.template.name}", self)
        sub.setObjectName("editor_template_name")
        sub.setTextFormat(Qt.TextFormat.PlainText)
        self.status_chip = QLabel("Draft", self)
        self.status_chip.setObjectName("status_chip")
        theme.set_chip(self.status_chip, "draft")
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
        if self.note.copied_from:
            lay.addWidget(
                Banner(COPIED_TEXT, object_name="copied_banner", button_text="Got it", parent=self)
            )

    def _build_body(self, services: NoteServices) -> QSplitter:
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
            services.reference.get(),
            self.client.diagnoses,
            services.speller,
            meta_box,
            psychotherapy=self.psychotherapy,
        )
        meta_lay.addWidget(self.metadata)
        # Goal progress belongs to the progress note, never to psychotherapy notes.
        self.objectives: ObjectivesPanel | None = None
        if not self.psychotherapy:
            self.objectives = ObjectivesPanel(
                services.plans, self.note, meta_box, submit=self.saver.submit
            )
            self.objectives.rated.connect(self._on_rated)
            meta_lay.addWidget(self.objectives)
        # Medication adherence (issue 13): part of the progress note, never the process note.
        self.adherence: AdherencePanel | None = None
        if not self.psychotherapy:
            self.adherence = AdherencePanel(
                services.medications, self.note, meta_box, submit=self.saver.submit
            )
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
                section, services.speller, sections_box, ignored_words=self._ignored
            )
            self.sections[section.field_id] = editor
            s_lay.addWidget(editor)
            if editor.text_edit is not None:
                self._watch_edit(editor.text_edit)
        # The structured risk assessment: first when a measure raised a risk flag.
        self.risk_panel: RiskAssessmentPanel | None = None
        if not self.psychotherapy:
            flagged = bool(services.measures.open_risk_flags(self.note.client_id))
            self.risk_panel = RiskAssessmentPanel(
                sections_box, alert=RISK_FLAG_TEXT if flagged else ""
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
        self.side.addWidget(self.checklist)
        self.side.addWidget(self.preview)
        self.side.setStretchFactor(0, 1)
        self.side.setStretchFactor(1, 3)
        remember_splitter(self.side, "note.side.draft", default=[230, 700])

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
