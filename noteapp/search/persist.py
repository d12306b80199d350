"""Keeping a search index between sessions: its shards as images in an encrypted blob store.

A manifest names every shard's image with its SHA-256 and size, the rowids masked in it
since it was stored, and the index's counters. Sealed shards are stored once (a few MB each)
and then only referenced; what a session changes goes into the open shard, the manifest and
any shard sealed meanwhile — small writes, all in one transaction, so a crash leaves the
previous index or the new one, never a mix. Anything that does not check out (a missing or
altered image, an unknown format) raises SearchIndexError: the caller rebuilds from the
records. Whether what is stored is *current* is the caller's check: every document carries
the stamp of the record it was made from (SearchIndex.stamps).

The store encrypts: nothing here is ever written in clear (see BlobStore).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from typing import Any, Protocol

from noteapp.domain.errors import NoteappError, SearchIndexError
from noteapp.search.index import Fetch, SearchIndex
from noteapp.search.shard import Shard

FORMAT = 1
MANIFEST = "manifest"
OPEN = "open"
_MAX_MANIFEST = 16 << 20
_DAMAGED = "The stored search index is incomplete or damaged; it will be rebuilt."


class BlobStore(Protocol):
    """Named opaque bytes. Implementations keep them encrypted and authenticated at rest,
    bound to their vault and name, and write in the caller's transaction."""

    def get(self, name: str) -> bytes | bytearray | None: ...

    def put(self, name: str, data: bytes) -> None: ...

    def delete(self, name: str) -> None: ...

    def names(self) -> list[str]: ...

    def transaction(self) -> AbstractContextManager[object]: ...


def _digest(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def save(index: SearchIndex, store: BlobStore) -> None:
    """Store what changed since the index was loaded or last stored."""
    sealed, open_shard, seq = index.parts()
    taken = {s.name for s in sealed if s.name}
    fresh: list[tuple[Shard, str, bytes]] = []
    number = 0
    for shard in sealed:
        if shard.name is None:  # sealed this session: its image already has its masks
            while f"s{number}" in taken:
                number += 1
            taken.add(f"s{number}")
            fresh.append((shard, f"s{number}", shard.image()))
    open_image = open_shard.image()
    stored = {shard: (name, _digest(data)) for shard, name, data in fresh}
    entries: list[dict[str, Any]] = []
    for shard in sealed:
        if shard in stored:
            name, digest = stored[shard]
            entries.append({"name": name, "sha256": digest, "dead": []})
        else:
            entries.append({"name": shard.name, "sha256": shard.digest, "dead": shard.dead})
    manifest = {
        "format": FORMAT,
        "seq": seq,
        "sealed": entries,
        "open": {"name": OPEN, "sha256": _digest(open_image)},
    }
    with store.transaction():
        for _shard, name, data in fresh:
            store.put(name, data)
        store.put(OPEN, open_image)
        store.put(MANIFEST, json.dumps(manifest, separators=(",", ":")).encode())
        keep = {MANIFEST, OPEN, *(entry["name"] for entry in entries)}
        for name in store.names():
            if name not in keep:
                store.delete(name)
    # Only now that it is committed: the images stored are what later saves refer to.
    for shard, (name, digest) in stored.items():
        shard.name, shard.digest, shard.dead = name, digest, []
    index.changed = False


def load(store: BlobStore, fetch: Fetch) -> SearchIndex | None:
    """The stored index, or None if none is stored; SearchIndexError if it is damaged."""
    try:
        raw = store.get(MANIFEST)
        if raw is None:
            return None
        manifest = _manifest(raw)
        shards: list[Shard] = []
        try:
            for entry in manifest["sealed"]:
                shard = _shard(store, entry["name"], entry["sha256"], sealed=True)
                shards.append(shard)
                shard.name, shard.digest = entry["name"], entry["sha256"]
                if entry["dead"]:
                    shard.mask(entry["dead"])
            opened = _shard(store, OPEN, manifest["open"]["sha256"], sealed=False)
        except BaseException:
            for shard in shards:
                shard.close()
            raise
    except SearchIndexError:
        raise
    except NoteappError as exc:  # the store's own check failed (damage, a rollback)
        raise SearchIndexError(_DAMAGED) from exc
    index = SearchIndex.assemble(shards, opened, manifest["seq"], fetch)
    index.changed = False
    return index


def _shard(store: BlobStore, name: str, digest: str, *, sealed: bool) -> Shard:
    data = store.get(name)
    if data is None or _digest(data) != digest:
        raise SearchIndexError(_DAMAGED)
    return Shard.from_image(data, sealed=sealed)


def _manifest(raw: bytes | bytearray) -> dict[str, Any]:
    """The manifest, checked whole (it was authenticated, but what is not understood is
    rejected, never guessed at)."""
    try:
        if len(raw) > _MAX_MANIFEST:
            raise ValueError
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError
        if set(doc) != {"format", "seq", "sealed", "open"} or not _count(doc["seq"]):
            raise ValueError
        if not isinstance(doc["open"], dict) or not _hex(doc["open"].get("sha256")):
            raise ValueError
        if not isinstance(doc["sealed"], list):
            raise ValueError
        names = set()
        for entry in doc["sealed"]:
            if not isinstance(entry, dict) or set(entry) != {"name", "sha256", "dead"}:
                raise ValueError
            name, dead = entry["name"], entry["dead"]
            if not isinstance(name, str) or name in (MANIFEST, OPEN) or name in names:
                raise ValueError
            names.add(name)
            if not _hex(entry["sha256"]) or not isinstance(dead, list):
                raise ValueError
            if not all(_count(d) for d in dead):
                raise ValueError
    except (ValueError, RecursionError) as exc:
        raise SearchIndexError(_DAMAGED) from exc
    return doc


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _hex(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
