"""Quit after a while, on request: how the packaging smoke test and the cold-start benchmark
run the built app through its real start-up (NOTEAPP_QUIT_AFTER=SECONDS; nothing else sets it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

QUIT_AFTER_ENV = "NOTEAPP_QUIT_AFTER"
MAX_SECONDS = 3600


def quit_after_if_asked(window: QWidget, page: Callable[[], QWidget | None]) -> bool:
    """With NOTEAPP_QUIT_AFTER set, close ``window`` the way a user would (the app locks and
    releases the vault) after that many seconds, and say on stderr which screen was showing
    and when the event loop first ran (CLOCK_MONOTONIC, comparable across processes).
    Returns whether a quit was scheduled."""
    raw = os.environ.get(QUIT_AFTER_ENV, "").strip()
    if not raw:
        return False
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_SECONDS:
        print(
            f"noteapp: {QUIT_AFTER_ENV} is a number of seconds (0 to {MAX_SECONDS}); ignored.",
            file=sys.stderr,
        )
        return False
    shown: list[float] = []
    QTimer.singleShot(0, lambda: shown.append(time.monotonic()))  # the loop's first turn

    def close() -> None:
        current = page()
        name = current.objectName() if current is not None else "none"
        first = shown[0] if shown else time.monotonic()
        print(
            f"noteapp: closing after {seconds:g} s as {QUIT_AFTER_ENV} asks; "
            f"screen: {name}; event loop running at monotonic {first:.3f}",
            file=sys.stderr,
            flush=True,
        )
        window.close()

    QTimer.singleShot(round(seconds * 1000), close)
    return True
