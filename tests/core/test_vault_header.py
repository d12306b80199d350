"""Format 2's header checksum: a damaged or naively edited header (e.g. its KDF settings) is
reported as damage before any key derivation runs — not as a wrong passphrase, and not
counted as a failed unlock (issue #9, point 10)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from noteapp import crypto
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    UnsupportedVersionError,
    VaultCorruptError,
    VaultHeaderDamagedError,
    VaultHeaderTamperedError,
    WrongSecretError,
)
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.tamper import edit_header, passphrase_kdf, sql


@pytest.fixture
def path(tmp_path: Path, clock: FakeClock) -> Path:
    p = tmp_path / "vault.noteapp"
    vault, _ = Vault.create(p, PASSPHRASE, params=FAST_KDF, clock=clock)
    with vault:
        vault.put("contact", "c1", {"name": "Synthetic"})
    return p


def failed_unlocks(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='failed_unlocks'").fetchone()
    finally:
        conn.close()
    return int(row[0]) if row else 0


@pytest.fixture
def no_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2 must not run for a damaged header")

    monkeypatch.setattr(crypto, "Argon2id", refuse)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: passphrase_kdf(d).update(iterations=3),  # within bounds: once "wrong passphrase"
        lambda d: passphrase_kdf(d).update(memory_kib=20 * 1024),
        lambda d: passphrase_kdf(d).update(lanes=2),
        lambda d: d.update(created="2020-01-01T00:00:00+00:00"),
    ],
    ids=["iterations", "memory", "lanes", "created"],
)
def test_a_naively_edited_header_is_damage_not_a_wrong_passphrase(
    path: Path, change: object, no_kdf: None
) -> None:
    edit_header(path, change, fix_checksum=False)  # type: ignore[arg-type]
    start = time.perf_counter()
    with pytest.raises(VaultHeaderDamagedError) as info:
        Vault.open(path)
    assert time.perf_counter() - start < 1.0
    assert not isinstance(info.value, WrongSecretError)
    assert info.value.exit_code == 4
    assert "no passphrase was tried" in str(info.value)
    assert failed_unlocks(path) == 0  # not counted as a failed unlock


def test_before_the_checksum_an_edited_kdf_was_a_wrong_passphrase(path: Path) -> None:
    """What the checksum is for: with it recomputed (a deliberate edit), the edit can only
    make the slot fail to open — which is indistinguishable from a wrong passphrase."""
    edit_header(path, lambda d: passphrase_kdf(d).update(iterations=3), fix_checksum=True)
    vault = Vault.open(path)
    try:
        with pytest.raises(WrongSecretError):
            vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


@pytest.mark.parametrize(
    "statement",
    [
        ("DELETE FROM meta WHERE key='header_sha256'", ()),
        ("UPDATE meta SET value=? WHERE key='header_sha256'", (b"\0" * 32,)),
        ("UPDATE meta SET value=? WHERE key='header_sha256'", ("text",)),
    ],
    ids=["missing", "wrong", "text"],
)
def test_a_missing_or_wrong_checksum_is_damage(
    path: Path, statement: tuple[str, tuple[object, ...]], no_kdf: None
) -> None:
    sql(path, statement)
    with pytest.raises(VaultHeaderDamagedError):
        Vault.open(path)
    with pytest.raises(VaultHeaderDamagedError):  # the lock was let go
        Vault.open(path)


def test_a_format_2_file_cannot_pass_as_format_1_to_skip_the_checksum(path: Path) -> None:
    edit_header(path, lambda d: d.update(format=1), fix_checksum=True)
    with pytest.raises(VaultCorruptError, match="does not match the file's format"):
        Vault.open(path)
    sql(path, ("PRAGMA user_version=1", ()))
    vault = Vault.open(path)  # now claiming format 1 throughout: the keyed header MAC holds
    try:
        with pytest.raises(VaultHeaderTamperedError):
            vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


def test_a_file_of_a_newer_format_is_unsupported(path: Path) -> None:
    sql(path, ("PRAGMA user_version=3", ()))
    with pytest.raises(UnsupportedVersionError, match="format 3"):
        Vault.open(path)


def test_a_changed_passphrase_keeps_the_checksum_right(path: Path) -> None:
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    vault.change_passphrase("another synthetic passphrase", params=FAST_KDF)
    vault.set_device_key(b"k" * 32)
    vault.close()
    vault = Vault.open(path)
    try:
        vault.unlock_with_passphrase("another synthetic passphrase")
        assert vault.get("contact", "c1").data == {"name": "Synthetic"}
    finally:
        vault.close()
