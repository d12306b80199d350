"""What "fits" means, checked on a shown window (used by fit_check.py and the UI tests).

- The window lies inside the screen's available area, less the room a window frame takes
  (a full-screen window may fill the whole screen).
- Every visible widget lies inside its parent, except the content of a scroll area (it
  scrolls), so everything is inside the window or reachable by scrolling.
- Text fits: a push button's, tool button's, check box's or radio button's label inside its
  contents rect; a label's text (one line per line; rich text at its ideal width) inside
  the label unless it wraps; a group box's title; every tab's title inside its tab and every
  tab inside its tab bar. Widgets that elide on purpose (combo boxes, line edits, item
  views) are not text-checked.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLayout,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QToolButton,
    QWidget,
)

from noteapp.ui.screen_fit import FRAME

SLACK = 1  # pixels of rounding


def path(widget: QWidget) -> str:
    parts = []
    w: QWidget | None = widget
    while w is not None and not w.isWindow():
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts[:4]))


def plain(text: str) -> str:
    """A label as drawn: the mnemonic & removed ("&&" is a literal &)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_width(fm: QFontMetrics, text: str) -> int:
    return max((fm.horizontalAdvance(line) for line in plain(text).split("\n")), default=0)


def _in_scrolled_content(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    area = parent.parentWidget() if parent is not None else None
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def _button_problem(b: QAbstractButton) -> str:
    text = b.text()
    if not text:
        return ""
    fm = b.fontMetrics()
    need = _text_width(fm, text)
    icon = b.iconSize().width() + 4 if not b.icon().isNull() else 0
    style = b.style()
    if isinstance(b, QPushButton):
        opt = QStyleOptionButton()
        opt.initFrom(b)
        opt.text = text
        opt.icon = b.icon()
        opt.iconSize = b.iconSize()
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, b).width()
        if b.menu() is not None:
            room -= style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, b)
    elif isinstance(b, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        opt.initFrom(b)
        opt.text = text
        element = (
            QStyle.SubElement.SE_CheckBoxContents
            if isinstance(b, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonContents
        )
        room = style.subElementRect(element, opt, b).width() - 2  # the focus-rect margin
    elif isinstance(b, QToolButton):
        if b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return ""
        margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, b)
        room = b.width() - margin
    else:
        return ""
    if need + icon > room + SLACK:
        return f"text {plain(text)!r} needs {need + icon}px, has {room}px"
    return ""


def _label_problem(label: QLabel) -> str:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return ""
    rect = label.contentsRect()
    if label.wordWrap():
        need_h = label.heightForWidth(label.width())
        if need_h > label.height() + SLACK:
            return (
                f"wrapped text {plain(text)[:60]!r} needs {need_h}px of height, "
                f"has {label.height()}px"
            )
        return ""
    lines = plain(text).count("\n") + 1
    need_h = lines * label.fontMetrics().height()
    if need_h > rect.height() + SLACK:
        return f"text {plain(text)[:60]!r} needs {need_h}px of height, has {rect.height()}px"
    room = rect.width() - 2 * max(label.margin(), 0) - max(label.indent(), 0)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        need = int(doc.idealWidth())
    else:
        need = _text_width(label.fontMetrics(), text)
    if need > room + SLACK:
        return f"text {plain(text)[:60]!r} needs {need}px, has {room}px"
    return ""


def _tab_problems(bar: QTabBar) -> list[str]:
    out = []
    whole = bar.rect()
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect = bar.tabRect(i)
        if not whole.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
            out.append(f"tab {bar.tabText(i)!r} is outside its tab bar (tabs overflow)")
            continue
        need = bar.tabSizeHint(i).width() if bar.elideMode() == Qt.TextElideMode.ElideNone else 0
        hint = _text_width(bar.fontMetrics(), bar.tabText(i))
        if rect.width() + SLACK < max(hint, need if bar.expanding() else hint):
            out.append(f"tab {bar.tabText(i)!r} needs {hint}px, has {rect.width()}px")
    return out


def text_problems(widget: QWidget) -> list[str]:
    if isinstance(widget, QAbstractButton):
        found = _button_problem(widget)
        return [found] if found else []
    if isinstance(widget, QLabel):
        found = _label_problem(widget)
        return [found] if found else []
    if isinstance(widget, QTabBar):
        return _tab_problems(widget)
    if isinstance(widget, QGroupBox) and widget.title():
        need = _text_width(widget.fontMetrics(), widget.title())
        indicator = 24 if widget.isCheckable() else 8
        if need + indicator > widget.width() + SLACK:
            return [f"title {widget.title()!r} needs {need + indicator}px, has {widget.width()}px"]
    return []


def _clipped_content(area: QWidget) -> list[str]:
    """A scroll area that cannot scroll one way must not hold content wider (taller) than
    it shows: the rest would be cut off with no way to reach it."""
    if not isinstance(area, QScrollArea) or area.widget() is None:
        return []
    content, view = area.widget(), area.viewport()
    out = []
    never = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    if area.horizontalScrollBarPolicy() == never and content.width() > view.width() + SLACK:
        out.append(f"content is {content.width()}px wide, {view.width()}px shown, no scroll bar")
    if area.verticalScrollBarPolicy() == never and content.height() > view.height() + SLACK:
        out.append(f"content is {content.height()}px tall, {view.height()}px shown, no scroll bar")
    return out


def _laid_out(layout: QLayout) -> list[QWidget]:
    """Every widget a layout places, through its nested layouts."""
    out: list[QWidget] = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is not None:
            out.append(item.widget())
        elif item.layout() is not None:
            out.extend(_laid_out(item.layout()))
    return out


def _overlaps(parent: QWidget) -> list[str]:
    """Children a layout placed on top of each other (a layout given less than it needs)."""
    layout = parent.layout()
    if layout is None or isinstance(parent, (QStackedWidget, QSplitter)):
        return []
    kids = [w for w in _laid_out(layout) if w.isVisible() and not w.isWindow() and w.width() > 0]
    out = []
    for i, a in enumerate(kids):
        for b in kids[i + 1 :]:
            overlap = a.geometry().intersected(b.geometry())
            if overlap.width() > 2 and overlap.height() > 2:
                size = f"{overlap.width()}×{overlap.height()}"
                out.append(f"{path(a)} and {path(b)} overlap ({size})")
    return out


def window_problems(window: QWidget) -> list[str]:
    """Everything that does not fit in `window` (shown) on its screen."""
    out: list[str] = []
    screen = window.screen()
    avail = screen.availableGeometry()
    geometry = window.frameGeometry()
    if window.isFullScreen():
        if not screen.geometry().contains(geometry):
            out.append(f"full-screen window {geometry} is outside the screen {screen.geometry()}")
    else:
        room = QRect(avail.topLeft(), avail.size() - FRAME)
        if geometry.width() > room.width() or geometry.height() > room.height():
            out.append(
                f"window is {geometry.width()}×{geometry.height()}; the screen leaves "
                f"{room.width()}×{room.height()} (after the taskbar and the window frame)"
            )
        elif not avail.contains(geometry):
            out.append(f"window {geometry} is partly off the screen {avail}")
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.isWindow():
            continue
        out.extend(f"{path(w)}: {p}" for p in _overlaps(w))
        out.extend(f"{path(w)}: {p}" for p in _clipped_content(w))
        parent = w.parentWidget()
        if parent is not None and not _in_scrolled_content(w):
            inside = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
            if not inside.contains(w.geometry()) and w.width() > 0 and w.height() > 0:
                out.append(f"{path(w)} {w.geometry()} lies outside {path(parent)} {parent.rect()}")
        for problem in text_problems(w):
            out.append(f"{path(w)}: {problem}")
    return out
