"""The search palette's results: a list model of hits and the delegate that draws them.

A row is the title (bold), a muted secondary line, and the snippet; matched words are drawn
in the palette's highlight colours, so they read in light and dark mode alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

HitRole = Qt.ItemDataRole.UserRole + 1
MetaRole = Qt.ItemDataRole.UserRole + 2
_PAD = 8


class SearchResultsModel(QAbstractListModel):
    """The hits of the last search; `meta` turns a hit into its secondary line."""

    def __init__(self, meta: Callable[[Any], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Any] = []
        self._meta = meta

    def set_hits(self, hits: Sequence[Any]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Any:
        return self._hits[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == HitRole:
            return hit
        if role == MetaRole:
            return self._meta(hit)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            # What a screen reader says: the whole row as plain text.
            return " — ".join(p for p in (hit.title, self._meta(hit), hit.snippet) if p)
        return None


def _formats(spans: Sequence[tuple[int, int]], length: int, fg: QColor, bg: QColor) -> list[Any]:
    out = []
    for start, end in spans:
        start, end = max(0, int(start)), min(length, int(end))
        if end <= start:
            continue
        fmt = QTextCharFormat()
        fmt.setBackground(bg)
        fmt.setForeground(fg)
        fmt.setFontWeight(QFont.Weight.Bold)
        rng = QTextLayout.FormatRange()
        rng.start, rng.length, rng.format = start, end - start, fmt
        out.append(rng)
    return out


def _draw_text(
    painter: QPainter,
    text: str,
    spans: Sequence[tuple[int, int]],
    font: QFont,
    rect: QRect,
    max_lines: int,
    palette: QPalette,
) -> int:
    """Lay out `text` with highlighted spans in at most `max_lines` lines; returns the height."""
    text = " ".join(text.split())  # snippets may hold newlines; the spans survive (same length)
    layout = QTextLayout(text, font)
    layout.setFormats(
        _formats(
            spans,
            len(text),
            palette.color(QPalette.ColorRole.HighlightedText),
            palette.color(QPalette.ColorRole.Highlight),
        )
    )
    layout.beginLayout()
    y = 0.0
    for i in range(max_lines):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(rect.width())
        line.setPosition(rect.topLeft().toPointF() + QPointF(0, y))
        y += line.height()
        if i == max_lines - 1 and line.textStart() + line.textLength() < len(text):
            # Out of room: cut this line short so the ellipsis below fits.
            line.setLineWidth(rect.width() - QFontMetrics(font).horizontalAdvance("…") - 2)
    layout.endLayout()
    layout.draw(painter, QPointF(0, 0))
    last = layout.lineAt(layout.lineCount() - 1) if layout.lineCount() else None
    if last is not None and last.textStart() + last.textLength() < len(text):
        painter.drawText(
            QPointF(
                rect.left() + last.naturalTextWidth() + 1,
                rect.top() + y - QFontMetrics(font).descent(),
            ),
            "…",
        )
    return int(y)


class SearchHitDelegate(QStyledItemDelegate):
    """Title (bold, highlighted), a muted secondary line, and the snippet (highlighted)."""

    SNIPPET_LINES = 2

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        title, small = self._fonts(option)
        hit = index.data(HitRole)
        lines = QFontMetrics(title).height() + QFontMetrics(small).height()
        if hit is not None and hit.snippet:
            lines += QFontMetrics(option.font).height() * self.SNIPPET_LINES
        return QSize(200, lines + 2 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        hit = index.data(HitRole)
        if hit is None:
            return
        painter.save()
        pal = option.palette
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            # A tint, not the solid highlight: the matched spans use the solid colour.
            tint = QColor(pal.color(QPalette.ColorRole.Highlight))
            tint.setAlpha(60)
            painter.fillRect(rect, tint)
            painter.fillRect(
                QRect(rect.left(), rect.top(), 3, rect.height()),
                pal.color(QPalette.ColorRole.Highlight),
            )
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        title_font, small = self._fonts(option)
        inner = rect.adjusted(_PAD + 4, _PAD, -_PAD, -_PAD)
        y = inner.top()
        y += _draw_text(
            painter,
            hit.title,
            hit.title_highlights,
            title_font,
            QRect(inner.left(), y, inner.width(), 0),
            1,
            pal,
        )
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(small)
        meta_h = QFontMetrics(small).height()
        meta = QFontMetrics(small).elidedText(
            str(index.data(MetaRole)), Qt.TextElideMode.ElideRight, inner.width()
        )
        painter.drawText(
            QRect(inner.left(), y, inner.width(), meta_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            meta,
        )
        y += meta_h
        if hit.snippet:
            painter.setPen(pal.color(QPalette.ColorRole.Text))
            _draw_text(
                painter,
                hit.snippet,
                hit.highlights,
                option.font,
                QRect(inner.left(), y, inner.width(), 0),
                self.SNIPPET_LINES,
                pal,
            )
        painter.restore()
