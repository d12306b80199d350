"""Creating a vault file: the key derivation first, the whole file under a temporary name in
the same folder, and only then the final name (never over an existing file).

A process killed at any moment leaves nothing at the vault's path — so the next `init` is
not blocked and no command calls an empty file a damaged vault — or a complete vault.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.clock import Clock
from noteapp.domain.errors import VaultExistsError
from noteapp.domain.ids import new_id
from noteapp.vault import files, keyslots
from noteapp.vault.format import FORMAT_VERSION, Header
from noteapp.vault.header_io import header_mac, write_header
from noteapp.vault.state import StateKeys, VaultState

EXISTS_MESSAGE = "A vault already exists there; noteapp will not overwrite it."


@dataclass(frozen=True)
class NewVault:
    header: Header
    mac: bytes
    data_key: bytearray
    recovery_key: str

    def __repr__(self) -> str:  # never the keys
        return f"NewVault(vault_id={self.header.vault_id!r})"


def leftovers(real: Path) -> list[Path]:
    """Temporary files of a killed `init` for this path (removed under the vault's lock)."""
    return list(real.parent.glob(f".{real.name}.*.creating"))


def create_file(real: Path, passphrase: str, params: Argon2Params, clock: Clock) -> NewVault:
    """Build a complete format-2 vault and give it the name `real` (the caller holds the lock
    for that path). Raises VaultExistsError, and never replaces a file."""
    if os.path.lexists(real):
        raise VaultExistsError(EXISTS_MESSAGE)
    for leftover in leftovers(real):
        files.remove_quietly(leftover)
    vault_id = new_id()
    data_key = bytearray(crypto.random_bytes(crypto.KEY_BYTES))
    recovery = keyslots.new_recovery_key()
    header = Header(
        vault_id=vault_id,
        created=clock.now().isoformat(timespec="seconds"),
        slots=(
            keyslots.passphrase_slot(vault_id, passphrase, data_key, params),  # the KDF
            keyslots.recovery_slot(vault_id, recovery, data_key),
        ),
    )
    raw = header.to_bytes()
    mac = header_mac(data_key, raw)
    state_blob = StateKeys(data_key, vault_id).seal(VaultState())

    def fill(conn: sqlite3.Connection) -> None:
        write_header(conn, raw, mac)
        conn.execute("INSERT INTO meta VALUES('state', ?)", (state_blob,))
        conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")

    built = real.with_name(f".{real.name}.{secrets.token_hex(6)}.creating")
    files.build_file(built, fill)
    files.link_into_place(built, real)
    return NewVault(header, mac, data_key, recovery)
