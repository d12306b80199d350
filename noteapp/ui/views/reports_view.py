"""Reports: outcomes across the caseload for a date range — the summary table, the chosen
outcome's diagnosis groups, its change histogram and its rates over time, and the
measurement rate; saving the de-identified CSV or the Word report.

Every figure comes from OutcomeService (the same numbers as `noteapp report outcomes`); the
charts are the same PNGs the Word report embeds, drawn in this window's palette colours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.chart_spec import ChartTheme
from noteapp.services.outcome_document import COLUMNS, figure_cells
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import (
    body_label,
    error_label,
    named_button,
    show_error,
    title_label,
)

ALL = "__all__"
SCALE = 2  # chart pixels per point: sharp on high-density screens


def _hex(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexRgb)


def _mix(a: QColor, b: QColor, amount: float) -> str:
    return _hex(
        QColor(
            round(a.red() * (1 - amount) + b.red() * amount),
            round(a.green() * (1 - amount) + b.green() * amount),
            round(a.blue() * (1 - amount) + b.blue() * amount),
        )
    )


def theme_from(palette: QPalette) -> ChartTheme:
    """Chart colours from the window's palette, so charts follow light and dark themes."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)
    # Semantic colours of the current scheme (ui/theme.py checks their contrast).
    return ChartTheme(
        background=_hex(base),
        text=_hex(text),
        muted=theme.colour("muted_text"),
        grid=_mix(base, text, 0.15),
        neutral=_mix(base, text, 0.45),
        good=theme.colour("success_text"),
        bad=theme.colour("danger_text"),
        series=tuple(theme.colour(key) for key in theme.SERIES[:3]),
    )


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _header(text: str) -> str:
    """A long column title on two lines, so eleven columns fit a 1280-pixel window."""
    words = text.split()
    if len(text) <= 10 or len(words) < 2:
        return text
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])


def _table(name: str, accessible: str, parent: QWidget) -> QTableWidget:
    t = QTableWidget(parent)
    t.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    t.setObjectName(name)
    t.setAccessibleName(accessible)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class ReportsView(QWidget):
    """`report(start=, end=, instrument=)`, `charts(report, theme)`, `outcomes()` → [(id, name)],
    `save_csv(report, path)`, `save_docx(report, path)` and `today` come from the
    composition root (main_builder), so this view knows no vault."""

    def __init__(
        self,
        *,
        report: Callable[..., Any],
        charts: Callable[[Any, ChartTheme], dict[str, bytes]],
        outcomes: Callable[[], list[tuple[str, str]]],
        save_csv: Callable[[Any, Path], int],
        save_docx: Callable[[Any, Path], None],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportsView")
        self._report, self._charts, self._outcomes = report, charts, outcomes
        self._save_csv, self._save_docx = save_csv, save_docx
        self.today = today
        self.current: Any = None
        self.images: dict[str, bytes] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 8)
        outer.addWidget(title_label("Outcomes across your caseload", self, size_delta=4))
        outer.addLayout(self._controls())
        self.status = body_label("", self, "reportsStatus")
        outer.addWidget(self.status)
        self.error = error_label(self, "reportsError")
        outer.addWidget(self.error)

        scroll = QScrollArea(self)
        scroll.setObjectName("reportsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        self.summary = _table("reportsSummaryTable", "Outcome summary", body)
        self.summary.itemSelectionChanged.connect(self._show_selected)
        lay.addWidget(self.summary)
        self.groups_title = QLabel("", body)
        self.groups_title.setObjectName("reportsGroupsTitle")
        lay.addWidget(self.groups_title)
        self.groups = _table("reportsGroupsTable", "Figures by diagnosis group", body)
        lay.addWidget(self.groups)
        self.change_chart = self._chart_label("reportsChangeChart", body)
        self.time_chart = self._chart_label("reportsTimeChart", body)
        self.rate_chart = self._chart_label("reportsMeasurementChart", body)
        for chart in (self.change_chart, self.time_chart, self.rate_chart):
            lay.addWidget(chart)
        lay.addWidget(
            body_label(
                "Baseline is each client's first score in the period and latest their last; "
                "means and rates are over clients with two or more scores. The measurement "
                "rate counts clients active on the last day with a score in the 30 days "
                "before. Groups of fewer than 5 clients show counts only in the Word report.",
                body,
                "reportsDefinitions",
            )
        )
        lay.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        # The figures are worked out when the page is first shown, not when the main window
        # is built at unlock: the whole caseload's report and its charts took 0.3 s at
        # 50,000 notes, before Today could show anything.
        self._shown = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.refresh()

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit, name, label in (
            (self.start, "reportsFromDate", "From"),
            (self.end, "reportsToDate", "To"),
        ):
            edit.setObjectName(name)
            edit.setAccessibleName(f"{label} date")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setMaximumDate(_qdate(self.today))
            caption = QLabel(label, self)
            caption.setBuddy(edit)
            row.addWidget(caption)
            row.addWidget(edit)
        self.start.setDate(_qdate(date(self.today.year - 1, self.today.month, 1)))
        self.end.setDate(_qdate(self.today))
        self.instrument = QComboBox(self)
        self.instrument.setObjectName("reportsInstrumentCombo")
        self.instrument.setAccessibleName("Instrument")
        self.instrument.addItem("All instruments", ALL)
        for ident, name in self._outcomes():
            self.instrument.addItem(name, ident)
        row.addWidget(self.instrument)
        self.show_button = named_button("Show", "reportsShowButton", self, "Compute the figures")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.refresh)
        row.addWidget(self.show_button)
        row.addStretch(1)
        self.csv_button = named_button(
            "Save CSV for funders…",
            "reportsCsvButton",
            self,
            "One de-identified row per client and outcome: a random key, months, no names",
        )
        self.csv_button.clicked.connect(self.choose_csv)
        row.addWidget(self.csv_button)
        self.docx_button = named_button(
            "Save Word report…", "reportsDocxButton", self, "The figures and charts as .docx"
        )
        self.docx_button.clicked.connect(self.choose_docx)
        row.addWidget(self.docx_button)
        return row

    def _chart_label(self, name: str, parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        return label

    # --- figures -----------------------------------------------------------------------

    def refresh(self) -> None:
        show_error(self.error, "")
        ident = self.instrument.currentData()
        try:
            report = self._report(
                start=_pydate(self.start.date()),
                end=_pydate(self.end.date()),
                instrument=None if ident == ALL else ident,
            )
            self.images = self._charts(report, theme_from(self.palette()))
        except Exception as exc:  # a bad range: say why, keep what was shown
            show_error(self.error, message_for(exc))
            return
        self.current = report
        self.status.setText(
            f"{report.start:%d %b %Y} – {report.end:%d %b %Y}: {report.active_clients} active "
            f"clients on {report.end:%d %b %Y}, {len(report.rows)} outcomes with scores."
        )
        self._fill(
            self.summary,
            ("Outcome", *COLUMNS),
            [(r.outcome.name, *figure_cells(r.figures)) for r in report.rows],
        )
        self._set_chart(self.rate_chart, "measurement", "Measurement rate by outcome")
        has_rows = bool(report.rows)
        self.csv_button.setEnabled(has_rows)
        self.docx_button.setEnabled(True)
        if has_rows:
            self.summary.selectRow(0)
        self._show_selected()

    def _fill(
        self, table: QTableWidget, headers: tuple[str, ...], rows: list[tuple[str, ...]]
    ) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels([_header(h) for h in headers])
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        if table.columnWidth(0) > 280:  # long group names wrap instead of pushing columns out
            table.setWordWrap(True)
            table.setColumnWidth(0, 280)
            table.resizeRowsToContents()
        # Tall enough for every row (no scrolling inside the page's own scroll area).
        height = table.horizontalHeader().sizeHint().height() + table.verticalHeader().length()
        height += 2 * table.frameWidth() + table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(min(max(height, 60), 420))

    def _selected_row(self) -> Any:
        if self.current is None or not self.current.rows:
            return None
        rows = self.summary.selectionModel().selectedRows() if self.summary.selectionModel() else []
        index = rows[0].row() if rows else 0
        return self.current.rows[min(index, len(self.current.rows) - 1)]

    def _show_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            self.groups_title.setText("")
            self._fill(self.groups, ("Group", *COLUMNS), [])
            for chart in (self.change_chart, self.time_chart):
                chart.clear()
                chart.setAccessibleName("")
            return
        self.groups_title.setText(f"{row.outcome.name} by diagnosis group (primary diagnosis)")
        self._fill(
            self.groups,
            ("Group", *COLUMNS),
            [(label, *figure_cells(f)) for label, f in row.by_diagnosis_group],
        )
        self._set_chart(self.change_chart, f"{row.outcome.id}:change", f"{row.outcome.name} change")
        self._set_chart(
            self.time_chart, f"{row.outcome.id}:over-time", f"{row.outcome.name} over time"
        )

    def _set_chart(self, label: QLabel, key: str, name: str) -> None:
        pixmap = QPixmap()
        if key in self.images:
            pixmap.loadFromData(self.images[key], "PNG")
            pixmap.setDevicePixelRatio(SCALE)
        label.setPixmap(pixmap)
        label.setAccessibleName(name)

    # --- files -------------------------------------------------------------------------

    def _default_name(self, suffix: str) -> str:
        r = self.current
        return f"outcomes-{r.start.isoformat()}-to-{r.end.isoformat()}.{suffix}"

    def choose_csv(self) -> None:
        if self.current is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save de-identified CSV", self._default_name("csv"), "CSV files (*.csv)"
        )
        if path:
            self.save_csv(Path(path))

    def choose_docx(self) -> None:
        if self.current is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save Word report", self._default_name("docx"), "Word documents (*.docx)"
        )
        if path:
            self.save_docx(Path(path))

    def save_csv(self, path: Path) -> None:
        try:
            count = self._save_csv(self.current, path)
        except Exception as exc:
            show_error(self.error, f"Not saved: {message_for(exc)}")
            return
        self.status.setText(f"Saved {count} de-identified rows to {path.name}.")

    def save_docx(self, path: Path) -> None:
        try:
            self._save_docx(self.current, path)
        except Exception as exc:
            show_error(self.error, f"Not saved: {message_for(exc)}")
            return
        self.status.setText(f"Saved the Word report to {path.name}.")
