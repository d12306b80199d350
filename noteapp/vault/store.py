"""Versioned, AEAD-encrypted records in the vault file (container.py has the file itself).

Each record version is one row, encrypted with associated data binding it to vault id,
kind, id, version and (format 2) the tag of the version before; only those opaque values
stay in clear. A put or delete updates the authenticated record of what is current in the
same transaction; every read checks it (once per kind per session).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from noteapp.crypto import DecryptionError
from noteapp.domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
)
from noteapp.domain.progress import Progress
from noteapp.vault import files
from noteapp.vault.container import COMPARTMENT_PREFIXES, VaultFile
from noteapp.vault.format import TAG_BYTES, record_ad, record_ad_v2
from noteapp.vault.reading import DecodeBatch, check_chain, damaged_error

__all__ = ["COMPARTMENT_PREFIXES", "LoadResult", "StoredRecord", "Vault"]

_KIND_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")
CHANGED_ELSEWHERE = (
    "This record was changed elsewhere (another noteapp window or command) after it was "
    "read; nothing was saved. Reload it and try again."
)


@dataclass(frozen=True)
class StoredRecord:
    kind: str
    id: str
    version: int
    data: dict[str, Any]

    def __repr__(self) -> str:  # the data is PHI: never in logs or tracebacks
        return f"StoredRecord(kind={self.kind!r}, id={self.id!r}, version={self.version})"


@dataclass(frozen=True)
class LoadResult:
    """Every readable record of a kind, and the ones that failed (reported, never dropped)."""

    records: list[StoredRecord]
    failures: list[RecordIntegrityError]


def _check_kind(kind: str) -> None:
    if not kind or len(kind) > 40 or not set(kind) <= _KIND_CHARS:
        raise InvalidInputError("Invalid record kind.")


def encode_data(data: dict[str, Any]) -> bytes:
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    except (UnicodeEncodeError, TypeError, ValueError) as exc:
        raise InvalidInputError(
            "The text contains characters that cannot be stored (e.g. a broken emoji)."
        ) from exc


class Vault(VaultFile):
    """An open vault and its records. Locked (no keys in memory) until `unlock_*` succeeds."""

    def put(
        self,
        kind: str,
        record_id: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> int:
        """Write a new version of a record; returns its version number (1 for a new one).

        `expected_version` is the version the caller read (0: the record must not exist
        yet); anything else there means it was changed elsewhere, and nothing is saved.
        """
        _check_kind(kind)
        cipher = self.cipher_for(kind)
        plaintext = encode_data(data)
        with self.transaction() as conn:
            current, prev_tag = self._current_for_update(kind, record_id, expected_version)
            version = current + 1
            ad = record_ad_v2(self.vault_id, kind, record_id, version, prev_tag)
            blob = cipher.encrypt(plaintext, ad)
            tag = blob[-TAG_BYTES:]
            if current:
                conn.execute(
                    "UPDATE records SET latest=0 WHERE kind=? AND id=? AND latest=1",
                    (kind, record_id),
                )
            conn.execute(
                "INSERT INTO records(kind, id, version, latest, prev_tag, tag, blob) "
                "VALUES(?,?,?,1,?,?,?)",
                (kind, record_id, version, prev_tag, tag, blob),
            )
            assert self._state is not None
            old = self._element(kind, record_id, current, prev_tag) if current else None
            new = self._element(kind, record_id, version, tag)
            self._state = self._state.replacing(kind, old, new)
        return version

    def _current_for_update(
        self, kind: str, record_id: str, expected_version: int | None
    ) -> tuple[int, bytes]:
        """(current version or 0, its tag) of a record about to change, after checking that
        the kind holds what noteapp saved and the record is at the version the caller read."""
        self._check_current(kind)
        row = self._conn.execute(
            "SELECT version, tag FROM records WHERE kind=? AND id=? AND latest=1",
            (kind, record_id),
        ).fetchone()
        current = int(row[0]) if row else 0
        if expected_version is not None and expected_version != current:
            raise ConcurrentChangeError(CHANGED_ELSEWHERE)
        return current, bytes(row[1]) if row else b""

    @property
    def _latest(self) -> str:
        # Format 2 finds a record's current row through records_heads (kind, latest, id);
        # format 1 must not use its (latest, kind) index for that (a scan of the kind).
        return "latest=1" if self.format_version >= 2 else "+latest=1"

    @property
    def _chain_columns(self) -> str:
        return "prev_tag, tag" if self.format_version >= 2 else "NULL, NULL"

    def _ad(self, kind: str, record_id: str, version: int, prev_tag: object) -> bytes:
        if self.format_version < 2:
            return record_ad(self.vault_id, kind, record_id, version)
        chain = prev_tag if isinstance(prev_tag, bytes) else b"\xff"  # never opens
        return record_ad_v2(self.vault_id, kind, record_id, version, chain)

    def _open_blob(
        self, kind: str, record_id: str, version: int, blob: object, prev_tag: object, tag: object
    ) -> bytes:
        """The plaintext of one stored version, or the RecordIntegrityError that says why not."""
        if not isinstance(blob, bytes):  # a hostile edit can store TEXT or numbers in the cell
            raise damaged_error(kind, record_id, version)
        try:
            plaintext = self.cipher_for(kind).decrypt(
                blob, self._ad(kind, record_id, version, prev_tag)
            )
        except DecryptionError:
            raise self._integrity_error(kind, record_id, version, blob) from None
        if self.format_version >= 2 and blob[-TAG_BYTES:] != tag:
            # Genuine for this place, but not the copy that was saved last: a replay from
            # another copy of the vault.
            raise damaged_error(kind, record_id, version, replayed=True)
        return plaintext

    def _decrypt(
        self, kind: str, record_id: str, version: int, blob: object, prev_tag: object, tag: object
    ) -> StoredRecord:
        plaintext = self._open_blob(kind, record_id, version, blob, prev_tag, tag)
        try:
            data = json.loads(plaintext)
        except ValueError:
            raise damaged_error(kind, record_id, version) from None
        return StoredRecord(kind, record_id, version, data)

    def _integrity_error(
        self, kind: str, record_id: str, version: int, blob: bytes
    ) -> RecordIntegrityError:
        # Tell a swapped or replayed row from plain damage: does the ciphertext open under
        # the place of another row of the same kind? Runs only on failure, bounded.
        rows = self._conn.execute(
            f"SELECT id, version, {self._chain_columns} FROM records WHERE kind=? LIMIT 5000",
            (kind,),
        ).fetchall()
        cipher = self.cipher_for(kind)
        for other_id, other_version, other_prev, _tag in rows:
            if (other_id, other_version) == (record_id, version):
                continue
            places = [self._ad(kind, other_id, other_version, other_prev)]
            if self.format_version >= 2:
                # A row a format-1 file could not read was carried over as it was: say what
                # it said there (swapped), not merely "damaged".
                places.append(record_ad(self.vault_id, kind, other_id, other_version))
            for ad in places:
                try:
                    cipher.decrypt(blob, ad)
                except DecryptionError:
                    continue
                return damaged_error(kind, record_id, version, holds=other_id)
        return damaged_error(kind, record_id, version)

    @files.reads_storage
    def get(self, kind: str, record_id: str) -> StoredRecord:
        """The latest version; NotFoundError if none; RecordIntegrityError if damaged."""
        self._key()
        self._check_current(kind)
        row = self._conn.execute(
            f"SELECT version, {self._chain_columns}, CAST(blob AS BLOB) FROM records "
            f"WHERE kind=? AND id=? AND {self._latest}",
            (kind, record_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"No {kind} with id {record_id[:12]}.")
        version, prev_tag, tag, blob = row
        return self._decrypt(kind, record_id, version, blob, prev_tag, tag)

    @files.reads_storage
    def exists(self, kind: str, record_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM records WHERE kind=? AND id=? LIMIT 1", (kind, record_id)
        ).fetchone()
        return row is not None

    @files.reads_storage
    def history(self, kind: str, record_id: str) -> list[StoredRecord]:
        """Every version, oldest first. Damaged versions raise (history must be complete),
        and so does a history with a version taken out (format 2: versions are a chain)."""
        self._key()
        self._check_current(kind)
        rows = self._conn.execute(
            f"SELECT version, latest, {self._chain_columns}, CAST(blob AS BLOB) FROM records "
            "WHERE kind=? AND id=? ORDER BY version",
            (kind, record_id),
        ).fetchall()
        if self.format_version >= 2:
            check_chain(kind, record_id, [(v, latest, p, t) for v, latest, p, t, _b in rows])
        return [self._decrypt(kind, record_id, v, b, p, t) for v, _latest, p, t, b in rows]

    @files.reads_storage
    def load_kind(self, kind: str) -> LoadResult:
        """The latest version of every record of a kind, in write order."""
        self._key()
        self._check_current(kind)
        batch = DecodeBatch(kind)
        cursor = self._conn.execute(
            f"SELECT id, version, {self._chain_columns}, CAST(blob AS BLOB) FROM records "
            "WHERE latest=1 AND kind=? ORDER BY seq",
            (kind,),
        )
        for record_id, version, prev_tag, tag, blob in cursor:
            try:
                plaintext = self._open_blob(kind, record_id, version, blob, prev_tag, tag)
            except RecordIntegrityError as err:
                batch.failures.append(err)
                continue
            batch.add(record_id, version, plaintext)
        records, failures = batch.finish()
        return LoadResult([StoredRecord(kind, i, v, d) for i, v, d in records], failures)

    @files.reads_storage
    def kinds(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT kind FROM records")]

    @files.reads_storage
    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return int(
                self._conn.execute("SELECT COUNT(*) FROM records WHERE latest=1").fetchone()[0]
            )
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM records WHERE latest=1 AND kind=?", (kind,)
            ).fetchone()[0]
        )

    def delete(self, kind: str, record_id: str, *, expected_version: int | None = None) -> int:
        """Remove every version of a record (callers confirm and back up first)."""
        self._key()
        with self.transaction() as conn:
            current, tag = self._current_for_update(kind, record_id, expected_version)
            cur = conn.execute("DELETE FROM records WHERE kind=? AND id=?", (kind, record_id))
            if current and self._state is not None:
                old = self._element(kind, record_id, current, tag)
                self._state = self._state.replacing(kind, old, None)
        return cur.rowcount

    @files.reads_storage
    def verify_all(self, *, progress: Progress | None = None) -> list[RecordIntegrityError]:
        """Decrypt every version of every record; the failures (used to verify backups).

        Format 2: also checks what is current for every kind and every record's chain of
        versions, and raises RecordsRolledBackError when they do not hold.
        """
        self._key()
        if self._state is not None:
            kinds = set(self.kinds()) | set(self._state.kinds)
            for kind in sorted(kinds):
                self._check_current(kind)
            chains: dict[tuple[str, str], list[tuple[int, int, object, object]]] = {}
            for kind, record_id, version, latest, prev_tag, tag in self._conn.execute(
                "SELECT kind, id, version, latest, prev_tag, tag FROM records "
                "ORDER BY kind, id, version"
            ):
                chains.setdefault((kind, record_id), []).append((version, latest, prev_tag, tag))
            for (kind, record_id), links in chains.items():
                check_chain(kind, record_id, links)
        failures = []
        rows = self._conn.execute(
            f"SELECT kind, id, version, {self._chain_columns}, CAST(blob AS BLOB) "
            "FROM records ORDER BY seq"
        ).fetchall()
        for done, (kind, record_id, version, prev_tag, tag, blob) in enumerate(rows):
            if progress is not None and done % 500 == 0:
                progress(done, len(rows))
            try:
                self._decrypt(kind, record_id, version, blob, prev_tag, tag)
            except RecordIntegrityError as err:
                failures.append(err)
        return failures

    @files.reads_storage
    def open_version(
        self, kind: str, record_id: str, version: int, blob: object, prev_tag: object, tag: object
    ) -> bytes:
        """The plaintext of one stored version as this vault's format reads it (raises
        RecordIntegrityError when it cannot)."""
        return self._open_blob(kind, record_id, version, blob, prev_tag, tag)
