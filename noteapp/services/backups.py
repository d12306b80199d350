"""Backups on demand and automatically (rotating, per vault), before deleting a client
(kept for a retention period), and verified restore."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from noteapp.domain.clock import Clock
from noteapp.domain.errors import InvalidInputError, NoteappError, VaultExistsError
from noteapp.domain.progress import Progress, part
from noteapp.services.audit import AuditService
from noteapp.services.generations import SeenGenerations
from noteapp.services.paths import AppPaths, default_paths
from noteapp.services.settings import SettingsService
from noteapp.vault import backup, migrate, snapshots
from noteapp.vault.snapshots import RecordRef, SnapshotInfo, SnapshotKind, SnapshotStatus

__all__ = [
    "BackupService",
    "RestoreResult",
    "SnapshotInfo",
    "SnapshotKind",
    "SnapshotStatus",
    "restore_snapshot",
]
from noteapp.vault.store import Vault


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    previous_saved_as: Path | None
    records: int
    audit_entries: int


class BackupService:
    """Snapshots of one vault, in its own folder (`<backup folder>/<vault id>/`)."""

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
        self._changes_at_last_backup = vault.change_count
        self._migrated_from: Path | None = None
        # The records known to be damaged now (the workspace wires in its damage report):
        # each snapshot's manifest keeps them, so rotation keeps a copy from before.
        self.damaged_records: Callable[[], Sequence[RecordRef]] = lambda: ()

    @property
    def changed_since_backup(self) -> bool:
        """Anything written since the last snapshot (or since mark_clean)."""
        return self._vault.change_count != self._changes_at_last_backup

    def mark_clean(self) -> None:
        """Nothing to back up as of now (e.g. only the unlock was recorded)."""
        self._changes_at_last_backup = self._vault.change_count

    @property
    def base_directory(self) -> Path:
        """The backup folder chosen in settings (shared by vaults; each has its own inside)."""
        chosen = self._settings.get().backup_dir
        return Path(chosen).expanduser() if chosen else self._default_dir

    @property
    def directory(self) -> Path:
        """This vault's own snapshot folder."""
        return snapshots.vault_folder(self.base_directory, self._vault.vault_id)

    def backup_now(
        self, dest: Path | None = None, *, reason: str = "manual", progress: Progress | None = None
    ) -> Path:
        """A verified-consistent encrypted snapshot; those in the backup folder rotate.
        `progress` hears the pages copied; `Cancelled` from it leaves no file and no audit
        entry."""
        if dest is not None and Path(dest).resolve() == self._vault.path.resolve():
            raise InvalidInputError("A backup cannot replace the vault itself.")
        if dest is not None and Path(dest).exists():
            raise VaultExistsError("A file already exists there; choose another name.")
        if dest is not None:
            self._vault.write_snapshot(Path(dest), progress=progress)
            self._recorded(reason)
            return Path(dest)
        self._migrate()
        target = self._snapshot_into(
            self.directory, snapshots.AUTO_PREFIX, reason, progress=progress
        )
        snapshots.rotate(self.directory, self._settings.get().backup_keep)
        self._prune_pre_delete()
        return target

    def backup_before_delete(self) -> Path:
        """The way back after deleting a client: kept apart from rotation, for the retention
        period in settings (`delete_backup_days`)."""
        self._migrate()
        folder = self.directory / snapshots.PRE_DELETE_FOLDER
        target = self._snapshot_into(folder, snapshots.PRE_DELETE_PREFIX, "before-delete")
        self._prune_pre_delete()
        return target

    def _snapshot_into(
        self, folder: Path, prefix: str, reason: str, *, progress: Progress | None = None
    ) -> Path:
        now = self._clock.now()
        target = snapshots.unique_path(folder, prefix, now)
        self._vault.write_snapshot(target, progress=progress)
        damaged = tuple(dict.fromkeys(self.damaged_records()))
        manifest = snapshots.Manifest(self._vault.vault_id, now, reason, damaged)
        snapshots.write_manifest(target, manifest)
        self._recorded(reason)
        return target

    def _recorded(self, reason: str) -> None:
        # Recorded once the snapshot exists; that entry alone is no reason for another backup.
        self._audit.record("backup", detail={"reason": reason})
        self._changes_at_last_backup = self._vault.change_count

    def _prune_pre_delete(self) -> None:
        days = self._settings.get().delete_backup_days
        cutoff = self._clock.now() - timedelta(days=days)
        snapshots.prune_pre_delete(self.directory, older_than=cutoff)

    def _migrate(self) -> None:
        """Once per folder: snapshots from before per-vault folders move into their vault's."""
        base = self.base_directory
        if self._migrated_from == base:
            return
        self._migrated_from = base
        snapshots.migrate_shared(base, backup.read_vault_id)

    def auto_backup_if_changed(self) -> Path | None:
        """Called on lock and close: a snapshot when anything changed since the last one."""
        if not self._settings.get().auto_backup:
            return None
        if not self.changed_since_backup:
            return None
        return self.backup_now(reason="automatic")

    def snapshots(self) -> list[Path]:
        """This vault's automatic snapshots, newest first."""
        self._migrate()
        return snapshots.list_snapshots(self.directory)

    def all_snapshots(self) -> list[SnapshotInfo]:
        """Automatic and pre-delete snapshots of this vault, newest first, with what their
        manifests say (clean, damaged, unknown)."""
        self._migrate()
        infos = [
            snapshots.describe(p, SnapshotKind.AUTOMATIC)
            for p in snapshots.list_snapshots(self.directory)
        ] + [
            snapshots.describe(p, SnapshotKind.BEFORE_DELETE)
            for p in snapshots.list_pre_delete(self.directory)
        ]
        return sorted(infos, key=lambda i: i.taken_at, reverse=True)

    def before_damage(self, refs: Sequence[RecordRef]) -> dict[RecordRef, SnapshotInfo | None]:
        """For each damaged record, the newest snapshot that holds another copy of it (taken
        before the damage appeared), or None when no snapshot does."""
        wanted = {ref: self._vault.stored_blob(*ref) for ref in dict.fromkeys(refs)}
        found: dict[RecordRef, SnapshotInfo | None] = dict.fromkeys(wanted)
        for info in self.all_snapshots():
            open_refs = {r: b for r, b in wanted.items() if found[r] is None}
            open_refs = {r: b for r, b in open_refs.items() if not info.lists_damaged(r)}
            if not open_refs:
                continue
            for ref in snapshots.other_copies(info.path, open_refs):
                found[ref] = info
            if all(v is not None for v in found.values()):
                break
        return found


def restore_snapshot(
    *,
    snapshot: Path,
    target: Path,
    passphrase: str,
    clock: Clock | None = None,
    paths: AppPaths | None = None,
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
        migrate.upgrade(restored)  # a snapshot in an older format: upgraded like any vault
        AuditService(restored).record("restore", detail={"snapshot": Path(snapshot).name})
        # A deliberate restore is not a rollback: the older generation is the one to expect.
        SeenGenerations.of(paths or default_paths()).remember(
            restored.vault_id, restored.generation
        )
    finally:
        restored.close()
    if progress is not None:
        progress(100, 100)
    return RestoreResult(Path(target), previous, report.records, report.audit_entries)
