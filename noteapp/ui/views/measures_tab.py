"""The Measures tab of a client's chart: every measure given (date, instrument, total, band,
flags, how it was given), giving one in session or entering one from paper, and per
instrument a trend chart with the severity bands shaded, notes and plan reviews marked on
the timeline, and the change since baseline and since last, response and remission."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.measures import Measure, MeasureMode, Trend
from noteapp.domain.signatures import ItemType
from noteapp.ui import theme
from noteapp.ui.a11y import announce
from noteapp.ui.dialogs.give_measure_dialog import GiveMeasureWindow, MeasureOutcome
from noteapp.ui.dialogs.paper_measure_dialog import PaperMeasureDialog
from noteapp.ui.errors import message_for
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.service_bundles import MeasureServices
from noteapp.ui.widgets.layout import error_label, show_error
from noteapp.ui.widgets.score_chart import ChartPoint, ScoreChart, series_for

COLUMNS = ("Date", "Measure", "Total", "Band", "Flags", "Given")
PREFERRED = ("phq9", "gad7", "pcl5", "auditc", "audit", "phqa", "k10", "dass21")


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


def mode_text(m: Measure) -> str:
    if m.total_only:
        return "paper (total only)"
    return "in session" if m.mode == MeasureMode.IN_SESSION else "paper"


def _signed(delta: int) -> str:
    return "no change" if delta == 0 else f"{'+' if delta > 0 else '−'}{abs(delta)}"


def trend_summary(t: Trend) -> str:
    """ "Baseline 18 (moderately severe) on 2026-01-05 · latest 8 (mild) · change since
    baseline −10, since last −3 · response: yes (≥ 50% reduction) · remission: no"."""
    if not t.points:
        return ""
    base, last = t.baseline, t.latest
    assert base is not None and last is not None
    parts = [f"Baseline {base.total} ({base.severity}) on {base.on.isoformat()}"]
    if len(t.points) == 1:
        return parts[0] + " · one score so far"
    parts.append(f"latest {last.total} ({last.severity}) on {last.on.isoformat()}")
    since_base, since_last = t.change_since_baseline, t.change_since_last
    if since_base is not None and since_last is not None:
        parts.append(
            f"change since baseline {_signed(since_base)}, since last {_signed(since_last)}"
        )
    parts.append(f"response (≥ 50% reduction): {'yes' if t.response else 'no'}")
    if t.remission_below is not None:
        parts.append(f"remission (below {t.remission_below}): {'yes' if t.remission else 'no'}")
    return " · ".join(parts)


class MeasuresTab(QWidget):
    """`changed()` fires after a measure was saved (the chart header's risk banner listens)."""

    changed = Signal()

    def __init__(self, ws: MeasureServices, client_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measures_tab")
        self.ws = ws
        self.client_id = client_id
        order = {k: i for i, k in enumerate(PREFERRED)}
        # Built-in and the clinician's own instruments (current versions).
        found = ws.measures.instruments().values()
        self.instruments = sorted(found, key=lambda i: (order.get(i.id, 99), i.name))
        self.trend: Trend | None = None
        self.form: GiveMeasureWindow | None = None
        self.active_dialog: Any = None
        self.measures: list[Measure] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(self._build_actions())
        self.error = error_label(self, "measuresError")
        lay.addWidget(self.error)
        self.result_label = QLabel("", self)
        self.result_label.setObjectName("measuresResultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        lay.addWidget(self.result_label)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("measuresSplitter")
        self.table = QTableWidget(0, len(COLUMNS), split)
        self.table.setObjectName("measuresTable")
        self.table.setAccessibleName("Measures given, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegate(theme.ToneDelegate(self.table))
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for c in range(len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        split.addWidget(self.table)
        split.addWidget(self._build_trend(split))
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        remember_splitter(split, "measures", default=[200, 460])
        lay.addWidget(split, 1)
        self.refresh()

    # --- building ----------------------------------------------------------------------

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel("Measures", self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        row.addWidget(title)
        row.addSpacing(12)
        self.give_instrument = QComboBox(self)
        self.give_instrument.setObjectName("measuresInstrumentCombo")
        self.give_instrument.setAccessibleName("Measure to give")
        for inst in self.instruments:
            self.give_instrument.addItem(inst.name, inst.id)
        row.addWidget(self.give_instrument)
        self.give_button = _button(
            "Give in session…",
            "measuresGiveButton",
            self,
            "A full-screen form the client fills on this computer; it shows no other data",
        )
        self.paper_button = _button(
            "Enter from paper…", "measuresPaperButton", self, "Answers or a total from a paper form"
        )
        self.give_button.clicked.connect(lambda: self.give_in_session())
        self.paper_button.clicked.connect(self.enter_from_paper)
        row.addWidget(self.give_button)
        row.addWidget(self.paper_button)
        row.addStretch(1)
        return row

    def _build_trend(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        head = QLabel("Trend", box)
        font = QFont(head.font())
        font.setBold(True)
        head.setFont(font)
        row.addWidget(head)
        self.trend_instrument = QComboBox(box)
        self.trend_instrument.setObjectName("measuresTrendCombo")
        self.trend_instrument.setAccessibleName("Measure shown in the trend")
        self.trend_instrument.currentIndexChanged.connect(lambda _i: self.show_trend())
        row.addWidget(self.trend_instrument)
        row.addStretch(1)
        lay.addLayout(row)
        self.summary = QLabel("", box)
        self.summary.setObjectName("measuresTrendSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.summary)
        self.chart = ScoreChart(box)
        lay.addWidget(self.chart, 1)
        return box

    # --- showing -----------------------------------------------------------------------

    def refresh(self) -> None:
        self.measures = list(self.ws.measures.list(self.client_id))
        self.table.setRowCount(0)
        for m in reversed(self.measures):
            r = self.table.rowCount()
            self.table.insertRow(r)
            flags = "; ".join(m.flag_labels)
            if m.risk:
                flags = ("open — " if m.open_risk else "addressed — ") + flags
            values = (
                m.on.isoformat(),
                m.name,
                str(m.total),
                m.severity,
                flags,
                mode_text(m),
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.instrument)
                if m.open_risk:
                    theme.set_item_tone(item, "danger_text")
                self.table.setItem(r, c, item)
        given = [i for i in self.instruments if any(m.instrument == i.id for m in self.measures)]
        current = self.trend_instrument.currentData()
        self.trend_instrument.blockSignals(True)
        self.trend_instrument.clear()
        for inst in given or self.instruments[:1]:
            self.trend_instrument.addItem(inst.name, inst.id)
        if current:
            self.trend_instrument.setCurrentIndex(max(self.trend_instrument.findData(current), 0))
        self.trend_instrument.blockSignals(False)
        self.show_trend()

    def _row_chosen(self) -> None:
        items = self.table.selectedItems()
        if items:
            index = self.trend_instrument.findData(items[0].data(Qt.ItemDataRole.UserRole))
            if index >= 0:
                self.trend_instrument.setCurrentIndex(index)

    def marks(self, first: date | None) -> list[tuple[date, str]]:
        """Notes and plan reviews on the timeline (from the first score on)."""
        out: list[tuple[date, str]] = [
            (n.session.date, "note")
            for n in self.ws.notes.list(client_id=self.client_id, include_psychotherapy=False)
        ]
        for plan in self.ws.plans.versions(self.client_id):
            for item in self.ws.signing.corrections(plan.id):
                if item.type == ItemType.PLAN_REVIEW:
                    out.append((date.fromisoformat(item.signed_at[:10]), "review"))
        return [(d, k) for d, k in out if first is None or d >= first]

    def show_trend(self) -> None:
        inst_id = self.trend_instrument.currentData()
        if not inst_id:
            return
        trend = self.ws.measures.trend(self.client_id, inst_id)
        by_id = {m.id: m for m in self.measures}
        points = [
            ChartPoint(
                p.on,
                p.total,
                total_only=by_id[p.measure_id].total_only if p.measure_id in by_id else False,
                risk=p.risk,
            )
            for p in trend.points
        ]
        first = trend.baseline.on if trend.baseline else None
        self.chart.set_series(
            series_for(
                trend.name,
                trend.total_min,
                trend.total_max,
                trend.bands,
                points,
                self.marks(first),
            )
        )
        self.trend = trend
        self.summary.setText(trend_summary(trend))

    # --- giving ------------------------------------------------------------------------

    def _instrument(self, instrument_id: str) -> Any:
        return next(i for i in self.instruments if i.id == instrument_id)

    def give_in_session(self, instrument_id: str | None = None) -> GiveMeasureWindow:
        """Open the full-screen form (a window of its own, no client data on it)."""
        inst = self._instrument(instrument_id or str(self.give_instrument.currentData()))
        ws, client_id = self.ws, self.client_id

        def save(answers: list[int], difficulty: str = "") -> MeasureOutcome:
            m = ws.measures.add(
                client_id=client_id,
                instrument=inst.id,
                answers=answers,
                mode=MeasureMode.IN_SESSION,
                difficulty=difficulty,
            )
            self._saved(m)
            return MeasureOutcome(m.name, m.total, m.severity, m.risk, m.flag_labels)

        # Parented to the tab (so locking or leaving the chart closes it) yet a window of its
        # own: frameless, full screen, nothing of the chart visible.
        form = GiveMeasureWindow(inst, save, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.destroyed.connect(lambda *_: setattr(self, "form", None))
        self.form = form
        form.showFullScreen()
        form.activateWindow()
        form.setFocus()
        return form

    def enter_from_paper(self) -> None:
        ws, client_id = self.ws, self.client_id

        def save(instrument_id: str, answers: list[int] | None, total: int | None, on: date) -> Any:
            return ws.measures.add(
                client_id=client_id,
                instrument=instrument_id,
                answers=answers,
                total=total,
                on=on,
                mode=MeasureMode.PAPER,
            )

        dialog = PaperMeasureDialog(
            self.instruments,
            save,
            self.ws.clock.now().date(),
            self,
            instrument_id=str(self.give_instrument.currentData()),
        )
        dialog.saved.connect(self._saved)
        self.active_dialog = dialog
        dialog.open()

    def _saved(self, m: Measure) -> None:
        show_error(self.error, "")
        text = f"Saved: {m.name} {m.total} ({m.severity})"
        if m.total_only:
            text += ", total only"
        if m.risk:
            text += " — RISK FLAG: " + "; ".join(m.flag_labels)
        self.result_label.setText(text)
        theme.set_tone(self.result_label, "danger" if m.risk else "")
        font = self.result_label.font()
        font.setBold(m.risk)
        self.result_label.setFont(font)
        self.result_label.show()
        announce(self.result_label, text, alert=m.risk)
        try:
            self.refresh()
            index = self.trend_instrument.findData(m.instrument)
            if index >= 0:
                self.trend_instrument.setCurrentIndex(index)
        except Exception as exc:  # the measure is saved; only the refresh failed
            show_error(self.error, message_for(exc))
        self.changed.emit()
