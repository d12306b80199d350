"""Encrypted snapshots with SQLite's backup API, verification and restore (which snapshots
are kept, and where: noteapp.vault.snapshots).

A snapshot is the vault database as it is: every record is already encrypted, and the
header holds the key slots of that moment. Restore verifies a snapshot completely (header,
every record version, the audit chain) before it replaces anything.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from noteapp.domain.errors import (
    CheckFailedError,
    RecordsRolledBackError,
    RefusedError,
    VaultCorruptError,
)
from noteapp.domain.progress import Progress
from noteapp.vault.audit import AuditLog
from noteapp.vault.lockfile import VaultLock
from noteapp.vault.store import Vault


@dataclass(frozen=True)
class SnapshotReport:
    records: int
    audit_entries: int


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(
    source: sqlite3.Connection, dest: Path, *, progress: Progress | None = None
) -> None:
    """Copy a live database consistently into `dest`, atomically, owner-only. With
    `progress`, pages are copied in steps and reported; `Cancelled` from it leaves no file."""
    if source.in_transaction:
        # SQLite's backup of a connection with an open write transaction waits forever.
        raise RefusedError("A backup cannot be taken in the middle of a save; try again.")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            if progress is None:
                source.backup(target)
            else:
                source.backup(
                    target,
                    pages=_STEP_PAGES,
                    progress=lambda _status, left, total: progress(total - left, total),
                )
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_STEP_PAGES = 1024  # 4 MiB per step: a 185 MB vault reports about 45 times


def read_vault_id(path: Path) -> str:
    """A snapshot's vault id, from its clear header (no key needed); raises NoteappError
    when the file is not a readable noteapp vault."""
    vault = Vault.open(Path(path), read_only=True)
    try:
        return vault.vault_id
    finally:
        vault.close()


def verify_open_snapshot(vault: Vault, *, progress: Progress | None = None) -> SnapshotReport:
    """Every record version decrypts and the audit chain holds (vault already unlocked)."""
    try:
        failures = vault.verify_all(progress=progress)
    except RecordsRolledBackError as exc:  # format 2: what is current does not hold
        raise CheckFailedError(
            f"The backup is not what noteapp saved: {exc.kind or 'some'} records were rolled "
            "back or removed outside noteapp. Nothing was restored."
        ) from exc
    if failures:
        raise CheckFailedError(
            f"The backup is damaged: {len(failures)} record(s) cannot be decrypted. "
            "Nothing was restored."
        )
    result = AuditLog(vault).verify()
    if not result.ok:
        raise CheckFailedError(
            f"The backup's audit log is broken: {result.message} Nothing was restored."
        )
    total = int(vault.connection.execute("SELECT COUNT(*) FROM records").fetchone()[0])
    return SnapshotReport(records=total, audit_entries=result.entries)


def install_snapshot(snapshot: Vault, target: Path) -> Path | None:
    """Atomically put a verified, open snapshot at `target`.

    If a vault is already there it is first saved beside it (never lost); returns that path.
    The caller holds no lock on `target`; we take it so no running instance is overwritten.
    """
    target = Path(target)
    lock = VaultLock(target)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock.acquire()
    try:
        previous = None
        if target.exists():
            stamp = snapshot.clock.now().strftime("%Y%m%d-%H%M%S")
            previous = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
            n = 1
            while previous.exists():  # never overwrite an earlier kept copy
                previous = target.with_name(
                    f"{target.stem}.before-restore-{stamp}-{n}{target.suffix}"
                )
                n += 1
            try:
                old = sqlite3.connect(target)
                try:
                    write_snapshot(old, previous)
                finally:
                    old.close()
            except sqlite3.DatabaseError:
                # An unreadable vault is kept byte for byte instead.
                os.replace(target, previous)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
        write_snapshot(snapshot.connection, target)
        try:
            conn = sqlite3.connect(target)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.close()
        except sqlite3.DatabaseError as exc:
            raise VaultCorruptError("The restored vault could not be opened.") from exc
        return previous
    finally:
        lock.release()
