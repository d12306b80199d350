"""One instrument's scores over time, with its severity bands shaded behind the line.

A QPainter widget (QtCharts is not part of PySide6-Essentials), like ProgressChart. The
bands are light tints derived from the palette's Base colour mixed towards a fixed hue
ramp (green → red), so the chart stays readable in light and dark themes. Notes and plan
reviews are small ticks under the plot so a score can be read against what happened.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from noteapp.ui import theme
from noteapp.ui.widgets.progress_chart import date_ticks

# Mild → severe: tints mixed into the Base colour (never solid, so text stays legible).
# Colours are semantic (ui/theme.py) and looked up when painting, so the scheme can change.
BAND_HUES = theme.BANDS
LINE_COLOUR = "chart_line"
RISK_COLOUR = "chart_risk"
NOTE_COLOUR = "chart_note"
REVIEW_COLOUR = "chart_review"
LEFT = 128
RIGHT = 20
TOP = 12
BOTTOM = 58
EMPTY_TEXT = "No scores yet for this measure. Give it in session or enter one from paper."


@dataclass(frozen=True)
class ChartBand:
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class ChartPoint:
    on: date
    total: int
    total_only: bool = False
    risk: bool = False


@dataclass
class ScoreSeries:
    """What the chart draws: `points` oldest first; `marks` are (date, "note" | "review")."""

    name: str = ""
    total_min: int = 0
    total_max: int = 27
    bands: tuple[ChartBand, ...] = ()
    points: tuple[ChartPoint, ...] = ()
    marks: tuple[tuple[date, str], ...] = field(default_factory=tuple)


def _mix(base: QColor, hue: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() * (1 - amount) + hue.red() * amount),
        round(base.green() * (1 - amount) + hue.green() * amount),
        round(base.blue() * (1 - amount) + hue.blue() * amount),
    )


def band_colours(count: int, base: QColor) -> list[QColor]:
    """Light fills for `count` bands, spread over the green → red ramp."""
    if count <= 0:
        return []
    if count == 1:
        picks = [0]
    else:
        last = len(BAND_HUES) - 2  # keep the darkest hue for six or more bands
        picks = [round(i * last / (count - 1)) for i in range(count)]
        if count >= len(BAND_HUES):
            picks = list(range(count))
    dark = base.lightness() < 128
    amount = 0.32 if dark else 0.22
    return [_mix(base, theme.qcolor(BAND_HUES[min(p, len(BAND_HUES) - 1)]), amount) for p in picks]


def _short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


class ScoreChart(QWidget):
    """`set_series(ScoreSeries)`; `series` is the data model tests read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreChart")
        self.setAccessibleName("Scores over time")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(240)
        self.series = ScoreSeries()

    def set_series(self, series: ScoreSeries) -> None:
        self.series = series
        pts = series.points
        if pts:
            self.setAccessibleDescription(
                f"{series.name}: {len(pts)} scores, latest {pts[-1].total} on "
                f"{pts[-1].on.isoformat()}"
            )
        else:
            self.setAccessibleDescription(EMPTY_TEXT)
        self.update()

    def is_empty(self) -> bool:
        return not self.series.points

    def sizeHint(self) -> QSize:
        return QSize(720, 320)

    def date_range(self) -> tuple[date, date] | None:
        days = [p.on for p in self.series.points] + [d for d, _k in self.series.marks]
        if not self.series.points:
            return None
        return min(days), max(days)

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        muted = theme.qcolor("muted_text")  # legible text, not a faded one
        s = self.series
        if self.is_empty():
            p.setPen(muted)
            p.drawText(
                QRectF(self.rect()).adjusted(12, 8, -12, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                EMPTY_TEXT,
            )
            p.end()
            return
        span = self.date_range()
        assert span is not None
        first, last = span
        days = max((last - first).days, 1)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
        fm = QFontMetrics(small)
        labels = [f"{b.label} ({b.min}–{b.max})" for b in s.bands]
        # Room for the longest band label ("moderately severe (15–19)"), within reason.
        left = min(max([LEFT, *(fm.horizontalAdvance(t) + 16 for t in labels)]), 220)
        plot = QRectF(left, TOP, max(self.width() - left - RIGHT, 40), 0)
        plot.setHeight(max(self.height() - TOP - BOTTOM, 60))
        lo, hi = s.total_min, max(s.total_max, s.total_min + 1)

        def x_of(d: date) -> float:
            if first == last:
                return plot.left() + plot.width() / 2
            return plot.left() + plot.width() * (d - first).days / days

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * (v - lo) / (hi - lo)

        p.setFont(small)
        # Bands: a band covering totals a..b spans a-0.5 .. b+0.5 so adjacent bands meet.
        fills = band_colours(len(s.bands), base)
        for band, fill, text_ in zip(s.bands, fills, labels, strict=True):
            top = y_of(min(band.max + 0.5, hi))
            bottom = y_of(max(band.min - 0.5, lo))
            rect = QRectF(plot.left(), top, plot.width(), bottom - top)
            p.fillRect(rect, fill)
            p.setPen(muted)
            label = fm.elidedText(text_, Qt.TextElideMode.ElideRight, int(left) - 14)
            if rect.height() >= fm.height() - 2:
                p.drawText(
                    QRectF(4, rect.top(), left - 10, rect.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
        p.setPen(QPen(muted, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(plot)
        # Timeline ticks: notes and plan reviews, in a strip under the plot.
        strip = plot.bottom() + 4
        for d, kind in s.marks:
            if not first <= d <= last:
                continue
            x = x_of(d)
            colour = theme.qcolor(REVIEW_COLOUR if kind == "review" else NOTE_COLOUR)
            p.setPen(QPen(colour, 2 if kind == "review" else 1))
            height = 12 if kind == "review" else 8
            p.drawLine(QPointF(x, strip), QPointF(x, strip + height))
        # The line and its points; a total from paper is a hollow point, a risk point is red.
        pts = [QPointF(x_of(pt.on), y_of(pt.total)) for pt in s.points]
        p.setPen(QPen(theme.qcolor(LINE_COLOUR), 2))
        for a, b in itertools.pairwise(pts):
            p.drawLine(a, b)
        for pt, xy in zip(s.points, pts, strict=True):
            colour = theme.qcolor(RISK_COLOUR if pt.risk else LINE_COLOUR)
            p.setPen(QPen(colour, 2))
            p.setBrush(base if pt.total_only else colour)
            p.drawEllipse(xy, 4.5, 4.5)
        p.setBrush(Qt.BrushStyle.NoBrush)
        # Date axis.
        axis_y = strip + 14
        p.setPen(muted)
        last_right = -1e9
        for d in date_ticks(first, last):
            x = x_of(d)
            label = _short(d) if first.year == last.year else f"{_short(d)} {d:%y}"
            w = fm.horizontalAdvance(label)
            lx = min(max(x - w / 2, plot.left() - 10), plot.right() - w + 10)
            if lx < last_right + 8:
                continue  # never let two dates overlap
            p.drawText(QPointF(lx, axis_y + fm.ascent()), label)
            last_right = lx + w
        # Legend for the ticks and hollow points.
        legend_y = axis_y + fm.height() + 6
        x = plot.left()
        for hue, words, tall in (
            (NOTE_COLOUR, "note", 8),
            (REVIEW_COLOUR, "plan review", 12),
        ):
            p.setPen(QPen(theme.qcolor(hue), 2))
            p.drawLine(QPointF(x, legend_y), QPointF(x, legend_y + tall))
            p.setPen(muted)
            p.drawText(QPointF(x + 6, legend_y + fm.ascent() - 2), words)
            x += fm.horizontalAdvance(words) + 22
        p.setPen(QPen(theme.qcolor(LINE_COLOUR), 2))
        p.setBrush(base)
        p.drawEllipse(QPointF(x + 4, legend_y + 4), 4, 4)
        p.setPen(muted)
        p.drawText(QPointF(x + 12, legend_y + fm.ascent() - 2), "total only (paper)")
        p.end()


def series_for(
    name: str,
    total_min: int,
    total_max: int,
    bands: Sequence[tuple[int, int, str]],
    points: Sequence[ChartPoint],
    marks: Sequence[tuple[date, str]] = (),
) -> ScoreSeries:
    return ScoreSeries(
        name,
        total_min,
        total_max,
        tuple(ChartBand(a, b, label) for a, b, label in bands),
        tuple(sorted(points, key=lambda pt: pt.on)),
        tuple(marks),
    )
