"""The vault's files on disk: connections, durable new files, and naming the real cause of a
storage failure (a full disk is not damage; a busy file is not damage either).

New vault files (a created vault, an upgraded one) are built complete under a temporary name
in the same folder, fsynced, and only then given their final name — without ever replacing a
file that is there. A process killed at any moment leaves either nothing (or a temporary
file that noteapp removes next time) or a complete vault.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from noteapp.domain.errors import (
    DiskFullError,
    NoteappError,
    StorageError,
    VaultCorruptError,
    VaultExistsError,
    VaultInUseError,
)
from noteapp.vault.format import APPLICATION_ID, SCHEMA
from noteapp.vault.lockfile import IN_USE_MESSAGE

DISK_FULL_MESSAGE = "The disk is full: nothing was saved. Free some space and try again."
DISK_ERROR_MESSAGE = (
    "The disk reported an error while noteapp read or wrote the vault: nothing was saved. "
    "Check the disk (or the network drive) and try again."
)
# Below this much free space, an I/O error is taken for a full disk: SQLite reports ENOSPC
# as SQLITE_FULL when writing pages, but as a plain I/O error when it grows its -shm file.
_NEARLY_FULL_BYTES = 256 * 1024
DAMAGED_MESSAGE = "The vault file is damaged or is not a noteapp vault. Restore it from a backup."
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def storage_error(exc: BaseException, where: Path | None = None) -> NoteappError | None:
    """The plain-sentence error for a storage failure with a known cause, else None.

    `where` (a file or folder of the vault) lets a plain I/O error be told apart: on a disk
    with (almost) no room left it is a full disk.
    """
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        text = str(exc)
        if code == sqlite3.SQLITE_FULL or "database or disk is full" in text:
            return DiskFullError(DISK_FULL_MESSAGE)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
            return VaultInUseError(IN_USE_MESSAGE)
        if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:
            if _nearly_full(where):
                return DiskFullError(DISK_FULL_MESSAGE)
            return StorageError(DISK_ERROR_MESSAGE)
        # Damage is the one cause for which restoring a backup is the remedy.
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
            isinstance(exc, sqlite3.DatabaseError)
            and ("malformed" in text or "not a database" in text or "no such table" in text)
        ):
            return VaultCorruptError(DAMAGED_MESSAGE)
        # Anything else SQLite reports (a read-only file system, a lock it could not take…)
        # is a storage failure with nothing saved, never a reason to restore.
        return StorageError(DISK_ERROR_MESSAGE)
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return DiskFullError(DISK_FULL_MESSAGE)
    return None


def _nearly_full(where: Path | None) -> bool:
    if where is None:
        return False
    folder = where if where.is_dir() else where.parent
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="_HasPath")


class _HasPath(Protocol):
    @property
    def real_path(self) -> Path: ...


def reads_storage(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Decorate a method of the vault that reads SQLite: whatever SQLite raises becomes a
    typed error with a plain sentence (damage, a full disk, a disk error), so no layer above
    the vault ever sees, or has to catch, an sqlite3 exception."""

    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            mapped = storage_error(exc, self.real_path)
            assert mapped is not None  # every sqlite3 error has a sentence
            raise mapped from exc

    functools.update_wrapper(wrapper, method)
    return wrapper


@contextmanager
def named_storage_errors(where: Path | None = None) -> Iterator[None]:
    """Re-raise a full disk, a disk error or a busy file as its own typed error; anything
    else as it is."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        mapped = storage_error(exc, where)
        if mapped is None:
            raise
        raise mapped from exc


def connect(path: Path, *, new: bool = False) -> sqlite3.Connection:
    """A read-write connection in WAL mode with synchronous=FULL."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if not new:
            # Look before writing anything: an empty file or someone else's database must be
            # left exactly as it was (no WAL conversion, no new pages).
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                conn.close()
                raise VaultCorruptError(
                    "This file is not a noteapp vault, or it is damaged. Restore it from a backup."
                )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if sys.platform == "darwin":
            conn.execute("PRAGMA fullfsync=ON")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise storage_error(exc, path) or VaultCorruptError(DAMAGED_MESSAGE) from exc
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.DatabaseError as exc:
        raise VaultCorruptError("The file is damaged or is not a noteapp vault.") from exc


def private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY if os.name == "nt" else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_file(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Create `path` (owner-only; it must not exist) with the current schema, run `fill` in
    the same transaction, and make it durable: rollback-journal mode (so the file alone is
    the whole database), fsynced, closed. On any failure the file is removed."""
    with named_storage_errors(path.parent):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.execute("PRAGMA synchronous=FULL")
                if sys.platform == "darwin":
                    conn.execute("PRAGMA fullfsync=ON")
                conn.execute("PRAGMA secure_delete=ON")
                conn.execute("BEGIN IMMEDIATE")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                fill(conn)
                conn.execute("COMMIT")
            finally:
                conn.close()
            fsync_file(path)
        except BaseException:
            remove_quietly(path)
            raise


def link_into_place(built: Path, dest: Path) -> None:
    """Give a finished file its final name, never replacing a file that is there.

    A hard link is atomic and fails if `dest` exists. Where links are not supported (some
    USB-stick and network file systems), a rename after a check under the vault's lock.
    """
    with named_storage_errors(dest.parent):
        try:
            os.link(built, dest)
        except FileExistsError:
            remove_quietly(built)
            raise VaultExistsError(
                "A vault already exists there; noteapp will not overwrite it."
            ) from None
        except OSError:
            if os.path.lexists(dest):
                remove_quietly(built)
                raise VaultExistsError(
                    "A vault already exists there; noteapp will not overwrite it."
                ) from None
            os.rename(built, dest)  # on Windows this refuses an existing dest, too
        else:
            os.unlink(built)
        fsync_dir(dest.parent)


def remove_quietly(path: Path) -> None:
    with suppress(OSError):
        path.unlink(missing_ok=True)
