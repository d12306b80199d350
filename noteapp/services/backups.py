"""Backups on demand and automatically (rotating), and verified restore."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from noteapp.domain.clock import Clock
from noteapp.domain.errors import InvalidInputError, NoteappError, VaultExistsError
from noteapp.domain.progress import Progress, part
from noteapp.services.audit import AuditService
from noteapp.services.settings import SettingsService
from noteapp.vault import backup
from noteapp.vault.store import Vault


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    previous_saved_as: Path | None
    records: int
    audit_entries: int


class BackupService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        settings: SettingsService,
        clock: Clock,
        default_dir: Path,
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._settings = settings
        self._clock = clock
        self._default_dir = default_dir
        self._changes_at_last_backup = vault.connection.total_changes

    def mark_clean(self) -> None:
        """Nothing to back up as of now (e.g. only the unlock was recorded)."""
        self._changes_at_last_backup = self._vault.connection.total_changes

    @property
    def directory(self) -> Path:
        chosen = self._settings.get().backup_dir
        return Path(chosen).expanduser() if chosen else self._default_dir

    def backup_now(
        self, dest: Path | None = None, *, reason: str = "manual", progress: Progress | None = None
    ) -> Path:
        """A verified-consistent encrypted snapshot; automatic ones rotate. `progress` hears
        the pages copied; `Cancelled` from it leaves no file and no audit entry."""
        if dest is not None and Path(dest).resolve() == self._vault.path.resolve():
            raise InvalidInputError("A backup cannot replace the vault itself.")
        if dest is not None and Path(dest).exists():
            raise VaultExistsError("A file already exists there; choose another name.")
        target = Path(dest) if dest else self._unique_auto_path()
        backup.write_snapshot(self._vault.connection, target, progress=progress)
        # Recorded once the snapshot exists; that entry alone is no reason for another backup.
        self._audit.record("backup", detail={"reason": reason})
        self._changes_at_last_backup = self._vault.connection.total_changes
        if dest is None:
            backup.rotate(self.directory, self._settings.get().backup_keep)
        return target

    def _unique_auto_path(self) -> Path:
        base = backup.auto_backup_name(self._clock.now())
        path = self.directory / base
        n = 1
        while path.exists():
            path = self.directory / base.replace(".noteapp", f"-{n}.noteapp")
            n += 1
        return path

    def auto_backup_if_changed(self) -> Path | None:
        """Called on lock and close: a snapshot when anything changed since the last one."""
        if not self._settings.get().auto_backup:
            return None
        if self._vault.connection.total_changes == self._changes_at_last_backup:
            return None
        return self.backup_now(reason="automatic")

    def snapshots(self) -> list[Path]:
        return backup.list_snapshots(self.directory)


def restore_snapshot(
    *,
    snapshot: Path,
    target: Path,
    passphrase: str,
    clock: Clock | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Verify a snapshot completely with its passphrase, then install it at `target`.
    `progress` hears the verification (the long part); `Cancelled` from it stops before
    anything at `target` is touched."""
    snap = Vault.open(Path(snapshot), clock=clock, read_only=True)
    try:
        snap.unlock_with_passphrase(passphrase)
        report = backup.verify_open_snapshot(
            snap, progress=part(progress, start=0, size=90, total=100)
        )
        try:
            previous = backup.install_snapshot(snap, Path(target))
        except OSError as exc:
            raise NoteappError("The backup could not be written to the target folder.") from exc
    finally:
        snap.close()
    restored = Vault.open(Path(target), clock=clock)
    try:
        restored.unlock_with_passphrase(passphrase)
        AuditService(restored).record("restore", detail={"snapshot": Path(snapshot).name})
    finally:
        restored.close()
    if progress is not None:
        progress(100, 100)
    return RestoreResult(Path(target), previous, report.records, report.audit_entries)
