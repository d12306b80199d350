"""One writer at a time: an OS-level lock next to the vault file.

The OS drops the lock when the process dies, so a crash never leaves the vault stuck. The lock
belongs to the file's real path (symlinks resolved), so two spellings of one vault — a
symlink and its target, or two symlinks — share one lock and can never both write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from noteapp.domain.errors import VaultInUseError

IN_USE_MESSAGE = "This vault is open in another noteapp window or command. Close it there first."


class VaultLock:
    def __init__(self, vault_path: Path) -> None:
        real = Path(os.path.realpath(vault_path))
        self.path = real.with_name(real.name + ".lock")
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise VaultInUseError(IN_USE_MESSAGE) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing drops the lock
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None
