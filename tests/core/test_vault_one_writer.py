"""One writer, whatever the path: the lock belongs to the file's real path, every write
transaction checks that nobody else wrote since, and every service update names the version
it read (issue #9, point 9)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import ConcurrentChangeError, VaultInUseError
from noteapp.services.clients import ClientService
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault.lockfile import VaultLock
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.processes import REPO, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")


@pytest.fixture
def spellings(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> tuple[Path, Path, Path]:
    """(the vault, a symlink to it, a symlink to its folder + its name)."""
    real = tmp_path / "real" / "vault.noteapp"
    ws, _ = Workspace.create(real, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.close()
    link = tmp_path / "link.noteapp"
    link.symlink_to(real)
    folder_link = tmp_path / "folder-link"
    folder_link.symlink_to(real.parent)
    return real, link, folder_link / "vault.noteapp"


def test_the_lock_is_on_the_real_path(spellings: tuple[Path, Path, Path]) -> None:
    real, link, via_folder = spellings
    locks = {VaultLock(p).path for p in spellings}
    assert locks == {real.with_name("vault.noteapp.lock")}
    assert not (link.parent / "link.noteapp.lock").exists()
    assert via_folder.resolve() == real


@pytest.mark.parametrize(("first", "second"), [(0, 1), (1, 0), (1, 2), (2, 0)])
def test_two_spellings_of_one_vault_share_one_lock(
    spellings: tuple[Path, Path, Path], first: int, second: int
) -> None:
    holder = Vault.open(spellings[first])
    try:
        with pytest.raises(VaultInUseError):
            Vault.open(spellings[second])
    finally:
        holder.close()
    Vault.open(spellings[second]).close()


_HOLDER = """
import sys
from noteapp.vault.store import Vault
vault = Vault.open(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
vault.close()
"""


@pytest.fixture
def held_through_symlink(
    spellings: tuple[Path, Path, Path],
) -> Iterator[tuple[Path, Path]]:
    """Another process holds the vault, opened through the symlink."""
    real, link, _ = spellings
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(link)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == "open\n"
        yield real, link
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_a_second_process_through_another_name_is_refused(
    held_through_symlink: tuple[Path, Path], tmp_path: Path
) -> None:
    """The issue's case: two processes each adding a client got the same code."""
    real, _ = held_through_symlink
    result = run_cli("--vault", str(real), "client", "add", "--name", "X Y", home=tmp_path / "home")
    assert result.returncode == 4
    assert "open in another noteapp window or command" in result.stderr
    assert result.stdout == ""


# --- when two writers meet anyway (the lock cannot cover every file system) --------------


@pytest.fixture
def two_writers(
    spellings: tuple[Path, Path, Path],
    clock: FakeClock,
    paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Workspace, Workspace]]:
    """Two workspaces on one file with the lock out of the way (as on a network share or
    through a hard link): the second line of defence must hold on its own."""
    real, link, _ = spellings
    monkeypatch.setattr(VaultLock, "acquire", lambda self: None)
    a = Workspace.unlock(real, PASSPHRASE, clock=clock, paths=paths)
    b = Workspace.unlock(link, PASSPHRASE, clock=clock, paths=paths)
    yield a, b
    for ws in (a, b):
        ws._vault.close()


def test_a_writer_that_missed_another_ones_save_is_refused(
    two_writers: tuple[Workspace, Workspace], spellings: tuple[Path, Path, Path]
) -> None:
    """The issue's case: two processes each adding a client got the same code. (`a` opened
    first, so `b`'s unlock entry is already a save `a` has not seen.)"""
    a, b = two_writers
    first = b.clients.add(name="Testperson Beta")
    with pytest.raises(ConcurrentChangeError) as info:
        a.clients.add(name="Testperson Alpha")  # would have taken the same code, C0001
    assert "another noteapp window or command" in str(info.value)
    assert info.value.exit_code == 2
    a._vault.close()
    b._vault.close()
    with Vault.open(spellings[0]) as vault:
        vault.unlock_with_passphrase(PASSPHRASE)
        (stored,) = vault.load_kind("client").records
        assert stored.id == first.id
        assert stored.data["code"] == "C0001"
        assert vault.verify_all() == []


def test_an_edit_from_a_stale_read_never_reverts_a_saved_one(workspace: Workspace) -> None:
    """The issue's other case: an acknowledged client edit was reverted by a writer that had
    read the client before it. Here both readers share one vault, so only the version each
    update names can tell."""
    ws = workspace
    client = ws.clients.add(name="Testperson Alpha")
    stale = ClientService(vault=ws._vault, audit=ws.audit, backups=ws.backups, clock=ws.clock)
    ws.clients.update(client.id, pronouns="they/them")  # acknowledged
    with pytest.raises(ConcurrentChangeError):
        stale.update(client.id, name="Testperson Renamed")
    with pytest.raises(ConcurrentChangeError):
        stale.discharge(client.id)
    assert ws._vault.get("client", client.id).data["pronouns"] == "they/them"
    assert ws._vault.get("client", client.id).data["name"] == "Testperson Alpha"
    stale.reload()  # after a reload the edit goes through
    assert stale.update(client.id, name="Testperson Renamed").pronouns == "they/them"


@pytest.mark.parametrize("service", ["settings", "phrases", "dictionary"])
def test_singleton_records_refuse_a_stale_update(workspace: Workspace, service: str) -> None:
    ws = workspace
    ws.profile.set(name="Dana Synthetic", credentials="LCSW")
    stale = Workspace.build(ws._vault, paths=ws.paths, clock=ws.clock)
    if service == "settings":
        stale.settings.get()
        ws.settings.update(backup_keep=5)
        update = lambda: stale.settings.update(backup_keep=7)  # noqa: E731
    elif service == "phrases":
        phrases = stale.reference.phrases()
        ws.reference.save_phrases(ws.reference.phrases()[:1])
        update = lambda: stale.reference.save_phrases(phrases)  # noqa: E731
    else:
        ws.speller.add("Synthetica")
        update = lambda: stale.speller.add("Fictiva")  # noqa: E731
    with pytest.raises(ConcurrentChangeError):
        update()


def test_a_profile_change_applies_to_what_is_stored_now(workspace: Workspace) -> None:
    """The profile applies only the fields changed, to the profile as stored now: an edit
    made meanwhile is kept, not overwritten (the write itself names that version)."""
    ws = workspace
    ws.profile.set(name="Dana Synthetic", credentials="LCSW")
    stale = Workspace.build(ws._vault, paths=ws.paths, clock=ws.clock)
    stale.profile.get()
    ws.profile.set(agency_name="Riverbend (synthetic)")
    stale.profile.set(license_number="L-2")
    profile = ws.profile.get()
    assert profile is not None
    assert (profile.agency_name, profile.license_number) == ("Riverbend (synthetic)", "L-2")


def test_the_vault_refuses_a_stale_expected_version(tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v.noteapp", PASSPHRASE, params=FAST_KDF)
    with vault:
        assert vault.put("contact", "c1", {"v": 1}, expected_version=0) == 1
        with pytest.raises(ConcurrentChangeError):
            vault.put("contact", "c1", {"v": "again new"}, expected_version=0)
        with pytest.raises(ConcurrentChangeError):
            vault.delete("contact", "c1", expected_version=2)
        assert vault.get("contact", "c1").data == {"v": 1}


# --- every service update names the version it read --------------------------------------


def _vault_writes(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"put", "delete"}
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "_vault"
        ):
            yield node


def test_every_service_write_names_the_version_it_read() -> None:
    """An audit of noteapp/services: each `self._vault.put(...)` and `.delete(...)` passes
    `expected_version=` (0 for a record that must be new). A new service must too."""
    services = REPO / "noteapp" / "services"
    missing = []
    found = 0
    for source in sorted(services.glob("*.py")):
        for call in _vault_writes(ast.parse(source.read_text(encoding="utf-8"))):
            found += 1
            names = {k.arg for k in call.keywords}
            value = next((k.value for k in call.keywords if k.arg == "expected_version"), None)
            if "expected_version" not in names or (
                isinstance(value, ast.Constant) and value.value is None
            ):
                missing.append(f"{source.name}:{call.lineno}")
    assert found >= 10  # the audit looked at something
    assert missing == []


def test_a_save_rolled_back_with_its_transaction_is_not_taken_for_saved(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record written in a transaction that then fails (its audit entry, here) must not
    remember the version that was never saved, or its next save would be refused."""
    ws = workspace
    phrases = ws.reference.phrases()
    ws.reference.save_phrases(phrases[:2])
    real_record = ws.audit.record

    def audit_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit entry could not be written")

    monkeypatch.setattr(ws.audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        ws.reference.save_phrases(phrases[:1])
    monkeypatch.setattr(ws.audit, "record", real_record)
    ws.reference.save_phrases(phrases[:3])  # not "changed elsewhere"
    assert len(ws.reference.phrases()) == 3
