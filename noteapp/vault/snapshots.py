"""Where snapshots live and which ones are kept.

Each vault has its own folder under the backup folder, named by its vault id (opaque, in the
clear header), so rotation only ever deletes that vault's own snapshots: a demo vault can
never push out the real vault's backups. Beside each snapshot a small manifest (ids only, no
PHI) says when and why it was taken and which records were known to be damaged then; rotation
uses it to keep the newest copy taken before each damage appeared. Snapshots taken before a
client is deleted live in their own sub-folder, outside rotation, for a retention period.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from noteapp.domain.errors import InvalidInputError, NoteappError

AUTO_PREFIX = "noteapp-backup-"
PRE_DELETE_PREFIX = "noteapp-before-delete-"
PRE_DELETE_FOLDER = "before-delete"
MANIFEST_FORMAT = "noteapp-snapshot/1"
_MANIFEST_MAX = 1024 * 1024
_STAMP = r"(\d{8}-\d{6})(?:-(\d+))?"
_AUTO_RE = re.compile(rf"^{AUTO_PREFIX}{_STAMP}\.noteapp$")
_PRE_DELETE_RE = re.compile(rf"^{PRE_DELETE_PREFIX}{_STAMP}\.noteapp$")
_VAULT_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_KIND_RE = re.compile(r"^[a-z0-9_.-]{1,40}$")
_UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)

RecordRef = tuple[str, str]  # (kind, record id): opaque, never PHI


class SnapshotKind(StrEnum):
    AUTOMATIC = "automatic"  # on lock/close and "back up now": rotated
    BEFORE_DELETE = "before-delete"  # before a client is deleted: kept for the retention period


class SnapshotStatus(StrEnum):
    CLEAN = "clean"  # no record was known to be damaged when it was taken
    DAMAGED = "damaged"  # some records were already damaged
    UNKNOWN = "unknown"  # taken before manifests existed (or the manifest is unreadable)


@dataclass(frozen=True)
class Manifest:
    vault_id: str
    taken_at: datetime  # UTC
    reason: str
    damaged: tuple[RecordRef, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.damaged


@dataclass(frozen=True)
class SnapshotInfo:
    path: Path
    taken_at: datetime  # UTC
    kind: SnapshotKind
    status: SnapshotStatus
    damaged: tuple[RecordRef, ...] = ()

    def lists_damaged(self, ref: RecordRef) -> bool:
        return ref in self.damaged

    @property
    def when(self) -> str:
        """The time it was taken, in this computer's time zone (for people)."""
        return self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


# --- folders and names -------------------------------------------------------------------


def vault_folder(base: Path, vault_id: str) -> Path:
    """The folder of one vault's snapshots (the id is checked: it becomes a path)."""
    if not _VAULT_ID_RE.match(vault_id):
        raise InvalidInputError("The vault id is not valid.")
    return Path(base) / vault_id


def unique_path(directory: Path, prefix: str, now: datetime) -> Path:
    # A time stamp only (UTC): backup file names never carry anything about clients.
    base = f"{prefix}{now.astimezone(UTC).strftime('%Y%m%d-%H%M%S')}"
    path = Path(directory) / f"{base}.noteapp"
    n = 1
    while path.exists() or manifest_path(path).exists():
        path = Path(directory) / f"{base}-{n}.noteapp"
        n += 1
    return path


def _stamp(path: Path) -> tuple[datetime, int] | None:
    m = _AUTO_RE.match(path.name) or _PRE_DELETE_RE.match(path.name)
    if m is None:
        return None
    try:
        when = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return when, int(m.group(2) or 0)


def _listed(directory: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Snapshots this app named, newest first (the -N suffix orders those of one second)."""
    if not Path(directory).is_dir():
        return []
    found = [p for p in Path(directory).iterdir() if pattern.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: _stamp(p) or (_UNKNOWN_TIME, 0), reverse=True)


def list_snapshots(directory: Path) -> list[Path]:
    """Automatic snapshots in a vault's folder, newest first."""
    return _listed(directory, _AUTO_RE)


def list_pre_delete(directory: Path) -> list[Path]:
    """Snapshots taken before a client was deleted, newest first."""
    return _listed(Path(directory) / PRE_DELETE_FOLDER, _PRE_DELETE_RE)


# --- manifests ---------------------------------------------------------------------------


def manifest_path(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + ".json")


def write_manifest(snapshot: Path, manifest: Manifest) -> Path:
    """Write the manifest beside a snapshot, atomically and owner-only."""
    doc = {
        "format": MANIFEST_FORMAT,
        "vault_id": manifest.vault_id,
        "taken_at": manifest.taken_at.astimezone(UTC).isoformat(timespec="seconds"),
        "reason": manifest.reason,
        "clean": manifest.clean,
        "damaged": [{"kind": k, "id": i} for k, i in manifest.damaged],
    }
    path = manifest_path(snapshot)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(doc, indent=1) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_manifest(snapshot: Path) -> Manifest | None:
    """The manifest beside a snapshot; None when missing or not understood (fail closed:
    an odd manifest never makes a snapshot look clean)."""
    try:
        with open(manifest_path(snapshot), "rb") as handle:
            raw = handle.read(_MANIFEST_MAX + 1)
        if len(raw) > _MANIFEST_MAX:
            return None
        doc = json.loads(raw.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
            return None
        vault_id, reason, damaged = doc["vault_id"], doc["reason"], doc["damaged"]
        taken_at = datetime.fromisoformat(doc["taken_at"])
        if not isinstance(vault_id, str) or not _VAULT_ID_RE.match(vault_id):
            return None
        if not isinstance(reason, str) or taken_at.tzinfo is None or not isinstance(damaged, list):
            return None
        refs = []
        for d in damaged:
            kind, rid = d["kind"], d["id"]
            if not (isinstance(kind, str) and _KIND_RE.match(kind) and isinstance(rid, str)):
                return None
            refs.append((kind, rid[:64]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Manifest(vault_id, taken_at.astimezone(UTC), reason[:40], tuple(refs))


def describe(snapshot: Path, kind: SnapshotKind) -> SnapshotInfo:
    manifest = read_manifest(snapshot)
    stamp = _stamp(snapshot)
    taken = stamp[0] if stamp else _UNKNOWN_TIME
    if manifest is None:
        return SnapshotInfo(snapshot, taken, kind, SnapshotStatus.UNKNOWN)
    status = SnapshotStatus.CLEAN if manifest.clean else SnapshotStatus.DAMAGED
    return SnapshotInfo(snapshot, manifest.taken_at, kind, status, manifest.damaged)


def _remove(snapshot: Path) -> None:
    snapshot.unlink(missing_ok=True)
    manifest_path(snapshot).unlink(missing_ok=True)


# --- rotation and retention --------------------------------------------------------------


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest automatic snapshots beyond `keep`; returns what was removed.

    The newest snapshot taken before each damage it knows of is never removed: once a record
    is damaged, every later snapshot carries the damage, and without this rule ten of them
    would push out the last copy that can bring the record back.
    """
    if keep < 1:
        raise InvalidInputError("Keep at least one backup.")
    snaps = list_snapshots(directory)
    protected = set(_before_damage(snaps))
    removed = [p for p in reversed(snaps[keep:]) if p not in protected]  # oldest first
    for p in removed:
        _remove(p)
    return removed


def _before_damage(snaps: Sequence[Path]) -> Iterable[Path]:
    """For each record damaged in the newest snapshot: the newest older snapshot that did not
    list it (one without a manifest might hold a good copy too, so it counts)."""
    if not snaps:
        return
    newest = read_manifest(snaps[0])
    if newest is None or newest.clean:
        return
    manifests = [read_manifest(p) for p in snaps[1:]]
    for ref in newest.damaged:
        for path, manifest in zip(snaps[1:], manifests, strict=True):
            if manifest is None or ref not in manifest.damaged:
                yield path
                break


def prune_pre_delete(directory: Path, *, older_than: datetime) -> list[Path]:
    """Remove pre-delete snapshots taken before `older_than` (the end of their retention)."""
    removed = []
    for p in list_pre_delete(directory):
        stamp = _stamp(p)
        if stamp is not None and stamp[0] < older_than:
            _remove(p)
            removed.append(p)
    return removed


# --- migration from the shared folder ------------------------------------------------------


def migrate_shared(base: Path, read_vault_id: Callable[[Path], str]) -> list[Path]:
    """Move snapshots left in the shared folder (before per-vault folders) into the folder of
    their own vault. A file whose vault id cannot be read without a key stays untouched."""
    moved = []
    for p in list_snapshots(base):
        try:
            vault_id = read_vault_id(p)
            dest = vault_folder(base, vault_id) / p.name
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(p, dest)
        except (NoteappError, OSError, sqlite3.DatabaseError):
            continue  # unreadable header, a race with another process: leave it where it is
        moved.append(dest)
    return moved


# --- which snapshot still holds a record ---------------------------------------------------


def newest_blob(conn: sqlite3.Connection, ref: RecordRef) -> bytes | None:
    """The stored bytes of a record's newest version (encrypted; read without a key)."""
    row = conn.execute(
        "SELECT CAST(blob AS BLOB) FROM records WHERE kind=? AND id=? ORDER BY version DESC "
        "LIMIT 1",
        ref,
    ).fetchone()
    return row[0] if row and isinstance(row[0], bytes) else None


def other_copies(snapshot: Path, damaged: dict[RecordRef, bytes | None]) -> set[RecordRef]:
    """The records of which a snapshot holds bytes other than the damaged ones now in the
    vault (an earlier or intact copy); read in clear, no key needed."""
    try:
        conn = sqlite3.connect(
            f"{snapshot.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
    except (sqlite3.DatabaseError, OSError):
        return set()
    try:
        found = set()
        for ref, now in damaged.items():
            copy = newest_blob(conn, ref)
            if copy is not None and copy != now:
                found.add(ref)
        return found
    except sqlite3.DatabaseError:
        return set()
    finally:
        conn.close()
