"""Damaging records on disk, the way a bad sector or an edit outside noteapp would."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def flip_in(conn: sqlite3.Connection, kind: str, record_id: str) -> None:
    """Flip one bit in the newest version of a record, through an open connection (the
    services then see it after a reload, as after the next unlock)."""
    version, blob = conn.execute(
        "SELECT version, blob FROM records WHERE kind=? AND id=? ORDER BY version DESC LIMIT 1",
        (kind, record_id),
    ).fetchone()
    damaged = bytearray(blob)
    damaged[len(damaged) // 2] ^= 0x01
    conn.execute(
        "UPDATE records SET blob=? WHERE kind=? AND id=? AND version=?",
        (bytes(damaged), kind, record_id, version),
    )


def flip_record(path: Path, kind: str, record_id: str) -> None:
    """Flip one bit in the newest version of a record (the vault must be closed)."""
    conn = sqlite3.connect(path)
    try:
        flip_in(conn, kind, record_id)
        conn.commit()
    finally:
        conn.close()
