"""Versioned, AEAD-encrypted records in the vault file (container.py has the file itself).

Each record version is one row, compressed (codec.py) and encrypted with associated data
binding it to vault id, kind, id, version, its group and the tag of the version before; only
those opaque values stay in clear. Older versions are stored as deltas against the version
after them. A put or delete updates its group's list of what is current (current.py) in the
same transaction; every read checks the row it found against that list.

Reads cost what they return: `get` one row and its group's list, `load_group` one chart,
`summaries` the lists only (no record is decrypted), `load_kind` a whole kind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from noteapp.domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RecordsRolledBackError,
)
from noteapp.domain.progress import Progress
from noteapp.vault import codec, files
from noteapp.vault.container import COMPARTMENT_PREFIXES
from noteapp.vault.current import Entry, GroupList
from noteapp.vault.format import TAG_BYTES, record_ad_v2
from noteapp.vault.reading import DecodeBatch, check_chain, rolled_back_error
from noteapp.vault.rows import Row, RowReader

__all__ = ["COMPARTMENT_PREFIXES", "LoadResult", "ScanResult", "StoredRecord", "Summary", "Vault"]

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
    """Every readable record asked for, and the ones that failed (reported, never dropped)."""

    records: list[StoredRecord]
    failures: list[RecordIntegrityError]


@dataclass(frozen=True)
class ScanResult:
    failures: list[RecordIntegrityError]
    rolled_back: list[RecordsRolledBackError]
    checked: int


class Summary(NamedTuple):
    """A current record as its group's list names it: no record was decrypted. `data` is
    the summary its writer gave (None when it gave none); `owner` the id of the record it
    belongs to ("" for none)."""

    id: str
    version: int
    parent: bytes
    data: Any
    owner: str = ""

    def __repr__(self) -> str:
        return f"Summary({self.id!r}, version={self.version})"


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


class Vault(RowReader):
    """An open vault and its records. Locked (no keys in memory) until `unlock_*` succeeds."""

    # --- writing -------------------------------------------------------------------------

    def put(
        self,
        kind: str,
        record_id: str,
        data: dict[str, Any],
        *,
        owner: str | None = None,
        summary: Any = None,
        expected_version: int | None = None,
    ) -> int:
        """Write a new version of a record; returns its version number (1 for a new one).

        `owner` is the id of the record it belongs to (its group; None keeps the group it
        has, "" for none); `summary` a small JSON value that lists across the vault show
        without decrypting it. `expected_version` is the version the caller read (0: the
        record must not exist yet); anything else there means it was changed elsewhere, and
        nothing is saved.
        """
        _check_kind(kind)
        cipher = self.cipher_for(kind)
        plaintext = encode_data(data)
        with self.transaction() as conn:
            row = self._current_for_update(kind, record_id, expected_version)
            parent = self.group_key(owner) if owner is not None else (row.parent if row else b"")
            if row is None and record_id in self._list(kind, parent).entries:
                raise rolled_back_error(kind)  # listed as current, its rows removed
            retired = self._retired(kind, row, plaintext) if row else None
            prev_tag = retired[0] if retired else b""
            version = row.version + 1 if row else 1
            ad = record_ad_v2(self.vault_id, kind, record_id, version, parent, prev_tag)
            blob = cipher.encrypt(codec.encode_record(plaintext), ad)
            tag = blob[-TAG_BYTES:]
            if row is None:
                written = conn.execute(
                    "INSERT INTO records(kind, id, version, latest, parent, prev_tag, tag, blob) "
                    "VALUES(?,?,?,1,?,?,?,?)",
                    (kind, record_id, version, parent, prev_tag, tag, blob),
                ).lastrowid
            else:
                # The new version takes the current row's place (about its size, so no hole
                # is left in the file) and the one it replaces, now a small delta, is added.
                assert retired is not None
                conn.execute(
                    "UPDATE records SET version=?, parent=?, prev_tag=?, tag=?, blob=? WHERE seq=?",
                    (version, parent, prev_tag, tag, blob, row.seq),
                )
                written = conn.execute(
                    "INSERT INTO records(kind, id, version, latest, parent, prev_tag, tag, blob) "
                    "VALUES(?,?,?,0,?,?,?,?)",
                    (kind, record_id, row.version, row.parent, row.prev_tag, *retired),
                ).lastrowid
            if row is not None and row.parent != parent:
                old = self._list(kind, row.parent)
                old.entries.pop(record_id, None)
                self._changed(old)
            lst = self._list(kind, parent)
            lst.owner = owner if owner is not None else lst.owner
            lst.set(record_id, Entry(version, tag, summary, written or 0))
            self._changed(lst)
            self._tell_watchers(kind, record_id)
        return version

    def _tell_watchers(self, kind: str, record_id: str) -> None:
        """A record's current version changed (in the open transaction): tell the watchers
        now, and again if the transaction is rolled back."""

        def tell() -> None:
            for watch in list(self.watchers):
                watch(kind, record_id)

        tell()
        self.on_rollback(tell)

    def _current_for_update(
        self, kind: str, record_id: str, expected_version: int | None
    ) -> Row | None:
        """The current row of a record about to change (None if new), after checking it is
        the version its group lists and the version the caller read."""
        row = self._current_row(kind, record_id)
        current = row.version if row else 0
        if expected_version is not None and expected_version != current:
            raise ConcurrentChangeError(CHANGED_ELSEWHERE)
        return row

    def _retired(self, kind: str, row: Row, newer: bytes) -> tuple[bytes, bytes]:
        """(tag, blob) of the current version once replaced: re-encrypted as a delta against
        the version replacing it when that is smaller (its place, and so its associated
        data, unchanged), else its bytes as they are — also when it cannot be read."""
        try:
            delta = codec.encode_delta(self._plain(kind, row), newer)
        except RecordIntegrityError:
            delta = b""
        if codec.is_delta(delta):
            blob = self.cipher_for(kind).encrypt(delta, self._ad(kind, row))
            return blob[-TAG_BYTES:], blob
        tag = row.tag if isinstance(row.tag, bytes) else b""
        return tag, row.blob if isinstance(row.blob, bytes) else b""

    def delete(self, kind: str, record_id: str, *, expected_version: int | None = None) -> int:
        """Remove every version of a record (callers confirm and back up first)."""
        self._key()
        with self.transaction() as conn:
            row = self._current_for_update(kind, record_id, expected_version)
            cur = conn.execute("DELETE FROM records WHERE kind=? AND id=?", (kind, record_id))
            if row is not None:
                lst = self._list(kind, row.parent)
                lst.entries.pop(record_id, None)
                self._changed(lst)
                self._tell_watchers(kind, record_id)
        return cur.rowcount

    # --- reading one record ----------------------------------------------------------------

    def _current_row(self, kind: str, record_id: str) -> Row | None:
        """The row marked current, confirmed against its group's list (None: no such row)."""
        self._key()
        self._check_current(kind)
        # By the unique (kind, id, version) index: an index on `latest` (format 2's
        # records_current, format 1's records_latest) would scan the kind.
        rows = self._rows("kind=? AND id=? AND +latest=1", (kind, record_id))
        if len(rows) > 1:
            raise rolled_back_error(kind)
        if not rows:
            return None
        row = rows[0]
        if self.format_version >= 2:
            self._confirm(kind, record_id, row.version, row.parent, row.tag)
        return row

    @files.reads_storage
    def get(self, kind: str, record_id: str) -> StoredRecord:
        """The latest version; NotFoundError if none; RecordIntegrityError if damaged."""
        row = self._current_row(kind, record_id)
        if row is None:
            self._not_listed(kind, record_id)
            raise NotFoundError(f"No {kind} with id {record_id[:12]}.")
        return StoredRecord(
            kind, record_id, row.version, self._json(kind, row, self._plain(kind, row))
        )

    @files.reads_storage
    def get_many(self, kind: str, record_ids: Sequence[str]) -> LoadResult:
        """The current versions of these records of a kind, read together (ids not found
        are left out), each checked against its group's list like `get`."""
        self._key()
        self._check_current(kind)
        records: list[StoredRecord] = []
        failures: list[RecordIntegrityError] = []
        ids = list(dict.fromkeys(record_ids))
        for start in range(0, len(ids), 500):  # SQLite's bound on host parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._rows(f"kind=? AND id IN ({marks}) AND +latest=1", (kind, *chunk))
            seen: set[str] = set()
            for row in rows:
                if row.id in seen:
                    raise rolled_back_error(kind)
                seen.add(row.id)
                if self.format_version >= 2:
                    self._confirm(kind, row.id, row.version, row.parent, row.tag)
                try:
                    data = self._json(kind, row, self._plain(kind, row))
                except RecordIntegrityError as err:
                    failures.append(err)
                    continue
                records.append(StoredRecord(kind, row.id, row.version, data))
        return LoadResult(records, failures)

    def _not_listed(self, kind: str, record_id: str) -> None:
        """A record no row holds must not be listed as current anywhere (rows removed outside
        noteapp): checked only on this not-found path of a full id, over the kind's lists."""
        if self.format_version < 2 or len(record_id) < 32:
            return
        if any(record_id in lst.entries for lst in self._lists_of(kind)):
            raise rolled_back_error(kind)

    @files.reads_storage
    def exists(self, kind: str, record_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM records WHERE kind=? AND id=? LIMIT 1", (kind, record_id)
        ).fetchone()
        return row is not None

    @files.reads_storage
    def ids_starting(self, kind: str, prefix: str, *, limit: int = 2) -> list[str]:
        """Ids of current records of a kind that start with `prefix` (at most `limit`): an
        index range, no decryption (callers then `get` the one they mean)."""
        rows = self._conn.execute(
            "SELECT id FROM records WHERE kind=? AND id>=? AND id<? AND +latest=1 LIMIT ?",
            (kind, prefix, prefix + "\uffff", limit),
        )
        return [str(r[0]) for r in rows]

    @files.reads_storage
    def ids_with_versions(self, kind: str) -> list[str]:
        """Ids of records of a kind that have more than one version (the unique index alone,
        no row read)."""
        return [
            str(r[0])
            for r in self._conn.execute(
                "SELECT DISTINCT id FROM records WHERE kind=? AND version=2", (kind,)
            )
        ]

    @files.reads_storage
    def history(self, kind: str, record_id: str) -> list[StoredRecord]:
        """Every version, oldest first. Damaged versions raise (history must be complete),
        and so does a history with a version taken out (format 2: versions are a chain)."""
        self._key()
        self._check_current(kind)
        rows = self._rows("kind=? AND id=? ORDER BY version", (kind, record_id))
        if self.format_version >= 2 and rows:
            check_chain(kind, record_id, [(r.version, r.latest, r.prev_tag, r.tag) for r in rows])
            newest = rows[-1]
            self._confirm(kind, record_id, newest.version, newest.parent, newest.tag)
        out: list[StoredRecord] = []
        newer: bytes | None = None
        for row in reversed(rows):
            newer = self._plain(kind, row, newer=newer)
            out.append(StoredRecord(kind, record_id, row.version, self._json(kind, row, newer)))
        return out[::-1]

    # --- reading many ------------------------------------------------------------------------

    @files.reads_storage
    def load_group(self, kind: str, owner: str) -> LoadResult:
        """The current version of every record of a kind that `owner` holds, in write order."""
        self._key()
        if self.format_version < 2:
            raise InvalidInputError("This vault's format has no groups; it is upgraded on unlock.")
        parent = self.group_key(owner)
        lst = self._list(kind, parent)
        rows = self._rows("kind=? AND latest=1 AND parent=?", (kind, parent))
        return self._load(kind, [lst], rows)

    @files.reads_storage
    def load_kind(self, kind: str) -> LoadResult:
        """The latest version of every record of a kind, in write order."""
        self._key()
        return self._load(kind, self._lists_of(kind), self._rows("kind=? AND latest=1", (kind,)))

    def _load(self, kind: str, lists: Sequence[GroupList], rows: Iterable[Row]) -> LoadResult:
        """Decrypt `rows` (the current rows of these groups), checking that they are exactly
        the versions the lists name: an extra, missing or older row fails closed."""
        listed = {i: (lst.parent, e) for lst in lists for i, e in lst.entries.items()}
        seen: set[str] = set()
        batch = DecodeBatch(kind)
        # In write order: by the list's `written` (format 1: the row's seq).
        order = {i: e.written for i, (_p, e) in listed.items()}
        for row in sorted(rows, key=lambda r: order.get(r.id, r.seq)):
            if self.format_version >= 2:
                if row.id in seen:
                    raise rolled_back_error(kind)
                self._matches(kind, row, listed.get(row.id))
                seen.add(row.id)
            try:
                plain = self._plain(kind, row)
            except RecordIntegrityError as err:
                batch.failures.append(err)
                continue
            batch.add(row.id, row.version, plain)
        if self.format_version >= 2 and len(seen) != len(listed):
            raise rolled_back_error(kind)
        records, failures = batch.finish()
        return LoadResult([StoredRecord(kind, i, v, d) for i, v, d in records], failures)

    @files.reads_storage
    def summaries(self, kind: str, owner: str | None = None) -> list[Summary]:
        """What the group lists say of every current record of a kind (or of one owner's):
        id, version and summary. No record is decrypted."""
        self._key()
        if owner is not None:
            lists = [self._list(kind, self.group_key(owner))]
        else:
            lists = self._lists_of(kind)
        return [
            Summary(i, version, lst.parent, summary, lst.owner)
            for lst in lists
            for i, version, summary in lst.rows()
        ]

    @files.reads_storage
    def listed_parent(self, kind: str, record_id: str) -> bytes | None:
        """The group whose list names this record as current (its row names a candidate; the
        list confirms it). For the context of a damaged record; None when unknown."""
        self._key()
        rows = self._rows("kind=? AND id=? ORDER BY version DESC LIMIT 1", (kind, record_id))
        if not rows or self.format_version < 2:
            return None
        parent = rows[0].parent
        return parent if record_id in self._list(kind, parent).entries else None

    @files.reads_storage
    def summary(self, kind: str, record_id: str) -> Summary | None:
        """One current record's summary, from its group's list alone (it is there even when
        the record itself is damaged); None when no list names it."""
        parent = self.listed_parent(kind, record_id)
        if parent is None:
            return None
        lst = self._list(kind, parent)
        entry = lst.entries[record_id]
        return Summary(record_id, entry.version, parent, entry.summary, lst.owner)

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

    @files.reads_storage
    def fingerprint(self, kinds: Sequence[str]) -> str:
        """What is current in these kinds, as one value: equal fingerprints mean no record of
        them was written, deleted or put back in between. From the state (keyed digests of
        the group lists, checked against the file once per session): no record is read."""
        self._key()
        parts = []
        for kind in sorted(set(kinds)):
            _check_kind(kind)
            self._check_current(kind)
            found = self._state.of(kind) if self._state is not None else None
            count, digest = (found.count, found.digest) if found is not None else (-1, 0)
            parts.append(f"{kind}:{count}:{digest:x}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    # --- checking everything ------------------------------------------------------------

    def scan_snapshot(self, pace: Callable[[], None] | None = None) -> ScanResult:
        """`scan_current` on a read-only connection of its own, inside one read transaction:
        a consistent picture of the file as it was when the scan began, while this
        connection goes on reading and writing (the app checks in the background).

        Once this vault is locked or closed the scan stops (VaultLockedError) and the copy's
        keys go with it: a check started at unlock went on decrypting every record, with a
        key of its own, for up to twenty seconds after the app was locked."""
        copy = self.open_copy(self.real_path)

        def paced() -> None:
            self._key()  # VaultLockedError once locked
            if pace is not None:
                pace()
                self._key()  # pace may have waited for the user

        try:
            with files.named_storage_errors(self.real_path):
                copy.connection.execute("BEGIN")
                copy._load_state()  # the state of this snapshot, not of the moment before
            return copy.scan_current(paced)
        finally:
            copy.close()

    @files.reads_storage
    def scan_current(self, pace: Callable[[], None] | None = None) -> ScanResult:
        """Read every current record of every kind — authenticated, decompressed, parsed as
        JSON, then let go (memory stays flat) — and say which fail. No older version is
        read: what is shown today is what is checked. For the app's check after unlock."""
        self._key()
        failures: list[RecordIntegrityError] = []
        rolled_back: list[RecordsRolledBackError] = []
        checked = 0
        for kind in sorted(self.kinds()):
            try:
                listed = {
                    i: (lst.parent, e)
                    for lst in self._lists_of(kind, pace)
                    for i, e in lst.entries.items()
                }
                # One row at a time: memory stays flat, and the pace is kept between rows.
                for row in self._iter_rows("kind=? AND latest=1", (kind,)):
                    if self.format_version >= 2:
                        self._matches(kind, row, listed.pop(row.id, None))
                    checked += 1
                    if pace is not None:
                        pace()  # the app's background check yields to what the user does
                    try:
                        self._json(kind, row, self._plain(kind, row))
                    except RecordIntegrityError as err:
                        failures.append(err)
                if listed:
                    raise rolled_back_error(kind)
            except RecordsRolledBackError as err:
                rolled_back.append(err)
        return ScanResult(failures, rolled_back, checked)

    @files.reads_storage
    def verify_all(self, *, progress: Progress | None = None) -> list[RecordIntegrityError]:
        """Decrypt every version of every record; the failures (used to verify backups).

        Format 2: also checks every kind's group lists against the state, that the current
        rows are exactly the listed versions, every record's chain of versions and the
        blobs; raises RecordsRolledBackError when they do not hold.
        """
        self._key()
        total = self._conn.execute("SELECT count(*) FROM records").fetchone()[0]
        failures = []
        for done, (_k, _i, _v, _p, err) in enumerate(self.every_version()):
            if progress is not None and done % 500 == 0:
                progress(done, total)  # a restore's check: said how far, and may be cancelled
            if err is not None:
                failures.append(err)
        if self.format_version >= 2:
            self.check_blobs()
        return failures
