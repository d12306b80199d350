"""The search index kept between sessions: shards stored as images, checked when loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from noteapp.domain.errors import SearchIndexError
from noteapp.search import persist
from noteapp.search.index import SearchDoc, SearchIndex
from noteapp.search.shard import Shard


class MemoryStore:
    """The BlobStore protocol on a dict (the vault's adapter is tested with a vault)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.puts: list[str] = []
        self.fail_puts = False

    def get(self, name: str) -> bytes | None:
        return self.blobs.get(name)

    def put(self, name: str, data: bytes) -> None:
        if self.fail_puts:
            raise OSError("disk full")
        self.blobs[name] = bytes(data)
        self.puts.append(name)

    def delete(self, name: str) -> None:
        self.blobs.pop(name, None)

    def names(self) -> list[str]:
        return list(self.blobs)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        saved = dict(self.blobs)
        try:
            yield
        except BaseException:
            self.blobs = saved
            raise


WORDS = ["sleep", "anxiety", "panic", "grief", "appetite", "mood", "exposure", "breathing"]


def doc(n: int, *, extra: str = "") -> SearchDoc:
    words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(3))
    return SearchDoc(
        key=f"n{n}",
        kind="psychotherapy_note" if n % 7 == 0 else "note",
        client_id=f"c{n % 3}",
        title=f"Client {n % 3} — SOAP",
        date=date(2026, 1, 1) + timedelta(days=n % 40),
        template="soap" if n % 2 else "dap",
        status="signed",
        fields={"Subjective": f"{words} {extra} marker{n}", "Plan": "plan review"},
        stamp=f"{n}:v1",
    )


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("noteapp.search.index.SEAL_AT", 8)
    monkeypatch.setattr("noteapp.search.index.SHARD_DOCS", 16)


QUERIES = ["sleep", "pan", '"anxiety panic"', "marker1", "plan", "", "client 2 sleep"]


def answers(index: SearchIndex) -> list[object]:
    out: list[object] = []
    for text in QUERIES:
        for extra in ({}, {"client_id": "c1"}, {"include_psychotherapy": True}):
            results = index.search(text, limit=500, **extra)  # type: ignore[arg-type]
            out.append(([h.key for h in results.hits], results.total))
    out.append(sorted(index.stamps()))
    return out


def fetcher(docs: dict[str, SearchDoc]):  # type: ignore[no-untyped-def]
    return docs.get


def test_a_stored_index_answers_exactly_as_the_one_stored(small_shards: None) -> None:
    docs = {d.key: d for d in map(doc, range(60))}
    index = SearchIndex(fetcher(docs))
    index.build(docs.values())
    for n in range(0, 60, 5):  # masked in sealed shards, then in the open shard
        docs[f"n{n}"] = doc(n, extra="edited")
        index.add(docs[f"n{n}"])
    index.remove("n3")
    del docs["n3"]
    store = MemoryStore()
    persist.save(index, store)
    assert not index.changed
    loaded = persist.load(store, fetcher(docs))
    assert loaded is not None and not loaded.changed
    assert answers(loaded) == answers(index)
    assert found(loaded, "edited") == {f"n{n}" for n in range(0, 60, 5) if n % 7}


def found(index: SearchIndex, text: str) -> set[str]:
    return {h.key for h in index.search(text, limit=500).hits}


def test_saving_again_writes_only_what_changed(small_shards: None) -> None:
    docs = {d.key: d for d in map(doc, range(40))}
    index = SearchIndex(fetcher(docs))
    index.build(docs.values())
    store = MemoryStore()
    persist.save(index, store)
    sealed = {n for n in store.blobs if n not in ("manifest", "open")}
    assert len(sealed) == 3  # 16 + 16 + 8 documents
    loaded = persist.load(store, fetcher(docs))
    assert loaded is not None
    store.puts.clear()
    docs["n1"] = doc(1, extra="changed")
    loaded.add(docs["n1"])  # masks n1 in a sealed shard: recorded in the manifest
    persist.save(loaded, store)
    assert sorted(store.puts) == ["manifest", "open"]
    manifest = json.loads(store.blobs["manifest"])
    assert sum(len(s["dead"]) for s in manifest["sealed"]) == 1
    again = persist.load(store, fetcher(docs))
    assert again is not None and found(again, "changed") == {"n1"}
    assert len(again) == 40  # the masked copy stays masked


def test_sealed_shards_made_in_a_session_are_stored_once(small_shards: None) -> None:
    docs = {d.key: d for d in map(doc, range(20))}
    index = SearchIndex(fetcher(docs))
    store = MemoryStore()
    for d in docs.values():
        index.add(d)  # 20 adds: two shards sealed at 8, four documents open
    persist.save(index, store)
    assert sorted(store.blobs) == ["manifest", "open", "s0", "s1"]
    index.remove("n1")  # masked after its image was stored
    store.puts.clear()
    persist.save(index, store)
    assert "s0" not in store.puts and "s1" not in store.puts
    loaded = persist.load(store, fetcher(docs))
    assert loaded is not None and len(loaded) == 19 and "n1" not in found(loaded, "marker1")


def test_nothing_stored_is_none_and_damage_is_an_error(small_shards: None) -> None:
    store = MemoryStore()
    assert persist.load(store, dict.get) is None  # type: ignore[arg-type]
    docs = {d.key: d for d in map(doc, range(30))}
    index = SearchIndex(fetcher(docs))
    index.build(docs.values())
    persist.save(index, store)
    good = dict(store.blobs)

    def damaged(name: str, data: bytes | None) -> None:
        store.blobs = dict(good)
        if data is None:
            del store.blobs[name]
        else:
            store.blobs[name] = data
        with pytest.raises(SearchIndexError):
            persist.load(store, fetcher(docs))

    flipped = bytearray(good["s0"])
    flipped[len(flipped) // 2] ^= 1
    damaged("s0", bytes(flipped))
    damaged("s1", None)
    damaged("open", good["s0"])  # a sealed image where the open one belongs
    damaged("manifest", b"{not json")
    manifest = json.loads(good["manifest"])
    for change in (
        {"format": 2},
        {"seq": -1},
        {"extra": 1},
        {"sealed": [{"name": "open", "sha256": "0" * 64, "dead": []}]},
        {"sealed": [{**manifest["sealed"][0], "dead": ["x"]}]},
    ):
        damaged("manifest", json.dumps({**manifest, **change}).encode())


def test_an_image_of_another_kind_of_database_is_refused() -> None:
    with pytest.raises(SearchIndexError):
        Shard.from_image(b"SQLite format 3\x00" + b"\x00" * 100, sealed=True)
    with pytest.raises(SearchIndexError):
        Shard.from_image(Shard.new_open().image(), sealed=True)


def test_a_failed_save_changes_nothing_stored(small_shards: None) -> None:
    docs = {d.key: d for d in map(doc, range(20))}
    index = SearchIndex(fetcher(docs))
    index.build(docs.values())
    store = MemoryStore()
    persist.save(index, store)
    before = dict(store.blobs)
    index.add(doc(1, extra="unsaved"))
    store.fail_puts = True
    with pytest.raises(OSError):
        persist.save(index, store)
    assert store.blobs == before and index.changed


def test_compaction_drops_shards_that_are_mostly_superseded(small_shards: None) -> None:
    docs = {d.key: d for d in map(doc, range(32))}
    index = SearchIndex(fetcher(docs))
    index.build(docs.values())  # two shards of 16
    store = MemoryStore()
    persist.save(index, store)
    first_shard = {k for k, _ in index.parts()[0][0].stamps()}
    for key in sorted(first_shard)[:8]:  # half of the first shard superseded
        docs[key] = doc(int(key[1:]), extra="later")
        index.add(docs[key])
    before = answers(index)
    fetched: list[str] = []

    def fetch_all(keys: list[str]) -> Iterator[SearchDoc]:
        fetched.extend(keys)
        return (docs[k] for k in keys)

    assert index.compact(fetch_all) == 1
    assert len(fetched) == 8 and set(fetched) < first_shard
    assert answers(index) == before
    persist.save(index, store)
    manifest = json.loads(store.blobs["manifest"])
    assert len(manifest["sealed"]) == 3  # the second, and two sealed from the open shard
    assert sorted(store.blobs) == sorted(
        ["manifest", "open", *(s["name"] for s in manifest["sealed"])]
    )
    loaded = persist.load(store, fetcher(docs))
    assert loaded is not None and answers(loaded) == before
