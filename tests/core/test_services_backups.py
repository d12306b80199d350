"""BackupService: on-demand and automatic snapshots, rotation, and verified restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import InvalidInputError, VaultExistsError, WrongSecretError
from noteapp.services.backups import restore_snapshot
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF
from tests.core.damaging import flip_record

PASSPHRASE = "correct horse battery staple"  # the workspace fixture's (tests/conftest.py)


def _client_names(snapshot: Path) -> list[str]:
    v = Vault.open(snapshot, read_only=True)
    try:
        v.unlock_with_passphrase(PASSPHRASE)
        return sorted(r.data["name"] for r in v.load_kind("client").records)
    finally:
        v.close()


def test_backup_now_to_a_path(workspace: Any, tmp_path: Path) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    dest = tmp_path / "elsewhere" / "copy.noteapp"
    assert ws.backups.backup_now(dest) == dest
    assert dest.is_file()
    assert dest.stat().st_mode & 0o077 == 0  # owner-only
    assert _client_names(dest) == ["Avery Quimby"]
    assert ws.audit.entries()[-1].action == "backup"
    assert ws.backups.snapshots() == []  # an explicit path is not an automatic snapshot


def test_backup_refuses_to_overwrite(workspace: Any, tmp_path: Path) -> None:
    ws: Workspace = workspace
    dest = tmp_path / "copy.noteapp"
    dest.write_bytes(b"precious")
    with pytest.raises(VaultExistsError):
        ws.backups.backup_now(dest)
    assert dest.read_bytes() == b"precious"
    with pytest.raises(InvalidInputError):
        ws.backups.backup_now(ws._vault.path)
    # The same file under another spelling is still the vault.
    with pytest.raises(InvalidInputError):
        ws.backups.backup_now(ws._vault.path.parent / "." / ws._vault.path.name)


def test_automatic_snapshots_rotate(workspace: Any, clock: FakeClock) -> None:
    ws: Workspace = workspace
    ws.settings.update(backup_keep=3)
    made = []
    for _ in range(5):
        made.append(ws.backups.backup_now())
        clock.advance(61)
    made.append(ws.backups.backup_now())  # same second as nothing else: plain name
    made.append(ws.backups.backup_now())  # same second as the previous one: -1 suffix
    snaps = ws.backups.snapshots()
    assert snaps == list(reversed(made[-3:]))  # newest first
    assert all(p.parent == ws.paths.default_backup_dir / ws._vault.vault_id for p in snaps)
    assert not any(p.exists() for p in made[:-3])
    assert made[-1].name.endswith("-1.noteapp")


def test_backup_dir_setting(workspace: Any, tmp_path: Path) -> None:
    ws: Workspace = workspace
    ws.settings.update(backup_dir=str(tmp_path / "my-backups"))
    p = ws.backups.backup_now()
    assert p.parent == tmp_path / "my-backups" / ws._vault.vault_id
    assert ws.backups.snapshots() == [p]


def test_auto_backup_if_changed(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.backups.backup_now()
    assert ws.backups.auto_backup_if_changed() is None  # nothing changed since
    ws.clients.add(name="Avery Quimby")
    p = ws.backups.auto_backup_if_changed()
    assert p is not None and _client_names(p) == ["Avery Quimby"]
    assert ws.backups.auto_backup_if_changed() is None
    ws.settings.update(auto_backup=False)
    ws.clients.add(name="Blair Zeller")
    assert ws.backups.auto_backup_if_changed() is None


def test_close_backs_up_changes(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    ws.close()
    snaps = ws.backups.snapshots()
    assert len(snaps) == 1 and _client_names(snaps[0]) == ["Avery Quimby"]


def test_unlock_without_changes_makes_no_snapshot(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    path = ws._vault.path
    ws.close()
    before = ws.backups.snapshots()
    clock.advance(60)
    ws2 = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    ws2.close()
    assert ws2.backups.snapshots() == before


def test_restore_snapshot_end_to_end(
    workspace: Any, clock: FakeClock, paths: AppPaths, tmp_path: Path
) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    snap = ws.backups.backup_now(tmp_path / "snap.noteapp")
    ws.clients.add(name="Blair Zeller")
    path = ws._vault.path
    ws.close()
    clock.advance(3600)

    result = restore_snapshot(snapshot=snap, target=path, passphrase=PASSPHRASE, clock=clock)
    assert result.target == path
    assert result.previous_saved_as is not None and result.previous_saved_as.is_file()
    assert _client_names(result.previous_saved_as) == ["Avery Quimby", "Blair Zeller"]
    assert result.records >= 1 and result.audit_entries >= 1

    ws2 = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert [c.name for c in ws2.clients.list()] == ["Avery Quimby"]
        actions = [e for e in ws2.audit.entries() if e.action == "restore"]
        assert len(actions) == 1 and actions[0].detail == {"snapshot": "snap.noteapp"}
        assert ws2.audit.verify().ok
    finally:
        ws2.close()


def test_restore_to_a_new_place(workspace: Any, tmp_path: Path) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    snap = ws.backups.backup_now(tmp_path / "snap.noteapp")
    target = tmp_path / "restored" / "vault.noteapp"
    result = restore_snapshot(snapshot=snap, target=target, passphrase=PASSPHRASE)
    assert result.previous_saved_as is None
    assert _client_names(target) == ["Avery Quimby"]


def test_restore_with_wrong_passphrase_changes_nothing(
    workspace: Any, clock: FakeClock, tmp_path: Path
) -> None:
    ws: Workspace = workspace
    snap = ws.backups.backup_now(tmp_path / "snap.noteapp")
    ws.clients.add(name="Blair Zeller")
    path = ws._vault.path
    ws.close()
    before = path.read_bytes()
    with pytest.raises(WrongSecretError):
        restore_snapshot(snapshot=snap, target=path, passphrase="not the passphrase")
    assert path.read_bytes() == before
    assert list(path.parent.glob("*before-restore*")) == []


# --- one folder per vault (issue #9, point 17) ----------------------------------------------


def test_demo_sessions_never_delete_the_real_vaults_backup(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    """Both vaults use the same backup folder; eleven demo sessions used to rotate the real
    vault's only snapshot away."""
    real, _ = Workspace.create(
        tmp_path / "real.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    real.clients.add(name="Avery Quimby")
    real.close()
    (real_snapshot,) = real.backups.snapshots()

    demo_path = tmp_path / "demo" / "demo.noteapp"
    demo, _ = Workspace.create(demo_path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    demo.close()
    for n in range(11):
        clock.advance(60)
        demo = Workspace.unlock(demo_path, PASSPHRASE, clock=clock, paths=paths)
        demo.clients.add(name=f"Demo Client {n}")
        demo.close()

    assert real_snapshot.is_file()
    assert _client_names(real_snapshot) == ["Avery Quimby"]
    assert len(demo.backups.snapshots()) == 10  # the demo rotates its own
    assert real_snapshot.parent != demo.backups.directory


def test_snapshots_from_the_shared_folder_move_into_their_vaults_folder(
    workspace: Any, tmp_path: Path
) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby")
    base = ws.backups.base_directory
    legacy = base / "noteapp-backup-20251201-090000.noteapp"
    ws.backups.backup_now(legacy)  # where older versions put every vault's snapshots
    unreadable = base / "noteapp-backup-20251202-090000.noteapp"
    unreadable.write_bytes(b"damaged beyond reading")

    snaps = ws.backups.snapshots()

    assert [p.name for p in snaps] == [legacy.name]
    assert snaps[0].parent == base / ws._vault.vault_id
    assert not legacy.exists()
    assert unreadable.read_bytes() == b"damaged beyond reading"  # left untouched


# --- a way back after deleting a client (issue #9, point 12) -------------------------------


def _files_holding_client(folder: Path, name: str) -> list[Path]:
    found = []
    for p in sorted(folder.rglob("*.noteapp")):
        try:
            if name in _client_names(p):
                found.append(p)
        except Exception:  # not a snapshot: skip it
            continue
    return found


def test_pre_delete_snapshot_outlives_ordinary_rotation_until_its_retention(
    workspace: Any, clock: FakeClock
) -> None:
    ws: Workspace = workspace
    ws.settings.update(backup_keep=3)
    c = ws.clients.add(name="Avery Quimby")
    ws.clients.delete(c.id, confirm_code=c.code)
    for n in range(12):  # many ordinary writes, each followed by an automatic backup
        clock.advance(3600)
        ws.clients.add(name=f"Blair Zeller {n}")
        ws.backups.auto_backup_if_changed()
    (kept,) = _files_holding_client(ws.paths.default_backup_dir, "Avery Quimby")
    assert kept.parent.name == "before-delete"
    assert [i.path for i in ws.backups.all_snapshots() if i.kind == "before-delete"] == [kept]

    clock.advance(89 * 86400 - 12 * 3600)  # 89 days after the deletion: still kept
    ws.clients.add(name="Casey Yardley")
    ws.backups.backup_now()
    assert kept.is_file()
    clock.advance(2 * 86400)  # 91 days, past the default 90: pruned at the next backup
    ws.backups.backup_now()
    assert not kept.exists()
    assert not kept.with_name(kept.name + ".json").exists()


def test_pre_delete_retention_is_a_setting(workspace: Any, clock: FakeClock) -> None:
    ws: Workspace = workspace
    assert ws.settings.get().delete_backup_days == 90
    for bad in (0, 3651, "30", True):
        with pytest.raises(InvalidInputError):
            ws.settings.update(delete_backup_days=bad)
    ws.settings.update(delete_backup_days=7)
    c = ws.clients.add(name="Avery Quimby")
    ws.clients.delete(c.id, confirm_code=c.code)
    clock.advance(6 * 86400)
    ws.backups.backup_now()
    assert len([i for i in ws.backups.all_snapshots() if i.kind == "before-delete"]) == 1
    clock.advance(2 * 86400)
    ws.backups.backup_now()
    assert [i for i in ws.backups.all_snapshots() if i.kind == "before-delete"] == []


# --- damage: keep the copy from before it (issue #9, point 7) ------------------------------


def test_rotation_keeps_the_last_snapshot_from_before_a_damage(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    ws.settings.update(backup_keep=3)
    target = ws.clients.add(name="Avery Quimby")
    path = ws._vault.path
    ws.close()
    (before,) = ws.backups.all_snapshots()
    assert before.status == "clean"
    flip_record(path, "client", target.id)

    for n in range(6):  # sessions with the damage: each ends with a snapshot
        clock.advance(3600)
        ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
        ws.clients.add(name=f"Blair Zeller {n}")
        ws.close()

    infos = ws.backups.all_snapshots()
    assert [i.status for i in infos] == ["damaged"] * 3 + ["clean"]
    assert infos[-1].path == before.path and before.path.is_file()
    assert all(i.lists_damaged(("client", target.id)) for i in infos[:3])
    assert _client_names(before.path) == ["Avery Quimby"]

    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        (damaged,) = ws.damage.records()
        assert ws.backups.before_damage([damaged.ref]) == {damaged.ref: infos[-1]}
        assert str(before.path) in ws.damage.advice()
        assert "Avery" not in ws.damage.advice()
    finally:
        ws.close()
