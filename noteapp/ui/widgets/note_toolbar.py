"""The top of a note window: a row of actions — text buttons (no icons to decode), each an
action with its shortcut, buttons that never take keyboard focus — and the client's name as
the title."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar, QToolButton, QWidget

from noteapp.ui import shortcuts


def note_toolbar(parent: QWidget, name: str) -> QToolBar:
    """The row of actions at the top of a note window (text buttons, no icons to decode)."""
    bar = QToolBar(parent)
    bar.setObjectName(name)
    bar.setAccessibleName("Note actions")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return bar


def add_action(
    owner: QWidget,
    bar: QToolBar,
    text: str,
    name: str,
    slot: Callable[[], object],
    *,
    tip: str = "",
    shortcut: str = "",
) -> tuple[QAction, QToolButton]:
    """An action in `bar` (and its `shortcut`, an id of ui/shortcuts.py, within `owner`);
    returns it and its button."""
    action = QAction(text, owner)
    action.setObjectName(f"{name}_action")
    label = text.replace("&", "").rstrip("…")
    if shortcut:
        action.setShortcuts([QKeySequence(k) for k in shortcuts.get(shortcut).keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner.addAction(action)
        action.setToolTip(shortcuts.with_keys(tip or label, shortcut))
    else:
        action.setToolTip(tip or label)
    action.triggered.connect(lambda _checked=False: slot())
    bar.addAction(action)
    button = bar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    button.setObjectName(name)
    button.setAccessibleName(label)
    # Toolbar buttons act when clicked or by their shortcut: they take no keyboard focus, so
    # neither Tab, Space nor Enter reach them by accident, and clicking one (Undo) leaves the
    # caret in the field it acts on.
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return action, button


def add_export_action(
    owner: QWidget, bar: QToolBar, slot: Callable[[], object]
) -> tuple[QAction, QToolButton]:
    return add_action(
        owner,
        bar,
        "Export…",
        "export_button",
        slot,
        tip="Word, PDF or print; optionally password-protected",
        shortcut="export",
    )


def note_title(parent: QWidget, text: str, name: str) -> QLabel:
    """The client's name, large and bold; plain text (a name is never markup)."""
    title = QLabel(text, parent)
    title.setObjectName(name)
    title.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    title.setFont(font)
    return title
