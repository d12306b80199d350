"""The vault file: opening, creating, unlocking, transactions, and what is current.

One process at a time holds a vault open (a lock on its real path). What is current is
authenticated (state.py): every kind read is checked against the encrypted state, so a
rolled-back or removed version is refused, never shown; every write transaction raises the
generation. Writes are SQLite transactions in WAL mode with synchronous=FULL, so a save
reported as done survives a crash or power cut; a full disk or a busy file is named as such.

Format 1 files are read exactly as before and never written: noteapp upgrades them to
format 2 when they are unlocked for use (migrate.py).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Self

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import Clock, SystemClock
from noteapp.domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    RefusedError,
    VaultCorruptError,
    VaultExistsError,
    VaultHeaderTamperedError,
    VaultLockedError,
    VaultMissingError,
    WrongSecretError,
)
from noteapp.domain.progress import Progress
from noteapp.vault import files, keyslots
from noteapp.vault.creation import EXISTS_MESSAGE, create_file
from noteapp.vault.format import (
    FORMAT_VERSION,
    SLOT_KEYCHAIN,
    SLOT_PASSPHRASE,
    SLOT_RECOVERY,
    Header,
)
from noteapp.vault.header_io import header_mac, read_header, write_header
from noteapp.vault.lockfile import VaultLock
from noteapp.vault.reading import rolled_back_error
from noteapp.vault.state import KindDigest, StateKeys, VaultState

# Kinds whose records use their own key (HIPAA psychotherapy notes are kept apart).
COMPARTMENT_PREFIXES = ("psychotherapy",)
VAULT_CHANGED_ELSEWHERE = (
    "This vault was changed by another noteapp window or command after it was opened here; "
    "nothing was saved. Close it and open it again."
)
OLD_FORMAT_READ_ONLY = (
    "This vault is in an older format; noteapp upgrades it when it is opened for use and "
    "never writes the old format."
)
STATE_DAMAGED = (
    "The vault's record of its current versions is missing or fails its check: the file "
    "was altered or damaged outside noteapp. Restore it from a backup."
)


class VaultFile:
    """An open vault file: its keys, header, transactions and record of what is current.
    Locked (no keys in memory) until `unlock_*` succeeds. Records: `store.Vault`."""

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
        self._state_keys: StateKeys | None = None
        self._state: VaultState | None = None
        self._state_blob: object = None  # as last read or written: another writer changes it
        self._state_at_begin: VaultState | None = None
        self._changes_at_begin = 0
        self._checked_kinds: set[str] = set()
        self._blobs: crypto.Aead | None = None
        self._compartment_blobs: crypto.Aead | None = None
        self._undo: list[Callable[[], None]] = []
        self._tx_depth = 0
        # Called with (kind, id) whenever a record's current version changes, by any path
        # (the services, a sync, an import), and again if that is rolled back: what keeps
        # derived data (the search index) current without trusting every writer to say so.
        self.watchers: list[Callable[[str, str], None]] = []
        self._thread_lock = threading.RLock()
        self.failed_unlocks_before_this_one = 0
        self.failed_unlock_counter_altered = False
        self._forget_cache()

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, passphrase: str, *, params: Argon2Params, clock: Clock | None = None
    ) -> tuple[Self, str]:
        """Create a vault; returns it unlocked, and the recovery key to show the user once.

        It appears at `path` complete, or not at all (creation.py).
        """
        clock = clock or SystemClock()
        path = Path(path)
        if os.path.lexists(path):
            raise VaultExistsError(EXISTS_MESSAGE)
        if len(passphrase) < 1:
            raise InvalidInputError("The passphrase cannot be empty.")
        with files.named_storage_errors(path.parent.parent):
            files.private_folder(path.parent)
        lock = VaultLock(path)
        lock.acquire()
        try:
            real = Path(os.path.realpath(path))
            made = create_file(real, passphrase, params, clock)
            conn = files.connect(real)
        except BaseException:
            lock.release()
            raise
        vault = cls(path, conn, lock, made.header, made.mac, clock)
        vault._install_key(made.data_key)
        return vault, made.recovery_key

    @classmethod
    def open(cls, path: Path, *, clock: Clock | None = None, read_only: bool = False) -> Self:
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
            real = Path(os.path.realpath(path))
            conn = files.connect_read_only(real) if read_only else files.connect(real)
            header, mac = read_header(conn)
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keys --------------------------------------------------------------------------

    @property
    def vault_id(self) -> str:
        return self.header.vault_id

    @property
    def format_version(self) -> int:
        return self.header.format_version

    @property
    def real_path(self) -> Path:
        """The file itself, symlinks resolved (what is locked, replaced and backed up)."""
        return Path(os.path.realpath(self.path))

    @property
    def generation(self) -> int | None:
        """Raised by every write transaction (format 2, unlocked); None otherwise."""
        return self._state.generation if self._state is not None else None

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
        expected = header_mac(data_key, self.header.to_bytes())
        if not crypto.constant_time_equal(expected, self._header_mac):
            raise WrongSecretError("That key does not open this vault.")

    def _unlocked_with(self, key: bytearray) -> None:
        expected = header_mac(key, self.header.to_bytes())
        if not crypto.constant_time_equal(expected, self._header_mac):
            crypto.wipe(key)
            raise VaultHeaderTamperedError(
                "The vault header failed its integrity check: the file was altered or damaged. "
                "Restore it from a backup."
            )
        self._install_key(key)
        row = self._conn.execute("SELECT value FROM meta WHERE key='failed_unlocks'").fetchone()
        count = _failed_count(row[0]) if row else 0
        # Kept in clear (no key before an unlock), so anyone holding the file can write
        # anything there: what is not a count noteapp wrote is dropped, and said so.
        self.failed_unlocks_before_this_one = count or 0
        self.failed_unlock_counter_altered = count is None
        if row:
            # Best effort: on a full disk the count is simply reported again next time.
            with suppress(sqlite3.DatabaseError):
                self._conn.execute("DELETE FROM meta WHERE key='failed_unlocks'")

    def _install_key(self, key: bytearray) -> None:
        self._data_key = key
        self._records = crypto.Aead(crypto.hkdf(key, b"noteapp v1 records"))
        self._compartment = crypto.Aead(crypto.hkdf(key, b"noteapp v1 compartment psychotherapy"))
        if self.format_version >= 2:
            self._blobs = crypto.Aead(crypto.hkdf(key, b"noteapp v2 blobs"))
            # Blobs named for the psychotherapy compartment (its search index) under a key
            # of that compartment, like its records.
            self._compartment_blobs = crypto.Aead(
                crypto.hkdf(key, b"noteapp v2 blobs compartment psychotherapy")
            )
            self._state_keys = StateKeys(key, self.vault_id)
            self._load_state()

    def _load_state(self) -> None:
        assert self._state_keys is not None
        row = self._conn.execute("SELECT value FROM meta WHERE key='state'").fetchone()
        blob = row[0] if row else None
        try:
            state = self._state_keys.open(blob)
        except ValueError:
            self.lock()
            raise VaultCorruptError(STATE_DAMAGED) from None
        self._state, self._state_blob = state, blob
        self._forget_cache()

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
        self._state_keys = None
        self._state = None
        self._blobs = None
        self._compartment_blobs = None
        self._forget_cache()

    def _forget_cache(self) -> None:
        """Drop what was checked or decrypted for this session (the record lists: current.py)."""
        self._checked_kinds.clear()

    def _key(self) -> bytearray:
        if self._data_key is None:
            raise VaultLockedError("The vault is locked. Unlock it first.")
        return self._data_key

    def cipher_for(self, kind: str) -> crypto.Aead:
        """The record cipher of a kind (psychotherapy notes have their own key)."""
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
        mac = header_mac(self._key(), raw)
        with self.transaction() as conn:
            write_header(conn, raw, mac)
        self.header, self._header_mac = header, mac

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together, or not at all. Nests.

        One thread at a time: the desktop app signs and exports on worker threads, and two
        threads' writes must never interleave inside one SQLite transaction. The outermost
        commit writes the new state (generation + 1) when anything changed; a full disk or a
        busy file is reported as such, with nothing saved.
        """
        with self._thread_lock:
            outer = self._tx_depth == 0
            if outer:
                self._begin()
            self._tx_depth += 1
            try:
                yield self._conn
            except BaseException as exc:
                self._tx_depth -= 1
                if outer:
                    self._rollback()
                    mapped = files.storage_error(exc, self.real_path)
                    if mapped is not None:
                        raise mapped from exc
                raise
            self._tx_depth -= 1
            if outer:
                self._commit()

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Call `undo` if the transaction now open is rolled back (e.g. to forget a version a
        cache took for saved); nothing when none is open, since then nothing can roll back."""
        if self._tx_depth:
            self._undo.append(undo)

    def _begin(self) -> None:
        if self.format_version < FORMAT_VERSION:
            raise RefusedError(OLD_FORMAT_READ_ONLY)
        with files.named_storage_errors(self.real_path):
            self._conn.execute("BEGIN IMMEDIATE")
        if self._state is not None:
            # Another process wrote since we last read or wrote (e.g. through a second name
            # of the file that the lock did not cover): refuse rather than overwrite its work.
            row = self._conn.execute("SELECT value FROM meta WHERE key='state'").fetchone()
            if row is None or row[0] != self._state_blob:
                self._conn.execute("ROLLBACK")
                raise ConcurrentChangeError(VAULT_CHANGED_ELSEWHERE)
        self._state_at_begin = self._state
        self._changes_at_begin = self._conn.total_changes
        self._undo = []

    def _commit(self) -> None:
        try:
            new_state: VaultState | None = None
            blob = b""
            if self._state is not None:
                self._before_commit()
            if self._state is not None and self._conn.total_changes != self._changes_at_begin:
                assert self._state_keys is not None
                new_state = self._state.next_generation()
                blob = self._state_keys.seal(new_state)
                self._conn.execute("UPDATE meta SET value=? WHERE key='state'", (blob,))
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            mapped = files.storage_error(exc, self.real_path)
            if mapped is not None:
                raise mapped from exc
            raise
        if new_state is not None:
            self._state, self._state_blob = new_state, blob
        self._undo = []

    def _before_commit(self) -> None:
        """Write what this transaction changed in memory (the record lists: current.py)."""

    def _after_rollback(self) -> None:
        """Forget what a rolled-back transaction changed in memory (current.py)."""

    def _rollback(self) -> None:
        with suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")
        if self._state is not None:
            self._state = self._state_at_begin
        self._after_rollback()
        undo, self._undo = self._undo, []
        for step in reversed(undo):
            step()

    @property
    def connection(self) -> sqlite3.Connection:
        """For the audit log and backups in this package only."""
        return self._conn

    @property
    def change_count(self) -> int:
        """How many rows this session has written: lets a backup tell whether anything
        changed since the last one."""
        return self._conn.total_changes

    def write_snapshot(self, dest: Path, *, progress: Progress | None = None) -> None:
        """A consistent encrypted copy of the whole file at `dest` (SQLite's backup API);
        `progress` hears the pages copied and may stop it (`Cancelled`: no file)."""
        from noteapp.vault import backup

        with files.named_storage_errors(Path(dest)):
            backup.write_snapshot(self._conn, Path(dest), progress=progress)

    def stored_blob(self, kind: str, record_id: str) -> bytes | None:
        """The encrypted bytes of a record's newest version, read without the key (to find
        which backup holds another copy of a damaged record)."""
        from noteapp.vault import snapshots

        return snapshots.newest_blob(self._conn, (kind, record_id))

    # --- what is current (format 2) ----------------------------------------------------

    def _compare(self, kind: str, found: KindDigest) -> None:
        assert self._state is not None
        if found == self._state.of(kind):
            self._checked_kinds.add(kind)
            return
        row = self._conn.execute("SELECT value FROM meta WHERE key='state'").fetchone()
        if row is None or row[0] != self._state_blob:
            raise ConcurrentChangeError(VAULT_CHANGED_ELSEWHERE)
        raise rolled_back_error(kind)

    # --- other files of this vault, and replacing the file (vault.migrate) ---------------

    def seal_header(self, header: Header) -> tuple[bytes, bytes]:
        """A header's bytes and its MAC under this vault's key."""
        raw = header.to_bytes()
        return raw, header_mac(self._key(), raw)

    def new_state_keys(self) -> StateKeys:
        return StateKeys(self._key(), self.vault_id)

    def open_copy(self, path: Path) -> Self:
        """Open another file of this vault read-only and unlock it with this vault's key
        (an upgraded copy, to verify it before it replaces anything)."""
        copy = self.open(path, clock=self.clock, read_only=True)
        try:
            copy._unlocked_with(bytearray(self._key()))
        except BaseException:
            copy.close()
            raise
        return copy

    def release_file(self) -> None:
        """Checkpoint and close the connection so the file alone is the whole database (its
        WAL folded in and removed); the lock and the keys stay."""
        with suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()

    def reattach_file(self) -> None:
        """Connect again to the (new) file at this path and check it against the keys."""
        self._conn = files.connect(self.real_path)
        header, mac = read_header(self._conn)
        key = self._key()
        if not crypto.constant_time_equal(header_mac(key, header.to_bytes()), mac):
            raise VaultHeaderTamperedError("The upgraded vault failed its integrity check.")
        self.header, self._header_mac = header, mac
        self._install_key(key)


MAX_FAILED_UNLOCKS = 10**9


def _failed_count(value: object) -> int | None:
    """The clear failed-unlock counter as `_count_failed_unlock` writes it (an integer from 0
    to 10**9), or None for anything else (text, a real, a number too large to be counts)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_FAILED_UNLOCKS:
        return value
    return None
