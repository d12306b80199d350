"""What a screen reader needs from a window: every control has a name (used by
test_accessibility.py). The name is what assistive technology gets — Qt's accessible
interface — so a button's own text or a field's label (its buddy) counts, as for a screen
reader; a combo box reports its current value instead, so it needs a label or a name."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.ui.fit_rules import path

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSlider,
    QTabBar,
)
# Parts of a control that are the control (a spin box's editor, a tab bar's scroll arrows).
_COMPOUND = (QAbstractSpinBox, QComboBox, QTabBar, QScrollBar, QAbstractItemView)


def _meaningful(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def buddy_text(widget: QWidget) -> str:
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget:
            return label.text().replace("&", "")
    return ""


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology reads for `widget`."""
    if isinstance(widget, QTabBar):
        tabs = widget.parentWidget()
        own = widget.accessibleName() or (
            tabs.accessibleName() if isinstance(tabs, QTabWidget) else ""
        )
        texts = [widget.tabText(i) for i in range(widget.count())]
        return own if own and all(_meaningful(t) for t in texts) else ""
    if isinstance(widget, QComboBox):
        return widget.accessibleName() or buddy_text(widget)
    iface = QAccessible.queryAccessibleInterface(widget)
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    return name or widget.accessibleName() or buddy_text(widget)


def unnamed(window: QWidget) -> list[str]:
    out = []
    for w in window.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or not w.isVisible() or w.window() is not window:
            continue
        if isinstance(w, QScrollBar) or _inside_compound(w, window):
            continue
        if isinstance(w, QGroupBox) and not w.isCheckable():
            continue
        if not _meaningful(accessible_name(w)):
            out.append(f"{path(w)} ({type(w).__name__}) has no accessible name")
    return out


def _inside_compound(w: QWidget, window: QWidget) -> bool:
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, _COMPOUND):
            return True
        parent = parent.parentWidget()
    return False
