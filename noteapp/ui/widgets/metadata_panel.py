"""Session details of a note: date, times, service code, modality, diagnoses, risk screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Diagnosis
from noteapp.domain.notes import Modality, RiskScreen, ScreenResult, SessionInfo
from noteapp.ui import theme
from noteapp.ui.widgets.optional_date import is_clear_key, tab_leaves
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit

_NOT_SET = QTime(0, 0)
_SCREEN_LABELS = {
    ScreenResult.NOT_ASSESSED: "Not assessed",
    ScreenResult.DENIED: "Denied",
    ScreenResult.PRESENT: "Present",
}
EXTENDED_MINUTES = 52


class OptionalTimeEdit(QTimeEdit):
    """A time that may be "not set" (shown at 00:00, the minimum). Delete clears it;
    stepping up from "not set" starts at the current hour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.setMinimumTime(_NOT_SET)
        self.setSpecialValueText("not set")
        self.setTime(_NOT_SET)
        # What a screen reader adds to the field's name: how to set and clear it.
        self.setAccessibleDescription(
            "Hours and minutes, 24-hour clock; up arrow starts at this hour; Delete clears it"
        )

    def value(self) -> time | None:
        t = self.time()
        return None if t == _NOT_SET else time(t.hour(), t.minute())

    def set_value(self, value: time | None) -> None:
        self.setTime(_NOT_SET if value is None else QTime(value.hour, value.minute))

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self.time() == _NOT_SET:  # "not set" has no sections for Tab to move through
            return tab_leaves(self, forward)
        return super().focusNextPrevChild(forward)

    def stepBy(self, steps: int) -> None:
        if self.time() == _NOT_SET and steps > 0:
            self.setTime(QTime(QTime.currentTime().hour(), 0))
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: Any) -> None:
        if is_clear_key(self, event, QTimeEdit.Section.HourSection):
            self.setTime(_NOT_SET)
            return
        super().keyPressEvent(event)


def _checkable(text: str, data: Any, checked: bool) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def _combo(parent: QWidget) -> QComboBox:
    # Narrow panels shrink the combo (long descriptions are elided), not the whole page.
    combo = QComboBox(parent)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    return combo


def _list(parent: QWidget, name: str, accessible: str) -> QListWidget:
    w = QListWidget(parent)
    w.setObjectName(name)
    w.setAccessibleName(accessible)
    w.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    w.setTextElideMode(Qt.TextElideMode.ElideRight)
    return w


class MetadataPanel(QWidget):
    """Edits a SessionInfo. `changed` fires on every user edit; `session()` builds the value.

    With `psychotherapy=True` only the date is shown: psychotherapy notes exclude session
    times, modality, codes and diagnoses (HIPAA), so the panel does not invite them.
    """

    changed = Signal()

    def __init__(
        self,
        reference: Any,
        client_diagnoses: tuple[Diagnosis, ...],
        speller: Any,
        parent: QWidget | None = None,
        *,
        psychotherapy: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("metadata_panel")
        self._reference = reference
        self._client_dx = tuple(client_diagnoses)
        self._psychotherapy = psychotherapy
        self._speller = speller
        self._session: SessionInfo | None = None
        self._loading = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 4, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("session_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd  (ddd)")
        self.date_edit.setAccessibleName("Date of service")
        self.date_edit.dateChanged.connect(self._edited)
        form.addRow("&Date of service", self.date_edit)
        if psychotherapy:
            note = QLabel(
                "Session times, codes, modality and diagnoses belong in the progress note.", self
            )
            note.setWordWrap(True)
            theme.set_tone(note, "muted")
            form.addRow(note)
            return
        self._build_times(form)
        self._build_service(form)
        self._build_lists(form)
        self._build_risk(form)

    # --- building ----------------------------------------------------------------------

    def _build_times(self, form: QFormLayout) -> None:
        row = QHBoxLayout()
        self.start_edit = OptionalTimeEdit(self)
        self.start_edit.setObjectName("start_time")
        self.start_edit.setAccessibleName("Start time")
        self.end_edit = OptionalTimeEdit(self)
        self.end_edit.setObjectName("end_time")
        self.end_edit.setAccessibleName("Stop time")
        dash = QLabel("to", self)
        row.addWidget(self.start_edit)
        row.addWidget(dash)
        row.addWidget(self.end_edit)
        row.addStretch(1)
        time_label = QLabel("&Time", self)
        time_label.setBuddy(self.start_edit)
        form.addRow(time_label, row)
        self.duration_label = QLabel("Duration: —", self)
        self.duration_label.setObjectName("duration_label")
        self.duration_label.setWordWrap(True)
        form.addRow("", self.duration_label)
        self.extended_edit = QLineEdit(self)
        self.extended_edit.setObjectName("extended_reason")
        self.extended_edit.setAccessibleName("Reason for more than 52 minutes")
        self.extended_edit.setPlaceholderText("e.g. crisis de-escalation; safety planning")
        self.extended_label = QLabel("Reason for >52 min", self)
        self.extended_label.setBuddy(self.extended_edit)
        form.addRow(self.extended_label, self.extended_edit)
        for w in (self.start_edit, self.end_edit):
            w.timeChanged.connect(self._edited)
        self.extended_edit.textEdited.connect(self._edited)

    def _build_service(self, form: QFormLayout) -> None:
        self.code_combo = _combo(self)
        self.code_combo.setObjectName("service_code")
        self.code_combo.setAccessibleName("Service code")
        self.code_combo.addItem("— none —", "")
        for sc in self._reference.service_codes:
            self.code_combo.addItem(f"{sc.code}  {sc.description}", sc.code)
            self.code_combo.setItemData(
                self.code_combo.count() - 1, sc.band_text(), Qt.ItemDataRole.ToolTipRole
            )
        self.code_combo.currentIndexChanged.connect(self._edited)
        form.addRow("Service &code", self.code_combo)
        self.band_label = QLabel("", self)
        self.band_label.setObjectName("band_label")
        self.band_label.setWordWrap(True)
        form.addRow("", self.band_label)

        self.modality_combo = _combo(self)
        self.modality_combo.setObjectName("modality")
        self.modality_combo.setAccessibleName("Modality")
        for m in Modality:
            self.modality_combo.addItem(m.label, m.value)
        self.modality_combo.currentIndexChanged.connect(self._edited)
        form.addRow("&Modality", self.modality_combo)

        self.place_combo = _combo(self)
        self.place_combo.setObjectName("place_of_service")
        self.place_combo.setAccessibleName("Place of service")
        self.place_combo.addItem("— none —", "")
        for p in self._reference.places_of_service:
            self.place_combo.addItem(f"{p.code}  {p.description}", p.code)
        self.place_combo.currentIndexChanged.connect(self._edited)
        form.addRow("&Place", self.place_combo)

        self.participants_edit = QLineEdit(self)
        self.participants_edit.setObjectName("participants")
        self.participants_edit.setAccessibleName("Participants, separated by commas")
        self.participants_edit.setPlaceholderText("Client; others, separated by commas")
        self.participants_edit.textEdited.connect(self._edited)
        form.addRow("Partic&ipants", self.participants_edit)

    def _build_lists(self, form: QFormLayout) -> None:
        self.dx_list = _list(self, "diagnoses", "Diagnoses addressed in this session")
        self.dx_list.itemChanged.connect(self._edited)
        form.addRow("Dia&gnoses", self.dx_list)

        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.iv_filter = QLineEdit(box)
        self.iv_filter.setObjectName("interventions_filter")
        self.iv_filter.setAccessibleName("Filter interventions")
        self.iv_filter.setPlaceholderText("Filter interventions…")
        self.iv_filter.setClearButtonEnabled(True)
        self.iv_filter.textChanged.connect(self._filter_interventions)
        self.iv_list = _list(box, "interventions_list", "Interventions used")
        self.iv_list.setMinimumHeight(110)
        self.iv_list.setMaximumHeight(150)
        self.iv_list.itemChanged.connect(self._edited)
        self.iv_summary = QLabel("", box)
        self.iv_summary.setObjectName("interventions_summary")
        self.iv_summary.setWordWrap(True)
        self.iv_summary.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.iv_filter)
        col.addWidget(self.iv_list)
        col.addWidget(self.iv_summary)
        form.addRow("I&nterventions", box)

    def _build_risk(self, form: QFormLayout) -> None:
        self.si_combo = _combo(self)
        self.si_combo.setObjectName("risk_si")
        self.si_combo.setAccessibleName("Suicidal ideation")
        self.hi_combo = _combo(self)
        self.hi_combo.setObjectName("risk_hi")
        self.hi_combo.setAccessibleName("Homicidal ideation")
        for combo in (self.si_combo, self.hi_combo):
            for result, label in _SCREEN_LABELS.items():
                combo.addItem(label, result.value)
            combo.currentIndexChanged.connect(self._edited)
        form.addRow("&Suicidal ideation", self.si_combo)
        form.addRow("&Homicidal ideation", self.hi_combo)
        # The free-text risk notes of earlier versions. The risk assessment section holds
        # the follow-up now (one risk record per note), so this box shows only on a draft
        # that already has text in it, for the clinician to move or keep.
        self.risk_detail = SpellTextEdit(self._speller, self)
        self.risk_detail.setObjectName("risk_detail")
        self.risk_detail.setAccessibleName("Risk notes (earlier version)")
        self.risk_detail.setFixedHeight(90)
        self.risk_detail.textChanged.connect(self._edited)
        self.risk_label = QLabel("Risk notes", self)
        self.risk_label.setToolTip(
            "Written before the risk assessment section existed; the section now holds it."
        )
        form.addRow(self.risk_label, self.risk_detail)

    # --- values ------------------------------------------------------------------------

    def set_session(self, s: SessionInfo) -> None:
        self._session = s
        self._loading = True
        try:
            self.date_edit.setDate(QDate(s.date.year, s.date.month, s.date.day))
            if self._psychotherapy:
                return
            self.start_edit.set_value(s.start)
            self.end_edit.set_value(s.end)
            self.extended_edit.setText(s.extended_reason)
            self._select(self.code_combo, s.service_code)
            self._select(self.modality_combo, s.modality.value)
            self._select(self.place_combo, s.place_of_service)
            self.participants_edit.setText(", ".join(s.participants))
            self.dx_list.clear()
            chosen = {d.code for d in s.diagnoses}
            known = list(self._client_dx) + [d for d in s.diagnoses if d not in self._client_dx]
            for d in known:
                label = f"{d.code}  {d.description}".strip()
                item = _checkable(label, d.code, d.code in chosen)
                item.setToolTip(label)
                self.dx_list.addItem(item)
            self._dx_by_code = {d.code: d for d in known}
            rows = max(1, self.dx_list.count())
            self.dx_list.setFixedHeight(
                min(rows, 4) * (self.dx_list.sizeHintForRow(0) if self.dx_list.count() else 18)
                + 2 * self.dx_list.frameWidth()
                + 2
            )
            self.iv_list.clear()
            used = list(s.interventions)
            names = list(self._reference.interventions) + [
                i for i in used if i not in self._reference.interventions
            ]
            for name in names:
                item = _checkable(name, name, name in used)
                item.setToolTip(name)
                self.iv_list.addItem(item)
            self._select(self.si_combo, s.risk.suicidal_ideation.value)
            self._select(self.hi_combo, s.risk.homicidal_ideation.value)
            if self.risk_detail.toPlainText() != s.risk.detail:
                self.risk_detail.setPlainText(s.risk.detail)
        finally:
            self._loading = False
        self._update_derived()

    @staticmethod
    def _select(combo: QComboBox, data: str) -> None:
        idx = combo.findData(data)
        if idx < 0 and data:
            combo.addItem(data, data)  # a code since removed from the reference data
            idx = combo.count() - 1
        combo.setCurrentIndex(max(idx, 0))

    def session(self) -> SessionInfo:
        assert self._session is not None
        d = self.date_edit.date()
        s = replace(self._session, date=date(d.year(), d.month(), d.day()))
        if self._psychotherapy:
            return s
        checked = [
            self.dx_list.item(i)
            for i in range(self.dx_list.count())
            if self.dx_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return replace(
            s,
            start=self.start_edit.value(),
            end=self.end_edit.value(),
            service_code=str(self.code_combo.currentData() or ""),
            modality=Modality(self.modality_combo.currentData()),
            place_of_service=str(self.place_combo.currentData() or ""),
            participants=tuple(
                p.strip() for p in self.participants_edit.text().split(",") if p.strip()
            ),
            diagnoses=tuple(self._dx_by_code[i.data(Qt.ItemDataRole.UserRole)] for i in checked),
            interventions=tuple(self.checked_interventions()),
            risk=RiskScreen(
                suicidal_ideation=ScreenResult(self.si_combo.currentData()),
                homicidal_ideation=ScreenResult(self.hi_combo.currentData()),
                detail=self.risk_detail.toPlainText(),
            ),
            extended_reason=self.extended_edit.text().strip(),
        )

    def checked_interventions(self) -> list[str]:
        return [
            str(self.iv_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.iv_list.count())
            if self.iv_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    # --- behaviour ---------------------------------------------------------------------

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        self._update_derived()
        self.changed.emit()

    def _update_derived(self) -> None:
        if self._psychotherapy or self._session is None:
            return
        start, end = self.start_edit.value(), self.end_edit.value()
        probe = replace(self._session, start=start, end=end)
        minutes = probe.duration_minutes
        self.duration_label.setText(
            f"Duration: {minutes} min"
            if minutes is not None
            else "Duration: — (set start and stop)"
        )
        long = (minutes is not None and minutes > EXTENDED_MINUTES) or bool(
            self.extended_edit.text().strip()
        )
        self.extended_label.setVisible(long)
        self.extended_edit.setVisible(long)
        code = self._reference.service_code(str(self.code_combo.currentData() or ""))
        if code is None:
            self.band_label.setText("")
        elif minutes is None or code.fits(minutes):
            self.band_label.setText(f"Time band: {code.band_text()}")
        else:
            self.band_label.setText(f"⚠ {minutes} min is outside {code.code} ({code.band_text()})")
        show_risk = bool(self.risk_detail.toPlainText().strip())
        self.risk_label.setVisible(show_risk)
        self.risk_detail.setVisible(show_risk)
        used = self.checked_interventions()
        self.iv_summary.setText(f"{len(used)} chosen: " + "; ".join(used) if used else "")

    def _filter_interventions(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.iv_list.count()):
            item = self.iv_list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def set_read_only(self, read_only: bool) -> None:
        for w in self.findChildren(QWidget):
            if isinstance(w, SpellTextEdit):
                w.setReadOnly(read_only)
            elif isinstance(w, (QComboBox, QDateTimeEdit, QLineEdit, QListWidget)):
                w.setEnabled(not read_only)

    def focus_for_rule(self, rule: str) -> QWidget:
        """The input that fixes a checklist item about the session details."""
        if self._psychotherapy:
            target: QWidget = self.date_edit
        else:
            target = {
                "date_of_service": self.date_edit,
                "start_stop_time": self.start_edit,
                "time_band": self.code_combo,
                "service_code": self.code_combo,
                "extended_session_reason": self.extended_edit,
                "telehealth_modality": self.modality_combo,
                "diagnosis": self.dx_list,
                "interventions": self.iv_list,
                "risk_screen": self.si_combo,
                "risk_consistent": self.si_combo,
                "risk_assessment": self.risk_detail,
                "diagnosis_supported": self.dx_list,
                "contact_service_code": self.code_combo,
            }.get(rule, self.date_edit)
            if target.isHidden():
                target = self.si_combo
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target
