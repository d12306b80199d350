"""Atomic, owner-only file writes for exports (temp file in the same folder, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from noteapp.export.errors import ExportWriteError


def write_atomic(dest: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Create ``dest`` with mode 0600 from what ``fill`` writes; the old file stays on failure."""
    dest = Path(dest)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".noteapp-export-", suffix=".tmp")
    except OSError:
        raise ExportWriteError(
            "The export could not be written: the folder is missing or not writable."
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(dest.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename itself must survive a power cut, not only the file's bytes.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
