"""A full disk is named as such — "nothing was saved, free some space" — never as a damaged
vault to restore from a backup (which would throw recent work away); and nothing is changed
(issue #9, point 10).

SQLite is made to report SQLITE_FULL with `PRAGMA max_page_count` (reliable, no root); the
file system's ENOSPC is simulated where noteapp writes files itself; and where the tests run
as root (CI does), a real tiny tmpfs is filled up.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import DiskFullError
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault import files, migrate
from noteapp.vault.files import storage_error
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.processes import REPO, run_cli

DATA = REPO / "tests" / "data"
MESSAGE = "The disk is full: nothing was saved. Free some space and try again."


def fill_up(vault: Vault) -> None:
    """No new page may be added to the file from now on: SQLite reports SQLITE_FULL."""
    pages = vault.connection.execute("PRAGMA page_count").fetchone()[0]
    vault.connection.execute(f"PRAGMA max_page_count={pages}")


def free_space(vault: Vault) -> None:
    vault.connection.execute("PRAGMA max_page_count=1073741823")


def test_a_full_disk_is_named_and_nothing_is_saved(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF)
    with vault:
        vault.put("note", "n1", {"text": "saved before"})
        generation = vault.generation
        fill_up(vault)
        with pytest.raises(DiskFullError) as info, vault.transaction():
            vault.put("note", "n1", {"text": "x" * 50_000})
            vault.put("note", "n2", {"text": "x" * 50_000})
        assert str(info.value) == MESSAGE
        assert "backup" not in str(info.value)
        assert info.value.exit_code == 2
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        # Nothing was saved, and the vault goes on working once there is room.
        assert vault.generation == generation
        assert vault.get("note", "n1").data == {"text": "saved before"}
        assert not vault.exists("note", "n2")
        free_space(vault)
        assert vault.put("note", "n1", {"text": "saved after"}) == 2
        assert vault.verify_all() == []


def test_a_full_disk_in_the_app_leaves_every_record_as_it_was(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    ws, _ = Workspace.create(
        tmp_path / "ws.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths
    )
    try:
        alpha = ws.clients.add(name="Testperson Alpha")
        fill_up(ws._vault)
        added = []
        with pytest.raises(DiskFullError):
            for n in range(500):  # until the pages left are used up
                added.append(ws.clients.add(name=f"Testperson {n:03d}").name)
        assert len(added) < 500
        with pytest.raises(DiskFullError):
            for _ in range(500):
                ws.clients.update(alpha.id, preferred_name="Al")
        listed = sorted(c.name for c in ws.clients.list())
        assert listed == sorted(["Testperson Alpha", *added])  # nothing half-saved
        free_space(ws._vault)
        ws.clients.update(alpha.id, preferred_name="Al")  # the remembered version still holds
        ws.clients.add(name="Testperson Later")
        ws._vault.close()
        with Vault.open(ws._vault.path) as again:
            again.unlock_with_passphrase(PASSPHRASE)
            stored = sorted(r.data["name"] for r in again.load_kind("client").records)
            assert stored == sorted([*listed, "Testperson Later"])
    finally:
        ws.close()


def test_the_vault_names_every_sqlite_error() -> None:
    """No layer above the vault sees an sqlite3 exception: each becomes a sentence that names
    the real cause, and only damage advises restoring a backup."""

    def said(exc: sqlite3.Error) -> str:
        mapped = storage_error(exc)
        assert mapped is not None
        return str(mapped)

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    assert said(full) == MESSAGE
    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorcode = sqlite3.SQLITE_IOERR  # type: ignore[attr-defined]
    assert "backup" not in said(io)
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
    assert "Restore it from a backup" in said(corrupt)
    other = sqlite3.OperationalError("attempt to write a readonly database")
    other.sqlite_errorcode = sqlite3.SQLITE_READONLY  # type: ignore[attr-defined]
    assert "backup" not in said(other) and "nothing was saved" in said(other)


@pytest.fixture
def enospc_on_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system runs out of room when noteapp makes a new file durable."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)


def test_creating_a_vault_on_a_full_disk_leaves_nothing(
    tmp_path: Path, enospc_on_fsync: None
) -> None:
    path = tmp_path / "new.noteapp"
    with pytest.raises(DiskFullError) as info:
        Vault.create(path, PASSPHRASE, params=FAST_KDF)
    assert str(info.value) == MESSAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.noteapp.lock"]


def test_upgrading_on_a_full_disk_leaves_the_old_file_untouched(
    tmp_path: Path, enospc_on_fsync: None
) -> None:
    path = tmp_path / "old.noteapp"
    shutil.copyfile(DATA / "valid_v1.noteapp", path)
    before = path.read_bytes()
    vault = Vault.open(path)
    try:
        vault.unlock_with_passphrase("golden v1 synthetic passphrase: lantern orchard 4217")
        with pytest.raises(DiskFullError):
            migrate.upgrade(vault)
        assert vault.format_version == 1
        assert vault.load_kind("contact").failures == []  # still readable as it was
    finally:
        vault.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.noteapp", "old.noteapp.lock"]


# --- a real full file system (root only: a tmpfs mount) ----------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount = tmp_path / f"tiny-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_a_really_full_disk_through_therun_cli(tiny_disk: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    vault = tiny_disk / "vault.noteapp"
    kdf = ["--kdf-memory-mib", "19", "--kdf-iterations", "2", "--kdf-lanes", "1"]
    assert run_cli("--vault", str(vault), "init", *kdf, home=home).returncode == 0
    added = run_cli("--vault", str(vault), "client", "add", "--name", "A B", home=home)
    assert added.returncode == 0
    filler = tiny_disk / "filler"
    with open(filler, "wb") as handle:  # take every last block
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    before = vault.read_bytes()
    result = run_cli("--vault", str(vault), "client", "add", "--name", "C D", home=home)
    assert result.returncode == 2, result.stderr
    assert "The disk is full: nothing was saved." in result.stderr
    assert "backup" not in result.stderr.lower()
    assert "damaged" not in result.stderr
    assert vault.read_bytes() == before
    filler.unlink()
    listed = run_cli("--vault", str(vault), "client", "list", "--json", home=home)
    assert listed.returncode == 0, listed.stderr
    assert '"A B"' in listed.stdout and "C D" not in listed.stdout
