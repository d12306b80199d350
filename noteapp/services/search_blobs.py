"""Where the search index is kept: named blobs on ordinary vault records (for now).

The index's `BlobStore` (search/persist.py) on top of `Vault.put/get/delete`: each blob is a
head record (its size and number of chunks) and chunk records of at most CHUNK bytes,
base64 in the record's JSON. So every byte of it is encrypted and authenticated like any
record (AES-256-GCM, bound to vault, kind, id, version and the version before), is part of
the vault's authenticated record of what is current, and is written in the caller's
transaction. A blob is deleted before it is written again, so old versions do not pile up
(records keep every version otherwise). Psychotherapy notes' index uses a kind under their
compartment's key.

When the vault offers blobs of its own, an adapter over those replaces this one; the index
is derived data and is rebuilt from the records wherever this one left none.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from noteapp.domain.errors import NotFoundError, SearchIndexError
from noteapp.vault.store import Vault

KIND = "search_index"
PRIVATE_KIND = "psychotherapy_search_index"  # the "psychotherapy" prefix: compartment key
# Derived from the other records: left out of archives (they are rebuilt after an import).
DERIVED_KINDS = (KIND, PRIVATE_KIND)
CHUNK = 1 << 20
_DIRECTORY = "~names"  # the names held (the vault lists no ids without decrypting)
_BROKEN = "The stored search index is damaged; it will be rebuilt."


class VaultBlobStore:
    """A BlobStore on records of one kind."""

    def __init__(self, vault: Vault, kind: str) -> None:
        self._vault = vault
        self._kind = kind

    def _read(self, record_id: str) -> tuple[dict[str, Any], int] | None:
        """(data, version) of a record, or None."""
        try:
            record = self._vault.get(self._kind, record_id)
        except NotFoundError:
            return None
        return record.data, record.version

    def _data(self, record_id: str) -> dict[str, Any] | None:
        found = self._read(record_id)
        return None if found is None else found[0]

    def get(self, name: str) -> bytes | bytearray | None:
        head = self._data(name)
        if head is None:
            return None
        size, chunks = head.get("bytes"), head.get("chunks")
        if not isinstance(size, int) or not isinstance(chunks, int) or size < 0 or chunks < 0:
            raise SearchIndexError(_BROKEN)
        out = bytearray()
        for n in range(chunks):
            part = self._data(f"{name}#{n}")
            try:
                # Not strict_mode (30 % slower): the chunk was authenticated by its record's
                # AEAD, and the whole blob's size here and SHA-256 in the manifest are checked.
                out += binascii.a2b_base64(str((part or {})["b64"]))
            except (KeyError, ValueError) as exc:
                raise SearchIndexError(_BROKEN) from exc
            if len(out) > size:
                raise SearchIndexError(_BROKEN)
        if len(out) != size:
            raise SearchIndexError(_BROKEN)
        return out  # bytes-like: no copy of a shard image that may be megabytes

    def put(self, name: str, data: bytes) -> None:
        with self._vault.transaction():
            self._remove(name)
            chunks = range(0, len(data), CHUNK)
            for n, start in enumerate(chunks):
                part = base64.b64encode(data[start : start + CHUNK]).decode("ascii")
                self._vault.put(self._kind, f"{name}#{n}", {"b64": part}, expected_version=0)
            head = {"bytes": len(data), "chunks": len(chunks)}
            self._vault.put(self._kind, name, head, expected_version=0)
            self._set_names({*self.names(), name})

    def delete(self, name: str) -> None:
        with self._vault.transaction():
            self._remove(name)
            self._set_names(set(self.names()) - {name})

    def _remove(self, name: str) -> None:
        found = self._read(name)
        if found is None:
            return
        head, version = found
        chunks = head.get("chunks")
        for n in range(chunks if isinstance(chunks, int) else 0):
            # Chunks are written once (a blob is deleted before it is written again): any
            # other version means something else wrote here, and nothing is deleted.
            self._vault.delete(self._kind, f"{name}#{n}", expected_version=1)
        self._vault.delete(self._kind, name, expected_version=version)

    def names(self) -> list[str]:
        found = (self._data(_DIRECTORY) or {}).get("names", [])
        return [n for n in found if isinstance(n, str)] if isinstance(found, list) else []

    def _set_names(self, names: set[str]) -> None:
        # Deleted first: a record keeps every version, and this one changes at every save.
        found = self._read(_DIRECTORY)
        if found is not None:
            self._vault.delete(self._kind, _DIRECTORY, expected_version=found[1])
        self._vault.put(self._kind, _DIRECTORY, {"names": sorted(names)}, expected_version=0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._vault.transaction():
            yield
