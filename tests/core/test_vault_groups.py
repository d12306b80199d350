"""Format 2's groups, summaries, compression, deltas and blobs (issue #11).

A read costs what it returns: one chart's records without the others', summaries without a
record decrypted. What is current stays authenticated per group: a list put back as it was,
a row moved to another chart, a record whose rows were removed — all fail closed.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import (
    InvalidInputError,
    RecordIntegrityError,
    RecordsRolledBackError,
    VaultLockedError,
)
from noteapp.vault import codec, dictionary
from noteapp.vault.format import record_ad_v2
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.tamper import sql
from tests.core.test_vault_current import opened, unlocked

__all__ = ["opened"]  # the fixture: this module's `path`, unlocked
A, B = "a" * 32, "b" * 32  # two owners (clients)


@pytest.fixture
def path(tmp_path: Path, clock: FakeClock) -> Path:
    """Notes n1 (3 versions), n2 of A; n3 of B; a contact with no owner."""
    p = tmp_path / "vault.noteapp"
    vault, _ = Vault.create(p, PASSPHRASE, params=FAST_KDF, clock=clock)
    with vault:
        for text in ("draft one", "draft two", "final text"):
            vault.put("note", "n1", {"text": text * 20}, owner=A, summary={"t": text})
        vault.put("note", "n2", {"text": "second"}, owner=A, summary={"t": "second"})
        vault.put("note", "n3", {"text": "other chart"}, owner=B, summary={"t": "other"})
        vault.put("contact", "c1", {"name": "Testperson"})
    return p


def rows(path: Path, query: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def test_a_group_reads_only_its_owners_records_in_write_order(opened: Vault) -> None:
    assert [r.id for r in opened.load_group("note", A).records] == ["n1", "n2"]
    assert [r.id for r in opened.load_group("note", B).records] == ["n3"]
    assert opened.load_group("note", "c" * 32).records == []
    assert [r.id for r in opened.load_kind("note").records] == ["n1", "n2", "n3"]
    assert opened.load_group("contact", "").records[0].data == {"name": "Testperson"}


def test_summaries_need_no_record(path: Path) -> None:
    """Every note's ciphertext damaged: the summaries still read (they are in the lists)."""
    sql(path, ("UPDATE records SET blob=zeroblob(60) WHERE kind='note'", ()))
    with unlocked(path) as vault:
        found = {s.id: (s.version, s.data) for s in vault.summaries("note")}
        assert found == {
            "n1": (3, {"t": "final text"}),
            "n2": (1, {"t": "second"}),
            "n3": (1, {"t": "other"}),
        }
        assert [s.id for s in vault.summaries("note", owner=B)] == ["n3"]
        assert vault.summary("note", "n1") is not None
        with pytest.raises(RecordIntegrityError):
            vault.get("note", "n1")


def test_another_charts_damage_does_not_touch_this_one(path: Path) -> None:
    sql(path, ("UPDATE records SET blob=zeroblob(60) WHERE id='n3'", ()))
    with unlocked(path) as vault:
        result = vault.load_group("note", A)
        assert [r.id for r in result.records] == ["n1", "n2"] and result.failures == []
        assert [f.record_id for f in vault.load_group("note", B).failures] == ["n3"]


def test_a_record_can_move_to_another_group_and_be_deleted(opened: Vault) -> None:
    opened.put("note", "n2", {"text": "moved"}, owner=B, expected_version=1)
    assert [r.id for r in opened.load_group("note", A).records] == ["n1"]
    assert [r.id for r in opened.load_group("note", B).records] == ["n3", "n2"]
    # Without an owner the record stays where it is.
    opened.put("note", "n2", {"text": "again"})
    assert [r.id for r in opened.load_group("note", B).records] == ["n3", "n2"]
    opened.delete("note", "n3", expected_version=1)
    opened.delete("note", "n2")
    assert opened.load_group("note", B).records == []
    assert opened.verify_all() == []


def test_an_empty_group_leaves_no_list(path: Path) -> None:
    with unlocked(path) as vault:
        vault.delete("note", "n3")
    assert rows(path, "SELECT COUNT(*) FROM current WHERE kind='note'") == [(1,)]
    with unlocked(path) as vault:
        assert vault.verify_all() == []


def test_a_rolled_back_transaction_leaves_the_lists_as_they_were(opened: Vault) -> None:
    before = [(s.id, s.version, s.data) for s in opened.summaries("note")]
    with pytest.raises(RuntimeError), opened.transaction():
        opened.put("note", "n1", {"text": "lost"}, summary={"t": "lost"})
        opened.put("note", "n4", {"text": "new"}, owner=A, summary={"t": "new"})
        raise RuntimeError("the save failed")
    assert [(s.id, s.version, s.data) for s in opened.summaries("note")] == before
    assert opened.get("note", "n1").version == 3
    assert opened.put("note", "n1", {"text": "kept"}, expected_version=3) == 4
    assert opened.verify_all() == []


def test_older_versions_are_deltas_and_the_history_reads_whole(path: Path) -> None:
    with unlocked(path) as vault:
        history = vault.history("note", "n1")
        assert [r.data["text"][:10] for r in history] == ["draft oned", "draft twod", "final text"]
        cipher = vault.cipher_for("note")
        stored = {}
        for version, parent, prev_tag, blob in vault.connection.execute(
            "SELECT version, parent, prev_tag, blob FROM records WHERE id='n1'"
        ):
            ad = record_ad_v2(vault.vault_id, "note", "n1", version, parent, prev_tag)
            stored[version] = cipher.decrypt(blob, ad)
    assert [stored[v][0] for v in (1, 2)] == [codec.DELTA, codec.DELTA]
    assert stored[3][0] == codec.RECORD_DEFLATED  # what is current never needs another row
    assert all(len(stored[v]) < len(stored[3]) for v in (1, 2))


def test_records_are_compressed_before_they_are_encrypted(opened: Vault) -> None:
    text = "Client practised grounding and reported fewer intrusive memories. " * 300
    opened.put("note", "long", {"text": text}, owner=A)
    (size,) = opened.connection.execute(
        "SELECT LENGTH(blob) FROM records WHERE id='long'"
    ).fetchone()
    assert size < len(text) / 10
    assert opened.get("note", "long").data == {"text": text}
    noise = secrets.token_hex(2000)  # what does not compress is stored as it is
    opened.put("note", "noise", {"text": noise}, owner=A)
    assert opened.get("note", "noise").data == {"text": noise}


def test_the_record_dictionary_is_part_of_the_format() -> None:
    """Records written with the preset dictionary are read with it: it never changes."""
    assert hashlib.sha256(dictionary.RECORDS).hexdigest() == (
        "04c70993cddb46b52edd03ef7ce052c0e41eb4f9961a8e1c07d92583436435b6"
    )
    note = b'{"id":"n","client_id":"c","session":{"date":"2026-01-05"},"fields":{}}'
    assert codec.decode(codec.encode_record(note)) == note
    assert len(codec.encode_record(note)) < len(codec.encode(note))


def test_a_list_put_back_as_it_was_is_refused(path: Path) -> None:
    old = rows(path, "SELECT count, tag, blob FROM current WHERE kind='note' AND count=2")
    with unlocked(path) as vault:
        vault.put("note", "n2", {"text": "signed"}, summary={"t": "signed"})
    ((count, tag, blob),) = old
    sql(path, ("UPDATE current SET count=?, tag=?, blob=? WHERE count=2", (count, tag, blob)))
    with unlocked(path) as vault:
        for read in (
            lambda: vault.summaries("note"),
            lambda: vault.get("note", "n3"),  # every list of the kind is in question
            lambda: vault.load_group("note", A),
        ):
            with pytest.raises(RecordsRolledBackError):
                read()
        assert vault.get("contact", "c1").version == 1


def test_a_damaged_list_fails_closed_for_its_kind_only(path: Path) -> None:
    ((blob,),) = rows(path, "SELECT blob FROM current WHERE kind='note' AND count=2")
    damaged = bytearray(blob)
    damaged[20] ^= 1
    sql(path, ("UPDATE current SET blob=? WHERE count=2", (bytes(damaged),)))
    with unlocked(path) as vault:
        with pytest.raises(RecordsRolledBackError) as info:
            vault.load_group("note", A)
        assert "cannot tell which versions are current" in str(info.value)
        assert [r.id for r in vault.load_group("note", B).records] == ["n3"]


def test_a_record_removed_outside_noteapp_is_noticed_even_by_id(path: Path) -> None:
    sql(path, ("DELETE FROM records WHERE id=?", ("n3".ljust(32, "0"),)))
    with unlocked(path) as vault:
        vault.put("note", "n3".ljust(32, "0"), {"x": 1}, owner=B)
    sql(path, ("DELETE FROM records WHERE id=?", ("n3".ljust(32, "0"),)))
    with unlocked(path) as vault:
        with pytest.raises(RecordsRolledBackError):
            vault.get("note", "n3".ljust(32, "0"))
        with pytest.raises(RecordsRolledBackError):
            vault.put("note", "n3".ljust(32, "0"), {"x": 2}, owner=B)


def test_ids_by_prefix_and_records_with_versions(opened: Vault) -> None:
    assert opened.ids_starting("note", "n") == ["n1", "n2"]  # at most two
    assert opened.ids_starting("note", "n3") == ["n3"]
    assert opened.ids_with_versions("note") == ["n1"]


def test_the_scan_reads_every_current_record_and_no_older_one(path: Path) -> None:
    sql(
        path,
        ("UPDATE records SET blob=zeroblob(60) WHERE id='n3'", ()),
        ("UPDATE records SET blob=zeroblob(60) WHERE id='n1' AND version=1", ()),
    )
    with unlocked(path) as vault:
        result = vault.scan_snapshot()
        assert [(e.kind, e.record_id) for e in result.failures] == [("note", "n3")]
        assert result.rolled_back == [] and result.checked == 4
        assert [e.record_id for e in vault.verify_all()] == ["n1", "n3"]  # history too


def test_the_scan_keeps_its_pace_between_group_lists_and_between_records(path: Path) -> None:
    """The app's background check is paced by a callback; reading every group list came
    before the first call, one stretch of a second at 50,000 notes in which the GUI waited
    for the interpreter. It is called after each list and each record."""
    with unlocked(path) as vault:
        lists = sum(len(vault._lists_of(kind)) for kind in vault.kinds())
        calls: list[int] = []
        result = vault.scan_snapshot(pace=lambda: calls.append(1))
        assert lists >= 2 and result.checked == 4
        assert len(calls) == lists + result.checked


def test_the_scan_stops_once_the_vault_is_locked(path: Path) -> None:
    """The app checks every record in the background after unlock, on a copy with a key of
    its own: locking the app stops it at the next record, rather than decrypting on for
    up to twenty seconds with the app locked."""
    with unlocked(path) as vault:
        calls: list[int] = []

        def pace() -> None:
            calls.append(1)
            if len(calls) == 2:
                vault.lock()  # the user locks the app while the check runs

        with pytest.raises(VaultLockedError):
            vault.scan_snapshot(pace=pace)
        assert len(calls) == 2


def test_blobs_are_stored_authenticated_and_in_the_callers_transaction(opened: Vault) -> None:
    assert opened.get_blob("search/index") is None
    opened.put_blob("search/index", b"index v1" * 100)
    opened.put_blob("search/words", b"words")
    assert opened.get_blob("search/index") == b"index v1" * 100
    assert opened.blob_names("search/") == ["search/index", "search/words"]
    with pytest.raises(RuntimeError), opened.transaction():
        opened.put_blob("search/index", b"lost")
        raise RuntimeError("the save failed")
    assert opened.get_blob("search/index") == b"index v1" * 100
    assert opened.delete_blob("search/words") and not opened.delete_blob("search/words")
    for bad in ("", "../x", "a" * 300, "white space"):
        with pytest.raises(InvalidInputError):
            opened.put_blob(bad, b"x")
    assert opened.verify_all() == []


def test_a_blob_stored_uncompressed_is_still_encrypted_and_authenticated(path: Path) -> None:
    """The search index's images are stored as they are (inflating them was most of opening
    the index): not one byte of them in clear, and a tampered one is refused all the same."""
    image = b"Zephyrine index page " * 500
    with unlocked(path) as vault:
        vault.put_blob("index", image, compress=False)
        vault.put_blob("packed", image)
        assert vault.get_blob("index") == image
    sizes = dict(rows(path, "SELECT name, length(blob) FROM blobs"))
    assert sizes["index"] > len(image) > 20 * sizes["packed"]  # as it is; the other deflated
    assert b"Zephyrine" not in path.read_bytes()
    flip = "UPDATE blobs SET blob = substr(blob, 1, 40) || x'00' || substr(blob, 42) WHERE name=?"
    sql(path, (flip, ("index",)))
    with unlocked(path) as vault, pytest.raises(RecordsRolledBackError):
        vault.get_blob("index")


def test_an_older_blob_put_back_or_a_blob_renamed_is_refused(path: Path) -> None:
    with unlocked(path) as vault:
        vault.put_blob("index", b"old")
    old = rows(path, "SELECT tag, blob FROM blobs")
    with unlocked(path) as vault:
        vault.put_blob("index", b"new")
    ((tag, blob),) = old
    sql(path, ("UPDATE blobs SET tag=?, blob=?", (tag, blob)))
    with unlocked(path) as vault:
        with pytest.raises(RecordsRolledBackError):
            vault.get_blob("index")
        with pytest.raises(RecordsRolledBackError):
            vault.put_blob("index", b"over it")
        # Blobs are derived data (an index of the records): they can be dropped and rebuilt.
        vault.reset_blobs()
        assert vault.get_blob("index") is None
        vault.put_blob("index", b"one")
        vault.put_blob("other", b"two")
    sql(path, ("UPDATE blobs SET name='x' WHERE name='index'", ()))
    with unlocked(path) as vault, pytest.raises(RecordsRolledBackError):
        vault.get_blob("other")
