"""What an attacker (or a damaged disk) does to a closed vault file, with a plain SQLite tool.

Shared by the vault tests and tests/data/make_golden_v2.py. Each helper edits the file in
one SQLite transaction and leaves no -wal/-shm beside it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from noteapp.vault.format import header_checksum


def sql(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for statement, args in statements:
            conn.execute(statement, args)
        conn.execute("COMMIT")
    finally:
        conn.close()


def read_header(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        raw = conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0]
    finally:
        conn.close()
    doc: dict[str, Any] = json.loads(raw)
    return doc


def write_header_raw(path: Path, raw: bytes, *, fix_checksum: bool) -> None:
    """Replace the header bytes; `fix_checksum` as someone who knows the format would."""
    statements: list[tuple[str, tuple[object, ...]]] = [
        ("UPDATE meta SET value=? WHERE key='header'", (raw,))
    ]
    if fix_checksum:
        statements.append(
            ("UPDATE meta SET value=? WHERE key='header_sha256'", (header_checksum(raw),))
        )
    sql(path, *statements)


def edit_header(
    path: Path, change: Callable[[dict[str, Any]], None], *, fix_checksum: bool = True
) -> None:
    """Edit the header JSON. By default the checksum is recomputed (a deliberate edit, so the
    keyed MAC or the bounds must catch it); `fix_checksum=False` is a naive edit or damage."""
    doc = read_header(path)
    change(doc)
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    write_header_raw(path, raw, fix_checksum=fix_checksum)


def passphrase_kdf(doc: dict[str, Any]) -> dict[str, Any]:
    slot = next(s for s in doc["slots"] if s["type"] == "passphrase")
    kdf: dict[str, Any] = slot["kdf"]
    return kdf


def roll_back_newest(path: Path, kind: str, record_id: str) -> None:
    """Delete a record's newest version and mark the one before current: an undone edit."""
    conn = sqlite3.connect(path)
    try:
        newest = conn.execute(
            "SELECT MAX(version) FROM records WHERE kind=? AND id=?", (kind, record_id)
        ).fetchone()[0]
    finally:
        conn.close()
    sql(
        path,
        ("DELETE FROM records WHERE kind=? AND id=? AND version=?", (kind, record_id, newest)),
        (
            "UPDATE records SET latest=1 WHERE kind=? AND id=? AND version=?",
            (kind, record_id, newest - 1),
        ),
    )


def delete_version(path: Path, kind: str, record_id: str, version: int) -> None:
    """Take one (middle or oldest) version out of a record's history."""
    sql(
        path,
        ("DELETE FROM records WHERE kind=? AND id=? AND version=?", (kind, record_id, version)),
    )


def delete_record(path: Path, kind: str, record_id: str) -> None:
    sql(path, ("DELETE FROM records WHERE kind=? AND id=?", (kind, record_id)))
