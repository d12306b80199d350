"""Snapshot folders: per-vault folders, manifests, rotation that keeps the copy from before a
damage, pre-delete retention, and moving snapshots out of the old shared folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from noteapp.domain.errors import InvalidInputError
from noteapp.vault import backup, snapshots
from noteapp.vault.snapshots import Manifest, SnapshotKind, SnapshotStatus
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE

VAULT_ID = "a" * 32
NOTE = ("note", "b" * 32)
OTHER = ("client", "c" * 32)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def make(folder: Path, minutes: int, damaged: tuple[tuple[str, str], ...] | None) -> Path:
    """A fake snapshot taken T0 + minutes; damaged=None: no manifest (made before them)."""
    when = T0 + timedelta(minutes=minutes)
    folder.mkdir(parents=True, exist_ok=True)
    path = snapshots.unique_path(folder, snapshots.AUTO_PREFIX, when)
    path.write_bytes(b"snapshot")
    if damaged is not None:
        snapshots.write_manifest(path, Manifest(VAULT_ID, when, "automatic", damaged))
    return path


def test_rotation_keeps_the_newest_copy_from_before_the_damage(tmp_path: Path) -> None:
    clean = [make(tmp_path, m, ()) for m in range(3)]
    damaged = [make(tmp_path, 10 + m, (NOTE,)) for m in range(12)]
    removed = snapshots.rotate(tmp_path, keep=3)
    left = snapshots.list_snapshots(tmp_path)
    # The three newest, plus the last clean one: damaged snapshots never push it out.
    assert left == [*reversed(damaged[-3:]), clean[-1]]
    assert set(removed) == set(clean[:-1]) | set(damaged[:-3])
    for p in removed:  # the manifest goes with its snapshot
        assert not snapshots.manifest_path(p).exists()
    assert snapshots.manifest_path(clean[-1]).exists()
    # Rotating again removes nothing more, and keeps protecting it.
    assert snapshots.rotate(tmp_path, keep=3) == []


def test_rotation_protects_per_damaged_record(tmp_path: Path) -> None:
    """A later, second damage keeps the copy from before it too; an older damage that was
    already there does not make every older snapshot precious."""
    before_note = make(tmp_path, 0, (OTHER,))
    before_other = make(tmp_path, -10, ())
    for m in range(5):
        make(tmp_path, 10 + m, (OTHER, NOTE))
    snapshots.rotate(tmp_path, keep=2)
    left = snapshots.list_snapshots(tmp_path)
    assert before_note in left and before_other in left and len(left) == 4


def test_snapshot_without_a_manifest_counts_as_a_possible_good_copy(tmp_path: Path) -> None:
    legacy = make(tmp_path, 0, None)
    for m in range(4):
        make(tmp_path, 10 + m, (NOTE,))
    snapshots.rotate(tmp_path, keep=2)
    assert legacy in snapshots.list_snapshots(tmp_path)


def test_clean_vault_rotates_as_before(tmp_path: Path) -> None:
    made = [make(tmp_path, m, ()) for m in range(5)]
    assert snapshots.rotate(tmp_path, keep=2) == made[:3]


def _manifest(**changes: object) -> bytes:
    doc = {
        "format": "noteapp-snapshot/1",
        "vault_id": VAULT_ID,
        "taken_at": "2026-03-01T09:00:00+00:00",
        "reason": "automatic",
        "damaged": [],
        **changes,
    }
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        _manifest(format="other"),
        _manifest(vault_id="../../etc"),
        _manifest(taken_at="2026-03-01T09:00:00"),  # no time zone
        _manifest(damaged=[{"kind": "NOTE; DROP", "id": "x"}]),
        _manifest(damaged=[{"kind": "note"}]),
        _manifest(damaged="note"),
        b" " * (2 * 1024 * 1024),
    ],
)
def test_a_manifest_that_is_not_understood_never_looks_clean(
    tmp_path: Path, content: bytes
) -> None:
    snap = tmp_path / "noteapp-backup-20260301-090000.noteapp"
    snap.write_bytes(b"snapshot")
    snapshots.manifest_path(snap).write_bytes(content)
    assert snapshots.read_manifest(snap) is None
    info = snapshots.describe(snap, SnapshotKind.AUTOMATIC)
    assert info.status == SnapshotStatus.UNKNOWN
    assert info.taken_at == T0


def test_manifest_round_trip_holds_ids_only(tmp_path: Path) -> None:
    snap = make(tmp_path, 0, (NOTE, OTHER))
    manifest = snapshots.read_manifest(snap)
    assert manifest == Manifest(VAULT_ID, T0, "automatic", (NOTE, OTHER))
    assert not manifest.clean
    assert snapshots.manifest_path(snap).stat().st_mode & 0o077 == 0
    info = snapshots.describe(snap, SnapshotKind.AUTOMATIC)
    assert info.status == SnapshotStatus.DAMAGED and info.lists_damaged(NOTE)


def test_vault_folder_refuses_ids_that_are_not_ids(tmp_path: Path) -> None:
    assert snapshots.vault_folder(tmp_path, VAULT_ID) == tmp_path / VAULT_ID
    for bad in ("", "..", "../" + "a" * 29, "A" * 32, "a" * 31):
        with pytest.raises(InvalidInputError):
            snapshots.vault_folder(tmp_path, bad)


def test_pre_delete_snapshots_are_pruned_only_after_their_retention(tmp_path: Path) -> None:
    folder = tmp_path / snapshots.PRE_DELETE_FOLDER
    folder.mkdir()
    old = snapshots.unique_path(folder, snapshots.PRE_DELETE_PREFIX, T0)
    new = snapshots.unique_path(folder, snapshots.PRE_DELETE_PREFIX, T0 + timedelta(days=30))
    for p in (old, new):
        p.write_bytes(b"snapshot")
    assert snapshots.prune_pre_delete(tmp_path, older_than=T0) == []
    assert snapshots.prune_pre_delete(tmp_path, older_than=T0 + timedelta(days=1)) == [old]
    assert snapshots.list_pre_delete(tmp_path) == [new]
    # Rotation of automatic snapshots never looks into that folder.
    assert snapshots.rotate(tmp_path, keep=1) == []
    assert new.exists()


def test_unique_path_never_reuses_a_name(tmp_path: Path) -> None:
    first = snapshots.unique_path(tmp_path, snapshots.AUTO_PREFIX, T0)
    first.write_bytes(b"x")
    second = snapshots.unique_path(tmp_path, snapshots.AUTO_PREFIX, T0)
    assert second.name == "noteapp-backup-20260301-090000-1.noteapp"
    # A manifest left without its snapshot still holds the name.
    snapshots.manifest_path(second).write_text("{}")
    assert snapshots.unique_path(tmp_path, snapshots.AUTO_PREFIX, T0).name.endswith("-2.noteapp")


def test_shared_folder_snapshots_move_to_their_own_vaults_folder(tmp_path: Path) -> None:
    base = tmp_path / "backups"
    base.mkdir()
    ids = []
    for name in ("real", "demo"):
        v, _ = Vault.create(tmp_path / f"{name}.noteapp", PASSPHRASE, params=FAST_KDF)
        try:
            v.put("contact", "c1", {"x": name})
            dest = base / f"noteapp-backup-2026010{len(ids) + 1}-090000.noteapp"
            backup.write_snapshot(v.connection, dest)
            ids.append(v.vault_id)
        finally:
            v.close()
    junk = base / "noteapp-backup-20260103-090000.noteapp"
    junk.write_bytes(b"not a vault at all")
    mine = base / "my-copy.noteapp"
    mine.write_bytes(b"the user's own file")

    moved = snapshots.migrate_shared(base, backup.read_vault_id)

    assert sorted(p.parent.name for p in moved) == sorted(ids)
    assert (base / ids[0] / "noteapp-backup-20260101-090000.noteapp").is_file()
    assert (base / ids[1] / "noteapp-backup-20260102-090000.noteapp").is_file()
    # What cannot be read without a key, and what it did not make, stays exactly as it was.
    assert junk.read_bytes() == b"not a vault at all"
    assert mine.read_bytes() == b"the user's own file"
    assert snapshots.migrate_shared(base, backup.read_vault_id) == []
