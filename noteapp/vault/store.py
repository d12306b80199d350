"""The vault: an SQLite container of AEAD-encrypted, versioned records.

One process at a time holds a vault open (lock file). Each record version is one row,
encrypted with associated data binding it to vault id, kind, id and version; only those
opaque values stay in clear. Writes are SQLite transactions in WAL mode with
synchronous=FULL, so a save reported as done survives a crash or power cut.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.crypto import Argon2Params, DecryptionError
from noteapp.domain.clock import Clock, SystemClock
from noteapp.domain.errors import (
    InvalidInputError,
    NotFoundError,
    RecordIntegrityError,
    RefusedError,
    VaultCorruptError,
    VaultExistsError,
    VaultHeaderTamperedError,
    VaultLockedError,
    VaultMissingError,
    WrongSecretError,
)
from noteapp.domain.ids import new_id
from noteapp.domain.progress import Progress
from noteapp.vault import keyslots
from noteapp.vault.format import (
    APPLICATION_ID,
    SCHEMA,
    SLOT_KEYCHAIN,
    SLOT_PASSPHRASE,
    SLOT_RECOVERY,
    Header,
    parse_header,
    record_ad,
)
from noteapp.vault.lockfile import VaultLock

# Kinds whose records use their own key (HIPAA psychotherapy notes are kept apart).
COMPARTMENT_PREFIXES = ("psychotherapy",)
_DECODE_BATCH = 512
_KIND_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


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


def _connect(path: Path, *, new: bool = False) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if not new:
            # Look before writing anything: an empty file or someone else's database must be
            # left exactly as it was (no WAL conversion, no new pages).
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                conn.close()
                raise VaultCorruptError(
                    "This file is not a noteapp vault, or it is damaged. Restore it from a backup."
                )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if sys.platform == "darwin":
            conn.execute("PRAGMA fullfsync=ON")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise VaultCorruptError(
            "The vault file is damaged or is not a noteapp vault. Restore it from a backup."
        ) from exc
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.DatabaseError as exc:
        raise VaultCorruptError("The file is damaged or is not a noteapp vault.") from exc


def _private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (SQLite then keeps those permissions
    for its -wal and -shm files)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


class Vault:
    """An open vault file. Locked (no keys in memory) until `unlock_*` succeeds."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock: VaultLock,
        header: Header,
        header_mac: bytes,
        clock: Clock,
    ) -> None:
        self.path = path
        self._conn = conn
        self._lock = lock
        self.header = header
        self._header_mac = header_mac
        self.clock = clock
        self._data_key: bytearray | None = None
        self._records: crypto.Aead | None = None
        self._compartment: crypto.Aead | None = None
        self._tx_depth = 0
        self._thread_lock = threading.RLock()
        self.failed_unlocks_before_this_one = 0

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, passphrase: str, *, params: Argon2Params, clock: Clock | None = None
    ) -> tuple[Vault, str]:
        """Create a vault; returns it unlocked, and the recovery key to show the user once."""
        clock = clock or SystemClock()
        path = Path(path)
        if path.exists():
            raise VaultExistsError("A vault already exists there; noteapp will not overwrite it.")
        if len(passphrase) < 1:
            raise InvalidInputError("The passphrase cannot be empty.")
        _private_file(path)
        lock = VaultLock(path)
        lock.acquire()
        try:
            conn = _connect(path, new=True)
            vault_id = new_id()
            data_key = bytearray(crypto.random_bytes(crypto.KEY_BYTES))
            recovery = keyslots.new_recovery_key()
            header = Header(
                vault_id=vault_id,
                created=clock.now().isoformat(timespec="seconds"),
                slots=(
                    keyslots.passphrase_slot(vault_id, passphrase, data_key, params),
                    keyslots.recovery_slot(vault_id, recovery, data_key),
                ),
            )
            raw = header.to_bytes()
            mac = crypto.hmac_sha256(_header_mac_key(data_key), raw)
            conn.execute("BEGIN IMMEDIATE")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute("PRAGMA user_version=1")
            conn.execute("INSERT INTO meta VALUES('header', ?)", (raw,))
            conn.execute("INSERT INTO meta VALUES('header_mac', ?)", (mac,))
            conn.execute("COMMIT")
        except BaseException:
            lock.release()
            path.unlink(missing_ok=True)
            raise
        vault = cls(path, conn, lock, header, mac, clock)
        vault._install_key(data_key)
        return vault, recovery

    @classmethod
    def open(cls, path: Path, *, clock: Clock | None = None, read_only: bool = False) -> Vault:
        """Open (locked) and check the header's shape and bounds; takes the writer lock.

        `read_only` is for backup snapshots: no lock file, no writes of any kind.
        """
        path = Path(path)
        if not path.is_file():
            raise VaultMissingError(f"No vault found at {path}. Create one with 'noteapp init'.")
        lock = VaultLock(path)
        if not read_only:
            lock.acquire()
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect_read_only(path) if read_only else _connect(path)
            header, mac = _read_header(conn)
        except BaseException:
            if conn is not None:
                conn.close()  # no -wal/-shm left beside a file we refused
            lock.release()
            raise
        return cls(path, conn, lock, header, mac, clock or SystemClock())

    def close(self) -> None:
        self.lock()
        try:
            self._conn.close()
        finally:
            self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keys --------------------------------------------------------------------------

    @property
    def vault_id(self) -> str:
        return self.header.vault_id

    @property
    def is_unlocked(self) -> bool:
        return self._data_key is not None

    def unlock_with_passphrase(self, passphrase: str) -> None:
        slot = self.header.slot(SLOT_PASSPHRASE)
        if slot is None:
            raise VaultCorruptError("The vault has no passphrase slot.")
        try:
            key = keyslots.open_passphrase_slot(slot, self.vault_id, passphrase)
        except WrongSecretError:
            self._count_failed_unlock()
            raise
        self._unlocked_with(key)

    def unlock_with_recovery_key(self, recovery_key: str) -> None:
        slot = self.header.slot(SLOT_RECOVERY)
        if slot is None:
            raise VaultCorruptError("The vault has no recovery-key slot.")
        try:
            key = keyslots.open_recovery_slot(slot, self.vault_id, recovery_key)
        except WrongSecretError:
            self._count_failed_unlock()
            raise
        self._unlocked_with(key)

    def unlock_with_device_key(self, device_key: bytes) -> None:
        slot = self.header.slot(SLOT_KEYCHAIN)
        if slot is None:
            raise WrongSecretError("This vault is not remembered on this device.")
        self._unlocked_with(keyslots.open_keychain_slot(slot, self.vault_id, device_key))

    def verify_key(self, data_key: bytes | bytearray) -> None:
        """Check a data key against this vault's header MAC (used by restore)."""
        expected = crypto.hmac_sha256(_header_mac_key(data_key), self.header.to_bytes())
        if not crypto.constant_time_equal(expected, self._header_mac):
            raise WrongSecretError("That key does not open this vault.")

    def _unlocked_with(self, key: bytearray) -> None:
        expected = crypto.hmac_sha256(_header_mac_key(key), self.header.to_bytes())
        if not crypto.constant_time_equal(expected, self._header_mac):
            crypto.wipe(key)
            raise VaultHeaderTamperedError(
                "The vault header failed its integrity check: the file was altered or damaged. "
                "Restore it from a backup."
            )
        self._install_key(key)
        row = self._conn.execute("SELECT value FROM meta WHERE key='failed_unlocks'").fetchone()
        self.failed_unlocks_before_this_one = int(row[0]) if row else 0
        if row:
            self._conn.execute("DELETE FROM meta WHERE key='failed_unlocks'")

    def _install_key(self, key: bytearray) -> None:
        self._data_key = key
        self._records = crypto.Aead(crypto.hkdf(key, b"noteapp v1 records"))
        self._compartment = crypto.Aead(crypto.hkdf(key, b"noteapp v1 compartment psychotherapy"))

    def _count_failed_unlock(self) -> None:
        # Counted in clear (no key yet); reported in the audit log at the next unlock.
        try:
            self._conn.execute(
                "INSERT INTO meta VALUES('failed_unlocks', 1) "
                "ON CONFLICT(key) DO UPDATE SET value = value + 1"
            )
        except sqlite3.DatabaseError:  # read-only snapshot, or a damaged file: nothing to count
            return

    def lock(self) -> None:
        """Drop the keys from memory (best effort in Python)."""
        if self._data_key is not None:
            crypto.wipe(self._data_key)
        self._data_key = None
        self._records = None
        self._compartment = None

    def _key(self) -> bytearray:
        if self._data_key is None:
            raise VaultLockedError("The vault is locked. Unlock it first.")
        return self._data_key

    def _cipher(self, kind: str) -> crypto.Aead:
        self._key()
        cipher = self._compartment if kind.startswith(COMPARTMENT_PREFIXES) else self._records
        assert cipher is not None
        return cipher

    def subkey(self, purpose: str) -> bytes:
        """A key derived from the data key for one named purpose (audit log, signing...)."""
        return crypto.hkdf(self._key(), b"noteapp v1 " + purpose.encode())

    # --- slots -------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, *, params: Argon2Params) -> None:
        """Re-wrap the data key under a new passphrase; records are untouched."""
        if not new_passphrase:
            raise InvalidInputError("The passphrase cannot be empty.")
        slot = keyslots.passphrase_slot(self.vault_id, new_passphrase, self._key(), params)
        self._write_header(self.header.with_slot(slot))

    def set_device_key(self, device_key: bytes | None) -> None:
        """Add (or with None remove) the slot for a key remembered in the OS keychain."""
        if device_key is None:
            self._write_header(self.header.without_slot(SLOT_KEYCHAIN))
        else:
            slot = keyslots.keychain_slot(self.vault_id, device_key, self._key())
            self._write_header(self.header.with_slot(slot))

    def _write_header(self, header: Header) -> None:
        raw = header.to_bytes()
        mac = crypto.hmac_sha256(_header_mac_key(self._key()), raw)
        with self.transaction():
            self._conn.execute("UPDATE meta SET value=? WHERE key='header'", (raw,))
            self._conn.execute("UPDATE meta SET value=? WHERE key='header_mac'", (mac,))
        self.header, self._header_mac = header, mac

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together, or not at all. Nests.

        One thread at a time: the desktop app signs and exports on worker threads, and two
        threads' writes must never interleave inside one SQLite transaction.
        """
        with self._thread_lock:
            if self._tx_depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            self._tx_depth += 1
            try:
                yield self._conn
            except BaseException:
                self._tx_depth -= 1
                if self._tx_depth == 0:
                    self._conn.execute("ROLLBACK")
                raise
            self._tx_depth -= 1
            if self._tx_depth == 0:
                self._conn.execute("COMMIT")

    @property
    def connection(self) -> sqlite3.Connection:
        """For the audit log and backups in this package only."""
        return self._conn

    # --- records -----------------------------------------------------------------------

    def put(
        self,
        kind: str,
        record_id: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> int:
        """Write a new version of a record; returns its version number (1 for a new one).

        `expected_version` guards against overwriting a change made since it was read.
        """
        _check_kind(kind)
        cipher = self._cipher(kind)
        try:
            plaintext = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        except (UnicodeEncodeError, TypeError, ValueError) as exc:
            raise InvalidInputError(
                "The text contains characters that cannot be stored (e.g. a broken emoji)."
            ) from exc
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT version FROM records WHERE kind=? AND id=? AND +latest=1", (kind, record_id)
            ).fetchone()
            current = row[0] if row else 0
            if expected_version is not None and expected_version != current:
                raise RefusedError("This record was changed elsewhere; reload it and try again.")
            version = current + 1
            blob = cipher.encrypt(plaintext, record_ad(self.vault_id, kind, record_id, version))
            if row:
                conn.execute(
                    "UPDATE records SET latest=0 WHERE kind=? AND id=? AND +latest=1",
                    (kind, record_id),
                )
            conn.execute(
                "INSERT INTO records(kind, id, version, latest, blob) VALUES(?,?,?,1,?)",
                (kind, record_id, version, blob),
            )
        return version

    def _decrypt(self, kind: str, record_id: str, version: int, blob: bytes) -> StoredRecord:
        if not isinstance(blob, bytes):  # a hostile edit can store TEXT or numbers in the cell
            raise RecordIntegrityError(
                f"Record {kind}/{record_id[:8]} (version {version}) is damaged and cannot be "
                "decrypted. It was not loaded; restore the vault from a backup.",
                kind=kind,
                record_id=record_id,
            )
        try:
            plaintext = self._cipher(kind).decrypt(
                blob, record_ad(self.vault_id, kind, record_id, version)
            )
            data = json.loads(plaintext)
        except (DecryptionError, ValueError) as exc:
            raise self._integrity_error(kind, record_id, version, blob) from exc
        return StoredRecord(kind, record_id, version, data)

    def _integrity_error(
        self, kind: str, record_id: str, version: int, blob: bytes
    ) -> RecordIntegrityError:
        # Tell a swapped or replayed row from plain damage: does the ciphertext open under
        # the place of another row of the same kind? Runs only on failure, bounded.
        rows = self._conn.execute(
            "SELECT id, version FROM records WHERE kind=? LIMIT 5000", (kind,)
        ).fetchall()
        cipher = self._cipher(kind)
        for other_id, other_version in rows:
            if (other_id, other_version) == (record_id, version):
                continue
            try:
                cipher.decrypt(blob, record_ad(self.vault_id, kind, other_id, other_version))
            except DecryptionError:
                continue
            return RecordIntegrityError(
                f"Record {kind}/{record_id[:8]} holds the data of another record "
                f"({kind}/{other_id[:8]}): rows were swapped or replayed. It was not loaded; "
                "restore the vault from a backup.",
                kind=kind,
                record_id=record_id,
            )
        return RecordIntegrityError(
            f"Record {kind}/{record_id[:8]} (version {version}) is damaged and cannot be "
            "decrypted. It was not loaded; restore the vault from a backup.",
            kind=kind,
            record_id=record_id,
        )

    def get(self, kind: str, record_id: str) -> StoredRecord:
        """The latest version; NotFoundError if none; RecordIntegrityError if damaged."""
        self._key()
        row = self._conn.execute(
            "SELECT version, CAST(blob AS BLOB) FROM records WHERE kind=? AND id=? AND +latest=1",
            (kind, record_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"No {kind} with id {record_id[:12]}.")
        return self._decrypt(kind, record_id, row[0], row[1])

    def exists(self, kind: str, record_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM records WHERE kind=? AND id=? LIMIT 1", (kind, record_id)
        ).fetchone()
        return row is not None

    def history(self, kind: str, record_id: str) -> list[StoredRecord]:
        """Every version, oldest first. Damaged versions raise (history must be complete)."""
        self._key()
        rows = self._conn.execute(
            "SELECT version, CAST(blob AS BLOB) FROM records "
            "WHERE kind=? AND id=? ORDER BY version",
            (kind, record_id),
        ).fetchall()
        return [self._decrypt(kind, record_id, v, b) for v, b in rows]

    def load_kind(self, kind: str) -> LoadResult:
        """The latest version of every record of a kind, in write order."""
        self._key()
        records: list[StoredRecord] = []
        failures: list[RecordIntegrityError] = []
        cursor = self._conn.execute(
            "SELECT id, version, CAST(blob AS BLOB) FROM records "
            "WHERE latest=1 AND kind=? ORDER BY seq",
            (kind,),
        )
        cipher = self._cipher(kind)
        batch: list[tuple[str, int, bytes]] = []
        for record_id, version, blob in cursor:
            try:
                if not isinstance(blob, bytes):
                    raise DecryptionError("not a blob")
                plaintext = cipher.decrypt(blob, record_ad(self.vault_id, kind, record_id, version))
            except DecryptionError:
                failures.append(self._integrity_error(kind, record_id, version, blob))
                continue
            batch.append((record_id, version, plaintext))
            if len(batch) >= _DECODE_BATCH:
                self._decode_batch(kind, batch, records, failures)
                batch = []
        self._decode_batch(kind, batch, records, failures)
        return LoadResult(records, failures)

    def _decode_batch(
        self,
        kind: str,
        batch: list[tuple[str, int, bytes]],
        records: list[StoredRecord],
        failures: list[RecordIntegrityError],
    ) -> None:
        """Decode many records with one json.loads of an array: the decoder then shares one
        string object per dict key across the batch (a large memory saving at 50k notes)."""
        if not batch:
            return
        try:
            values = json.loads(b"[" + b",".join(p for _i, _v, p in batch) + b"]")
        except ValueError:
            values = None
        if isinstance(values, list) and len(values) == len(batch):
            records.extend(
                StoredRecord(kind, i, v, d) for (i, v, _p), d in zip(batch, values, strict=True)
            )
            return
        for record_id, version, plaintext in batch:  # one bad record: find it, keep the rest
            try:
                records.append(StoredRecord(kind, record_id, version, json.loads(plaintext)))
            except ValueError:
                failures.append(
                    RecordIntegrityError(
                        f"Record {kind}/{record_id[:8]} (version {version}) is damaged and "
                        "cannot be read. It was not loaded; restore the vault from a backup.",
                        kind=kind,
                        record_id=record_id,
                    )
                )

    def kinds(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT kind FROM records")]

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

    def delete(self, kind: str, record_id: str) -> int:
        """Remove every version of a record (callers confirm and back up first)."""
        self._key()
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM records WHERE kind=? AND id=?", (kind, record_id))
        return cur.rowcount

    def verify_all(self, *, progress: Progress | None = None) -> list[RecordIntegrityError]:
        """Decrypt every version of every record; the failures (used to verify backups)."""
        self._key()
        failures = []
        rows = self._conn.execute(
            "SELECT kind, id, version, CAST(blob AS BLOB) FROM records ORDER BY seq"
        ).fetchall()
        for done, (kind, record_id, version, blob) in enumerate(rows):
            if progress is not None and done % 500 == 0:
                progress(done, len(rows))
            try:
                self._decrypt(kind, record_id, version, blob)
            except RecordIntegrityError as err:
                failures.append(err)
        return failures


def _header_mac_key(data_key: bytes | bytearray) -> bytes:
    return crypto.hkdf(data_key, b"noteapp v1 header mac")


def _read_header(conn: sqlite3.Connection) -> tuple[Header, bytes]:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('header', 'header_mac')"
            ).fetchall()
        )
    except sqlite3.DatabaseError as exc:
        raise VaultCorruptError(
            "The vault file is damaged or is not a noteapp vault. Restore it from a backup."
        ) from exc
    if app_id != APPLICATION_ID or "header" not in rows or "header_mac" not in rows:
        raise VaultCorruptError("This file is not a noteapp vault, or its header is missing.")
    raw, mac = rows["header"], rows["header_mac"]
    if not isinstance(raw, bytes) or not isinstance(mac, bytes) or len(mac) != 32:
        raise VaultCorruptError("The vault header is damaged.")
    return parse_header(raw), mac
