"""Encrypted snapshots (SQLite backup API), rotation, verification, and verified restore."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    CheckFailedError,
    InvalidInputError,
    NoteappError,
    RecordIntegrityError,
    VaultCorruptError,
    VaultHeaderDamagedError,
    VaultHeaderTamperedError,
    VaultInUseError,
    VaultMissingError,
    WrongSecretError,
)
from noteapp.services.backups import restore_snapshot
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault import backup, snapshots
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.tamper import edit_header, roll_back_newest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def vault(tmp_path: Path, clock: FakeClock) -> Iterator[Vault]:
    v, _ = Vault.create(
        tmp_path / "live" / "vault.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock
    )
    audit = AuditLog(v)
    audit.append("vault-create")
    for i in range(20):
        with v.transaction():
            v.put("contact", f"c{i}", {"name": f"Synthetic {i}", "pad": "x" * (i * 100)})
            audit.append("create", kind="contact", record_id=f"c{i}")
    v.put("contact", "c0", {"name": "Synthetic 0, edited"})
    v.put("psychotherapy_note", "p1", {"text": "process note"})
    yield v
    v.close()


def snapshot_of(v: Vault, dest: Path) -> Path:
    backup.write_snapshot(v.connection, dest)
    return dest


def open_snapshot(path: Path, clock: FakeClock | None = None) -> Vault:
    snap = Vault.open(path, read_only=True, clock=clock)
    snap.unlock_with_passphrase(PASSPHRASE)
    return snap


def corrupt_record(path: Path, record_id: str = "c3") -> None:
    conn = sqlite3.connect(path)
    (blob,) = conn.execute("SELECT blob FROM records WHERE id=?", (record_id,)).fetchone()
    damaged = bytearray(blob)
    damaged[-5] ^= 0x40
    conn.execute("UPDATE records SET blob=? WHERE id=?", (bytes(damaged), record_id))
    conn.commit()
    conn.close()


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- snapshots -----------------------------------------------------------------------------


def test_snapshot_of_an_open_vault_is_consistent_and_verifies(vault: Vault, tmp_path: Path) -> None:
    wal = Path(str(vault.path) + "-wal")
    assert wal.stat().st_size > 0  # recent commits live only in the WAL so far
    dest = snapshot_of(vault, tmp_path / "snaps" / "one.noteapp")
    assert not Path(str(dest) + "-wal").exists()
    assert [p.name for p in dest.parent.iterdir()] == ["one.noteapp"]  # no partial file left
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    snap = open_snapshot(dest)
    try:
        report = backup.verify_open_snapshot(snap)
        assert report.records == 22  # every version, not only the latest
        assert report.audit_entries == 21
        assert snap.get("contact", "c0").data == {"name": "Synthetic 0, edited"}
        assert [r.version for r in snap.history("contact", "c0")] == [1, 2]
        assert snap.get("psychotherapy_note", "p1").data == {"text": "process note"}
        assert snap.vault_id == vault.vault_id
    finally:
        snap.close()
    # The live vault goes on working after the snapshot.
    vault.put("contact", "after", {"x": 1})
    assert vault.get("contact", "after").data == {"x": 1}


def test_snapshot_is_atomic_and_owner_only(vault: Vault, tmp_path: Path) -> None:
    dest = tmp_path / "new-dir" / "snap.noteapp"
    snapshot_of(vault, dest)
    if sys.platform != "win32":
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
        assert stat.S_IMODE(dest.parent.stat().st_mode) & 0o077 == 0


_SNAPSHOT_IN_TRANSACTION = """
import sys
from pathlib import Path
from noteapp.crypto import Argon2Params
from noteapp.domain.errors import NoteappError
from noteapp.vault import backup
from noteapp.vault.store import Vault

vault, _ = Vault.create(Path(sys.argv[1]), "synthetic pass", params=Argon2Params(19456, 2, 1))
vault.put("contact", "c1", {"x": 1})
try:
    with vault.transaction():
        vault.put("contact", "uncommitted", {"x": 2})
        backup.write_snapshot(vault.connection, Path(sys.argv[2]))
    print("completed", flush=True)
except NoteappError:
    print("refused", flush=True)
"""


def test_snapshot_inside_a_transaction_does_not_hang(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _SNAPSHOT_IN_TRANSACTION, str(tmp_path / "v"), str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=6,
    )
    assert proc.stdout.strip() == "refused", proc.stderr


# --- restore -------------------------------------------------------------------------------


def test_restore_over_an_existing_vault_keeps_the_old_one(
    vault: Vault, tmp_path: Path, clock: FakeClock
) -> None:
    snap = snapshot_of(vault, tmp_path / "snap.noteapp")
    # The live vault moves on after the snapshot...
    vault.put("contact", "c0", {"name": "changed after the backup"})
    vault.put("contact", "late", {"name": "only in the live vault"})
    target = vault.path
    vault.close()
    clock.advance(3600)
    result = restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE, clock=clock)
    assert result.target == target
    assert result.records == 22
    assert result.audit_entries == 21
    previous = result.previous_saved_as
    assert previous is not None
    assert previous.parent == target.parent
    assert previous.name == "vault.before-restore-20260105-100000.noteapp"
    restored = Vault.open(target)
    restored.unlock_with_passphrase(PASSPHRASE)
    try:
        assert restored.get("contact", "c0").data == {"name": "Synthetic 0, edited"}
        assert not restored.exists("contact", "late")
        log = AuditLog(restored)
        assert log.verify().ok
        assert log.entries()[-1].action == "restore"
        assert log.entries()[-1].detail == {"snapshot": "snap.noteapp"}
    finally:
        restored.close()
    old = Vault.open(previous)
    old.unlock_with_passphrase(PASSPHRASE)
    try:
        assert old.get("contact", "late").data == {"name": "only in the live vault"}
        assert old.get("contact", "c0").data == {"name": "changed after the backup"}
        assert not old.verify_all()
    finally:
        old.close()
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(previous.stat().st_mode) == 0o600


def test_restore_to_a_new_place(vault: Vault, tmp_path: Path, clock: FakeClock) -> None:
    snap = snapshot_of(vault, tmp_path / "snap.noteapp")
    target = tmp_path / "elsewhere" / "restored.noteapp"
    result = restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE, clock=clock)
    assert result.previous_saved_as is None
    restored = Vault.open(target)
    restored.unlock_with_passphrase(PASSPHRASE)
    try:
        assert restored.get("psychotherapy_note", "p1").data == {"text": "process note"}
    finally:
        restored.close()
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "restored.noteapp",
        "restored.noteapp.lock",
    ]


def _damage_record(p: Path) -> None:
    corrupt_record(p)


def _damage_audit(p: Path) -> None:
    conn = sqlite3.connect(p)
    conn.execute("DELETE FROM audit WHERE seq=5")
    conn.commit()
    conn.close()


def _swap_records(p: Path) -> None:
    conn = sqlite3.connect(p)
    a = conn.execute("SELECT blob FROM records WHERE id='c1'").fetchone()[0]
    b = conn.execute("SELECT blob FROM records WHERE id='c2'").fetchone()[0]
    conn.execute("UPDATE records SET blob=? WHERE id='c1'", (b,))
    conn.execute("UPDATE records SET blob=? WHERE id='c2'", (a,))
    conn.commit()
    conn.close()


def _tamper_header(p: Path) -> None:
    conn = sqlite3.connect(p)
    raw = conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0]
    conn.execute(
        "UPDATE meta SET value=? WHERE key='header'", (raw.replace(b"2026-01-05", b"2025-01-05"),)
    )
    conn.commit()
    conn.close()


def _tamper_header_keeping_its_checksum(p: Path) -> None:
    edit_header(p, lambda d: d.update(created="2025-01-05T09:00:00+00:00"))


def _roll_back_a_record(p: Path) -> None:
    roll_back_newest(p, "contact", "c0")


def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])


def _garbage(p: Path) -> None:
    p.write_bytes(os.urandom(4096))


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (_damage_record, CheckFailedError),
        (_damage_audit, CheckFailedError),
        (_swap_records, CheckFailedError),
        (_tamper_header, VaultHeaderDamagedError),
        (_tamper_header_keeping_its_checksum, VaultHeaderTamperedError),
        (_roll_back_a_record, CheckFailedError),
        (_truncate, VaultCorruptError),
        (_garbage, VaultCorruptError),
    ],
)
def test_damaged_snapshot_is_refused_and_the_target_untouched(
    vault: Vault,
    tmp_path: Path,
    clock: FakeClock,
    damage: object,
    error: type[Exception],
) -> None:
    snap = snapshot_of(vault, tmp_path / "snaps" / "snap.noteapp")
    damage(snap)  # type: ignore[operator]
    target = vault.path
    vault.close()
    before = folder_state(target.parent)
    with pytest.raises((error, RecordIntegrityError)) as info:
        restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE, clock=clock)
    assert isinstance(info.value, NoteappError)
    assert folder_state(target.parent) == before  # byte-identical, nothing added
    if isinstance(info.value, CheckFailedError):
        assert "Nothing was restored" in str(info.value)


def test_wrong_passphrase_or_missing_snapshot_leaves_the_target(
    vault: Vault, tmp_path: Path, clock: FakeClock
) -> None:
    snap = snapshot_of(vault, tmp_path / "snap.noteapp")
    target = vault.path
    vault.close()
    before = folder_state(target.parent)
    with pytest.raises(WrongSecretError):
        restore_snapshot(snapshot=snap, target=target, passphrase="wrong one", clock=clock)
    with pytest.raises(VaultMissingError):
        restore_snapshot(
            snapshot=tmp_path / "no-such.noteapp", target=target, passphrase=PASSPHRASE
        )
    assert folder_state(target.parent) == before


def test_restore_refuses_while_the_target_is_open(
    vault: Vault, tmp_path: Path, clock: FakeClock
) -> None:
    snap = snapshot_of(vault, tmp_path / "snap.noteapp")
    vault.put("contact", "c0", {"name": "live edit"})
    before = vault.path.read_bytes()
    with pytest.raises(VaultInUseError):
        restore_snapshot(snapshot=snap, target=vault.path, passphrase=PASSPHRASE, clock=clock)
    assert vault.path.read_bytes() == before
    assert not list(vault.path.parent.glob("*before-restore*"))
    assert vault.get("contact", "c0").data == {"name": "live edit"}


def test_two_restores_in_the_same_second_keep_both_previous_vaults(
    vault: Vault, tmp_path: Path, clock: FakeClock
) -> None:
    snap = snapshot_of(vault, tmp_path / "snap.noteapp")
    vault.put("contact", "only-before-first-restore", {"x": 1})
    target = vault.path
    vault.close()
    first = restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE, clock=clock)
    second = restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE, clock=clock)
    assert first.previous_saved_as is not None
    assert second.previous_saved_as is not None
    assert first.previous_saved_as != second.previous_saved_as
    assert first.previous_saved_as.exists()
    kept = []
    for p in target.parent.glob("*before-restore*.noteapp"):
        v = Vault.open(p)
        v.unlock_with_passphrase(PASSPHRASE)
        kept.append(v.exists("contact", "only-before-first-restore"))
        v.close()
    assert sorted(kept) == [False, True], "the vault as it was before the first restore is lost"


# --- rotation ------------------------------------------------------------------------------


def test_rotate_keeps_the_newest(tmp_path: Path) -> None:
    names = [
        "noteapp-backup-20260101-090000.noteapp",
        "noteapp-backup-20260101-090000-1.noteapp",
        "noteapp-backup-20260101-090000-2.noteapp",
        "noteapp-backup-20260101-090000-10.noteapp",
        "noteapp-backup-20251231-235959.noteapp",
        "noteapp-backup-20260102-080000.noteapp",
    ]
    others = ["my-own-copy.noteapp", "noteapp-backup-latest.noteapp", "notes.txt"]
    for n in names + others:
        (tmp_path / n).write_bytes(b"x")
    removed = snapshots.rotate(tmp_path, keep=3)
    assert sorted(p.name for p in removed) == sorted(
        [
            "noteapp-backup-20251231-235959.noteapp",
            "noteapp-backup-20260101-090000.noteapp",
            "noteapp-backup-20260101-090000-1.noteapp",
        ]
    )
    assert [p.name for p in snapshots.list_snapshots(tmp_path)] == [
        "noteapp-backup-20260102-080000.noteapp",
        "noteapp-backup-20260101-090000-10.noteapp",
        "noteapp-backup-20260101-090000-2.noteapp",
    ]
    for n in others:  # never touches files it did not make
        assert (tmp_path / n).exists()
    assert snapshots.rotate(tmp_path, keep=3) == []
    with pytest.raises(InvalidInputError):
        snapshots.rotate(tmp_path, keep=0)
    assert snapshots.list_snapshots(tmp_path / "missing") == []


def test_automatic_backups_rotate(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> None:
    ws, _ = Workspace.create(
        tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    try:
        ws.settings.update(backup_keep=3)
        made = []
        for i in range(5):
            ws._vault.put("contact", f"c{i}", {"i": i})
            clock.advance(60)
            made.append(ws.backups.backup_now())
        made.append(ws.backups.backup_now())  # same second: gets a -1 suffix, not overwritten
        assert made[-1].name.endswith("-1.noteapp")
        assert ws.backups.snapshots() == [made[5], made[4], made[3]]
        assert not made[0].exists()
        snap = open_snapshot(made[5])
        try:
            assert snap.get("contact", "c4").data == {"i": 4}
        finally:
            snap.close()
    finally:
        ws.close()


def test_unlock_and_close_without_changes_makes_no_backup(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    """Only the unlock itself was recorded: rotation must not push good snapshots out."""
    path = tmp_path / "v.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.close()  # creating the vault was a change: one backup
    assert len(ws.backups.snapshots()) == 1
    for _ in range(3):
        clock.advance(60)
        ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
        ws.close()
    assert len(ws.backups.snapshots()) == 1
    clock.advance(60)
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    ws._vault.put("contact", "c1", {"x": 1})
    ws.close()
    assert len(ws.backups.snapshots()) == 2


def test_auto_backup_only_when_something_changed(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    ws, _ = Workspace.create(
        tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    try:
        first = ws.backups.auto_backup_if_changed()  # creating the vault was a change
        assert first is not None
        assert first.is_file()
        assert ws.backups.auto_backup_if_changed() is None
        assert ws.backups.auto_backup_if_changed() is None
        clock.advance(60)
        ws._vault.put("contact", "c1", {"x": 1})
        second = ws.backups.auto_backup_if_changed()
        assert second is not None
        assert second != first
        assert ws.backups.auto_backup_if_changed() is None
        assert len(ws.backups.snapshots()) == 2
        ws.settings.update(auto_backup=False)
        ws._vault.put("contact", "c2", {"x": 1})
        assert ws.backups.auto_backup_if_changed() is None
        assert len(ws.backups.snapshots()) == 2
    finally:
        ws.close()
