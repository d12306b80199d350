"""The audit log: append-only, encrypted, hash-chained; verify reports the first broken link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp import crypto
from noteapp.domain.clock import FakeClock
from noteapp.vault import codec
from noteapp.vault.audit import ENTRY_DICTIONARY, GENESIS, AuditLog, _entry_hash
from noteapp.vault.format import audit_ad
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE

N = 6


@pytest.fixture
def vault(tmp_path: Path, clock: FakeClock) -> Iterator[Vault]:
    v, _ = Vault.create(tmp_path / "vault.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock)
    yield v
    v.close()


@pytest.fixture
def log(vault: Vault, clock: FakeClock) -> AuditLog:
    audit = AuditLog(vault)
    for i in range(1, N + 1):
        clock.advance(30)
        audit.append("edit", kind="contact", record_id=f"c{i}", detail={"n": i, "why": "synthetic"})
    return audit


def sql(vault: Vault, statement: str, args: tuple[object, ...] = ()) -> None:
    vault.connection.execute(statement, args)


def blob(vault: Vault, seq: int) -> bytes:
    row = vault.connection.execute("SELECT blob FROM audit WHERE seq=?", (seq,)).fetchone()
    return bytes(row[0])


def test_append_and_verify(vault: Vault, clock: FakeClock) -> None:
    audit = AuditLog(vault)
    empty = audit.verify()
    assert (empty.ok, empty.entries, empty.first_broken) == (True, 0, None)
    first = audit.append("unlock", detail={"method": "passphrase"})
    assert (first.seq, first.prev) == (1, GENESIS)
    clock.advance(60)
    second = audit.append("edit", kind="contact", record_id="c1")
    assert second.prev == first.hash
    result = audit.verify()
    assert (result.ok, result.entries, result.first_broken) == (True, 2, None)
    assert "2 entries" in result.message
    entries = audit.entries()
    assert [(e.seq, e.action, e.kind, e.record_id) for e in entries] == [
        (1, "unlock", "", ""),
        (2, "edit", "contact", "c1"),
    ]
    assert entries[0].detail == {"method": "passphrase"}
    assert entries[1].time == "2026-01-05T09:01:00+00:00"
    assert entries == [first, second]


def test_log_survives_reopen_and_continues_the_chain(vault: Vault, log: AuditLog) -> None:
    path = vault.path
    vault.close()
    again = Vault.open(path)
    again.unlock_with_passphrase(PASSPHRASE)
    try:
        audit = AuditLog(again)
        assert audit.verify().entries == N
        entry = audit.append("lock")
        assert entry.seq == N + 1
        assert entry.prev == audit.entries()[N - 1].hash
        assert audit.verify().ok
    finally:
        again.close()


def test_entries_are_encrypted(vault: Vault, log: AuditLog) -> None:
    raw = b"".join(blob(vault, s) for s in range(1, N + 1))
    for word in (b"edit", b"contact", b"synthetic", b'"seq"'):
        assert word not in raw
    head = vault.connection.execute("SELECT value FROM meta WHERE key='audit_head'").fetchone()
    assert b"count" not in bytes(head[0])


def test_append_joins_the_callers_transaction(vault: Vault, log: AuditLog) -> None:
    with pytest.raises(RuntimeError), vault.transaction():
        vault.put("contact", "c1", {"x": 1})
        log.append("create", kind="contact", record_id="c1")
        raise RuntimeError
    assert not vault.exists("contact", "c1")
    result = log.verify()
    assert (result.ok, result.entries) == (True, N)


@pytest.mark.parametrize("seq", [1, 3, N])
def test_edited_entry_is_reported_at_its_seq(vault: Vault, log: AuditLog, seq: int) -> None:
    damaged = bytearray(blob(vault, seq))
    damaged[len(damaged) // 2] ^= 0x10
    sql(vault, "UPDATE audit SET blob=? WHERE seq=?", (bytes(damaged), seq))
    result = log.verify()
    assert not result.ok
    assert result.first_broken == seq
    assert result.entries == seq - 1
    assert f"Entry {seq}" in result.message
    # The readable entries are still listed; the damaged one is not shown as empty.
    assert [e.seq for e in log.entries()] == [s for s in range(1, N + 1) if s != seq]


def test_rewritten_entry_with_valid_encryption_breaks_the_chain(
    vault: Vault, log: AuditLog
) -> None:
    """Someone with the key re-encrypts an edited entry: the hash chain still catches it."""
    cipher = crypto.Aead(vault.subkey("audit"))
    stored = cipher.decrypt(blob(vault, 3), audit_ad(vault.vault_id, 3))
    d = json.loads(codec.decode_with(stored, ENTRY_DICTIONARY, codec.AUDIT_DEFLATED))
    d["action"] = "export"  # the stored hash is now stale
    sql(
        vault,
        "UPDATE audit SET blob=? WHERE seq=3",
        (cipher.encrypt(json.dumps(d).encode(), audit_ad(vault.vault_id, 3)),),
    )
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 3)
    assert "does not follow" in result.message

    # Recomputing its hash too only moves the break to the next entry.
    body = {k: d[k] for k in ("seq", "time", "action", "kind", "record_id", "detail", "prev")}
    d["hash"] = _entry_hash(body)
    sql(
        vault,
        "UPDATE audit SET blob=? WHERE seq=3",
        (cipher.encrypt(json.dumps(d).encode(), audit_ad(vault.vault_id, 3)),),
    )
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 4)


@pytest.mark.parametrize("seq", [1, 3, N - 1])
def test_deleted_middle_entry_is_reported_missing(vault: Vault, log: AuditLog, seq: int) -> None:
    sql(vault, "DELETE FROM audit WHERE seq=?", (seq,))
    result = log.verify()
    assert not result.ok
    assert result.first_broken == seq
    assert result.message == f"Entry {seq} is missing."


def test_deleted_last_entry_is_reported(vault: Vault, log: AuditLog) -> None:
    sql(vault, "DELETE FROM audit WHERE seq=?", (N,))
    result = log.verify()
    assert not result.ok
    assert result.entries == N - 1
    assert result.first_broken == N
    assert f"Entries after {N - 1} are missing" in result.message


def test_cut_off_tail_of_several_entries_is_reported(vault: Vault, log: AuditLog) -> None:
    sql(vault, "DELETE FROM audit WHERE seq > 2")
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 3)
    assert "Entries after 2 are missing" in result.message


def test_deleted_head_is_reported(vault: Vault, log: AuditLog) -> None:
    sql(vault, "DELETE FROM meta WHERE key='audit_head'")
    assert not log.verify().ok


def test_damaged_head_is_reported(vault: Vault, log: AuditLog) -> None:
    sql(vault, "UPDATE meta SET value=? WHERE key='audit_head'", (b"\0" * 60,))
    result = log.verify()
    assert not result.ok
    assert "head" in result.message


def test_known_limit_tail_and_head_rolled_back_together(vault: Vault, log: AuditLog) -> None:
    """Documents a limit, not a goal: cutting the newest entry AND putting back the head of
    that moment looks like an older, intact log (as a whole-file rollback would). Only an
    external anchor (a backup, a printout) can reveal it. Change this test if that changes."""
    old_head = vault.connection.execute("SELECT value FROM meta WHERE key='audit_head'").fetchone()
    log.append("sign", kind="note", record_id="n1")
    sql(vault, "DELETE FROM audit WHERE seq=?", (N + 1,))
    sql(vault, "UPDATE meta SET value=? WHERE key='audit_head'", (old_head[0],))
    # Consistent again: head and entries agree (this is why backups keep history).
    assert log.verify().ok
    log.append("sign", kind="note", record_id="n1")
    assert log.verify().ok


@pytest.mark.parametrize(("a", "b"), [(2, 4), (1, 2), (N - 1, N)])
def test_swapped_entries_are_reported(vault: Vault, log: AuditLog, a: int, b: int) -> None:
    blob_a, blob_b = blob(vault, a), blob(vault, b)
    sql(vault, "UPDATE audit SET blob=? WHERE seq=?", (blob_b, a))
    sql(vault, "UPDATE audit SET blob=? WHERE seq=?", (blob_a, b))
    result = log.verify()
    assert not result.ok
    assert result.first_broken == a


def test_renumbered_entries_are_reported(vault: Vault, log: AuditLog) -> None:
    """Deleting entry 3 and shifting the rest down (to hide the gap) is caught."""
    sql(vault, "DELETE FROM audit WHERE seq=3")
    sql(vault, "UPDATE audit SET seq=seq-1 WHERE seq>3")
    result = log.verify()
    assert (result.ok, result.first_broken) == (False, 3)


def test_entries_from_another_vault_do_not_verify(
    vault: Vault, log: AuditLog, tmp_path: Path, clock: FakeClock
) -> None:
    other, _ = Vault.create(tmp_path / "other.noteapp", PASSPHRASE, params=FAST_KDF, clock=clock)
    try:
        other_log = AuditLog(other)
        for _ in range(N):
            other_log.append("edit")
        other.connection.execute("UPDATE audit SET blob=? WHERE seq=2", (blob(vault, 2),))
        result = other_log.verify()
        assert (result.ok, result.first_broken) == (False, 2)
    finally:
        other.close()
