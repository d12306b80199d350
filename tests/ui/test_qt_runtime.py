"""The Qt binding itself: a release whose signals leak references would abort the app in
the middle of a note (PySide6 6.12.0 dropped a reference to True on every emit; after a few
thousand keystrokes the interpreter stops with "bool_dealloc"). pyproject.toml excludes it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    text = Signal(str)


def test_emitting_signals_keeps_reference_counts() -> None:
    emitter = _Emitter()
    emitter.bare.connect(lambda: None)
    emitter.text.connect(lambda _t: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(500):
        emitter.bare.emit()
        emitter.text.emit("typed")
    after = sys.getrefcount(True), sys.getrefcount(False)
    # A correct binding leaves both unchanged; a leaking one loses 1000 here.
    assert after[0] - before[0] > -50 and after[1] - before[1] > -50
