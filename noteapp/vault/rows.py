"""Reading stored rows: one version's plaintext (authenticated, decompressed, a delta undone),
the sentence for one that cannot be read, and the walk over every version that checks a
whole kind (verify_all, backups, the upgrade's verification).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from noteapp.crypto import DecryptionError
from noteapp.domain.errors import RecordIntegrityError
from noteapp.vault import codec
from noteapp.vault.blobs import BlobStore
from noteapp.vault.current import Entry
from noteapp.vault.format import BLOBS_ENTRY, TAG_BYTES, record_ad, record_ad_v2
from noteapp.vault.reading import check_chain, damaged_error, rolled_back_error

VersionRead = tuple[str, str, int, bytes | None, RecordIntegrityError | None]


@dataclass(frozen=True)
class Row:
    """One stored version as read from the records table (cells as stored: a hostile edit
    can put any type in any cell, so nothing is trusted before it is checked)."""

    id: str
    version: int
    latest: int
    parent: bytes
    prev_tag: object
    tag: object
    blob: object
    seq: int


class RowReader(BlobStore):
    """Rows of the records table, read and checked (records: store.Vault)."""

    @property
    def _columns(self) -> str:
        if self.format_version >= 2:
            return "id, version, latest, parent, prev_tag, tag, CAST(blob AS BLOB), seq"
        return "id, version, latest, NULL, NULL, NULL, CAST(blob AS BLOB), seq"

    def _rows(self, where: str, args: tuple[Any, ...]) -> list[Row]:
        return list(self._iter_rows(where, args))

    def _iter_rows(self, where: str, args: tuple[Any, ...]) -> Iterator[Row]:
        for i, v, la, p, pt, t, b, s in self._conn.execute(
            f"SELECT {self._columns} FROM records WHERE {where}", args
        ):
            yield Row(
                str(i), int(v), int(la), bytes(p) if isinstance(p, bytes) else b"", pt, t, b, s
            )

    def _ad(self, kind: str, row: Row) -> bytes:
        if self.format_version < 2:
            return record_ad(self.vault_id, kind, row.id, row.version)
        chain = row.prev_tag if isinstance(row.prev_tag, bytes) else b"\xff"  # never opens
        return record_ad_v2(self.vault_id, kind, row.id, row.version, row.parent, chain)

    def _plain(self, kind: str, row: Row, *, newer: bytes | None = None) -> bytes:
        """A stored version's JSON bytes (a delta needs the next version's, `newer`)."""
        stored = self._open_blob(kind, row)
        if self.format_version < 2:
            return stored
        try:
            return codec.decode(stored, newer)
        except codec.CodecError:
            raise damaged_error(kind, row.id, row.version, undecodable=True) from None

    @staticmethod
    def _json(kind: str, row: Row, plain: bytes) -> dict[str, Any]:
        try:
            data = json.loads(plain)
        except ValueError:
            raise damaged_error(kind, row.id, row.version, undecodable=True) from None
        if not isinstance(data, dict):
            raise damaged_error(kind, row.id, row.version, undecodable=True)
        return data

    def _open_blob(self, kind: str, row: Row) -> bytes:
        """The stored plaintext of one version, or the RecordIntegrityError that says why not."""
        if not isinstance(row.blob, bytes):  # a hostile edit can store TEXT or numbers
            raise damaged_error(kind, row.id, row.version)
        try:
            plaintext = self.cipher_for(kind).decrypt(row.blob, self._ad(kind, row))
        except DecryptionError:
            raise self._integrity_error(kind, row, row.blob) from None
        if self.format_version >= 2 and row.blob[-TAG_BYTES:] != row.tag:
            # Genuine for this place, but not the copy that was saved last: a replay from
            # another copy of the vault.
            raise damaged_error(kind, row.id, row.version, replayed=True)
        return plaintext

    def _integrity_error(self, kind: str, row: Row, blob: bytes) -> RecordIntegrityError:
        # Tell a swapped or replayed row from plain damage: does the ciphertext open under
        # the place of another row of the same kind? Runs only on failure, bounded.
        cipher = self.cipher_for(kind)
        for other in self._rows("kind=? LIMIT 5000", (kind,)):
            if (other.id, other.version) == (row.id, row.version):
                continue
            places = [self._ad(kind, other)]
            if self.format_version >= 2:
                # A row a format-1 file could not read was carried over as it was: say what
                # it said there (swapped), not merely "damaged".
                places.append(record_ad(self.vault_id, kind, other.id, other.version))
            for ad in places:
                try:
                    cipher.decrypt(blob, ad)
                except DecryptionError:
                    continue
                return damaged_error(kind, row.id, row.version, holds=other.id)
        return damaged_error(kind, row.id, row.version)

    def _matches(self, kind: str, row: Row, listed: tuple[bytes, Entry] | None) -> None:
        """A current row must be exactly the version its group lists, in that group."""
        if listed is None:
            raise rolled_back_error(kind)
        parent, entry = listed
        if (entry.version, entry.tag, parent) != (row.version, row.tag, row.parent):
            raise rolled_back_error(kind)

    # --- checking a whole kind ------------------------------------------------------------

    def every_version(self) -> Iterator[VersionRead]:
        """(kind, id, version, JSON plaintext or None, the error) of every stored version,
        newest first within a record; format 2's structure is checked on the way and a
        failure of it raises RecordsRolledBackError."""
        kinds = {str(k) for (k,) in self._conn.execute("SELECT DISTINCT kind FROM records")}
        if self._state is not None:
            kinds |= set(self._state.kinds) - {BLOBS_ENTRY}
            kinds |= {str(k) for (k,) in self._conn.execute("SELECT DISTINCT kind FROM current")}
        for kind in sorted(kinds):
            yield from self._kind_versions(kind)

    def _kind_versions(self, kind: str) -> Iterator[VersionRead]:
        """One record at a time (rows come by id, then version): memory stays that of one
        record's history, whatever the vault holds."""
        self._check_current(kind)
        listed: dict[str, tuple[bytes, Entry]] = {}
        if self.format_version >= 2:
            listed = {
                i: (lst.parent, e) for lst in self._lists_of(kind) for i, e in lst.entries.items()
            }
        seen: set[str] = set()
        versions: list[Row] = []
        rows = self._iter_rows("kind=? ORDER BY id, version", (kind,))
        for row in itertools.chain(rows, [None]):
            if versions and (row is None or row.id != versions[0].id):
                yield from self._record_versions(kind, versions, listed)
                seen.add(versions[0].id)
                versions = []
            if row is not None:
                versions.append(row)
        if self.format_version >= 2 and set(listed) - seen:
            raise rolled_back_error(kind)

    def _record_versions(
        self, kind: str, versions: list[Row], listed: dict[str, tuple[bytes, Entry]]
    ) -> Iterator[VersionRead]:
        record_id = versions[0].id
        if self.format_version >= 2:
            check_chain(
                kind, record_id, [(r.version, r.latest, r.prev_tag, r.tag) for r in versions]
            )
            self._matches(kind, versions[-1], listed.get(record_id))
        newer: bytes | None = None
        for row in reversed(versions):
            try:
                newer = self._plain(kind, row, newer=newer)
            except RecordIntegrityError as err:
                newer = None
                yield kind, record_id, row.version, None, err
                continue
            yield kind, record_id, row.version, newer, None
