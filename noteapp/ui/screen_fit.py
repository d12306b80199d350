"""Window sizes that fit the screen the window is on.

A laptop's 1366×768 or 1280×720 screen (or 2560×1440 at 2× scale) leaves about 700 pixels
of height once the taskbar and the title bar are drawn. A window or dialog sized in fixed
pixels for a large monitor put its bottom row (Preview, "Start note", OK) off screen. Here
each window asks for the size it would like and gets at most the screen's available
geometry less the window frame; content that can grow scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window manager draws around the client area (title bar, borders): Qt only knows
# it once the window is shown, so sizes leave this much room for it.
FRAME = QSize(16, 40)


def available(widget: QWidget | None = None) -> QRect:
    """The screen area a window's client area may use (taskbar and frame left out)."""
    screen = None
    if widget is not None:
        top = widget.window()
        parent = top.parentWidget()
        screen = (parent.window() if parent is not None else top).screen()
    screen = screen or QGuiApplication.primaryScreen()
    rect = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)
    return rect.adjusted(0, 0, -FRAME.width(), -FRAME.height())


def fit_to_screen(window: QWidget, width: int, height: int) -> QSize:
    """Resize `window` to width × height, or to the screen's available area if smaller.

    A minimum size larger than the screen is lowered to fit: the window's content scrolls
    (or shrinks) rather than running off the screen. Returns the size given."""
    avail = available(window)
    minimum = window.minimumSize()
    if minimum.width() > avail.width() or minimum.height() > avail.height():
        window.setMinimumSize(
            min(minimum.width(), avail.width()), min(minimum.height(), avail.height())
        )
    size = QSize(min(width, avail.width()), min(height, avail.height()))
    window.resize(size)
    return size


def fit_to_content(window: QWidget, width: int) -> QSize:
    """Width × the height the content asks for (its size hint), within the screen."""
    return fit_to_screen(window, width, window.sizeHint().height())
