"""Walking a window with the Tab key, as a keyboard user does (used by test_keyboard.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QRadioButton, QWidget

from tests.ui.fit_rules import path
from tests.ui.screens import settle


def focusable(window: QWidget) -> list[QWidget]:
    """Controls Tab should reach: shown, enabled, accepting Tab focus, in this window.

    A widget whose focus goes to a proxy (a combo box's line edit, a spin box's editor)
    counts once, as itself; a scroll area that only frames other controls does not count."""
    out = []
    for w in window.findChildren(QWidget):
        if w.window() is not window or not w.isVisible() or not w.isEnabled():
            continue
        if not w.focusPolicy() & Qt.FocusPolicy.TabFocus or w.focusProxy() is not None:
            continue
        if type(w) is QWidget:  # a plain container given a focus policy by its style
            continue
        if isinstance(w, QAbstractScrollArea) and type(w).__name__ in ("QScrollArea",):
            continue
        if _owned_by_control(w, window):
            continue
        out.append(w)
    return out


def _owned_by_control(w: QWidget, window: QWidget) -> bool:
    """Inner widgets of a control (a spin box's line edit) are the control itself."""
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if parent.focusProxy() is w:
            return True
        parent = parent.parentWidget()
    return False


def control_of(focus: QWidget | None, controls: list[QWidget]) -> QWidget | None:
    w = focus
    while w is not None:
        if w in controls:
            return w
        w = w.parentWidget()
    return focus


def tab_walk(window: QWidget, presses: int | None = None) -> tuple[list[QWidget], list[str]]:
    """Press Tab from the first control until focus is back on it; returns the controls and
    the problems (a control never reached; focus stuck in one control)."""
    window.activateWindow()
    window.raise_()
    settle()
    controls = focusable(window)
    if not controls:
        return controls, []
    start = controls[0]
    start.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    seen: list[QWidget] = []
    problems: list[str] = []
    stuck = 0
    last = None
    for _ in range(presses or 4 * len(controls) + 30):
        focus = QApplication.focusWidget()
        here = control_of(focus, controls)
        if here is not None and here not in seen:
            seen.append(here)
        stuck = stuck + 1 if here is last else 0
        if stuck > 6:  # a time edit has two sections; nothing needs seven presses
            problems.append(f"Tab is stuck in {name(here)}")
            break
        last = here
        QTest.keyClick(focus or window, Qt.Key.Key_Tab)
        settle()
        if (
            set(must_reach(controls)) <= set(seen)
            and control_of(QApplication.focusWidget(), controls) is start
        ):
            break
    problems += [f"Tab never reaches {name(c)}" for c in must_reach(controls) if c not in seen]
    return controls, problems


def must_reach(controls: list[QWidget]) -> list[QWidget]:
    """Every control, except the unchecked buttons of a group of radio buttons: Tab goes to
    the checked one and the arrow keys choose within the group (the platform convention)."""

    def grouped_away(c: QWidget) -> bool:
        if not isinstance(c, QRadioButton) or c.isChecked():
            return False
        group = c.group()
        siblings = (
            group.buttons()
            if group is not None
            else [
                w for w in (c.parentWidget() or c).findChildren(QRadioButton) if w.autoExclusive()
            ]
        )
        return any(b.isChecked() for b in siblings)

    return [c for c in controls if not grouped_away(c)]


def name(w: QWidget | None) -> str:
    return "nothing" if w is None else path(w)
