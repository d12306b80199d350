"""Vault records: round trips, versions, ordering, conflicts, deletion, the psychotherapy
compartment, transactions, and what a locked vault refuses."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RefusedError,
    VaultExistsError,
    VaultLockedError,
)
from noteapp.vault.format import record_ad_v2
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault.noteapp"


@pytest.fixture
def vault(vault_path: Path, clock: FakeClock) -> Iterator[Vault]:
    v, _ = Vault.create(vault_path, PASSPHRASE, params=FAST_KDF, clock=clock)
    yield v
    v.close()


def rows(path: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the file with a separate plain connection (what is really on disk)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def reopen(v: Vault, clock: FakeClock) -> Vault:
    path = v.path
    v.close()
    again = Vault.open(path, clock=clock)
    again.unlock_with_passphrase(PASSPHRASE)
    return again


# --- round trips ---------------------------------------------------------------------------


def test_put_get_round_trip_survives_reopen(vault: Vault, clock: FakeClock) -> None:
    data = {"name": "Synthetic Person", "n": 3, "ok": True, "none": None, "list": [1, "two"]}
    assert vault.put("contact", "c1", data) == 1
    got = vault.get("contact", "c1")
    assert (got.kind, got.id, got.version, got.data) == ("contact", "c1", 1, data)
    again = reopen(vault, clock)
    try:
        assert again.get("contact", "c1").data == data
    finally:
        again.close()


def test_versions_history_and_latest(vault: Vault) -> None:
    for i in range(1, 5):
        assert vault.put("session_note", "n1", {"text": f"draft {i}"}) == i
    latest = vault.get("session_note", "n1")
    assert latest.version == 4
    assert latest.data == {"text": "draft 4"}
    history = vault.history("session_note", "n1")
    assert [r.version for r in history] == [1, 2, 3, 4]
    assert [r.data["text"] for r in history] == [f"draft {i}" for i in range(1, 5)]
    # Exactly one row is marked latest, and it is the highest version.
    latest_rows = rows(
        vault.path, "SELECT version FROM records WHERE kind='session_note' AND id='n1' AND latest=1"
    )
    assert latest_rows == [(4,)]
    assert vault.count("session_note") == 1
    assert vault.history("session_note", "missing") == []


def test_versions_are_per_kind_and_id(vault: Vault) -> None:
    assert vault.put("a", "x", {"v": 1}) == 1
    assert vault.put("b", "x", {"v": 1}) == 1
    assert vault.put("a", "y", {"v": 1}) == 1
    assert vault.put("a", "x", {"v": 2}) == 2
    assert vault.get("b", "x").data == {"v": 1}
    assert sorted(vault.kinds()) == ["a", "b"]
    assert vault.count() == 3
    assert vault.count("a") == 2


def test_load_kind_returns_latest_versions_in_write_order(vault: Vault) -> None:
    vault.put("contact", "c1", {"i": 1})
    vault.put("contact", "c2", {"i": 2})
    vault.put("other", "o1", {"i": 0})
    vault.put("contact", "c3", {"i": 3})
    result = vault.load_kind("contact")
    assert [r.id for r in result.records] == ["c1", "c2", "c3"]
    assert result.failures == []
    # An edit is the newest write: that record now comes last, at its new version.
    vault.put("contact", "c1", {"i": 11})
    result = vault.load_kind("contact")
    assert [(r.id, r.version, r.data["i"]) for r in result.records] == [
        ("c2", 1, 2),
        ("c3", 1, 3),
        ("c1", 2, 11),
    ]
    assert vault.load_kind("nothing").records == []


def test_expected_version_guards_against_lost_updates(vault: Vault) -> None:
    assert vault.put("note", "n", {"t": "a"}, expected_version=0) == 1
    assert vault.put("note", "n", {"t": "b"}, expected_version=1) == 2
    for stale in (0, 1, 3):
        with pytest.raises(RefusedError):
            vault.put("note", "n", {"t": "lost"}, expected_version=stale)
    with pytest.raises(RefusedError):
        vault.put("note", "new", {"t": "x"}, expected_version=1)
    assert [r.data["t"] for r in vault.history("note", "n")] == ["a", "b"]
    assert not vault.exists("note", "new")
    assert RefusedError("x").exit_code == 2


def test_get_missing_raises_not_found(vault: Vault) -> None:
    with pytest.raises(NotFoundError):
        vault.get("contact", "nope")


def test_delete_removes_every_version(vault: Vault) -> None:
    vault.put("contact", "c1", {"v": 1})
    vault.put("contact", "c1", {"v": 2})
    vault.put("contact", "c2", {"v": 1})
    assert vault.delete("contact", "c1") == 2
    assert not vault.exists("contact", "c1")
    with pytest.raises(NotFoundError):
        vault.get("contact", "c1")
    assert vault.history("contact", "c1") == []
    assert [r.id for r in vault.load_kind("contact").records] == ["c2"]
    assert rows(vault.path, "SELECT COUNT(*) FROM records WHERE id='c1'") == [(0,)]
    assert vault.delete("contact", "c1") == 0
    # A new record under the same id starts again at version 1.
    assert vault.put("contact", "c1", {"v": "again"}) == 1


@pytest.mark.parametrize("kind", ["", "Contact", "a/b", "a b", "x" * 41, "ümlaut", "a\0b"])
def test_invalid_kind_refused(vault: Vault, kind: str) -> None:
    with pytest.raises(InvalidInputError):
        vault.put(kind, "id", {"x": 1})


def test_stored_record_repr_has_no_data(vault: Vault) -> None:
    vault.put("contact", "c1", {"name": "Synthetic Distinctive Name"})
    text = repr(vault.get("contact", "c1"))
    assert "Synthetic" not in text
    assert "c1" in text


def test_create_refuses_existing_file_and_empty_passphrase(tmp_path: Path) -> None:
    existing = tmp_path / "exists.noteapp"
    existing.write_bytes(b"keep me")
    with pytest.raises(VaultExistsError):
        Vault.create(existing, PASSPHRASE, params=FAST_KDF)
    assert existing.read_bytes() == b"keep me"
    empty = tmp_path / "empty-pass.noteapp"
    with pytest.raises(InvalidInputError):
        Vault.create(empty, "", params=FAST_KDF)
    assert not empty.exists()


# --- transactions --------------------------------------------------------------------------


def test_transaction_commits_together_or_not_at_all(vault: Vault) -> None:
    with vault.transaction():
        vault.put("contact", "c1", {"v": 1})
        with vault.transaction():  # nests
            vault.put("contact", "c2", {"v": 1})
    assert vault.count("contact") == 2

    class Boom(Exception):
        pass

    with pytest.raises(Boom), vault.transaction():
        vault.put("contact", "c3", {"v": 1})
        vault.put("contact", "c1", {"v": 2})
        raise Boom
    assert not vault.exists("contact", "c3")
    assert vault.get("contact", "c1").version == 1
    assert rows(vault.path, "SELECT COUNT(*) FROM records") == [(2,)]
    # The vault is still usable after a rollback.
    assert vault.put("contact", "c3", {"v": 1}) == 1


def test_refused_put_inside_transaction_rolls_back_everything(vault: Vault) -> None:
    vault.put("note", "n", {"v": 1})
    with pytest.raises(RefusedError), vault.transaction():
        vault.put("note", "other", {"v": 1})
        vault.put("note", "n", {"v": 2}, expected_version=0)
    assert not vault.exists("note", "other")
    assert vault.get("note", "n").version == 1


# --- the psychotherapy compartment ---------------------------------------------------------


def test_compartment_kinds_use_a_different_key(vault: Vault) -> None:
    vault.put("psychotherapy_note", "p1", {"text": "process note"})
    vault.put("psychotherapy", "p2", {"text": "bare prefix"})
    vault.put("session_note", "n1", {"text": "progress note"})
    assert vault.get("psychotherapy_note", "p1").data == {"text": "process note"}
    assert vault.get("psychotherapy", "p2").data == {"text": "bare prefix"}

    data_key = vault._data_key
    assert data_key is not None
    records_key = crypto.Aead(crypto.hkdf(data_key, b"noteapp v1 records"))
    compartment_key = crypto.Aead(crypto.hkdf(data_key, b"noteapp v1 compartment psychotherapy"))
    (psy_blob,) = rows(vault.path, "SELECT blob FROM records WHERE id='p1'")[0]
    (note_blob,) = rows(vault.path, "SELECT blob FROM records WHERE id='n1'")[0]
    psy_ad = record_ad_v2(vault.vault_id, "psychotherapy_note", "p1", 1, b"")
    note_ad = record_ad_v2(vault.vault_id, "session_note", "n1", 1, b"")
    # Same associated data, different keys: only the compartment key opens it.
    assert json.loads(compartment_key.decrypt(psy_blob, psy_ad)) == {"text": "process note"}
    with pytest.raises(DecryptionError):
        records_key.decrypt(psy_blob, psy_ad)
    assert json.loads(records_key.decrypt(note_blob, note_ad)) == {"text": "progress note"}
    with pytest.raises(DecryptionError):
        compartment_key.decrypt(note_blob, note_ad)


def test_compartment_blob_moved_into_a_normal_row_fails_loudly(vault: Vault) -> None:
    vault.put("psychotherapy_note", "p1", {"text": "process note"})
    vault.put("session_note", "p1", {"text": "progress note"})
    vault.put("session_note", "n2", {"text": "untouched"})
    vault.connection.execute(
        "UPDATE records SET blob=(SELECT blob FROM records WHERE kind='psychotherapy_note') "
        "WHERE kind='session_note' AND id='p1'"
    )
    with pytest.raises(RecordIntegrityError) as info:
        vault.get("session_note", "p1")
    assert (info.value.kind, info.value.record_id) == ("session_note", "p1")
    result = vault.load_kind("session_note")
    assert [r.id for r in result.records] == ["n2"]
    assert [(f.kind, f.record_id) for f in result.failures] == [("session_note", "p1")]
    assert vault.get("psychotherapy_note", "p1").data == {"text": "process note"}
    assert [(f.kind, f.record_id) for f in vault.verify_all()] == [("session_note", "p1")]


def test_damaged_record_is_reported_not_shown_empty(vault: Vault) -> None:
    vault.put("contact", "c1", {"v": 1})
    vault.put("contact", "c1", {"v": 2})
    vault.put("contact", "c2", {"v": 1})
    (blob,) = rows(vault.path, "SELECT blob FROM records WHERE id='c1' AND version=1")[0]
    damaged = bytearray(blob)
    damaged[20] ^= 0x01
    vault.connection.execute(
        "UPDATE records SET blob=? WHERE id='c1' AND version=1", (bytes(damaged),)
    )
    assert vault.get("contact", "c1").data == {"v": 2}  # the latest is fine
    with pytest.raises(RecordIntegrityError) as info:
        vault.history("contact", "c1")  # history must be complete, so it raises
    message = str(info.value)
    assert "contact/c1" in message
    assert "version 1" in message
    assert "swapped" not in message
    assert info.value.exit_code == 4
    assert len(vault.verify_all()) == 1


def test_version_replayed_into_another_row_is_named_as_swapped(vault: Vault) -> None:
    vault.put("contact", "c1", {"v": 1})
    vault.put("contact", "c1", {"v": 2})
    # Roll the latest row back to the old ciphertext (a replay of version 1).
    vault.connection.execute(
        "UPDATE records SET blob=(SELECT blob FROM records WHERE id='c1' AND version=1) "
        "WHERE id='c1' AND version=2"
    )
    with pytest.raises(RecordIntegrityError, match="swapped or replayed"):
        vault.get("contact", "c1")


# --- locking -------------------------------------------------------------------------------


def _locked_operations(v: Vault) -> list[tuple[str, object]]:
    return [
        ("put", lambda: v.put("contact", "c9", {"x": 1})),
        ("get", lambda: v.get("contact", "c1")),
        ("history", lambda: v.history("contact", "c1")),
        ("load_kind", lambda: v.load_kind("contact")),
        ("delete", lambda: v.delete("contact", "c1")),
        ("verify_all", v.verify_all),
        ("subkey", lambda: v.subkey("audit")),
        ("change_passphrase", lambda: v.change_passphrase("new passphrase", params=FAST_KDF)),
        ("set_device_key", lambda: v.set_device_key(b"k" * 32)),
        ("verify_key", lambda: v.verify_key(b"\0" * 32)),
    ]


def test_locked_vault_refuses_every_record_operation(vault: Vault, clock: FakeClock) -> None:
    vault.put("contact", "c1", {"x": 1})
    vault.lock()
    assert not vault.is_unlocked
    before = rows(vault.path, "SELECT seq, kind, id, version, latest, blob FROM records")
    for name, op in _locked_operations(vault):
        if name == "verify_key":
            continue  # checks a given key; needs none in memory (see below)
        with pytest.raises(VaultLockedError):
            op()  # type: ignore[operator]
    assert rows(vault.path, "SELECT seq, kind, id, version, latest, blob FROM records") == before
    # Unlocking again brings everything back.
    vault.unlock_with_passphrase(PASSPHRASE)
    assert vault.get("contact", "c1").data == {"x": 1}


def test_freshly_opened_vault_is_locked(vault: Vault, clock: FakeClock) -> None:
    vault.put("contact", "c1", {"x": 1})
    path = vault.path
    vault.close()
    opened = Vault.open(path, clock=clock)
    try:
        assert not opened.is_unlocked
        with pytest.raises(VaultLockedError):
            opened.get("contact", "c1")
        with pytest.raises(VaultLockedError):
            opened.load_kind("contact")
        assert opened.exists("contact", "c1")  # ids are in clear by design
    finally:
        opened.close()


def test_lock_drops_and_wipes_the_keys(vault: Vault) -> None:
    key = vault._data_key
    assert key is not None
    assert any(key)
    vault.lock()
    assert vault._data_key is None
    assert vault._records is None
    assert vault._compartment is None
    assert key == bytearray(len(key))  # the buffer itself was overwritten
    vault.lock()  # locking twice is harmless


def test_close_drops_the_keys(vault_path: Path, clock: FakeClock) -> None:
    v, _ = Vault.create(vault_path, PASSPHRASE, params=FAST_KDF, clock=clock)
    key = v._data_key
    assert key is not None
    v.close()
    assert not v.is_unlocked
    assert key == bytearray(len(key))


def test_subkeys_are_separated_by_purpose(vault: Vault) -> None:
    assert vault.subkey("audit") != vault.subkey("signing")
    assert vault.subkey("audit") == vault.subkey("audit")
    assert len(vault.subkey("audit")) == 32
