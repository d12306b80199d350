"""Search through the service: the index kept encrypted in the vault, loaded instead of
rebuilt, checked against the records (stale, replayed or damaged indexes are never trusted),
kept current as records change, and never in clear on disk."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import SearchIndexError
from noteapp.search import persist
from noteapp.search.index import SearchIndex
from noteapp.services.archive import _collect_records
from noteapp.services.search_blobs import KIND, PRIVATE_KIND, VaultBlobStore
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE

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
    assert ws._vault.count(KIND) > 0 and ws._vault.count(PRIVATE_KIND) > 0
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
    assert ws._vault.cipher_for(PRIVATE_KIND) is not ws._vault.cipher_for(KIND)
    general.close()
    private.close()
    ws.close()


def test_nothing_of_the_index_is_ever_in_clear_on_disk(
    workspace: Workspace, seeded: dict[str, str], tmp_path: Path
) -> None:
    ws = workspace
    ws.notes.save(seeded["a"], fields={"subjective": "Mnemosyne-Zyzzyva-4417 noted."})
    assert keys(ws, "zyzzyva") == {seeded["a"]}
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
    assert ws._vault.count(KIND) > 0
    ws.close()


def test_archives_leave_the_index_out(workspace: Workspace, seeded: dict[str, str]) -> None:
    keys(workspace, "panic")
    workspace.search.close(save=True)
    assert workspace._vault.count(KIND) > 0
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
    assert not search.ready and workspace._vault.count(KIND) == 0


def test_the_blob_store_chunks_and_keeps_one_version(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("noteapp.services.search_blobs.CHUNK", 10)
    store = VaultBlobStore(workspace._vault, KIND)
    data = bytes(range(256)) * 3
    store.put("blob", data)
    store.put("blob", data[::-1])
    assert store.get("blob") == data[::-1] and store.get("other") is None
    assert store.names() == ["blob"]
    assert len(workspace._vault.history(KIND, "blob#0")) == 1  # deleted before rewritten
    assert workspace._vault.count(KIND) == 1 + 77 + 1  # head, chunks, the list of names
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


def test_a_blob_that_does_not_add_up_is_refused(workspace: Workspace) -> None:
    store = VaultBlobStore(workspace._vault, KIND)
    store.put("blob", b"x" * 100)
    workspace._vault.delete(KIND, "blob")
    workspace._vault.put(KIND, "blob", {"bytes": 99, "chunks": 1})  # claims one byte less
    with pytest.raises(SearchIndexError):
        store.get("blob")
    workspace._vault.delete(KIND, "blob")
    workspace._vault.put(KIND, "blob", {"bytes": "many", "chunks": 1})
    with pytest.raises(SearchIndexError):
        store.get("blob")


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

    def full(*_args: object) -> int:
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
    assert ws._vault.count(KIND) == 0 and keys(ws, "panic") == {seeded["a"]}  # rebuilt
    ws.close()
