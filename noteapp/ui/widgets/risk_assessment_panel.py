"""The note editor's "Risk assessment" panel: suicidal ideation, homicidal ideation and
self-harm (each: presence, plan, intent, means, history), protective factors, the risk level
and the actions taken. Its value is a plain dict saved into the note by the editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import (
    RISK_AREAS,
    RISK_LEVELS,
    RiskAssessment,
    RiskScreen,
    risk_assessment_from_dict,
    risk_assessment_to_dict,
)
from noteapp.domain.risk import SCREENED_AREAS, presence
from noteapp.ui import theme
from noteapp.ui.a11y import announce
from noteapp.ui.widgets.layout import body_label

DOMAINS = RISK_AREAS
ASPECTS = (
    ("present", "Present"),
    ("plan", "Plan"),
    ("intent", "Intent"),
    ("means", "Means"),
    ("history", "History"),
)
DEFAULT_LEVELS = RISK_LEVELS
UNANSWERED = "—"
HINT = (
    "Ask about each; “—” means not assessed yet. Suicidal and homicidal ideation are answered "
    "once, in the risk screen of the session details; they show here read only."
)
SCREEN_TIP = "Answered in the risk screen (Session details), the one place the note records it."


def _text_edit(parent: QWidget, name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(58)
    return edit


class RiskAssessmentPanel(QWidget):
    """`changed()` fires on every edit; `value()` / `set_value(dict)` move the data."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        levels: Sequence[str] = DEFAULT_LEVELS,
        alert: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("riskAssessmentPanel")
        self.setAccessibleName("Risk assessment")
        self.read_only = False
        self.combos: dict[tuple[str, str], QComboBox] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        head = QLabel("Risk assessment", self)
        bold = QFont(head.font())
        bold.setBold(True)
        head.setFont(bold)
        lay.addWidget(head)
        self.alert = body_label(alert, self, "riskAssessmentAlert")
        theme.set_tone(self.alert, "danger-box")
        alert_font = self.alert.font()
        alert_font.setBold(True)
        self.alert.setFont(alert_font)
        self.alert.setVisible(bool(alert))
        self._announced = False
        lay.addWidget(self.alert)
        hint = body_label(HINT, self, "riskAssessmentHint")
        theme.set_tone(hint, "muted")
        lay.addWidget(hint)
        grid_box = QFrame(self)
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        for col, (_key, title) in enumerate(ASPECTS, 1):
            label = QLabel(title, grid_box)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(label, 0, col)
        for row, (domain, title) in enumerate(DOMAINS, 1):
            grid.addWidget(QLabel(title.replace(" ", "\n", 1), grid_box), row, 0)
            for col, (aspect, aspect_title) in enumerate(ASPECTS, 1):
                combo = QComboBox(grid_box)
                combo.setObjectName(f"risk_{domain}_{aspect}")
                combo.setAccessibleName(f"{title}: {aspect_title.lower()}")
                combo.addItem(UNANSWERED, None)
                combo.addItem("No", False)
                combo.addItem("Yes", True)
                combo.setMinimumContentsLength(3)
                combo.currentIndexChanged.connect(self._edited)
                grid.addWidget(combo, row, col)
                self.combos[(domain, aspect)] = combo
        # One risk screen per note: these two mirror the session details (domain/risk.py).
        self.screened = [self.combos[(key, "present")] for key, _label in SCREENED_AREAS]
        for combo in self.screened:
            combo.setEnabled(False)
            combo.setToolTip(SCREEN_TIP)
        lay.addWidget(grid_box)
        lay.addWidget(QLabel("Protective factors", self))
        self.protective = _text_edit(
            self,
            "riskProtectiveEdit",
            "Protective factors",
            "e.g. children at home, engaged in treatment, future plans",
        )
        lay.addWidget(self.protective)
        level_row = QGridLayout()
        level_row.addWidget(QLabel("Risk level", self), 0, 0)
        self.level = QComboBox(self)
        self.level.setObjectName("riskLevelCombo")
        self.level.setAccessibleName("Risk level")
        self.level.addItem(UNANSWERED, "")
        for level in levels:
            self.level.addItem(str(level).capitalize(), str(level))
        self.level.currentIndexChanged.connect(self._edited)
        level_row.addWidget(self.level, 0, 1)
        level_row.setColumnStretch(2, 1)
        lay.addLayout(level_row)
        lay.addWidget(QLabel("Actions taken", self))
        self.actions_edit = _text_edit(
            self,
            "riskActionsEdit",
            "Actions taken",
            "e.g. safety plan reviewed, means counselling, crisis line given",
        )
        lay.addWidget(self.actions_edit)
        self.protective.textChanged.connect(self._edited)
        self.actions_edit.textChanged.connect(self._edited)
        self.missing_label = body_label("", self, "riskAssessmentMissing")
        theme.set_tone(self.missing_label, "muted")
        lay.addWidget(self.missing_label)
        self._notes: dict[str, str] = {}  # per-area notes (from the CLI) kept as they were
        self._loading = False
        self._show_missing()

    def _edited(self, *_: Any) -> None:
        if not self._loading and not self.read_only:
            self._show_missing()
            self.changed.emit()

    def _show_missing(self) -> None:
        screened = {
            f"{label.lower()}: presence": f"{label.lower()} (risk screen, session details)"
            for _key, label in SCREENED_AREAS
        }
        missing = [screened.get(m, m) for m in self.assessment_or_empty().missing()]
        self.missing_label.setText(
            "✓ Complete." if not missing else "Still to answer: " + ", ".join(missing) + "."
        )

    def assessment_or_empty(self) -> RiskAssessment:
        try:
            return risk_assessment_from_dict(self.value())
        except Exception:  # texts over the limit: report as incomplete, the save says why
            return RiskAssessment()

    def assessment(self) -> RiskAssessment | None:
        """The structured assessment (None while nothing is filled in)."""
        return None if self.is_empty() else risk_assessment_from_dict(self.value())

    def assessment_or_none(self) -> RiskAssessment | None:
        """Like `assessment()`, but never raises (for the live checklist)."""
        return None if self.is_empty() else self.assessment_or_empty()

    def set_assessment(self, assessment: RiskAssessment | None) -> None:
        self.set_value(risk_assessment_to_dict(assessment) if assessment else None)

    def set_screen(self, screen: RiskScreen) -> None:
        """Show the session details' answers for suicidal and homicidal ideation (not an
        edit: the screen's own change already counts as one)."""
        self._loading = True
        try:
            for key, _label in SCREENED_AREAS:
                combo = self.combos[(key, "present")]
                answer = presence(getattr(screen, key))
                combo.setCurrentIndex(0 if answer is None else combo.findData(answer))
        finally:
            self._loading = False
        self._show_missing()

    def set_alert(self, text: str) -> None:
        said = self.alert.text()
        self.alert.setText(text)
        self.alert.setVisible(bool(text))
        if text and text != said and self.isVisible():
            announce(self.alert, text, alert=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The alert is why this section comes first: a screen reader says it on opening.
        if self.alert.isVisibleTo(self) and not self._announced:
            self._announced = True
            announce(self.alert, self.alert.text(), alert=True)

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for domain, _title in DOMAINS:
            out[domain] = {
                aspect: self.combos[(domain, aspect)].currentData() for aspect, _t in ASPECTS
            }
            out[domain]["notes"] = self._notes.get(domain, "")
        out["protective_factors"] = self.protective.toPlainText().strip()
        out["risk_level"] = str(self.level.currentData() or "")
        out["actions_taken"] = self.actions_edit.toPlainText().strip()
        return out

    def is_empty(self) -> bool:
        """Nothing entered here. The mirrored screen answers do not count: a routine note
        with a denied screen has no risk-assessment section."""
        v = self.value()
        mirrored = {(key, "present") for key, _label in SCREENED_AREAS}
        answered = any(
            v[d][a] is not None for d, _t in DOMAINS for a, _u in ASPECTS if (d, a) not in mirrored
        )
        return not (answered or v["protective_factors"] or v["risk_level"] or v["actions_taken"])

    def set_value(self, value: dict[str, Any] | None) -> None:
        value = value or {}
        self._notes = {
            d: str((value.get(d) or {}).get("notes", "") or "")
            for d, _t in DOMAINS
            if isinstance(value.get(d), dict)
        }
        self._loading = True
        try:
            for (domain, aspect), combo in self.combos.items():
                part = value.get(domain) or {}
                given = part.get(aspect) if isinstance(part, dict) else None
                combo.setCurrentIndex(0 if given is None else combo.findData(bool(given)))
            self.protective.setPlainText(str(value.get("protective_factors", "") or ""))
            index = self.level.findData(str(value.get("risk_level", "") or ""))
            self.level.setCurrentIndex(max(index, 0))
            self.actions_edit.setPlainText(str(value.get("actions_taken", "") or ""))
        finally:
            self._loading = False
        self._show_missing()

    def set_read_only(self, read_only: bool = True) -> None:
        self.read_only = read_only
        for combo in self.combos.values():
            combo.setEnabled(not read_only and combo not in self.screened)
        self.level.setEnabled(not read_only)
        self.protective.setReadOnly(read_only)
        self.actions_edit.setReadOnly(read_only)
