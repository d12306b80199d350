"""What a report chart shows, as plain data: built from the report here (pure), drawn by
`export.charts` (PNG, no Qt, so the CLI's Word report has the same charts as the app).

Three kinds, each with its own data and a sentence describing it for screen readers and
for the report's text: the distribution of change (a histogram, bars coloured beyond the
reliable-change threshold), response and remission over time (lines), and the measurement
rate per outcome (horizontal bars).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from noteapp.domain.outcomes import OutcomeRow


class BarTone(StrEnum):
    NEUTRAL = "neutral"
    GOOD = "good"
    BAD = "bad"


@dataclass(frozen=True)
class ChartTheme:
    """Colours as #rrggbb: the app passes its palette, the Word report the defaults."""

    background: str = "#ffffff"
    text: str = "#1f2328"
    muted: str = "#57606a"
    grid: str = "#d8dee4"
    neutral: str = "#7a8a99"
    good: str = "#1e7a4c"
    bad: str = "#b3261e"
    series: tuple[str, ...] = ("#2f6fb0", "#1e7a4c", "#8a5a00")


@dataclass(frozen=True)
class Histogram:
    title: str
    x_label: str
    bins: tuple[str, ...]  # "−6" or "−9 to −7"
    counts: tuple[int, ...]
    tones: tuple[BarTone, ...]
    description: str


@dataclass(frozen=True)
class LineChart:
    title: str
    x_labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # fractions 0–1
    description: str


@dataclass(frozen=True)
class BarList:
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]  # fractions 0–1
    notes: tuple[str, ...]  # "12 of 20"
    description: str


def _signed(n: int) -> str:
    # ASCII signs: the font the charts are drawn with has no U+2212 minus.
    return f"{n}" if n < 0 else f"+{n}" if n > 0 else "0"


def change_histogram(row: OutcomeRow, *, max_bins: int = 21) -> Histogram:
    changes = row.changes
    rules = row.outcome.rules
    lo, hi = (min(changes), max(changes)) if changes else (0, 0)
    width = max(1, math.ceil((hi - lo + 1) / max_bins))
    bins, counts, tones = [], [], []
    start = lo
    while start <= hi:
        end = start + width - 1
        bins.append(_signed(start) if width == 1 else f"{_signed(start)} to {_signed(end)}")
        counts.append(sum(1 for c in changes if start <= c <= end))
        improvement = -end if not rules.higher_is_better else start
        worsening = start if not rules.higher_is_better else -end
        rci = rules.reliable_change
        if rci is not None and improvement >= rci:
            tones.append(BarTone.GOOD)
        elif rci is not None and worsening >= rci:
            tones.append(BarTone.BAD)
        else:
            tones.append(BarTone.NEUTRAL)
        start = end + 1
    name = row.outcome.name
    text = f"{name}: change from baseline to latest for {len(changes)} clients"
    if rules.reliable_change is not None:
        text += f"; reliable change is {rules.reliable_change} points or more"
    return Histogram(
        title=f"{name}: change from baseline",
        x_label="change in score (latest minus baseline)",
        bins=tuple(bins),
        counts=tuple(counts),
        tones=tuple(tones),
        description=text + ".",
    )


def rates_over_time(row: OutcomeRow) -> LineChart:
    pts = row.over_time
    labels = tuple(
        p.end.strftime("%b %Y") if (p.end - p.start).days < 32 else p.end.strftime("to %b %Y")
        for p in pts
    )
    series = [("response", tuple(p.response_rate for p in pts))]
    series.append(("remission", tuple(p.remission_rate for p in pts)))
    series.append(("measured in 30 days", tuple(p.measurement_rate for p in pts)))
    shown = tuple((name, values) for name, values in series if any(v is not None for v in values))
    last = pts[-1] if pts else None
    text = f"{row.outcome.name}: rates at the end of each period"
    if last is not None:
        parts = [
            f"{name} {values[-1]:.0%}"
            for name, values in shown
            if values and values[-1] is not None
        ]
        if parts:
            text += " (latest: " + ", ".join(parts) + ")"
    return LineChart(f"{row.outcome.name}: over time", labels, shown, text + ".")


def measurement_rates(rows: tuple[OutcomeRow, ...]) -> BarList:
    usable = [r for r in rows if r.figures.measurement_rate is not None]
    labels = tuple(r.outcome.name for r in usable)
    values = tuple(r.figures.measurement_rate or 0.0 for r in usable)
    notes = tuple(f"{r.figures.measured_recently} of {r.figures.active_clients}" for r in usable)
    text = "Share of active clients with a score in the last 30 days: " + (
        ", ".join(f"{label} {v:.0%}" for label, v in zip(labels, values, strict=True)) or "none"
    )
    return BarList("Measurement rate (last 30 days)", labels, values, notes, text + ".")
