"""Opening and unlocking: wrong secrets, the recovery key, passphrase change, a tampered or
inflated header, newer formats, damaged and missing files, a vault in use, permissions."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    InvalidInputError,
    KdfParametersError,
    RecordIntegrityError,
    UnsupportedVersionError,
    VaultCorruptError,
    VaultHeaderTamperedError,
    VaultInUseError,
    VaultMissingError,
    WrongSecretError,
)
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault import keyslots
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.tamper import edit_header, passphrase_kdf, read_header

REPO = Path(__file__).resolve().parents[2]
WRONG = "not the passphrase at all"


@pytest.fixture
def closed_vault(tmp_path: Path, clock: FakeClock) -> tuple[Path, str]:
    """A vault with a few records and audit entries, closed; returns (path, recovery key)."""
    path = tmp_path / "vault.noteapp"
    vault, recovery = Vault.create(path, PASSPHRASE, params=FAST_KDF, clock=clock)
    audit = AuditLog(vault)
    audit.append("vault-create")
    for i in range(3):
        with vault.transaction():
            vault.put("contact", f"c{i}", {"name": f"Synthetic {i}"})
            vault.put("psychotherapy_note", f"p{i}", {"text": f"process {i}"})
            audit.append("create", kind="contact", record_id=f"c{i}")
    vault.put("contact", "c0", {"name": "Synthetic 0, edited"})
    vault.close()
    return path, recovery


def dump(path: Path) -> dict[str, Any]:
    """Everything stored in the file, table by table (read with a plain connection)."""
    conn = sqlite3.connect(path)
    try:
        return {
            "meta": dict(conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall()),
            "records": conn.execute("SELECT * FROM records ORDER BY seq").fetchall(),
            "audit": conn.execute("SELECT * FROM audit ORDER BY seq").fetchall(),
            "pragmas": [
                conn.execute(f"PRAGMA {p}").fetchone()[0]
                for p in ("application_id", "user_version")
            ],
        }
    finally:
        conn.close()


def failed_count(path: Path) -> int | None:
    value = dump(path)["meta"].get("failed_unlocks")
    return None if value is None else int(value)


def without_counter(d: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in d["meta"].items() if k != "failed_unlocks"}
    return {**d, "meta": meta}


# edit_header recomputes the format-2 header checksum, as an attacker who knows the format
# would: the keyed MAC and the bounds must catch those edits. Naive edits: test_vault_header.py.


def open_unlocked(path: Path, secret: str = PASSPHRASE) -> Vault:
    vault = Vault.open(path)
    try:
        vault.unlock_with_passphrase(secret)
    except BaseException:
        vault.close()
        raise
    return vault


# --- wrong passphrase ----------------------------------------------------------------------


def test_wrong_passphrase_is_a_distinct_error_and_changes_only_the_counter(
    closed_vault: tuple[Path, str],
) -> None:
    path, _ = closed_vault
    before = dump(path)
    assert "failed_unlocks" not in before["meta"]
    for attempt in (1, 2, 3):
        vault = Vault.open(path)
        try:
            with pytest.raises(WrongSecretError) as info:
                vault.unlock_with_passphrase(WRONG)
            assert not vault.is_unlocked
        finally:
            vault.close()
        assert info.value.exit_code == 3
        assert not isinstance(info.value, VaultCorruptError)
        assert "passphrase" in str(info.value).lower()
        assert failed_count(path) == attempt
        assert without_counter(dump(path)) == before
    # The right passphrase still works; the counter is consumed by that unlock.
    vault = open_unlocked(path)
    assert vault.failed_unlocks_before_this_one == 3
    assert vault.get("contact", "c0").data == {"name": "Synthetic 0, edited"}
    vault.close()
    assert failed_count(path) is None


def test_failed_unlocks_appear_in_the_audit_log(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = tmp_path / "ws.noteapp"
    ws, recovery = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.close()
    for _ in range(2):
        with pytest.raises(WrongSecretError):
            Workspace.unlock(path, WRONG, clock=clock, paths=paths)
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_recovery_key(
            path, keyslots.new_recovery_key(), clock=clock, paths=paths
        )
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    entries = ws.audit.entries()
    assert [(e.action, e.detail) for e in entries[-2:]] == [
        ("unlock-failed", {"attempts": 3}),
        ("unlock", {"method": "passphrase"}),
    ]
    assert ws.audit.verify().ok
    ws.close()
    # Reported once: the next unlock has nothing to report.
    ws = Workspace.unlock_with_recovery_key(path, recovery, clock=clock, paths=paths)
    actions = [e.action for e in ws.audit.entries()]
    assert actions.count("unlock-failed") == 1
    assert actions[-1] == "unlock"
    assert ws.audit.entries()[-1].detail == {"method": "recovery-key"}
    ws.close()


def test_failed_workspace_unlock_releases_the_vault(
    closed_vault: tuple[Path, str], clock: FakeClock, paths: AppPaths
) -> None:
    path, _ = closed_vault
    with pytest.raises(WrongSecretError):
        Workspace.unlock(path, WRONG, clock=clock, paths=paths)
    vault = Vault.open(path)  # no VaultInUseError: the failed attempt let go of the lock
    vault.close()


# --- recovery key --------------------------------------------------------------------------


def _variants(key: str) -> list[str]:
    compact = key.replace("-", "")
    return [
        key,
        key.lower(),
        compact,
        compact.lower(),
        " ".join(key.split("-")),
        "  " + key.replace("-", " - ") + "\n",
        "-".join(compact[i : i + 2] for i in range(0, 32, 2)),
        key.replace("O", "0").replace("I", "1").replace("B", "8"),
        key.lower().replace("o", "0").replace("i", "1").replace("b", "8"),
    ]


def test_recovery_key_unlocks_in_any_reasonable_spelling(
    closed_vault: tuple[Path, str],
) -> None:
    path, recovery = closed_vault
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", recovery)
    for spelling in _variants(recovery):
        vault = Vault.open(path)
        try:
            vault.unlock_with_recovery_key(spelling)
            assert vault.get("psychotherapy_note", "p1").data == {"text": "process 1"}
        finally:
            vault.close()


def test_recovery_key_parsing_forgives_look_alikes() -> None:
    canonical = "OIBA-OIBA-OIBA-OIBA-OIBA-OIBA-OIBA-OIBA"
    expected = keyslots.parse_recovery_key(canonical)
    assert len(expected) == keyslots.RECOVERY_KEY_BYTES
    for variant in _variants(canonical):
        assert keyslots.parse_recovery_key(variant) == expected
    assert keyslots.parse_recovery_key(canonical.replace("O", "0")) == expected
    key = keyslots.new_recovery_key()
    assert keyslots.parse_recovery_key(key) != keyslots.parse_recovery_key(
        keyslots.new_recovery_key()
    )


def test_wrong_recovery_key(closed_vault: tuple[Path, str]) -> None:
    path, _ = closed_vault
    before = dump(path)
    vault = Vault.open(path)
    try:
        with pytest.raises(WrongSecretError) as info:
            vault.unlock_with_recovery_key(keyslots.new_recovery_key())
        assert info.value.exit_code == 3
        assert not vault.is_unlocked
    finally:
        vault.close()
    assert failed_count(path) == 1
    assert without_counter(dump(path)) == before


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "ABCD-EFGH",
        "A" * 31,
        "A" * 33,
        "9999-9999-9999-9999-9999-9999-9999-9999",  # 9 is not base32
        "ＡＢＣＤ" * 8,  # full-width letters
        "٣" * 32,  # Arabic-Indic digits
    ],
)
def test_malformed_recovery_key_is_invalid_input(
    closed_vault: tuple[Path, str], malformed: str
) -> None:
    path, _ = closed_vault
    before = dump(path)
    vault = Vault.open(path)
    try:
        with pytest.raises(InvalidInputError) as info:
            vault.unlock_with_recovery_key(malformed)
        assert info.value.exit_code == 2
        assert not vault.is_unlocked
    finally:
        vault.close()
    assert dump(path) == before


# --- changing the passphrase ---------------------------------------------------------------


def test_change_passphrase_rewraps_only(closed_vault: tuple[Path, str]) -> None:
    path, recovery = closed_vault
    before = dump(path)
    header_before = read_header(path)
    new = "a brand new synthetic passphrase"
    new_params = Argon2Params(20 * 1024, 2, 1)
    vault = open_unlocked(path)
    vault.change_passphrase(new, params=new_params)
    vault.close()
    after = dump(path)
    assert after["records"] == before["records"]  # the same blobs: nothing re-encrypted
    assert after["audit"] == before["audit"]
    header_after = read_header(path)
    slots_before = {s["type"]: s for s in header_before["slots"]}
    slots_after = {s["type"]: s for s in header_after["slots"]}
    assert slots_after["recovery"] == slots_before["recovery"]
    assert slots_after["passphrase"]["salt"] != slots_before["passphrase"]["salt"]
    assert slots_after["passphrase"]["kdf"]["memory_kib"] == 20 * 1024
    assert header_after["vault_id"] == header_before["vault_id"]

    vault = Vault.open(path)
    with pytest.raises(WrongSecretError):
        vault.unlock_with_passphrase(PASSPHRASE)
    vault.unlock_with_passphrase(new)
    assert vault.get("contact", "c0").data == {"name": "Synthetic 0, edited"}
    vault.close()
    vault = Vault.open(path)
    vault.unlock_with_recovery_key(recovery)  # the recovery key still opens it
    vault.close()


def test_change_passphrase_refuses_empty(closed_vault: tuple[Path, str]) -> None:
    path, _ = closed_vault
    vault = open_unlocked(path)
    try:
        with pytest.raises(InvalidInputError):
            vault.change_passphrase("", params=FAST_KDF)
    finally:
        vault.close()
    open_unlocked(path).close()


def test_workspace_change_passphrase_checks_the_current_one(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    path = tmp_path / "ws.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    header = read_header(path)
    with pytest.raises(WrongSecretError):
        ws.change_passphrase(current=WRONG, new="another synthetic passphrase")
    with pytest.raises(InvalidInputError):
        ws.change_passphrase(current=PASSPHRASE, new="short")
    assert read_header(path) == header
    ws.change_passphrase(current=PASSPHRASE, new="another synthetic passphrase")
    assert ws.audit.entries()[-1].action == "passphrase-change"
    # The KDF settings are kept (not recalibrated) when none are given.
    assert passphrase_kdf(read_header(path))["memory_kib"] == FAST_KDF.memory_kib
    ws.close()
    with pytest.raises(WrongSecretError):
        Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    Workspace.unlock(path, "another synthetic passphrase", clock=clock, paths=paths).close()


# --- a tampered header ---------------------------------------------------------------------


def _set_created(doc: dict[str, Any]) -> None:
    doc["created"] = "2020-01-01T00:00:00+00:00"


def _drop_recovery(doc: dict[str, Any]) -> None:
    doc["slots"] = [s for s in doc["slots"] if s["type"] != "recovery"]


def _swap_slot_order(doc: dict[str, Any]) -> None:
    doc["slots"] = list(reversed(doc["slots"]))


@pytest.mark.parametrize("change", [_set_created, _drop_recovery, _swap_slot_order])
def test_edited_header_is_detected_at_unlock(
    closed_vault: tuple[Path, str], change: Callable[[dict[str, Any]], None]
) -> None:
    path, recovery = closed_vault
    edit_header(path, change)
    before = dump(path)
    vault = Vault.open(path)  # the header still parses
    try:
        with pytest.raises(VaultHeaderTamperedError) as info:
            vault.unlock_with_passphrase(PASSPHRASE)
        assert not vault.is_unlocked
        assert info.value.exit_code == 4
        if change is not _drop_recovery:
            with pytest.raises(VaultHeaderTamperedError):
                vault.unlock_with_recovery_key(recovery)
    finally:
        vault.close()
    assert dump(path) == before


def test_replaced_header_mac_is_detected(closed_vault: tuple[Path, str]) -> None:
    path, _ = closed_vault
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value=? WHERE key='header_mac'", (b"\x01" * 32,))
    conn.commit()
    conn.close()
    vault = Vault.open(path)
    try:
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


@pytest.mark.parametrize(
    ("sql", "args"),
    [
        ("UPDATE meta SET value=? WHERE key='header_mac'", (b"\x01" * 31,)),
        ("DELETE FROM meta WHERE key='header_mac'", ()),
        ("DELETE FROM meta WHERE key='header'", ()),
        ("UPDATE meta SET value=? WHERE key='header'", (b"{not json",)),
        ("UPDATE meta SET value=? WHERE key='header'", (b"\xff\xfe",)),
        ("UPDATE meta SET value=? WHERE key='header'", (b" " * (65 * 1024),)),
        ("UPDATE meta SET value=? WHERE key='header'", ("a text header",)),
        ("PRAGMA application_id=1", ()),
        ("DROP TABLE meta", ()),
    ],
)
def test_damaged_header_storage_is_corrupt(
    closed_vault: tuple[Path, str], sql: str, args: tuple[object, ...]
) -> None:
    path, _ = closed_vault
    conn = sqlite3.connect(path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()
    with pytest.raises(VaultCorruptError):
        Vault.open(path)
    with pytest.raises(VaultCorruptError):  # not VaultInUseError: the lock was let go
        Vault.open(path)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(magic="someone-else"),
        lambda d: d.pop("magic"),
        lambda d: d.update(format=0),
        lambda d: d.update(format="1"),
        lambda d: d.update(format=True),
        lambda d: d.update(vault_id="../../etc"),
        lambda d: d.update(slots=[]),
        lambda d: d.update(slots=[{"type": "unknown"}]),
        lambda d: d.update(created=12),
        lambda d: passphrase_kdf(d).update(alg="scrypt"),
        lambda d: passphrase_kdf(d).update(memory_kib="19456"),
        lambda d: passphrase_kdf(d).update(iterations=2.0),
        lambda d: passphrase_kdf(d).update(lanes=True),
        lambda d: d["slots"][0].update(salt="zz"),
        lambda d: d["slots"][0].update(salt="00"),
        lambda d: d["slots"][0].update(wrapped="00" * 1000),
    ],
)
def test_malformed_header_fields_are_corrupt(
    closed_vault: tuple[Path, str], change: Callable[[dict[str, Any]], None]
) -> None:
    path, _ = closed_vault
    edit_header(path, change)
    with pytest.raises(VaultCorruptError):
        Vault.open(path)


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [
        (1024 * 1024 + 1, 2, 1),
        (4 * 1024 * 1024, 2, 1),  # 4 GiB: accepted before issue #9, now refused
        (64 * 1024 * 1024, 1000, 1),
        (19 * 1024, 11, 1),
        (19 * 1024, 20, 1),  # 20 passes: accepted before issue #9
        (1024 * 1024, 4, 4),  # each within bounds, the product (cost) beyond
        (19 * 1024, 2, 17),
        (0, 2, 1),
        (19 * 1024, 0, 1),
        (-5, 2, 1),
    ],
)
def test_inflated_kdf_parameters_refused_before_any_kdf_runs(
    closed_vault: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    memory_kib: int,
    iterations: int,
    lanes: int,
) -> None:
    path, _ = closed_vault
    edit_header(
        path,
        lambda d: passphrase_kdf(d).update(
            memory_kib=memory_kib, iterations=iterations, lanes=lanes
        ),
    )
    before = dump(path)

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 must not run for a header with inflated settings")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    start = time.perf_counter()
    with pytest.raises(KdfParametersError) as info:
        Vault.open(path)
    assert time.perf_counter() - start < 1.0
    assert info.value.exit_code == 4
    assert "limits" in str(info.value)
    assert dump(path) == before


def test_kdf_guard_is_real(closed_vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The Argon2 stub above would be noticed if the KDF ran (else that test proves nothing)."""
    path, _ = closed_vault

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("KDF ran")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    vault = Vault.open(path)
    try:
        with pytest.raises(AssertionError, match="KDF ran"):
            vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


@pytest.mark.parametrize("version", [3, 99])
def test_newer_format_is_unsupported_not_corrupt(
    closed_vault: tuple[Path, str], version: int
) -> None:
    path, _ = closed_vault
    edit_header(path, lambda d: d.update(format=version))
    before = dump(path)
    with pytest.raises(UnsupportedVersionError) as info:
        Vault.open(path)
    assert not isinstance(info.value, VaultCorruptError)
    assert info.value.exit_code == 4
    assert "newer" in str(info.value)
    assert dump(path) == before


# --- files that are not vaults -------------------------------------------------------------


def _plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(x TEXT)")
    conn.execute("INSERT INTO notes VALUES('someone else''s database')")
    conn.commit()
    conn.close()


NOT_VAULTS: dict[str, Callable[[Path], object]] = {
    "text": lambda p: p.write_text("Dear diary, this is not a database.\n" * 20),
    "random": lambda p: p.write_bytes(os.urandom(8192)),
    "sqlite-magic-then-garbage": lambda p: p.write_bytes(b"SQLite format 3\0" + os.urandom(8176)),
    "empty": lambda p: p.write_bytes(b""),
    "plain-sqlite": _plain_sqlite,
}


@pytest.mark.parametrize("name", sorted(NOT_VAULTS))
def test_not_a_vault_is_corrupt(tmp_path: Path, name: str) -> None:
    path = tmp_path / "thing.noteapp"
    NOT_VAULTS[name](path)
    with pytest.raises(VaultCorruptError) as info:
        Vault.open(path)
    assert type(info.value) is VaultCorruptError
    assert info.value.exit_code == 4
    with pytest.raises(VaultCorruptError):  # again: the lock was let go
        Vault.open(path)


@pytest.mark.parametrize(
    "name",
    [
        "text",
        "random",
        "sqlite-magic-then-garbage",
        "empty",
        "plain-sqlite",
    ],
)
def test_not_a_vault_is_left_byte_identical(tmp_path: Path, name: str) -> None:
    path = tmp_path / "thing.noteapp"
    NOT_VAULTS[name](path)
    before = path.read_bytes()
    with pytest.raises(VaultCorruptError):
        Vault.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("text_blob", ["x" * 64, "invalid utf-8"], ids=["text", "bad-utf8"])
def test_hostile_text_blob_is_a_record_integrity_error(
    closed_vault: tuple[Path, str], text_blob: str
) -> None:
    path, _ = closed_vault
    conn = sqlite3.connect(path)
    if text_blob == "invalid utf-8":
        conn.execute("UPDATE records SET blob=CAST(x'c3287a7a7a' AS TEXT) WHERE id='c1'")
    else:
        conn.execute("UPDATE records SET blob=? WHERE id='c1'", (text_blob,))
    conn.commit()
    conn.close()
    vault = open_unlocked(path)
    try:
        result = vault.load_kind("contact")
        assert [f.record_id for f in result.failures] == ["c1"]
        with pytest.raises(RecordIntegrityError):
            vault.get("contact", "c1")
    finally:
        vault.close()


@pytest.mark.parametrize("where", ["missing", "directory", "missing-parent"])
def test_missing_vault(tmp_path: Path, where: str) -> None:
    path = {
        "missing": tmp_path / "nope.noteapp",
        "directory": tmp_path,
        "missing-parent": tmp_path / "no" / "such" / "vault.noteapp",
    }[where]
    listing = sorted(tmp_path.iterdir())
    with pytest.raises(VaultMissingError) as info:
        Vault.open(path)
    assert info.value.exit_code == 4
    assert sorted(tmp_path.iterdir()) == listing  # nothing created, not even a lock file


# --- one instance at a time ----------------------------------------------------------------


def test_second_open_in_the_same_process_is_refused(closed_vault: tuple[Path, str]) -> None:
    path, _ = closed_vault
    first = open_unlocked(path)
    try:
        with pytest.raises(VaultInUseError) as info:
            Vault.open(path)
        assert info.value.exit_code == 4
        assert not isinstance(info.value, VaultCorruptError)
        first.put("contact", "still-works", {"x": 1})  # the refused open disturbed nothing
    finally:
        first.close()
    second = open_unlocked(path)
    assert second.get("contact", "still-works").data == {"x": 1}
    second.close()


_HOLDER = """
import sys
from noteapp.vault.store import Vault
vault = Vault.open(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
vault.close()
print("closed", flush=True)
"""


@pytest.fixture
def holder(closed_vault: tuple[Path, str]) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """Another process holding the vault open until its stdin is closed."""
    path, _ = closed_vault
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == "open\n"
        yield path, proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_open_in_another_process_is_refused_until_it_closes(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, proc = holder
    with pytest.raises(VaultInUseError):
        Vault.open(path)
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.close()
    assert proc.stdout.readline() == "closed\n"
    assert proc.wait(timeout=30) == 0
    open_unlocked(path).close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_lock_is_released_when_the_other_process_dies(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, proc = holder
    with pytest.raises(VaultInUseError):
        Vault.open(path)
    proc.kill()
    proc.wait(timeout=30)
    open_unlocked(path).close()


# --- owner-only permissions ----------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """umask 0: any owner-only mode we see was asked for explicitly."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_vault_files_are_owner_only(
    tmp_path: Path, clock: FakeClock, paths: AppPaths, permissive_umask: None
) -> None:
    folder = tmp_path / "new-folder"
    path = folder / "vault.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws._vault.put("contact", "c1", {"x": 1})
    assert _mode(folder) == 0o700
    assert _mode(path) == 0o600
    assert _mode(Path(str(path) + ".lock")) == 0o600
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        assert side.exists()
        assert _mode(side) == 0o600
    backup = ws.backups.backup_now()
    assert _mode(backup.parent) == 0o700
    assert _mode(backup) == 0o600
    ws.close()
    for p in folder.iterdir():
        assert _mode(p) == 0o600, p.name
    for p in backup.parent.iterdir():
        assert _mode(p) == 0o600, p.name
