"""The Safety plan tab of a client's chart: the six steps and reasons for living (edited while
a draft, read-only once signed), crisis lines prefilled from the defaults, signing, revising,
versions, and the two exports (the client's copy and the clinical document)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.safety_plan import SafetyPlan, SafetyPlanStatus
from noteapp.ui import theme
from noteapp.ui.dialogs.safety_plan_export_dialog import SafetyPlanExportDialog
from noteapp.ui.dialogs.safety_plan_sign_dialog import SafetyPlanSignDialog
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.service_bundles import SafetyPlanServices
from noteapp.ui.views.versioned_tab import VersionedDraftMixin
from noteapp.ui.widgets.layout import body_label, error_label
from noteapp.ui.widgets.note_preview import NotePreview
from noteapp.ui.widgets.safety_plan_editor import SafetyPlanEditor
from noteapp.ui.widgets.signed_record import record_html
from noteapp.ui.widgets.themed_browser import ThemedBrowser
from noteapp.ui.widgets.version_picker import VersionPicker

CHIPS = {
    SafetyPlanStatus.DRAFT: "draft",
    SafetyPlanStatus.SIGNED: "signed",
    SafetyPlanStatus.SUPERSEDED: "neutral",
}
NO_PLAN_TEXT = (
    "No safety plan yet. Start one together with the client: warning signs, coping "
    "strategies, people and places, professionals and crisis lines, making the environment "
    "safe, and their reasons for living."
)


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


class SafetyPlanTab(VersionedDraftMixin, QWidget):
    SAVE_DELAY_MS = 800

    def __init__(
        self, ws: SafetyPlanServices, client_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("safety_plan_tab")
        self.ws = ws
        self.client_id = client_id
        self.plan: SafetyPlan | None = None
        self.dirty = False
        self.active_dialog: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(self._build_header())
        lay.addLayout(self._build_actions())
        self.error = error_label(self, "safetyPlanError")
        lay.addWidget(self.error)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("safetyPlanStack")
        self.empty = body_label(NO_PLAN_TEXT, self.stack, "safetyPlanEmptyLabel")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.editor = SafetyPlanEditor()
        self.editor.changed.connect(self._edited)
        self.editor_scroll = QScrollArea(self.stack)
        self.editor_scroll.setObjectName("safetyPlanEditorScroll")
        self.editor_scroll.setWidgetResizable(True)
        self.editor_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.editor_scroll.setWidget(self.editor)
        signed_box = QSplitter(Qt.Orientation.Horizontal, self.stack)
        signed_box.setObjectName("safetyPlanSignedSplitter")
        self.preview = NotePreview(signed_box)
        self.preview.setObjectName("safetyPlanPreview")
        self.preview.setAccessibleName("The signed safety plan")
        self.record = ThemedBrowser(signed_box)
        self.record.setObjectName("safetyPlanRecord")
        self.record.setAccessibleName("Signature")
        remember_splitter(signed_box, "safetyPlan.signed", default=[3, 2])
        self.signed_box = signed_box
        for w in (self.empty, self.editor_scroll, signed_box):
            self.stack.addWidget(w)
        lay.addWidget(self.stack, 1)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(self.SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self.refresh()

    # --- building ----------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel("Safety plan", self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        row.addWidget(title)
        self.status_chip = QLabel("", self)
        self.status_chip.setObjectName("safetyPlanStatusChip")
        self.versions = VersionPicker(
            "safetyPlanVersions", "Version of the safety plan shown", self
        )
        self.versions.chosen.connect(self._version_chosen)
        self.save_label = QLabel("", self)
        self.save_label.setObjectName("safetyPlanSaveLabel")
        theme.set_tone(self.save_label, "muted")
        row.addWidget(self.status_chip)
        row.addWidget(self.versions)
        row.addStretch(1)
        row.addWidget(self.save_label)
        return row

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_button = _button(
            "Start a safety plan",
            "safetyPlanNewButton",
            self,
            "A new draft, crisis lines filled in",
        )
        self.sign_button = _button("Sign…", "safetyPlanSignButton", self, "Check, sign and lock")
        self.revise_button = _button(
            "Revise", "safetyPlanReviseButton", self, "Start the next version from the signed one"
        )
        self.client_copy_button = _button(
            "Export client copy…",
            "safetyPlanClientCopyButton",
            self,
            "A plain, large-print Word copy for the client",
        )
        self.export_button = _button(
            "Export (clinical)…", "safetyPlanExportButton", self, "Signed Word document"
        )
        self.new_button.clicked.connect(self.new_plan)
        self.sign_button.clicked.connect(self.open_sign)
        self.revise_button.clicked.connect(self.revise)
        self.client_copy_button.clicked.connect(lambda: self.open_export(client_copy=True))
        self.export_button.clicked.connect(lambda: self.open_export(client_copy=False))
        for b in (
            self.new_button,
            self.sign_button,
            self.revise_button,
            self.client_copy_button,
            self.export_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        return row

    # --- showing -----------------------------------------------------------------------

    def refresh(self, select_id: str | None = None) -> None:
        versions = self.ws.safety_plans.versions(self.client_id)
        target = select_id or (versions[-1].id if versions else None)
        self.versions.set_versions(versions, target)
        self._show(self.ws.safety_plans.get(target) if target else None)

    def _version_chosen(self, plan_id: str) -> None:
        self.flush()
        self._show(self.ws.safety_plans.get(plan_id))

    def _show(self, plan: SafetyPlan | None) -> None:
        self.plan = plan
        latest = self.ws.safety_plans.latest(self.client_id)
        self.status_chip.setVisible(plan is not None)
        self.new_button.setVisible(latest is None)
        self.sign_button.setEnabled(plan is not None and not plan.is_signed)
        self.revise_button.setEnabled(latest is not None and latest.is_signed)
        signed = plan is not None and plan.is_signed
        self.client_copy_button.setEnabled(signed)
        self.export_button.setEnabled(signed)
        if plan is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.status_chip.setText(plan.status.value.capitalize())
        theme.set_chip(self.status_chip, CHIPS[plan.status])
        if plan.is_signed:
            self.preview.show_document(self.ws.safety_plans.render(plan))
            items = self.ws.signing.items(plan.id)
            self.record.show_html(lambda: record_html(items))
            self.stack.setCurrentWidget(self.signed_box)
        else:
            self.editor.set_plan(plan)
            self.stack.setCurrentWidget(self.editor_scroll)

    # --- editing -----------------------------------------------------------------------

    def _service(self) -> Any:
        return self.ws.safety_plans

    def _edited_draft(self) -> Any:
        return self.editor.edited_plan()

    # --- dialogs -----------------------------------------------------------------------

    def open_sign(self) -> None:
        if self.plan is None or self.plan.is_signed or not self.flush():
            return
        dialog = SafetyPlanSignDialog(self.ws.safety_plans, self.ws.settings, self.plan.id, self)
        dialog.signed.connect(lambda *_: self.refresh(self.plan.id if self.plan else None))
        self.active_dialog = dialog
        dialog.open()

    def open_export(self, *, client_copy: bool) -> None:
        if self.plan is None or not self.plan.is_signed:
            return
        dialog = SafetyPlanExportDialog(
            self.ws.exports, self.ws.safety_plans, self.plan.id, self, client_copy=client_copy
        )
        dialog.exported.connect(lambda path: self.save_label.setText(f"Exported to {path}"))
        self.active_dialog = dialog
        dialog.open()
