"""Progress of long work, and how a person stops it: plain callables, no threads here.

Long service calls (creating the demo vault, unlocking, a chart export, a backup or restore,
building the search index) take `progress: Progress | None`. They call it with (done, total)
at points where stopping is safe — before anything is committed or written — and a front end
that wants to cancel raises `Cancelled` from inside it; the call then unwinds, leaving every
record and file as it was. `total` 0 means "how much is not known yet".
"""

from __future__ import annotations

from collections.abc import Callable

from noteapp.domain.errors import NoteappError

Progress = Callable[[int, int], None]


class Cancelled(NoteappError):
    """The person stopped the work; nothing it would have written was kept."""

    exit_code = 130

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


def report(progress: Progress | None, done: int, total: int) -> None:
    """Call `progress` if there is one (the CLI and tests pass none)."""
    if progress is not None:
        progress(done, total)


def part(progress: Progress | None, *, start: int, size: int, total: int) -> Progress | None:
    """A step's own (done, of) reported as the slice [start, start + size) of `total`: one
    bar moves steadily through work done in several steps."""
    if progress is None:
        return None
    outer = progress

    def step(done: int, of: int) -> None:
        outer(start + (size * min(done, of) // of if of > 0 else 0), total)

    return step
