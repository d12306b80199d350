"""Make the golden vault files of format version 2 (run ONCE, by hand; never by the tests).

    .venv/bin/python tests/data/make_golden_v2.py

The files are kept forever: a shipped format's golden files are never regenerated (the tests
pin their sha256). Every value here is synthetic: no real person, no real clinical data.
The script refuses to overwrite existing files. The records are those of format 1's golden
files (make_golden_v1.py), so the two formats can be compared.

What it makes (see README.md for the passphrase, recovery key and expected errors):

- valid_v2.noteapp                       a healthy vault: 3 kinds, several versions, audit
- flipped_bit_record_v2.noteapp          one bit flipped inside one record's ciphertext
- flipped_bit_header_v2.noteapp          one bit flipped inside the header's `created` value
- tampered_header_v2.noteapp             `created` edited and the header checksum recomputed
- truncated_v2.noteapp                   the valid file cut in half
- inflated_kdf_v2.noteapp                KDF raised to 64 GiB / 1000 iterations (checksum
                                         recomputed, so the bounds must catch it)
- swapped_records_v2.noteapp             the blobs of two records swapped between their rows
- rolled_back_v2.noteapp                 a note's newest version deleted, the one before
                                         marked current (an edit undone without any key)
- deleted_middle_version_v2.noteapp      version 2 of a note's three versions deleted
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.vault.audit import AuditLog
from noteapp.vault.format import header_checksum
from noteapp.vault.store import Vault

HERE = Path(__file__).resolve().parent

# Synthetic secrets, published in README.md on purpose: these files protect nothing.
PASSPHRASE = "golden v2 synthetic passphrase: harbour meadow 5823"
DEVICE_KEY = bytes.fromhex("5eed" * 16)
# The fast KDF of the tests (OWASP's minimum), so opening a golden file takes milliseconds.
PARAMS = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)

CONTACT_A = "ca0000a1000000000000000000000001"
CONTACT_B = "cb0000b2000000000000000000000002"
NOTE_1 = "d10000e1000000000000000000000003"
NOTE_2 = "d20000e2000000000000000000000004"
PSY_1 = "e10000f1000000000000000000000005"

# (kind, id, data) in write order; a repeated (kind, id) is a new version.
WRITES: list[tuple[str, str, dict[str, object]]] = [
    ("contact", CONTACT_A, {"code": "SYN-001", "name": "Testperson Alpha", "born": "1980-01-01"}),
    ("contact", CONTACT_B, {"code": "SYN-002", "name": "Тестовая Бета שלום 🌱", "born": None}),
    ("session_note", NOTE_1, {"client": CONTACT_A, "text": "Draft one.", "minutes": 50}),
    ("session_note", NOTE_1, {"client": CONTACT_A, "text": "Draft two.", "minutes": 50}),
    ("session_note", NOTE_2, {"client": CONTACT_B, "text": "مرحبا — synthetic\tline\nend"}),
    ("psychotherapy_note", PSY_1, {"client": CONTACT_A, "text": "Process note v1."}),
    (
        "session_note",
        NOTE_1,
        {"client": CONTACT_A, "text": "Final text.", "minutes": 53, "signed": True},
    ),
    ("psychotherapy_note", PSY_1, {"client": CONTACT_A, "text": "Process note v2."}),
]

NAMES = [
    "valid_v2.noteapp",
    "flipped_bit_record_v2.noteapp",
    "flipped_bit_header_v2.noteapp",
    "tampered_header_v2.noteapp",
    "truncated_v2.noteapp",
    "inflated_kdf_v2.noteapp",
    "swapped_records_v2.noteapp",
    "rolled_back_v2.noteapp",
    "deleted_middle_version_v2.noteapp",
]


def make_valid(path: Path) -> str:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    vault, recovery = Vault.create(path, PASSPHRASE, params=PARAMS, clock=clock)
    try:
        audit = AuditLog(vault)
        audit.append("vault-create")
        vault.set_device_key(DEVICE_KEY)
        audit.append("keychain-remember")
        for kind, record_id, data in WRITES:
            clock.advance(60)
            with vault.transaction():
                version = vault.put(kind, record_id, data)
                audit.append(
                    "create" if version == 1 else "edit",
                    kind=kind,
                    record_id=record_id,
                    detail={"version": version},
                )
        print(f"generation: {vault.generation}")
    finally:
        vault.close()
    return recovery


def blob_of(path: Path, kind: str, record_id: str) -> bytes:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT blob FROM records WHERE kind=? AND id=? AND latest=1", (kind, record_id)
        ).fetchone()
        return bytes(row[0])
    finally:
        conn.close()


def flip_bit_at(data: bytes, needle: bytes, offset: int, bit: int) -> bytes:
    at = data.index(needle)
    assert data.count(needle) == 1, "the needle must occur exactly once"
    out = bytearray(data)
    out[at + offset] ^= 1 << bit
    return bytes(out)


def edit_with_sql(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for sql, args in statements:
            conn.execute(sql, args)
        conn.execute("COMMIT")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        assert not Path(str(path) + suffix).exists()


def edit_header(path: Path, change: dict[str, object] | None, kdf: dict[str, int] | None) -> None:
    """A deliberate header edit: the checksum recomputed (the keyed MAC cannot be)."""
    conn = sqlite3.connect(path)
    header = json.loads(conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0])
    conn.close()
    header.update(change or {})
    for slot in header["slots"]:
        if slot["type"] == "passphrase" and kdf:
            slot["kdf"].update(kdf)
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    edit_with_sql(
        path,
        ("UPDATE meta SET value=? WHERE key='header'", (raw,)),
        ("UPDATE meta SET value=? WHERE key='header_sha256'", (header_checksum(raw),)),
    )


def copy(raw: bytes, name: str) -> Path:
    path = HERE / name
    path.write_bytes(raw)
    return path


def main() -> int:
    existing = [n for n in NAMES if (HERE / n).exists()]
    if existing:
        print(f"Refusing to overwrite shipped golden files: {existing}", file=sys.stderr)
        return 1
    valid = HERE / "valid_v2.noteapp"
    recovery = make_valid(valid)
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(valid) + suffix).unlink(missing_ok=True)
    raw = valid.read_bytes()

    # One bit in the middle of NOTE_2's ciphertext (its only version).
    blob = blob_of(valid, "session_note", NOTE_2)
    copy(flip_bit_at(raw, blob, len(blob) // 2, 3), "flipped_bit_record_v2.noteapp")

    # One bit of the header's creation date: "2026-03-02T09..." becomes "2026-03-03T09...".
    created = b'"created":"2026-03-02T09:00:00+00:00"'
    copy(flip_bit_at(raw, created, created.index(b"02T") + 1, 0), "flipped_bit_header_v2.noteapp")

    tampered = copy(raw, "tampered_header_v2.noteapp")
    edit_header(tampered, {"created": "2026-03-01T09:00:00+00:00"}, None)

    copy(raw[: len(raw) // 2], "truncated_v2.noteapp")

    inflated = copy(raw, "inflated_kdf_v2.noteapp")
    edit_header(inflated, None, {"memory_kib": 64 * 1024 * 1024, "iterations": 1000})

    swapped = copy(raw, "swapped_records_v2.noteapp")
    a, b = blob_of(valid, "contact", CONTACT_A), blob_of(valid, "contact", CONTACT_B)
    edit_with_sql(
        swapped,
        ("UPDATE records SET blob=? WHERE kind='contact' AND id=?", (b, CONTACT_A)),
        ("UPDATE records SET blob=? WHERE kind='contact' AND id=?", (a, CONTACT_B)),
    )

    rolled_back = copy(raw, "rolled_back_v2.noteapp")
    edit_with_sql(
        rolled_back,
        ("DELETE FROM records WHERE kind='session_note' AND id=? AND version=3", (NOTE_1,)),
        ("UPDATE records SET latest=1 WHERE kind='session_note' AND id=? AND version=2", (NOTE_1,)),
    )

    middle = copy(raw, "deleted_middle_version_v2.noteapp")
    edit_with_sql(
        middle,
        ("DELETE FROM records WHERE kind='session_note' AND id=? AND version=2", (NOTE_1,)),
    )

    print(f"recovery key: {recovery}")
    for name in NAMES:
        print(f"{hashlib.sha256((HERE / name).read_bytes()).hexdigest()}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
