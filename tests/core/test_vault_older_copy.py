"""A whole older copy of the vault put in its place cannot be refused (it is a genuine vault),
but it is noticed: the last generation seen on this computer is kept outside the file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import OlderCopyWarning, VaultUpgradedNotice
from noteapp.services.backups import restore_snapshot
from noteapp.services.generations import SeenGenerations
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.processes import run_cli


@pytest.fixture
def made(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> tuple[Path, Path]:
    """(vault, an older copy of it): the copy misses a client added after it was taken."""
    path = tmp_path / "vault.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.clients.add(name="Testperson Alpha")
    ws.close()
    older = tmp_path / "older-copy.noteapp"
    shutil.copyfile(path, older)
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    ws.clients.add(name="Testperson Beta")
    ws.close()
    return path, older


def test_reopening_the_same_file_gives_no_warning(
    made: tuple[Path, Path], clock: FakeClock, paths: AppPaths
) -> None:
    path, _ = made
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert ws.warnings == []
        assert SeenGenerations.of(paths).get(ws._vault.vault_id) == ws._vault.generation
    finally:
        ws.close()


def test_an_older_copy_in_its_place_is_noticed_once_and_logged(
    made: tuple[Path, Path], clock: FakeClock, paths: AppPaths
) -> None:
    path, older = made
    shutil.copyfile(older, path)
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        (warning,) = ws.warnings
        assert isinstance(warning, OlderCopyWarning)
        assert "older than the one last opened on this computer" in str(warning)
        assert [c.name for c in ws.clients.list()] == ["Testperson Alpha"]  # it is the copy
        entry = next(e for e in ws.audit.entries() if e.action == "older-copy")
        assert entry.detail["generation"] < entry.detail["seen"]
    finally:
        ws.close()
    # Said once: the file now in use is the one remembered.
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert ws.warnings == []
    finally:
        ws.close()


def test_a_restore_from_backup_is_not_mistaken_for_a_rollback(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = tmp_path / "vault.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    snapshot = ws.backups.backup_now(tmp_path / "snap.noteapp")
    for n in range(3):
        ws.clients.add(name=f"Testperson {n}")
    ws.close()
    restore_snapshot(
        snapshot=snapshot, target=path, passphrase=PASSPHRASE, clock=clock, paths=paths
    )
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert ws.warnings == []
        assert ws.clients.list() == []
    finally:
        ws.close()


def test_the_remembered_file_holds_no_client_data_and_survives_damage(
    made: tuple[Path, Path], paths: AppPaths
) -> None:
    seen = paths.seen_generations_file
    text = seen.read_text()
    assert "Testperson" not in text
    doc = json.loads(text)
    (vault_id,) = doc["vaults"]
    assert len(vault_id) == 32
    if sys.platform != "win32":
        assert seen.stat().st_mode & 0o077 == 0
    seen.write_text("{not json")  # a damaged file never stops anyone's work
    store = SeenGenerations.of(paths)
    assert store.get(vault_id) is None
    store.remember(vault_id, 7)
    assert store.get(vault_id) == 7


def test_the_cli_prints_the_warning_on_stderr(made: tuple[Path, Path], tmp_path: Path) -> None:
    path, older = made
    home = tmp_path / "cli-home"

    def client_list() -> subprocess.CompletedProcess[str]:
        return run_cli("--vault", str(path), "client", "list", home=home)

    assert client_list().returncode == 0  # remembered at this generation
    shutil.copyfile(older, path)
    result = client_list()
    assert result.returncode == 0
    assert "noteapp: warning: This vault file is older" in result.stderr
    assert "Testperson Beta" not in result.stdout


def test_upgrade_notice_is_a_vault_warning() -> None:
    assert issubclass(VaultUpgradedNotice, Warning)
    assert issubclass(OlderCopyWarning, Warning)
