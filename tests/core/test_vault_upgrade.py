"""Upgrading format 1 to format 2: every shipped v1 golden file still opens and upgrades with
exactly its records; the upgrade is verified before it replaces anything, keeps the v1 file
beside the vault, and survives being killed at any moment."""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import RecordIntegrityError, VaultUpgradedNotice
from noteapp.services.backups import restore_snapshot
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault import migrate
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF
from tests.core.legacy_v1 import write_v1_vault
from tests.core.processes import run_child, run_cli
from tests.core.test_golden import (
    CONTACT_A,
    CONTACT_B,
    DEVICE_KEY,
    EXPECTED,
    LOAD_ORDER,
    NOTE_1,
    NOTE_2,
    PASSPHRASE,
    RECOVERY_KEY,
    SHA256,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CHILD = Path(__file__).with_name("upgrade_child.py")
ENV = {**os.environ, "NOTEAPP_CRASH_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}


def golden(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copyfile(DATA / name, dest)
    return dest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unlocked(path: Path) -> Vault:
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    return vault


def upgraded(path: Path) -> migrate.UpgradeReport:
    with unlocked(path) as vault:
        report = migrate.upgrade(vault)
    assert report is not None
    return report


def check_contents(vault: Vault, *, audit_entries: int = 10) -> None:
    """What valid_v1 holds, read back through format 2 (every version, current, order)."""
    assert vault.format_version == 2
    for (kind, record_id), versions in EXPECTED.items():
        assert vault.get(kind, record_id).data == versions[-1]
        assert [r.data for r in vault.history(kind, record_id)] == versions
    for kind, ids in LOAD_ORDER.items():
        result = vault.load_kind(kind)
        assert result.failures == []
        assert [r.id for r in result.records] == ids
    assert vault.verify_all() == []
    assert AuditLog(vault).verify().entries == audit_entries


def test_valid_v1_upgrades_with_exactly_its_records(tmp_path: Path) -> None:
    path = golden(tmp_path, "valid_v1.noteapp")
    report = upgraded(path)
    assert (report.from_version, report.to_version) == (1, 2)
    assert (report.versions, report.unreadable) == (8, 0)
    assert report.kept_as == tmp_path / "valid_v1.v1-backup.noteapp"
    assert sha256(report.kept_as) == SHA256["valid_v1.noteapp"]  # the v1 file, byte for byte
    with unlocked(path) as vault:
        check_contents(vault)
        assert vault.generation == 1
        assert vault.header.created == "2026-01-05T09:00:00+00:00"
    # Every way of unlocking still works: the key slots were carried as they were.
    with Vault.open(path) as vault:
        vault.unlock_with_recovery_key(RECOVERY_KEY)
        check_contents(vault)
    with Vault.open(path) as vault:
        vault.unlock_with_device_key(DEVICE_KEY)
        assert vault.get("session_note", NOTE_1).version == 3
    # Upgraded once: a second upgrade has nothing to do.
    with unlocked(path) as vault:
        assert migrate.upgrade(vault) is None
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == [
        "valid_v1.v1-backup.noteapp"
    ]


def test_a_damaged_v1_record_is_carried_and_still_reported(tmp_path: Path) -> None:
    path = golden(tmp_path, "flipped_bit_record_v1.noteapp")
    report = upgraded(path)
    assert report.unreadable == 1
    with unlocked(path) as vault:
        result = vault.load_kind("session_note")
        assert [r.id for r in result.records] == [NOTE_1]
        assert [(f.kind, f.record_id) for f in result.failures] == [("session_note", NOTE_2)]
        with pytest.raises(RecordIntegrityError, match="damaged"):
            vault.get("session_note", NOTE_2)
        assert [f.record_id for f in vault.verify_all()] == [NOTE_2]
        vault.put("session_note", NOTE_1, {"text": "still writable"})


def test_swapped_v1_rows_are_still_named_as_swapped(tmp_path: Path) -> None:
    path = golden(tmp_path, "swapped_records_v1.noteapp")
    assert upgraded(path).unreadable == 2
    with unlocked(path) as vault:
        for record_id, other in ((CONTACT_A, "cb0000b2"), (CONTACT_B, "ca0000a1")):
            with pytest.raises(RecordIntegrityError) as info:
                vault.get("contact", record_id)
            assert "swapped" in str(info.value)
            assert f"contact/{other}" in str(info.value)
        assert [r.id for r in vault.load_kind("session_note").records] == [NOTE_2, NOTE_1]


def test_the_writer_of_v1_test_vaults_matches_the_golden_layout(tmp_path: Path) -> None:
    path = tmp_path / "made.noteapp"
    write_v1_vault(path, PASSPHRASE, [("contact", "c1", {"v": 1})], params=FAST_KDF)
    with unlocked(path) as vault:
        assert vault.format_version == 1
        assert vault.get("contact", "c1").data == {"v": 1}

    def schema(p: Path) -> list[Any]:
        import sqlite3

        conn = sqlite3.connect(f"{p.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            return conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY name"
            ).fetchall()
        finally:
            conn.close()

    assert schema(path) == schema(DATA / "valid_v1.noteapp")


def made_v1(tmp_path: Path) -> Path:
    """A v1 vault with kinds the app's services do not load (the golden files' note kinds
    are not the app's note shape), made by the test writer of format 1."""
    path = tmp_path / "practice.noteapp"
    writes = [("synthetic", f"s{n}", {"name": f"Synthetic {n}"}) for n in range(8)]
    write_v1_vault(path, PASSPHRASE, writes, params=FAST_KDF)
    return path


def test_opening_a_v1_vault_in_the_app_upgrades_it_and_says_so(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = made_v1(tmp_path)
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        (notice,) = ws.warnings
        assert isinstance(notice, VaultUpgradedNotice)
        assert "practice.v1-backup.noteapp" in str(notice)
        actions = [e.action for e in ws.audit.entries()]
        assert actions[-2:] == ["vault-upgrade", "unlock"]
        upgrade = ws.audit.entries()[-2]
        assert upgrade.detail == {
            "from": 1,
            "to": 2,
            "kept_as": "practice.v1-backup.noteapp",
            "versions": 8,
            "unreadable": 0,
        }
        assert ws.audit.verify().ok
    finally:
        ws.close()
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert ws.warnings == []  # said once
    finally:
        ws.close()


def test_the_cli_says_where_the_v1_file_was_kept(tmp_path: Path) -> None:
    path = made_v1(tmp_path)
    result = run_cli(
        "--vault", str(path), "audit", "verify", home=tmp_path / "home", passphrase=PASSPHRASE
    )
    assert result.returncode == 0, result.stderr
    assert "noteapp: warning: This vault was upgraded to format 2" in result.stderr
    assert "practice.v1-backup.noteapp" in result.stderr


def test_restoring_a_v1_snapshot_upgrades_the_restored_vault(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    snapshot = golden(tmp_path, "valid_v1.noteapp")
    target = tmp_path / "restored" / "vault.noteapp"
    restore_snapshot(
        snapshot=snapshot, target=target, passphrase=PASSPHRASE, clock=clock, paths=paths
    )
    assert sha256(snapshot) == SHA256["valid_v1.noteapp"]  # the snapshot itself untouched
    with unlocked(target) as vault:
        check_contents(vault, audit_entries=11)
        assert AuditLog(vault).entries()[-1].action == "restore"


def test_an_existing_file_under_the_kept_name_is_never_overwritten(tmp_path: Path) -> None:
    path = golden(tmp_path, "valid_v1.noteapp")
    mine = tmp_path / "valid_v1.v1-backup.noteapp"
    mine.write_bytes(b"someone else's file")
    report = upgraded(path)
    assert report.kept_as == tmp_path / "valid_v1.v1-backup-1.noteapp"
    assert mine.read_bytes() == b"someone else's file"


# --- killed in the middle ------------------------------------------------------------------


def run_upgrade_child(path: Path, stage: str) -> int:
    return run_child(CHILD, str(path), stage, passphrase=PASSPHRASE, first_line="READY")


@pytest.mark.parametrize(
    ("stage", "format_after"), [("built", 1), ("kept", 1), ("swapped", 2), ("none", 2)]
)
def test_an_upgrade_killed_at_each_stage_loses_nothing(
    tmp_path: Path, stage: str, format_after: int
) -> None:
    path = golden(tmp_path, "valid_v1.noteapp")
    assert run_upgrade_child(path, stage) == (0 if stage == "none" else 9)
    with unlocked(path) as vault:
        assert vault.format_version == format_after
        if format_after == 1:  # the old file, untouched and readable as before
            for (kind, record_id), versions in EXPECTED.items():
                assert [r.data for r in vault.history(kind, record_id)] == versions
        migrate.upgrade(vault)  # finishes (or has nothing left to do)
        check_contents(vault)
    # One kept copy, the v1 file byte for byte; no temporary file left.
    kept = sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name)
    assert kept == ["valid_v1.v1-backup.noteapp"]
    assert sha256(tmp_path / kept[0]) == SHA256["valid_v1.noteapp"]
    assert not any(p.name.endswith(".upgrading") for p in tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_upgrade_sigkilled_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("NOTEAPP_CRASH_SEED", random.SystemRandom().randrange(2**32)))
    rng = random.Random(seed)
    writes: list[tuple[str, str, dict[str, Any]]] = []
    for n in range(600):  # enough that an upgrade takes a while
        kind = "psychotherapy_note" if n % 7 == 0 else "note"
        writes.append(
            (kind, f"r{n % 250:04d}", {"n": n, "text": "synthetic " * rng.randint(5, 300)})
        )
    original = tmp_path / "original.noteapp"
    write_v1_vault(original, PASSPHRASE, writes, params=FAST_KDF)
    expected: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for kind, record_id, data in writes:
        expected.setdefault((kind, record_id), []).append(data)
    formats = []
    for i in range(8):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        path = folder / "vault.noteapp"
        shutil.copyfile(original, path)
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), "none"],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
        )
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"READY\n"
            time.sleep(rng.uniform(0.0, 1.2))  # the kill moment itself is what is random
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        finally:
            watchdog.cancel()
            if proc.stdout is not None:
                proc.stdout.close()
        with unlocked(path) as vault:
            formats.append(vault.format_version)
            migrate.upgrade(vault)
            assert vault.verify_all() == [], f"seed={seed} run={i}"
            for (kind, record_id), versions in expected.items():
                history = [r.data for r in vault.history(kind, record_id)]
                assert history == versions, f"seed={seed} run={i} {kind}/{record_id}"
        kept = [p for p in folder.iterdir() if re.search(r"\.v1-backup(-\d+)?\.noteapp$", p.name)]
        assert [p.name for p in kept] == ["vault.v1-backup.noteapp"], f"seed={seed} run={i}"
        assert kept[0].read_bytes() == original.read_bytes()
    assert set(formats) <= {1, 2}
