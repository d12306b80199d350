"""Reading and writing the header rows of the `meta` table (format 1 and format 2).

Format 2 adds an unkeyed checksum (`header_sha256`), checked before the header is parsed or
any key derivation runs; the header MAC (keyed by the data key) is checked after unlocking,
as in format 1.
"""

from __future__ import annotations

import sqlite3

from noteapp import crypto
from noteapp.domain.errors import (
    UnsupportedVersionError,
    VaultCorruptError,
    VaultHeaderDamagedError,
)
from noteapp.vault.files import DAMAGED_MESSAGE, storage_error
from noteapp.vault.format import (
    APPLICATION_ID,
    FORMAT_VERSION,
    Header,
    header_checksum,
    parse_header,
)

HEADER_DAMAGED_MESSAGE = (
    "The vault header is damaged: it fails its checksum, so no passphrase was tried. "
    "Restore the vault from a backup."
)


def header_mac_key(data_key: bytes | bytearray) -> bytes:
    return crypto.hkdf(data_key, b"noteapp v1 header mac")


def header_mac(data_key: bytes | bytearray, raw: bytes) -> bytes:
    return crypto.hmac_sha256(header_mac_key(data_key), raw)


def read_header(conn: sqlite3.Connection) -> tuple[Header, bytes]:
    """The parsed, bound-checked header and its MAC; raises a typed error for anything off."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        file_format = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('header', 'header_mac', 'header_sha256')"
            ).fetchall()
        )
    except sqlite3.DatabaseError as exc:
        raise storage_error(exc) or VaultCorruptError(DAMAGED_MESSAGE) from exc
    if app_id != APPLICATION_ID or "header" not in rows or "header_mac" not in rows:
        raise VaultCorruptError("This file is not a noteapp vault, or its header is missing.")
    if isinstance(file_format, int) and file_format > FORMAT_VERSION:
        raise UnsupportedVersionError(
            f"This vault was written by a newer noteapp (format {file_format}); "
            "update noteapp to open it."
        )
    raw, mac = rows["header"], rows["header_mac"]
    if not isinstance(raw, bytes) or not isinstance(mac, bytes) or len(mac) != 32:
        raise VaultCorruptError("The vault header is damaged.")
    if file_format >= 2:
        checksum = rows.get("header_sha256")
        if not isinstance(checksum, bytes) or not crypto.constant_time_equal(
            checksum, header_checksum(raw)
        ):
            raise VaultHeaderDamagedError(HEADER_DAMAGED_MESSAGE)
    header = parse_header(raw)
    if header.format_version != file_format:
        # A format-2 file whose header claims format 1 would skip the checksum: refused.
        raise VaultCorruptError(
            "The vault header does not match the file's format; the file is damaged. "
            "Restore it from a backup."
        )
    return header, mac


def write_header(conn: sqlite3.Connection, raw: bytes, mac: bytes) -> None:
    """Insert or replace the format-2 header rows (inside the caller's transaction)."""
    upsert = "INSERT INTO meta VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"
    conn.execute(upsert, ("header", raw))
    conn.execute(upsert, ("header_mac", mac))
    conn.execute(upsert, ("header_sha256", header_checksum(raw)))
