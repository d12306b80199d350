"""Report charts drawn as PNG without Qt — the only importer of Pillow (import-linter).

Why Pillow: the CLI writes the Word report, so the charts cannot use Qt, and a chart for a
board needs legible, anti-aliased text. Pillow draws and encodes PNG in a few calls with
the font it ships (no data files to bundle); matplotlib would bring numpy and tens of
megabytes for three simple charts. We only ever draw: no image from outside is decoded.

Everything is drawn at `scale` × the nominal size so text stays sharp in Word and on
high-density screens. The input is a plain spec (`domain.chart_spec`); colours come from a
`ChartTheme` (the app passes its palette).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from noteapp.domain.chart_spec import BarList, BarTone, ChartTheme, Histogram, LineChart

WIDTH = 640
HEIGHT = 300
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


class _Canvas:
    def __init__(self, theme: ChartTheme, scale: int, height: int = HEIGHT) -> None:
        self.s = scale
        self.theme = theme
        self.image = Image.new("RGB", (WIDTH * scale, height * scale), theme.background)
        self.draw = ImageDraw.Draw(self.image)
        self.small = self.font(11)
        self.body = self.font(12)
        self.title_font = self.font(14)

    def font(self, size: int) -> _Font:
        return ImageFont.load_default(size=size * self.s)

    def text(
        self, xy: tuple[float, float], text: str, *, font: _Font, fill: str, anchor: str = "la"
    ) -> None:
        self.draw.text((xy[0] * self.s, xy[1] * self.s), text, font=font, fill=fill, anchor=anchor)

    def width(self, text: str, font: _Font) -> float:
        return float(self.draw.textlength(text, font=font)) / self.s

    def line(self, points: Sequence[tuple[float, float]], fill: str, width: float = 1) -> None:
        self.draw.line(
            [(x * self.s, y * self.s) for x, y in points], fill=fill, width=round(width * self.s)
        )

    def rect(self, box: tuple[float, float, float, float], fill: str) -> None:
        x0, y0, x1, y1 = box
        self.draw.rectangle((x0 * self.s, y0 * self.s, x1 * self.s, y1 * self.s), fill=fill)

    def dot(self, x: float, y: float, r: float, fill: str) -> None:
        s = self.s
        self.draw.ellipse(((x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s), fill=fill)

    def title(self, text: str) -> None:
        self.text((16, 12), text, font=self.title_font, fill=self.theme.text)

    def empty(self, message: str) -> None:
        h = self.image.height / self.s
        self.text((WIDTH / 2, h / 2), message, font=self.body, fill=self.theme.muted, anchor="mm")

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG", optimize=True)
        return out.getvalue()


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step))


def histogram_png(spec: Histogram, theme: ChartTheme | None = None, *, scale: int = 2) -> bytes:
    theme = theme or ChartTheme()
    c = _Canvas(theme, scale)
    c.title(spec.title)
    if not spec.counts or not any(spec.counts):
        c.empty("No client has two scores in this period yet.")
        return c.png()
    left, right, top, bottom = 52, WIDTH - 16, 54, HEIGHT - 62
    ticks = _ticks(max(spec.counts))
    peak = ticks[-1]
    for t in ticks:
        y = bottom - (bottom - top) * t / peak
        c.line([(left, y), (right, y)], theme.grid)
        c.text((left - 8, y), str(t), font=c.small, fill=theme.muted, anchor="rm")
    c.text((left - 8, top - 14), "clients", font=c.small, fill=theme.muted, anchor="rb")
    slot = (right - left) / len(spec.counts)
    colours = {BarTone.NEUTRAL: theme.neutral, BarTone.GOOD: theme.good, BarTone.BAD: theme.bad}
    every = max(1, round(len(spec.bins) * max(c.width(b, c.small) for b in spec.bins) / 560))
    for i, (label, count, tone) in enumerate(zip(spec.bins, spec.counts, spec.tones, strict=True)):
        x0 = left + i * slot + slot * 0.12
        x1 = left + (i + 1) * slot - slot * 0.12
        if count:
            c.rect((x0, bottom - (bottom - top) * count / peak, x1, bottom), colours[tone])
        if i % every == 0:
            c.text(((x0 + x1) / 2, bottom + 6), label, font=c.small, fill=theme.muted, anchor="ma")
    c.line([(left, bottom), (right, bottom)], theme.muted)
    c.text(
        ((left + right) / 2, bottom + 24), spec.x_label, font=c.small, fill=theme.muted, anchor="ma"
    )
    x: float = left
    for tone, words in (
        (BarTone.GOOD, "reliable improvement"),
        (BarTone.BAD, "reliable deterioration"),
    ):
        if tone in spec.tones:
            c.rect((x, HEIGHT - 16, x + 10, HEIGHT - 6), colours[tone])
            c.text((x + 14, HEIGHT - 11), words, font=c.small, fill=theme.muted, anchor="lm")
            x += 24 + c.width(words, c.small)
    return c.png()


def line_chart_png(spec: LineChart, theme: ChartTheme | None = None, *, scale: int = 2) -> bytes:
    theme = theme or ChartTheme()
    c = _Canvas(theme, scale)
    c.title(spec.title)
    if not spec.x_labels or not spec.series:
        c.empty("Nothing to show for this period yet.")
        return c.png()
    left, right, top, bottom = 52, WIDTH - 20, 66, HEIGHT - 40
    for pct in (0, 25, 50, 75, 100):
        y = bottom - (bottom - top) * pct / 100
        c.line([(left, y), (right, y)], theme.grid)
        c.text((left - 8, y), f"{pct}%", font=c.small, fill=theme.muted, anchor="rm")
    n = len(spec.x_labels)

    def x_of(i: int) -> float:
        return left + (right - left) * (i + 0.5) / n

    widest = max(c.width(label, c.small) for label in spec.x_labels)
    every = max(1, round(n * (widest + 10) / (right - left) + 0.49))
    for i, label in enumerate(spec.x_labels):
        if i % every == 0:
            c.text((x_of(i), bottom + 6), label, font=c.small, fill=theme.muted, anchor="ma")
    c.line([(left, bottom), (right, bottom)], theme.muted)
    legend_x: float = left
    for k, (name, values) in enumerate(spec.series):
        colour = theme.series[k % len(theme.series)]
        run: list[tuple[float, float]] = []
        for i, v in enumerate(values):
            if v is None:
                if len(run) > 1:
                    c.line(run, colour, 2)
                run = []
                continue
            point = (x_of(i), bottom - (bottom - top) * v)
            run.append(point)
            c.dot(*point, 3, colour)
        if len(run) > 1:
            c.line(run, colour, 2)
        c.rect((legend_x, 39, legend_x + 12, 42), colour)
        c.text((legend_x + 16, 40), name, font=c.small, fill=theme.muted, anchor="lm")
        legend_x += 30 + c.width(name, c.small)
    return c.png()


def bar_list_png(spec: BarList, theme: ChartTheme | None = None, *, scale: int = 2) -> bytes:
    theme = theme or ChartTheme()
    row_h = 26
    height = max(110, 56 + row_h * len(spec.labels) + 16)
    c = _Canvas(theme, scale, height)
    c.title(spec.title)
    if not spec.labels:
        c.empty("No active clients.")
        return c.png()
    label_w = min(200, max(c.width(label, c.body) for label in spec.labels) + 16)
    left, right = 16 + label_w, WIDTH - 110
    for i, (label, value, note) in enumerate(
        zip(spec.labels, spec.values, spec.notes, strict=True)
    ):
        y = 48 + i * row_h
        c.text((left - 10, y + row_h / 2), label, font=c.body, fill=theme.text, anchor="rm")
        c.rect((left, y + 5, right, y + row_h - 5), theme.grid)
        if value > 0:
            c.rect(
                (left, y + 5, left + (right - left) * min(value, 1.0), y + row_h - 5),
                theme.series[0],
            )
        c.text(
            (right + 8, y + row_h / 2),
            f"{value:.0%}  ({note})",
            font=c.small,
            fill=theme.text,
            anchor="lm",
        )
    return c.png()
