"""Goal progress as a chart: one row per objective, its ratings across notes over time.

A QPainter widget (QtCharts is not part of PySide6-Essentials). Each objective gets its own
small band — y from "regressed" to "met" — sharing one date axis, so five objectives stay
readable instead of five tangled lines. Colours come from the palette (dark mode works);
the series colours come from ui/theme.py, with values for light, dark and high contrast.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from noteapp.domain.plans import ObjectiveProgress, Rating
from noteapp.ui import theme

SERIES_COLOURS = theme.SERIES  # semantic keys: mid-tones per scheme (ui/theme.py)
LEVELS = tuple(Rating)
EMPTY_TEXT = (
    "No progress ratings yet. Rate the plan's objectives in each session note and their "
    "timelines appear here."
)
NO_PLAN_TEXT = "No treatment plan yet, so there is no progress to show."
BAND_HEIGHT = 116
LEFT = 150
RIGHT = 18
TOP = 8
AXIS = 28


@dataclass(frozen=True)
class Series:
    """One objective's timeline: (date, score −1…3, rating) per rated note, oldest first."""

    objective_id: str
    label: str
    points: tuple[tuple[date, int, str], ...]


def series_from(progress: Sequence[ObjectiveProgress]) -> list[Series]:
    return [
        Series(
            p.objective_id,
            p.description,
            tuple((pt.on, pt.rating.score, pt.rating.value) for pt in p.points),
        )
        for p in progress
    ]


def _short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


class ProgressChart(QWidget):
    """`set_progress(list[ObjectiveProgress])`; `series` is the data model tests read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.setAccessibleName("Progress on each objective across notes")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.series: list[Series] = []
        self.has_plan = False
        self._update_height()

    def set_progress(self, progress: Sequence[ObjectiveProgress], *, has_plan: bool = True) -> None:
        self.series = series_from(progress)
        self.has_plan = has_plan
        described = "; ".join(
            f"{s.label}: {s.points[-1][2]} ({len(s.points)} ratings)"
            for s in self.series
            if s.points
        )
        self.setAccessibleDescription(described or self.empty_text())
        self._update_height()
        self.update()

    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)

    def empty_text(self) -> str:
        return EMPTY_TEXT if self.has_plan else NO_PLAN_TEXT

    def _update_height(self) -> None:
        rows = len(self.series) if not self.is_empty() else 0
        self.setFixedHeight(TOP + rows * BAND_HEIGHT + AXIS + 8 if rows else 80)

    def sizeHint(self) -> QSize:
        return QSize(640, self.height())

    def date_range(self) -> tuple[date, date] | None:
        days = [pt[0] for s in self.series for pt in s.points]
        if not days:
            return None
        return min(days), max(days)

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = theme.qcolor("muted_text")
        grid = QColor(text)
        grid.setAlpha(40)
        if self.is_empty():
            p.setPen(muted)
            p.drawText(
                QRectF(self.rect()).adjusted(12, 8, -12, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text(),
            )
            p.end()
            return
        span = self.date_range()
        assert span is not None
        first, last = span
        days = max((last - first).days, 1)
        plot_left = LEFT
        plot_right = self.width() - RIGHT
        width = max(plot_right - plot_left, 40)

        def x_of(d: date) -> float:
            if first == last:
                return plot_left + width / 2
            return plot_left + width * (d - first).days / days

        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
        fm = QFontMetrics(small)
        bold = QFont(self.font())
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        for row, s in enumerate(self.series):
            top = TOP + row * BAND_HEIGHT
            band = QRectF(plot_left, top + 30, width, BAND_HEIGHT - 40)
            colour = theme.qcolor(SERIES_COLOURS[row % len(SERIES_COLOURS)])

            def y_of(score: int, band: QRectF = band) -> float:
                return band.bottom() - band.height() * (score + 1) / 4

            # The objective's title over its band, elided so it never overruns.
            p.setFont(bold)
            p.setPen(text)
            title = bfm.elidedText(s.label, Qt.TextElideMode.ElideRight, int(self.width() - 24))
            p.drawText(QPointF(12, top + 14), title)
            p.setFont(small)
            for level in LEVELS:
                y = y_of(level.score)
                p.setPen(QPen(grid, 1, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(plot_left, y), QPointF(plot_right, y))
                p.setPen(muted)
                p.drawText(
                    QRectF(12, y - fm.height() / 2, LEFT - 20, fm.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    level.value,
                )
            if not s.points:
                p.setPen(muted)
                p.drawText(band, Qt.AlignmentFlag.AlignCenter, "not rated yet")
                continue
            pts = [QPointF(x_of(d), y_of(score)) for d, score, _ in s.points]
            p.setPen(QPen(colour, 2))
            for a, b in itertools.pairwise(pts):
                p.drawLine(a, b)
            p.setBrush(colour)
            p.setPen(QPen(pal.color(QPalette.ColorRole.Base), 1.5))
            for pt in pts:
                p.drawEllipse(pt, 4.5, 4.5)
            p.setBrush(Qt.BrushStyle.NoBrush)
        # One shared date axis under the last band.
        axis_y = TOP + len(self.series) * BAND_HEIGHT + 4
        p.setPen(QPen(muted, 1))
        p.drawLine(QPointF(plot_left, axis_y), QPointF(plot_right, axis_y))
        p.setFont(small)
        ticks = date_ticks(first, last)
        last_right = -1e9
        for d in ticks:
            x = x_of(d)
            label = _short(d) if first.year == last.year else f"{_short(d)} {d:%y}"
            w = fm.horizontalAdvance(label)
            left = min(max(x - w / 2, plot_left - 10), plot_right - w + 10)
            if left < last_right + 8:
                continue  # never let two dates overlap
            p.drawLine(QPointF(x, axis_y), QPointF(x, axis_y + 4))
            p.drawText(QPointF(left, axis_y + 6 + fm.ascent()), label)
            last_right = left + w
        p.end()


def date_ticks(first: date, last: date) -> list[date]:
    """Dates for a time axis: the ends and about six month starts between them."""
    if first == last:
        return [first]
    months = (last.year - first.year) * 12 + last.month - first.month
    if months < 2:
        return [first, last]
    step = max(1, months // 6)
    out = [first]
    y, m = first.year, first.month
    while True:
        m += step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        d = date(y, m, 1)
        if d >= last:
            break
        out.append(d)
    out.append(last)
    return out
