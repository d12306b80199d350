"""Where the search index is kept: the vault's named blobs (`Vault.put_blob/get_blob`).

The index's `BlobStore` (search/persist.py) on top of the vault's blob API: each of its
blobs is one vault blob named `KIND/name`, encrypted and authenticated (bound to
the vault and its name), counted in the vault's state — an older image put back in the file
is refused, never used — and written in the caller's transaction. Psychotherapy notes' index
is named under `PRIVATE_KIND`, whose "psychotherapy" prefix puts it under that compartment's
own key.

A refused blob (damaged, or not the one noteapp saved last) makes the stored index
unusable: loading raises, the index is rebuilt from the records, and the first save after
drops the refused blobs (`Vault.reset_blobs`: they are all derived) before writing.

An older noteapp kept the index as base64 chunk *records* of these two kinds. Those are not
read: the first save deletes them (`retire_chunk_records`), and the index they held is
rebuilt once, like any index that is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from noteapp.domain.errors import NotFoundError, RecordsRolledBackError
from noteapp.vault.format import BLOBS_ENTRY
from noteapp.vault.store import Vault

KIND = "search_index"
PRIVATE_KIND = "psychotherapy_search_index"  # the "psychotherapy" prefix: compartment key
# Contacts, referrals, medications and incident reports: an index of their own (it is
# rebuilt whole whenever one of them changed while it was closed).
CASE_KIND = "search_index_case"
# Kinds of the chunk records an older noteapp stored the index in: left out of archives.
DERIVED_KINDS = (KIND, PRIVATE_KIND)


class VaultBlobStore:
    """A BlobStore (search/persist.py) on the vault's blobs named `kind/…`."""

    def __init__(self, vault: Vault, kind: str) -> None:
        self._vault = vault
        self._kind = kind
        self._prefix = f"{kind}/"

    def _name(self, name: str) -> str:
        return self._prefix + name

    def get(self, name: str) -> bytes | None:
        # A refused blob raises RecordsRolledBackError (a NoteappError): persist.load turns
        # that into "damaged, rebuild".
        return self._vault.get_blob(self._name(name))

    def put(self, name: str, data: bytes) -> None:
        with self.transaction():
            # Not compressed: the images would take a quarter of the space, but inflating
            # them was most of opening the index (83 of 147 ms at 50,000 notes), which the
            # first search after unlock waits for; they are encrypted all the same.
            self._vault.put_blob(self._name(name), bytes(data), compress=False)

    def delete(self, name: str) -> None:
        with self.transaction():
            self._vault.delete_blob(self._name(name))

    def names(self) -> list[str]:
        return [n[len(self._prefix) :] for n in self._vault.blob_names(self._prefix)]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._vault.transaction():
            _usable_blobs(self._vault)
            retire_chunk_records(self._vault)
            yield


def _usable_blobs(vault: Vault) -> None:
    """Before writing: blobs that fail the vault's check (the index was refused when loaded,
    and rebuilt) are dropped, or no blob could be written again."""
    try:
        vault.check_blobs()
    except RecordsRolledBackError as err:
        if err.kind != BLOBS_ENTRY:
            raise
        vault.reset_blobs()


def retire_chunk_records(vault: Vault) -> int:
    """Delete the index an older noteapp kept as chunk records (rebuilt as blobs); returns
    how many records went. Joins the caller's transaction; nothing else is touched."""
    gone = 0
    for kind in DERIVED_KINDS:
        if not vault.count(kind):
            continue
        for record in vault.load_kind(kind).records:
            try:
                vault.delete(kind, record.id, expected_version=record.version)
            except NotFoundError:
                continue
            gone += 1
    return gone
