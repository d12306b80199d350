"""The Plan tab of a client's chart: the treatment plan (edited while a draft, read-only once
signed), its versions, signing, acknowledgement, review and export, and the progress chart
of its objectives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
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

from noteapp.domain.plans import Plan, PlanStatus
from noteapp.ui import theme
from noteapp.ui.dialogs.plan_ack_dialog import PlanAckDialog
from noteapp.ui.dialogs.plan_compare_dialog import PlanCompareDialog
from noteapp.ui.dialogs.plan_export_dialog import PlanExportDialog
from noteapp.ui.dialogs.plan_review_dialog import PlanReviewDialog
from noteapp.ui.dialogs.plan_sign_dialog import PlanSignDialog
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.service_bundles import PlanServices
from noteapp.ui.views.versioned_tab import VersionedDraftMixin
from noteapp.ui.widgets.layout import body_label, error_label
from noteapp.ui.widgets.note_preview import NotePreview
from noteapp.ui.widgets.plan_editor import PlanEditor
from noteapp.ui.widgets.progress_chart import ProgressChart
from noteapp.ui.widgets.signed_record import record_html
from noteapp.ui.widgets.themed_browser import ThemedBrowser
from noteapp.ui.widgets.version_picker import VersionPicker

DUE_SOON_DAYS = 14
CHIPS = {PlanStatus.DRAFT: "draft", PlanStatus.SIGNED: "signed", PlanStatus.SUPERSEDED: "neutral"}
CHART_SHARE = (58, 42)  # plan : progress chart, by default (the chart ≥ 40 %)
NO_PLAN_TEXT = (
    "No treatment plan yet. Start one here, or import one from a JSON file with "
    "“noteapp plan import”."
)


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


def review_state(due: date | None, today: date) -> str:
    """ "overdue", "soon" (within 14 days) or "" — drives the amber / red colouring."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "soon" if due <= today + timedelta(days=DUE_SOON_DAYS) else ""


class PlanTab(VersionedDraftMixin, QWidget):
    SAVE_DELAY_MS = 800

    def __init__(
        self,
        ws: PlanServices,
        client_id: str,
        parent: QWidget | None = None,
        *,
        library: Callable[[], dict[str, Any] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("plan_tab")
        self.ws = ws
        self.client_id = client_id
        self.plan: Plan | None = None
        self.dirty = False
        self.active_dialog: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(self._build_header())
        lay.addLayout(self._build_actions())
        self.error = error_label(self, "planError")
        lay.addWidget(self.error)
        # The plan above, its progress chart below: a splitter the clinician can move (and
        # that remembers), with the chart given 40 % of the height to start with.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("planSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.stack = QStackedWidget(self.splitter)
        self.stack.setObjectName("planStack")
        self.stack.setMinimumHeight(140)
        self.empty = body_label(NO_PLAN_TEXT, self.stack, "planEmptyLabel")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.editor = PlanEditor(self.stack, library=library)
        self.editor.changed.connect(self._edited)
        signed_box = QSplitter(Qt.Orientation.Horizontal, self.stack)
        signed_box.setObjectName("planSignedSplitter")
        self.preview = NotePreview(signed_box)
        self.preview.setObjectName("planPreview")
        self.preview.setAccessibleName("The signed plan")
        self.record = ThemedBrowser(signed_box)
        self.record.setObjectName("planRecord")
        self.record.setAccessibleName("Signature, acknowledgements and reviews")
        remember_splitter(signed_box, "plan.signed", default=[3, 2])
        for w in (self.empty, self.editor, signed_box):
            self.stack.addWidget(w)
        self.signed_box = signed_box
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self._build_progress(self.splitter))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        remember_splitter(self.splitter, "plan.chart", default=[CHART_SHARE[0], CHART_SHARE[1]])
        lay.addWidget(self.splitter, 1)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(self.SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self.refresh()

    # --- building ----------------------------------------------------------------------

    def _build_header(self) -> QVBoxLayout:
        """Title, status and version; under them the dates (one line was too long for a
        laptop's chart)."""
        head = QVBoxLayout()
        head.setSpacing(2)
        row = QHBoxLayout()
        title = QLabel("Treatment plan", self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        row.addWidget(title)
        self.status_chip = QLabel("", self)
        self.status_chip.setObjectName("planStatusChip")
        self.versions = VersionPicker("planVersions", "Version of the plan shown", self)
        self.versions.chosen.connect(self._version_chosen)
        self.dates_label = QLabel("", self)
        self.dates_label.setObjectName("planDatesLabel")
        self.review_label = QLabel("", self)
        self.review_label.setObjectName("planNextReviewLabel")
        self.save_label = QLabel("", self)
        self.save_label.setObjectName("planSaveLabel")
        theme.set_tone(self.save_label, "muted")
        for w in (self.status_chip, self.versions):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.save_label)
        head.addLayout(row)
        dates = QHBoxLayout()
        dates.addWidget(self.dates_label)
        dates.addWidget(self.review_label)
        dates.addStretch(1)
        head.addLayout(dates)
        return head

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_button = _button("Start a plan", "planNewButton", self, "A new draft plan")
        self.sign_button = _button("Sign plan…", "planSignButton", self, "Check, sign and lock")
        self.revise_button = _button(
            "Revise", "planReviseButton", self, "Start the next version from the signed one"
        )
        self.ack_button = _button(
            "Record acknowledgement…", "planAckButton", self, "The client's acknowledgement"
        )
        self.review_button = _button(
            "Plan review…", "planReviewButton", self, "Review progress and sign the review"
        )
        self.export_button = _button("Export…", "planExportButton", self, "Word document")
        self.compare_button = _button(
            "Compare with previous",
            "planCompareButton",
            self,
            "What changed from the version before",
        )
        self.compare_button.clicked.connect(self.open_compare)
        self.new_button.clicked.connect(self.new_plan)
        self.sign_button.clicked.connect(self.open_sign)
        self.revise_button.clicked.connect(self.revise)
        self.ack_button.clicked.connect(self.open_ack)
        self.review_button.clicked.connect(self.open_review)
        self.export_button.clicked.connect(self.open_export)
        for b in (
            self.new_button,
            self.sign_button,
            self.revise_button,
            self.ack_button,
            self.review_button,
            self.export_button,
            self.compare_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        return row

    def _build_progress(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 4, 0, 0)
        head = QLabel("Progress on the objectives", box)
        font = QFont(head.font())
        font.setBold(True)
        head.setFont(font)
        lay.addWidget(head)
        self.chart = ProgressChart()
        area = QScrollArea(box)
        area.setObjectName("progressScroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.chart)
        lay.addWidget(area, 1)
        return box

    # --- showing -----------------------------------------------------------------------

    def today(self) -> date:
        result: date = self.ws.clock.now().date()
        return result

    def refresh(self, select_id: str | None = None) -> None:
        """Reload the versions and show `select_id` (default: the latest)."""
        versions = self.ws.plans.versions(self.client_id)
        target = select_id or (versions[-1].id if versions else None)
        self.versions.set_versions(versions, target)
        self._show(self.ws.plans.get(target) if target else None)
        latest = versions[-1] if versions else None
        self.chart.set_progress(self.ws.plans.progress(self.client_id), has_plan=bool(latest))

    def _version_chosen(self, plan_id: str) -> None:
        self.flush()
        self._show(self.ws.plans.get(plan_id))

    def _show(self, plan: Plan | None) -> None:
        self.plan = plan
        latest = self.ws.plans.latest(self.client_id)
        has = plan is not None
        for w in (self.status_chip, self.dates_label):
            w.setVisible(has)
        self.new_button.setVisible(latest is None)
        self.sign_button.setEnabled(has and plan is not None and not plan.is_signed)
        self.revise_button.setEnabled(latest is not None and latest.is_signed)
        self.ack_button.setEnabled(has)
        self.review_button.setEnabled(plan is not None and plan.status == PlanStatus.SIGNED)
        self.export_button.setEnabled(plan is not None and plan.is_signed)
        self.compare_button.setEnabled(
            plan is not None and self.ws.plans.previous_version(plan) is not None
        )
        if plan is None:
            self.stack.setCurrentWidget(self.empty)
            self.review_label.setText("")
            return
        self.status_chip.setText(plan.status.value.capitalize())
        theme.set_chip(self.status_chip, CHIPS[plan.status])
        vf = plan.valid_from.isoformat() if plan.valid_from else "…"
        vu = plan.valid_until.isoformat() if plan.valid_until else "…"
        self.dates_label.setText(f"Valid {vf} – {vu}")
        self._show_review(plan)
        if plan.is_signed:
            self.preview.show_document(self.ws.plans.render(plan))
            items = self.ws.signing.items(plan.id)
            self.record.show_html(lambda: record_html(items))
            self.stack.setCurrentWidget(self.signed_box)
        else:
            self.editor.set_plan(plan)
            self.stack.setCurrentWidget(self.editor)

    def _show_review(self, plan: Plan) -> None:
        if plan.status != PlanStatus.SIGNED:
            self.review_label.setText("")
            self.review_state = ""
            return
        due = self.ws.plans.next_review(plan)
        self.review_state = review_state(due, self.today())
        tone = {"overdue": "danger", "soon": "warning"}.get(self.review_state, "")
        text = f"·  next review {due.isoformat()}" if due else ""
        if self.review_state == "overdue":
            text += " (overdue)"
        elif self.review_state == "soon":
            text += " (due soon)"
        self.review_label.setText(text)
        theme.set_tone(self.review_label, tone)
        font = self.review_label.font()
        font.setBold(bool(tone))
        self.review_label.setFont(font)

    # --- editing -----------------------------------------------------------------------

    def _service(self) -> Any:
        return self.ws.plans

    def _edited_draft(self) -> Any:
        return self.editor.plan()

    # --- dialogs -----------------------------------------------------------------------

    def _open(self, dialog: Any, signal: str) -> None:
        getattr(dialog, signal).connect(
            lambda *_: self.refresh(self.plan.id if self.plan else None)
        )
        self.active_dialog = dialog
        dialog.open()

    def open_sign(self) -> None:
        if self.plan is None or self.plan.is_signed or not self.flush():
            return
        self._open(PlanSignDialog(self.ws.plans, self.ws.settings, self.plan.id, self), "signed")

    def open_ack(self) -> None:
        if self.plan is None or not self.flush():
            return
        ws = self.ws
        self._open(PlanAckDialog(ws.plans, ws.settings, ws.clock, self.plan.id, self), "recorded")

    def open_review(self) -> None:
        if self.plan is None or self.plan.status != PlanStatus.SIGNED:
            return
        self._open(PlanReviewDialog(self.ws.plans, self.ws.settings, self.plan.id, self), "signed")

    def open_export(self) -> None:
        if self.plan is None or not self.plan.is_signed:
            return
        dialog = PlanExportDialog(self.ws.exports, self.ws.plans, self.plan.id, self)
        dialog.exported.connect(lambda path: self.save_label.setText(f"Exported to {path}"))
        self.active_dialog = dialog
        dialog.open()

    def open_compare(self) -> None:
        if self.plan is None:
            return
        self.flush()
        dialog = PlanCompareDialog(self.ws.plans, self.plan.id, self)
        self.active_dialog = dialog
        dialog.open()
