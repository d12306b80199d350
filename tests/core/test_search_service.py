"""Search through the service: the index kept encrypted in the vault, loaded instead of
rebuilt, checked against the records (stale, replayed or damaged indexes are never trusted),
kept current as records change, and never in clear on disk."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import RecordsRolledBackError, SearchIndexError
from noteapp.search import persist
from noteapp.search.index import SearchIndex
from noteapp.services.archive import _collect_records
from noteapp.services.chart_records import ChartRecords
from noteapp.services.notes import NoteService
from noteapp.services.search_blobs import CASE_KIND, KIND, PRIVATE_KIND, VaultBlobStore
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.core.damaging import flip_record

Session = Callable[[], Workspace]


@pytest.fixture
def reopen(workspace: Workspace, clock: FakeClock) -> Session:
    path, paths = workspace.vault_path, workspace.paths
    return lambda: Workspace.unlock(path, PASSPHRASE, paths=paths, clock=clock)


@pytest.fixture
def seeded(workspace: Workspace) -> dict[str, str]:
    ws = workspace
    jordan = ws.clients.add(name="Jordan Avery", code="JA01")
    riley = ws.clients.add(name="Riley Quill", code="RQ02")
    a = ws.notes.new(
        client_id=jordan.id, template_id="soap", fields={"subjective": "Panic attack on a tram."}
    )
    b = ws.notes.new(
        client_id=riley.id, template_id="dap", fields={"data": "Sleep improved; mood steady."}
    )
    p = ws.notes.new(
        client_id=jordan.id,
        template_id="psychotherapy",
        fields={"process_notes": "Transference themes: quokka dream."},
    )
    return {"jordan": jordan.id, "riley": riley.id, "a": a.id, "b": b.id, "p": p.id}


def keys(ws: Workspace, text: str, **kw: object) -> set[str]:
    return {h.key for h in ws.search.search(text, limit=500, **kw).hits}  # type: ignore[arg-type]


def refuse_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: SearchIndex, docs: object) -> None:
        raise AssertionError("the stored index should have been used")

    monkeypatch.setattr(SearchIndex, "build", refuse)


def test_the_index_is_stored_on_close_and_loaded_next_time(
    workspace: Workspace,
    seeded: dict[str, str],
    reopen: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert keys(workspace, "panic") == {seeded["a"]}
    workspace.close()
    ws = reopen()
    assert stored(ws, KIND) and stored(ws, PRIVATE_KIND)
    built: list[bool] = []
    real_build = SearchIndex.build
    monkeypatch.setattr(SearchIndex, "build", lambda s, d: built.append(True) or real_build(s, d))
    assert keys(ws, "panic") == {seeded["a"]}
    assert keys(ws, "jordan") == {seeded["jordan"], seeded["a"]}  # the client, and the title
    assert keys(ws, "quokka", include_psychotherapy=True) == {seeded["p"]}
    assert built == []
    ws.close()


def test_notes_saved_while_the_index_was_closed_are_found(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    keys(workspace, "panic")
    workspace.close()
    ws = reopen()  # no search this session: the index is not even loaded
    ws.notes.save(seeded["a"], fields={"subjective": "Zebrafinch calm week."})
    later = ws.notes.new(
        client_id=seeded["riley"], template_id="soap", fields={"subjective": "Zebrafinch again"}
    )
    ws.notes.delete_draft(seeded["b"])
    ws.close()
    ws = reopen()
    assert keys(ws, "zebrafinch") == {seeded["a"], later.id}
    assert keys(ws, "panic") == set() and keys(ws, "sleep") == set()
    ws.close()


def test_a_replayed_older_index_is_checked_not_trusted(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys(workspace, "panic")
    workspace.close()
    refuse_rebuilds(monkeypatch)  # repaired, document by document
    ws = reopen()
    store = VaultBlobStore(ws._vault, KIND)
    older = {name: store.get(name) for name in store.names()}
    ws.notes.save(seeded["a"], fields={"subjective": "Lighthouse visit, no panic today."})
    ws.clients.update(seeded["riley"], name="Riley Marlowe")
    assert keys(ws, "lighthouse") == {seeded["a"]}
    ws.close()
    ws = reopen()
    store = VaultBlobStore(ws._vault, KIND)
    with ws.transaction():  # the index as it was two sessions ago, put back
        for name, data in older.items():
            assert data is not None
            store.put(name, data)
    assert keys(ws, "lighthouse") == {seeded["a"]}
    assert keys(ws, "tram") == set()
    assert keys(ws, "marlowe") == {seeded["riley"], seeded["b"]}
    assert keys(ws, "quill") == set()
    ws.close()


@pytest.mark.parametrize("damage", ["garbage", "missing", "foreign"])
def test_a_damaged_index_is_rebuilt(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, damage: str
) -> None:
    keys(workspace, "panic")
    workspace.close()
    ws = reopen()
    store = VaultBlobStore(ws._vault, KIND)
    with ws.transaction():
        if damage == "garbage":
            store.put("open", b"\x00" * 4096)
        elif damage == "missing":
            store.delete("manifest")
        else:  # the psychotherapy index's manifest where the general one belongs
            private = VaultBlobStore(ws._vault, PRIVATE_KIND).get("manifest")
            assert private is not None
            store.put("manifest", private)
    assert keys(ws, "panic") == {seeded["a"]}
    assert keys(ws, "sleep") == {seeded["b"]}
    ws.close()
    ws = reopen()
    assert persist.load(VaultBlobStore(ws._vault, KIND), lambda key: None) is not None
    ws.close()


def test_a_deleted_draft_leaves_search_at_once(
    workspace: Workspace, seeded: dict[str, str]
) -> None:
    assert keys(workspace, "sleep") == {seeded["b"]}
    workspace.notes.delete_draft(seeded["b"])
    assert keys(workspace, "sleep") == set()


def test_renaming_a_client_renames_their_notes_in_search(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    assert keys(workspace, "riley") == {seeded["riley"], seeded["b"]}
    workspace.clients.update(seeded["riley"], name="Rowan Quill")
    assert keys(workspace, "rowan") == {seeded["riley"], seeded["b"]}
    assert keys(workspace, "riley") == set()
    hit = workspace.search.search("rowan", kinds=["note"]).hits[0]
    assert hit.title.startswith("Rowan Quill")
    workspace.close()
    ws = reopen()
    ws.clients.update(seeded["riley"], name="Sasha Quill")  # while the index is closed
    ws.close()
    ws = reopen()
    assert keys(ws, "sasha") == {seeded["riley"], seeded["b"]}
    assert keys(ws, "rowan") == set()
    ws.close()


def test_psychotherapy_notes_are_indexed_apart_under_their_compartment(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    assert keys(workspace, "quokka") == set()
    assert keys(workspace, "quokka", include_psychotherapy=True) == {seeded["p"]}
    assert keys(workspace, "quokka", include_psychotherapy=True, kinds=["note"]) == set()
    workspace.close()
    ws = reopen()
    general = persist.load(VaultBlobStore(ws._vault, KIND), lambda key: None)
    private = persist.load(VaultBlobStore(ws._vault, PRIVATE_KIND), lambda key: None)
    assert general is not None and private is not None
    assert [k for k, _ in private.stamps()] == [seeded["p"]]
    assert seeded["p"] not in {k for k, _ in general.stamps()}
    # Under the compartment's own blob key: the general key does not open it.
    vault = ws._vault
    assert vault._blob_cipher(f"{PRIVATE_KIND}/open") is not vault._blob_cipher(f"{KIND}/open")
    general.close()
    private.close()
    ws.close()


def test_nothing_of_the_index_is_ever_in_clear_on_disk(
    workspace: Workspace, seeded: dict[str, str], tmp_path: Path
) -> None:
    ws = workspace
    ws.notes.save(seeded["a"], fields={"subjective": "Mnemosyne-Zyzzyva-4417 noted."})
    contact = ws.contacts.add(client_id=seeded["riley"], name="Quokkaby Zyzzyvane")
    assert keys(ws, "zyzzyva") == {seeded["a"], contact.id}
    shards = [s for index in ws.search._indexes.values() for s in index._shards()]
    assert shards and all(
        s._conn.execute("PRAGMA temp_store").fetchone()[0] == 2 for s in shards
    )  # sorts and VACUUM never spill to a temporary file
    for shard in shards:  # in memory: no file behind any of them ("x": a loaded image)
        (name,) = {row[2] for row in shard._conn.execute("PRAGMA database_list")}
        assert name == "" or (name == "x" and not Path("x").exists())
    ws.backups.backup_now()
    ws.close()
    files = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert any(f.suffix == ".noteapp" for f in files)
    for f in files:
        data = f.read_bytes()
        for secret in (b"Zyzzyva", b"zyzzyva", b"quokka", b"Quill"):
            assert secret not in data, (f.name, secret)


def test_a_session_that_only_searched_takes_no_backup(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    workspace.close()
    ws = reopen()
    before = ws.backups.snapshots()
    assert keys(ws, "panic") == {seeded["a"]}  # builds the index, stored on close
    ws.close()
    ws = reopen()
    assert ws.backups.snapshots() == before
    assert stored(ws, KIND)
    ws.close()


def test_archives_leave_the_index_out(workspace: Workspace, seeded: dict[str, str]) -> None:
    keys(workspace, "panic")
    workspace.search.close(save=True)
    assert stored(workspace, KIND)
    kinds = {r.kind for r in _collect_records(workspace, True)}
    assert "note" in kinds and not kinds & {KIND, PRIVATE_KIND}


def test_a_build_on_a_worker_thread_stops_when_the_workspace_closes(
    workspace: Workspace, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    search = workspace.search
    fetching, resume, closing = threading.Event(), threading.Event(), threading.Event()
    real_doc = search._doc

    def slow_doc(family: str, key: str, templates: object = None) -> object:
        fetching.set()
        resume.wait(timeout=30)
        return real_doc(family, key, templates)  # type: ignore[arg-type]

    class SignallingEvent(threading.Event):
        def set(self) -> None:
            super().set()
            closing.set()

    monkeypatch.setattr(search, "_doc", slow_doc)
    monkeypatch.setattr(search, "_closing", SignallingEvent())
    builder = threading.Thread(target=search.prepare)
    builder.start()
    assert fetching.wait(timeout=30) and not search.ready
    closer = threading.Thread(target=search.close, kwargs={"save": True})
    closer.start()
    assert closing.wait(timeout=30)
    resume.set()
    builder.join(timeout=30)
    closer.join(timeout=30)
    assert not builder.is_alive() and not closer.is_alive()
    assert not search.ready and not stored(workspace, KIND)


def test_the_blob_store_keeps_named_vault_blobs(workspace: Workspace) -> None:
    store = VaultBlobStore(workspace._vault, KIND)
    data = bytes(range(256)) * 3
    store.put("blob", data)
    store.put("blob", data[::-1])
    assert store.get("blob") == data[::-1] and store.get("other") is None
    assert store.names() == ["blob"]
    assert VaultBlobStore(workspace._vault, PRIVATE_KIND).names() == []  # a store of its own
    assert workspace._vault.blob_names() == [f"{KIND}/blob"]
    assert workspace._vault.count(KIND) == 0  # no record: one vault blob, replaced in place
    # Stored as it is (encrypted): inflating the images was most of opening the index.
    (size,) = workspace._vault._conn.execute("SELECT length(blob) FROM blobs").fetchone()
    assert size > len(data)
    store.delete("blob")
    assert store.get("blob") is None and store.names() == []


def test_the_command_line_builds_the_index_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.core.helpers import init_vault, run

    vault = init_vault(capsys, tmp_path / "cli.noteapp", monkeypatch)
    assert run(capsys, *vault, "client", "add", "--name", "Morgan Vale").code == 0
    first = run(capsys, *vault, "search", "morgan")
    assert first.code == 0 and "Building the search index" in first.err
    assert "Morgan Vale" in first.out
    second = run(capsys, *vault, "search", "vale")
    assert second.code == 0 and "Building" not in second.err and "Morgan Vale" in second.out


def test_an_index_put_back_outside_noteapp_is_rebuilt_and_stored_again(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """The vault refuses blobs that are not the ones it saved last (an older image copied
    back into the file): the index is rebuilt from the records, and the next save drops the
    refused blobs so the index can be stored again."""
    keys(workspace, "panic")
    workspace.close()
    path = workspace.vault_path
    older = _blob_rows(path)
    ws = reopen()
    ws.notes.save(seeded["a"], fields={"subjective": "Kestrel week."})
    assert keys(ws, "kestrel") == {seeded["a"]}
    ws.close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany("UPDATE blobs SET tag=?, blob=? WHERE name=?", older)
    ws = reopen()
    with pytest.raises(RecordsRolledBackError):
        ws._vault.get_blob(f"{KIND}/manifest")
    assert keys(ws, "kestrel") == {seeded["a"]} and keys(ws, "tram") == set()  # rebuilt
    ws.close()
    ws = reopen()
    assert persist.load(VaultBlobStore(ws._vault, KIND), lambda key: None) is not None
    assert keys(ws, "kestrel") == {seeded["a"]}
    ws.close()


def _blob_rows(path: Path) -> list[tuple[bytes, bytes, str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [(t, b, n) for n, t, b in conn.execute("SELECT name, tag, blob FROM blobs")]


def test_an_index_kept_the_old_way_as_chunk_records_is_retired_and_rebuilt(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """An older noteapp kept the index as base64 chunk records of these kinds: they are not
    read (the index is rebuilt once) and the first save deletes them."""
    vault = workspace._vault
    for kind in (KIND, PRIVATE_KIND):
        vault.put(kind, "manifest", {"bytes": 3, "chunks": 1}, expected_version=0)
        vault.put(kind, "manifest#0", {"b64": "eHl6"}, expected_version=0)
        vault.put(kind, "~names", {"names": ["manifest"]}, expected_version=0)
    workspace.close()
    ws = reopen()
    assert keys(ws, "panic") == {seeded["a"]}
    assert keys(ws, "quokka", include_psychotherapy=True) == {seeded["p"]}
    ws.close()
    ws = reopen()
    assert ws._vault.count(KIND) == 0 and ws._vault.count(PRIVATE_KIND) == 0
    assert stored(ws, KIND) and stored(ws, PRIVATE_KIND)
    ws.close()


def stored(ws: Workspace, kind: str) -> bool:
    """Some of the index is stored (as the vault's blobs named for this kind)."""
    return bool(VaultBlobStore(ws._vault, kind).names())


def test_a_mostly_stale_index_is_rebuilt_rather_than_repaired(
    workspace: Workspace,
    seeded: dict[str, str],
    reopen: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys(workspace, "panic")
    workspace.close()
    ws = reopen()
    ws.notes.save(seeded["a"], fields={"subjective": "Kestrel week."})
    ws.notes.save(seeded["b"], fields={"data": "Kestrel again."})
    ws.close()
    monkeypatch.setattr("noteapp.services.search.REPAIR_MAX", 0)  # two stale of four: most
    built: list[bool] = []
    real_build = SearchIndex.build
    monkeypatch.setattr(SearchIndex, "build", lambda s, d: built.append(True) or real_build(s, d))
    ws = reopen()
    assert keys(ws, "kestrel") == {seeded["a"], seeded["b"]} and keys(ws, "panic") == set()
    assert built == [True]  # the general index, not the psychotherapy one (still current)
    ws.close()


@pytest.mark.parametrize("failing", ["store", "compact"])
def test_a_failure_while_storing_the_index_still_closes_and_backs_up(
    workspace: Workspace,
    seeded: dict[str, str],
    reopen: Session,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    from noteapp.domain.errors import DiskFullError

    def full(*_args: object, **_kw: object) -> int:
        raise DiskFullError("The disk is full; nothing was saved.")

    def broken(*_args: object) -> int:
        raise SearchIndexError("The search index could not be used.")

    keys(workspace, "panic")
    before = workspace.backups.snapshots()
    if failing == "store":
        monkeypatch.setattr(persist, "save", full)
    else:
        monkeypatch.setattr(SearchIndex, "compact", broken)
    workspace.close()  # the note saves of this session still get their backup
    assert len(workspace.backups.snapshots()) == len(before) + 1
    monkeypatch.undo()
    ws = reopen()
    assert not stored(ws, KIND) and keys(ws, "panic") == {seeded["a"]}  # rebuilt
    ws.close()


def test_an_index_stored_with_the_records_as_they_are_is_used_unchecked(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is stored with the fingerprint of the clients and notes it holds: while it
    matches, opening reads no note's head; once another session changed a note without
    searching, it no longer matches and the index is checked (and repaired)."""
    keys(workspace, "panic")
    # Saved after the index opened (queued): in the stored index before it is marked.
    workspace.notes.save(seeded["b"], fields={"data": "Heron by the canal."})
    workspace.close()
    heads: list[bool] = []
    real_heads = NoteService.heads
    monkeypatch.setattr(NoteService, "heads", lambda s: heads.append(True) or real_heads(s))
    refuse_rebuilds(monkeypatch)
    ws = reopen()
    assert keys(ws, "heron") == {seeded["b"]} and keys(ws, "sleep") == set()
    assert heads == []  # nothing to check: the fingerprint is the one stored
    ws.close()
    ws = reopen()  # a session that edits without searching
    ws.notes.save(seeded["a"], fields={"subjective": "Osprey sighting."})
    ws.close()
    ws = reopen()
    assert keys(ws, "osprey") == {seeded["a"]} and keys(ws, "tram") == set()
    assert heads == [True]  # checked against the records, repaired one document
    ws.close()


def test_contacts_referrals_and_the_rest_are_searched_from_their_stored_index(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contacts (and referrals, medications, incident reports) have an index of their own,
    stored with the fingerprint of those kinds and of the clients: while it matches, no
    such record is read to search, only the ones a hit shows; once another session changed
    one without searching, or renamed a client, the index is rebuilt and says what is
    there now."""
    ws = workspace
    kept = ws.contacts.add(client_id=seeded["jordan"], name="Wren Halloway", role="aunt")
    gone = ws.contacts.add(client_id=seeded["riley"], name="Ostrava Pell", role="coach")
    assert keys(ws, "halloway") == {kept.id}
    ws.close()
    ws = reopen()
    assert stored(ws, CASE_KIND)
    every: list[str] = []
    real_every = ChartRecords.every
    monkeypatch.setattr(ChartRecords, "every", lambda s: every.append(s.kind) or real_every(s))
    (hit,) = ws.search.search("halloway").hits
    assert hit.key == kept.id and hit.title == "Jordan Avery — contact: Wren Halloway (aunt)"
    assert every == []  # nothing read but the contact shown
    ws.close()
    ws = reopen()  # a session that changes contacts and a client name without searching
    ws.contacts.edit(kept.id, name="Wren Ashdown")
    ws.contacts.remove(gone.id)
    ws.clients.update(seeded["jordan"], name="Jordan Marsh")
    ws.close()
    ws = reopen()
    (hit,) = ws.search.search("ashdown").hits
    assert hit.key == kept.id and hit.title.startswith("Jordan Marsh — contact:")
    assert keys(ws, "halloway") == set() and keys(ws, "ostrava") == set()
    assert every  # rebuilt from the records
    ws.close()


def test_a_damaged_index_of_the_other_kinds_is_rebuilt(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    ws = workspace
    contact = ws.contacts.add(client_id=seeded["riley"], name="Tamsin Greaves", role="friend")
    keys(ws, "greaves")
    ws.close()
    ws = reopen()
    with ws.transaction():
        VaultBlobStore(ws._vault, CASE_KIND).put("open", b"\x00" * 4096)
    assert keys(ws, "greaves") == {contact.id}
    ws.close()
    ws = reopen()
    assert persist.load(VaultBlobStore(ws._vault, CASE_KIND), lambda key: None) is not None
    ws.close()


def test_after_a_damaged_contact_the_other_kinds_index_is_read_again_next_time(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored after a session that met a damaged contact, the index is stored unmarked:
    the next session reads the records again (and meets the damage again) rather than
    trusting an index that lacks one of them."""
    ws = workspace
    ws.contacts.add(client_id=seeded["jordan"], name="Perrin Vale", role="uncle")
    bad = ws.contacts.add(client_id=seeded["riley"], name="Marlow Fenn", role="friend")
    path = ws.vault_path
    ws.close()
    flip_record(path, "contact", bad.id)
    ws = reopen()
    assert len(ws.search.search("vale").hits) == 1
    assert ws.contacts.contacts.problems  # met while the index was built
    ws.close()
    every: list[str] = []
    real_every = ChartRecords.every
    monkeypatch.setattr(ChartRecords, "every", lambda s: every.append(s.kind) or real_every(s))
    ws = reopen()
    assert len(ws.search.search("vale").hits) == 1
    assert "contact" in every  # not used as stored: read again
    ws.close()
