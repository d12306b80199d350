"""What is current is authenticated (format 2): a replayed, rolled-back or removed version is
refused on read, never shown; every write transaction raises the generation.

The attacks are what issue #9 describes, done with a plain SQLite tool on a closed vault:
no key is needed to delete a row or flip a `latest` flag.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    RecordIntegrityError,
    RecordsRolledBackError,
    VaultCorruptError,
    VaultError,
)
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.tamper import delete_record, delete_version, roll_back_newest, sql
from tests.core.test_signing import ready_note


@pytest.fixture
def path(tmp_path: Path, clock: FakeClock) -> Path:
    """A closed vault: contacts c1 (3 versions), c2 (1), and a note n1 (2 versions)."""
    p = tmp_path / "vault.noteapp"
    vault, _ = Vault.create(p, PASSPHRASE, params=FAST_KDF, clock=clock)
    with vault:
        for v in (1, 2, 3):
            vault.put("contact", "c1", {"v": v})
        vault.put("contact", "c2", {"v": 1})
        vault.put("note", "n1", {"text": "draft"})
        vault.put("note", "n1", {"text": "final", "signed": True})
    return p


def unlocked(path: Path) -> Vault:
    vault = Vault.open(path)
    vault.unlock_with_passphrase(PASSPHRASE)
    return vault


@pytest.fixture
def opened(path: Path) -> Iterator[Vault]:
    vault = unlocked(path)
    yield vault
    vault.close()


def test_untouched_vault_reads_and_verifies(opened: Vault) -> None:
    assert opened.get("contact", "c1").data == {"v": 3}
    assert [r.data["v"] for r in opened.history("contact", "c1")] == [1, 2, 3]
    assert [r.id for r in opened.load_kind("contact").records] == ["c1", "c2"]
    assert opened.verify_all() == []


def _every_read(vault: Vault, kind: str, record_id: str) -> list[tuple[str, object]]:
    return [
        ("get", lambda: vault.get(kind, record_id)),
        ("load_kind", lambda: vault.load_kind(kind)),
        ("history", lambda: vault.history(kind, record_id)),
        ("put", lambda: vault.put(kind, record_id, {"x": 1})),
        ("delete", lambda: vault.delete(kind, record_id)),
        ("verify_all", vault.verify_all),
    ]


def test_deleted_newest_version_with_the_older_marked_current_is_refused(path: Path) -> None:
    """The issue's replay: an edit silently undone, a signed note back to a draft."""
    roll_back_newest(path, "note", "n1")
    before = path.read_bytes()
    vault = unlocked(path)
    try:
        for name, read in _every_read(vault, "note", "n1"):
            with pytest.raises(RecordsRolledBackError) as info:
                read()  # type: ignore[operator]
            assert info.value.exit_code == 4, name
            assert "not the ones noteapp saved last" in str(info.value), name
            assert "draft" not in str(info.value)  # never the record's content
    finally:
        vault.close()
    # Refused, not repaired: the file is as the attacker left it, nothing was written.
    assert path.read_bytes() == before


def test_other_kinds_still_read_when_one_kind_was_rolled_back(path: Path) -> None:
    roll_back_newest(path, "note", "n1")
    vault = unlocked(path)
    try:
        assert vault.get("contact", "c1").data == {"v": 3}
        with pytest.raises(RecordsRolledBackError) as info:
            vault.get("note", "n1")
        assert info.value.kind == "note"
    finally:
        vault.close()


def test_older_version_marked_current_beside_the_newest_is_refused(path: Path) -> None:
    sql(path, ("UPDATE records SET latest=1 WHERE kind='contact' AND id='c1' AND version=1", ()))
    vault = unlocked(path)
    try:
        with pytest.raises(RecordsRolledBackError):
            vault.load_kind("contact")
    finally:
        vault.close()


def test_current_flag_moved_to_an_older_version_is_refused(path: Path) -> None:
    sql(
        path,
        ("UPDATE records SET latest=0 WHERE kind='contact' AND id='c1' AND version=3", ()),
        ("UPDATE records SET latest=1 WHERE kind='contact' AND id='c1' AND version=2", ()),
    )
    vault = unlocked(path)
    try:
        with pytest.raises(RecordsRolledBackError):
            vault.get("contact", "c1")
    finally:
        vault.close()


def test_a_whole_record_removed_is_refused(path: Path) -> None:
    delete_record(path, "contact", "c2")
    vault = unlocked(path)
    try:
        with pytest.raises(RecordsRolledBackError):
            vault.load_kind("contact")
    finally:
        vault.close()


@pytest.mark.parametrize("version", [1, 2], ids=["oldest", "middle"])
def test_a_version_taken_out_of_the_history_is_refused(path: Path, version: int) -> None:
    delete_version(path, "contact", "c1", version)
    vault = unlocked(path)
    try:
        assert vault.get("contact", "c1").data == {"v": 3}  # what is current is intact
        with pytest.raises(RecordsRolledBackError) as info:
            vault.history("contact", "c1")
        assert f"broken at version {version}" in str(info.value)
        assert (info.value.kind, info.value.record_id) == ("contact", "c1")
        with pytest.raises(RecordsRolledBackError):
            vault.verify_all()
    finally:
        vault.close()


def test_a_version_spliced_in_from_another_copy_is_refused(path: Path, tmp_path: Path) -> None:
    """Two copies of one vault whose histories diverged (e.g. work continued after a restore):
    version 3 of c1 differs between them. Swapping one's row into the other is noticed."""
    other = tmp_path / "other.noteapp"
    shutil.copyfile(path, other)
    with unlocked(path) as vault:
        vault.put("contact", "c1", {"v": "4 in this copy"})
    with unlocked(other) as vault:
        vault.put("contact", "c1", {"v": "4 in the other copy"})
    conn = sqlite3.connect(other)
    row = conn.execute(
        "SELECT prev_tag, tag, blob FROM records WHERE kind='contact' AND id='c1' AND version=4"
    ).fetchone()
    conn.close()
    sql(
        path,
        (
            "UPDATE records SET blob=? WHERE kind='contact' AND id='c1' AND version=4",
            (row[2],),
        ),
    )
    with unlocked(path) as vault, pytest.raises(RecordIntegrityError, match="replayed"):
        vault.get("contact", "c1")
    # And with its tag column too: then what is current no longer matches.
    sql(
        path,
        (
            "UPDATE records SET tag=? WHERE kind='contact' AND id='c1' AND version=4",
            (row[1],),
        ),
    )
    with unlocked(path) as vault, pytest.raises(RecordsRolledBackError):
        vault.get("contact", "c1")


def test_state_from_an_older_copy_of_the_file_is_refused(path: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.noteapp"
    shutil.copyfile(path, older)
    with unlocked(path) as vault:
        vault.put("contact", "c2", {"v": 2})
    conn = sqlite3.connect(older)
    (old_state,) = conn.execute("SELECT value FROM meta WHERE key='state'").fetchone()
    conn.close()
    sql(path, ("UPDATE meta SET value=? WHERE key='state'", (old_state,)))
    with unlocked(path) as vault, pytest.raises(RecordsRolledBackError):
        vault.load_kind("contact")


@pytest.mark.parametrize(
    "change",
    [
        ("DELETE FROM meta WHERE key='state'", ()),
        ("UPDATE meta SET value=? WHERE key='state'", (b"\0" * 80,)),
        ("UPDATE meta SET value=? WHERE key='state'", ("text",)),
    ],
    ids=["missing", "garbage", "text"],
)
def test_missing_or_damaged_state_is_refused_at_unlock(
    path: Path, change: tuple[str, tuple[object, ...]]
) -> None:
    sql(path, change)
    vault = Vault.open(path)
    try:
        with pytest.raises(VaultCorruptError, match="current versions"):
            vault.unlock_with_passphrase(PASSPHRASE)
        assert not vault.is_unlocked
    finally:
        vault.close()


def test_state_of_another_vault_is_refused(path: Path, tmp_path: Path) -> None:
    stranger, _ = Vault.create(tmp_path / "stranger.noteapp", PASSPHRASE, params=FAST_KDF)
    (blob,) = stranger.connection.execute("SELECT value FROM meta WHERE key='state'").fetchone()
    stranger.close()
    sql(path, ("UPDATE meta SET value=? WHERE key='state'", (blob,)))
    vault = Vault.open(path)
    try:
        with pytest.raises(VaultCorruptError):
            vault.unlock_with_passphrase(PASSPHRASE)
    finally:
        vault.close()


# --- the generation --------------------------------------------------------------------


def test_every_write_transaction_raises_the_generation_once(opened: Vault) -> None:
    start = opened.generation
    assert start is not None
    opened.put("contact", "c3", {"v": 1})
    assert opened.generation == start + 1
    with opened.transaction():
        opened.put("contact", "c4", {"v": 1})
        opened.put("contact", "c5", {"v": 1})
    assert opened.generation == start + 2
    opened.get("contact", "c4")
    opened.load_kind("contact")
    with opened.transaction():
        pass  # nothing written: no new generation
    assert opened.generation == start + 2
    opened.delete("contact", "c5")
    assert opened.generation == start + 3


def test_a_failed_transaction_leaves_state_and_generation_as_they_were(opened: Vault) -> None:
    start = opened.generation
    with pytest.raises(RuntimeError), opened.transaction():
        opened.put("contact", "c1", {"v": "never saved"})
        raise RuntimeError("cancelled")
    assert opened.generation == start
    assert opened.get("contact", "c1").data == {"v": 3}
    opened.put("contact", "c1", {"v": 4})  # the state still matches the rows
    opened.close()
    with unlocked(opened.path) as again:
        assert again.verify_all() == []
        assert again.generation == (start or 0) + 1


def test_generation_survives_reopening(path: Path) -> None:
    with unlocked(path) as vault:
        generation = vault.generation
    with unlocked(path) as vault:
        assert vault.generation == generation
        vault.put("contact", "c1", {"v": 4})
    with unlocked(path) as vault:
        assert vault.generation == (generation or 0) + 1


def test_a_signed_note_rolled_back_to_its_draft_is_refused_in_the_app(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    """Through the services: a signed note rolled back on disk to its draft (an editable
    note again). Opening the vault refuses instead of offering the draft for editing."""
    vault_path = tmp_path / "ws.noteapp"
    ws, _ = Workspace.create(vault_path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.profile.set(name="Dana Synthetic", credentials="LCSW")
    note_id = ready_note(ws)
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    assert ws.notes.get(note_id).is_signed
    ws.close()
    roll_back_newest(vault_path, "note", note_id)
    with pytest.raises(VaultError) as info:
        Workspace.unlock(vault_path, PASSPHRASE, clock=clock, paths=paths)
    assert isinstance(info.value, RecordsRolledBackError)
    assert info.value.kind == "note"
    # Nothing is left locked: the vault can be opened again (e.g. to restore a backup).
    Vault.open(vault_path).close()


# --- any sequence of writes keeps the record of what is current exact -------------------

_op = st.tuples(
    st.sampled_from(["put", "delete", "two_in_one", "cancelled"]),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["contact", "psychotherapy_note"]),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_op, max_size=20))
def test_any_sequence_of_writes_stays_verifiable(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, str, str]]
) -> None:
    vault_path = tmp_path_factory.mktemp("ops") / "v.noteapp"
    model: dict[tuple[str, str], int] = {}
    vault, _ = Vault.create(vault_path, PASSPHRASE, params=FAST_KDF)
    with vault:
        for n, (op, record_id, kind) in enumerate(ops):
            key = (kind, record_id)
            if op == "put":
                model[key] = vault.put(kind, record_id, {"n": n})
            elif op == "delete":
                vault.delete(kind, record_id)
                model.pop(key, None)
            elif op == "two_in_one":
                with vault.transaction():
                    model[key] = vault.put(kind, record_id, {"n": n})
                    model[(kind, "z")] = vault.put(kind, "z", {"n": n})
            else:
                with pytest.raises(RuntimeError), vault.transaction():
                    vault.put(kind, record_id, {"n": "cancelled"})
                    raise RuntimeError
    with unlocked(vault_path) as again:
        assert again.verify_all() == []
        for kind in ("contact", "psychotherapy_note"):
            current = {(r.kind, r.id): r.version for r in again.load_kind(kind).records}
            assert current == {k: v for k, v in model.items() if k[0] == kind}
        for (kind, record_id), version in model.items():
            assert len(again.history(kind, record_id)) == version
