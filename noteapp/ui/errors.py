"""Turning errors into plain sentences, and the last-resort exception hook.

Core errors (`NoteappError`) carry a message written for a clinician and free of client data,
so it is shown as it is. Anything else is a bug: the user gets a calm sentence, never a
traceback, and the log gets only the exception's type and where it happened — never its
message, which might quote client data.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from noteapp.domain.errors import NoteappError

UNEXPECTED = (
    "Something unexpected went wrong. Your saved work is safe in the vault; "
    "if this keeps happening, restart noteapp."
)


def message_for(exc: BaseException) -> str:
    """The sentence to show for an error raised by a service call."""
    if isinstance(exc, NoteappError):
        return str(exc) or UNEXPECTED
    if isinstance(exc, PermissionError):
        return "noteapp is not allowed to read or write that file or folder."
    if isinstance(exc, OSError):
        return "The file or folder could not be read or written. Check that it still exists."
    return UNEXPECTED


def safe_summary(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Type and innermost noteapp location only: no message, no locals, no client data."""
    where = ""
    for frame in traceback.extract_tb(tb):
        if "noteapp" in frame.filename:
            where = f" at {frame.filename.rsplit('noteapp', 1)[-1]}:{frame.lineno}"
    return f"noteapp: unexpected {exc_type.__name__}{where}"


def install_excepthook(
    show: Callable[[str], None] | None = None,
) -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    """Replace sys.excepthook: a plain dialog for the user, a PHI-free line for the log."""

    def _show(text: str) -> None:
        if QApplication.instance() is None:
            return
        parent = QApplication.activeWindow()
        box = QMessageBox(parent if isinstance(parent, QWidget) else None)
        box.setObjectName("unexpectedErrorBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("noteapp")
        box.setText(text)
        box.exec()

    shower = show or _show

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        print(safe_summary(exc_type, tb), file=sys.stderr)
        try:
            shower(message_for(exc))
        except Exception:  # the hook itself must never raise
            print("noteapp: could not show the error dialog", file=sys.stderr)

    sys.excepthook = hook
    return hook
