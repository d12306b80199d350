"""Upgrading a vault to the current format, crash-safe.

The upgrade reads every record version with the old format's reader, passes it through one
step per format change (STEPS[n]: format n → n+1; a later format adds its step and its
writer here), and writes a complete new file of the current format beside the vault under a
temporary name. That file is verified in full — opened with the vault's key, every version's
plaintext compared with the original, every chain and the record of what is current checked,
the audit log carried byte for byte — and only then swapped in with one rename. The previous
file is kept beside the vault (`NAME.v1-backup.noteapp`) and the report says where.

A process killed at any moment leaves the old file untouched at the vault's path (the next
unlock starts over, removing the temporary file) or the complete new file there. A version
the old file could not decrypt is carried byte for byte: it stays reported as damaged, and
the kept file still holds it as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.domain.errors import (
    RecordIntegrityError,
    VaultCorruptError,
    VaultLockedError,
)
from noteapp.vault import files
from noteapp.vault.format import FORMAT_VERSION, TAG_BYTES, record_ad, record_ad_v2
from noteapp.vault.header_io import write_header
from noteapp.vault.state import VaultState
from noteapp.vault.store import Vault

NOT_VERIFIED = (
    "noteapp could not upgrade this vault: the new file did not verify ({what}). The vault "
    "was left exactly as it was."
)
_META_REBUILT = {"header", "header_mac", "header_sha256", "state", "failed_unlocks"}


@dataclass(frozen=True)
class RecordVersion:
    """One stored version on its way to the new format."""

    seq: int
    kind: str
    id: str
    version: int
    latest: bool
    plaintext: bytes | None  # None: the old file could not decrypt it (carried as `raw`)
    raw: bytes


Step = Callable[[RecordVersion], RecordVersion]


def _container_only(record: RecordVersion) -> RecordVersion:
    return record


# What a record version's data becomes from format n to n+1. 1 → 2 changed the container
# only (chained associated data, the state); records are re-encrypted as they are.
STEPS: dict[int, Step] = {1: _container_only}


@dataclass(frozen=True)
class UpgradeReport:
    from_version: int
    to_version: int
    kept_as: Path  # the previous file, beside the vault
    versions: int
    unreadable: int  # versions carried byte for byte because the old file could not read them


def upgrade(vault: Vault) -> UpgradeReport | None:
    """Bring an unlocked, writable vault to FORMAT_VERSION; None if it already is."""
    start = vault.format_version
    if start >= FORMAT_VERSION:
        return None
    if not vault.is_unlocked:
        raise VaultLockedError("The vault is locked. Unlock it first.")
    real = vault.real_path
    work = real.with_name(f".{real.name}.upgrading")
    files.remove_quietly(work)  # a killed upgrade's leftover (we hold the vault's lock)
    with files.named_storage_errors(real):
        expected = _build(vault, work)
        try:
            _verify(vault, work, expected)
        except BaseException:
            files.remove_quietly(work)
            raise
        kept = _kept_name(real, start)
        vault.release_file()
        try:
            if Path(f"{real}-wal").exists() and Path(f"{real}-wal").stat().st_size:
                raise VaultCorruptError(NOT_VERIFIED.format(what="the old file is still busy"))
            _keep(real, kept)
            os.replace(work, real)
            files.fsync_dir(real.parent)
        except BaseException:
            files.remove_quietly(work)
            vault.reattach_file()  # back on the old file, untouched
            raise
    vault.reattach_file()
    unreadable = sum(1 for digest in expected.values() if digest[0] == 0)
    return UpgradeReport(start, FORMAT_VERSION, kept, len(expected), unreadable)


def _source_versions(vault: Vault) -> Iterator[RecordVersion]:
    """Every version as the old format reads it, by record and version (seq kept)."""
    conn = vault.connection
    current = {
        (kind, record_id): version
        for kind, record_id, version in conn.execute(
            "SELECT kind, id, MAX(version) FROM records WHERE latest=1 GROUP BY kind, id"
        )
    }
    for seq, kind, record_id, version, raw in conn.execute(
        "SELECT seq, kind, id, version, CAST(blob AS BLOB) FROM records ORDER BY kind, id, version"
    ):
        raw = raw if isinstance(raw, bytes) else b""
        try:
            # Format 1 is the only older format; its reader is kept exactly as shipped.
            plaintext: bytes | None = vault.cipher_for(kind).decrypt(
                raw, record_ad(vault.vault_id, kind, record_id, version)
            )
        except DecryptionError:
            plaintext = None
        latest = current.get((kind, record_id)) == version
        yield RecordVersion(seq, kind, record_id, version, latest, plaintext, raw)


def _place(record: RecordVersion) -> tuple[int, str, str, int, int]:
    return (record.seq, record.kind, record.id, record.version, int(record.latest))


def _fingerprint(record: RecordVersion) -> tuple[int, bytes]:
    """(1, sha256 of the plaintext) for a readable version, (0, sha256 of the bytes) else."""
    if record.plaintext is None:
        return 0, crypto.sha256(record.raw)
    return 1, crypto.sha256(record.plaintext)


def _build(vault: Vault, work: Path) -> dict[tuple[str, str, int], tuple[int, bytes]]:
    """Write the new file; returns what each version must read back as."""
    raw_header, mac = vault.seal_header(replace(vault.header, format_version=FORMAT_VERSION))
    keys = vault.new_state_keys()
    source = vault.connection
    expected: dict[tuple[str, str, int], tuple[int, bytes]] = {}

    def fill(conn: sqlite3.Connection) -> None:
        write_header(conn, raw_header, mac)
        for key, value in source.execute("SELECT key, value FROM meta"):
            if key not in _META_REBUILT:  # the audit head, carried as it is
                conn.execute("INSERT INTO meta VALUES(?, ?)", (key, value))
        conn.executemany(
            "INSERT INTO audit(seq, blob) VALUES(?, ?)",
            source.execute("SELECT seq, blob FROM audit ORDER BY seq"),
        )
        state = VaultState(generation=1)
        previous: tuple[str, str] | None = None
        prev_tag = b""
        for record in _source_versions(vault):
            for step in range(vault.format_version, FORMAT_VERSION):
                record = STEPS[step](record)
            if (record.kind, record.id) != previous:
                previous, prev_tag = (record.kind, record.id), b""
            if record.plaintext is None:
                blob = record.raw
                tag = blob[-TAG_BYTES:].rjust(TAG_BYTES, b"\0")
            else:
                ad = record_ad_v2(vault.vault_id, record.kind, record.id, record.version, prev_tag)
                blob = vault.cipher_for(record.kind).encrypt(record.plaintext, ad)
                tag = blob[-TAG_BYTES:]
            conn.execute(
                "INSERT INTO records(seq, kind, id, version, latest, prev_tag, tag, blob) "
                "VALUES(?,?,?,?,?,?,?,?)",
                (*_place(record), prev_tag, tag, blob),
            )
            if record.latest:
                element = keys.element(record.kind, record.id, record.version, tag)
                state = state.replacing(record.kind, None, element)
            expected[(record.kind, record.id, record.version)] = _fingerprint(record)
            prev_tag = tag
        conn.execute("INSERT INTO meta VALUES('state', ?)", (keys.seal(state),))
        conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")

    files.build_file(work, fill)
    return expected


def _verify(
    vault: Vault, work: Path, expected: dict[tuple[str, str, int], tuple[int, bytes]]
) -> None:
    """Open the new file with the vault's key and read everything back with the new reader."""
    try:
        copy = vault.open_copy(work)
    except Exception as exc:
        raise VaultCorruptError(NOT_VERIFIED.format(what="it does not open")) from exc
    try:
        if copy.format_version != FORMAT_VERSION or copy.vault_id != vault.vault_id:
            raise VaultCorruptError(NOT_VERIFIED.format(what="wrong format"))
        try:
            copy.verify_all()  # what is current, every chain
        except Exception as exc:
            raise VaultCorruptError(NOT_VERIFIED.format(what="its records")) from exc
        seen = 0
        for kind, record_id, version, prev_tag, tag, blob in copy.connection.execute(
            "SELECT kind, id, version, prev_tag, tag, CAST(blob AS BLOB) FROM records"
        ):
            try:
                found = (
                    1,
                    crypto.sha256(copy.open_version(kind, record_id, version, blob, prev_tag, tag)),
                )
            except RecordIntegrityError:
                found = (0, crypto.sha256(blob))
            if expected.get((kind, record_id, version)) != found:
                raise VaultCorruptError(NOT_VERIFIED.format(what="a record differs"))
            seen += 1
        if seen != len(expected):
            raise VaultCorruptError(NOT_VERIFIED.format(what="records are missing"))
        for table, order in (("audit", "seq"), ("meta WHERE key='audit_head'", "key")):
            ours = vault.connection.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            theirs = copy.connection.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            if ours != theirs:
                raise VaultCorruptError(NOT_VERIFIED.format(what="the audit log differs"))
    finally:
        copy.close()


def _kept_name(real: Path, version: int) -> Path:
    """Where the previous file is kept: never over another file, except our own hard link
    from an upgrade killed between keeping and swapping (the same file as the vault)."""
    stem, suffix = real.stem, real.suffix
    n = 0
    while True:
        name = f"{stem}.v{version}-backup{'-' + str(n) if n else ''}{suffix}"
        candidate = real.with_name(name)
        if not os.path.lexists(candidate):
            return candidate
        if os.path.samefile(candidate, real):
            candidate.unlink()
            return candidate
        n += 1


def _keep(real: Path, kept: Path) -> None:
    """The old file under its kept name as well: a hard link (instant, atomic), else a copy."""
    try:
        os.link(real, kept)
    except FileExistsError:
        raise
    except OSError:
        partial = kept.with_name(f".{kept.name}.partial")
        files.remove_quietly(partial)
        shutil.copyfile(real, partial)
        os.chmod(partial, 0o600)
        files.fsync_file(partial)
        files.link_into_place(partial, kept)
    files.fsync_dir(real.parent)
