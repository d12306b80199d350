"""A faithful writer of vault format 1 for tests (noteapp itself never writes format 1 any
more). It lays records out exactly as format 1 did — schema, header, header MAC, associated
data — so a test can make a v1 vault of any size; the golden files in tests/data prove the
layout (tests/core/test_vault_upgrade.py checks this writer against them)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.domain.ids import new_id
from noteapp.vault import keyslots
from noteapp.vault.format import APPLICATION_ID, SCHEMA_V1, Header, record_ad
from noteapp.vault.header_io import header_mac


def write_v1_vault(
    path: Path,
    passphrase: str,
    writes: Iterable[tuple[str, str, dict[str, Any]]],
    *,
    params: Argon2Params,
    created: str = "2026-01-05T09:00:00+00:00",
) -> str:
    """A new format-1 vault holding `writes` (a repeated kind/id is a new version); returns
    its recovery key."""
    vault_id = new_id()
    data_key = bytearray(crypto.random_bytes(crypto.KEY_BYTES))
    recovery = keyslots.new_recovery_key()
    header = Header(
        vault_id=vault_id,
        created=created,
        slots=(
            keyslots.passphrase_slot(vault_id, passphrase, data_key, params),
            keyslots.recovery_slot(vault_id, recovery, data_key),
        ),
        format_version=1,
    )
    raw = header.to_bytes()
    records = crypto.Aead(crypto.hkdf(data_key, b"noteapp v1 records"))
    compartment = crypto.Aead(crypto.hkdf(data_key, b"noteapp v1 compartment psychotherapy"))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        for statement in SCHEMA_V1.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("PRAGMA user_version=1")
        conn.execute("INSERT INTO meta VALUES('header', ?)", (raw,))
        conn.execute("INSERT INTO meta VALUES('header_mac', ?)", (header_mac(data_key, raw),))
        for kind, record_id, data in writes:
            cipher = compartment if kind.startswith("psychotherapy") else records
            row = conn.execute(
                "SELECT version FROM records WHERE kind=? AND id=? AND latest=1",
                (kind, record_id),
            ).fetchone()
            version = (row[0] if row else 0) + 1
            plaintext = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
            blob = cipher.encrypt(plaintext, record_ad(vault_id, kind, record_id, version))
            conn.execute(
                "UPDATE records SET latest=0 WHERE kind=? AND id=? AND latest=1", (kind, record_id)
            )
            conn.execute(
                "INSERT INTO records(kind, id, version, latest, blob) VALUES(?,?,?,1,?)",
                (kind, record_id, version, blob),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return recovery
