"""Make the golden vault files of format version 1 (run ONCE, by hand; never by the tests).

    .venv/bin/python tests/data/make_golden_v1.py

The files are kept forever: a shipped format's golden files are never regenerated (the tests
pin their sha256). Every value here is synthetic: no real person, no real clinical data.
The script refuses to overwrite existing files.

What it makes (see README.md for the passphrase, recovery key and expected errors):

- valid_v1.noteapp                 a healthy vault: 3 kinds, several versions, audit entries
- flipped_bit_record_v1.noteapp    one bit flipped inside one record's ciphertext
- flipped_bit_header_v1.noteapp    one bit flipped inside the header's `created` value
- truncated_v1.noteapp             the valid file cut in half
- inflated_kdf_v1.noteapp          header KDF raised to 64 GiB / 1000 iterations
- swapped_records_v1.noteapp       the blobs of two records swapped between their rows
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from noteapp.crypto import Argon2Params
from noteapp.domain.clock import FakeClock
from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault

HERE = Path(__file__).resolve().parent

# Synthetic secrets, published in README.md on purpose: these files protect nothing.
PASSPHRASE = "golden v1 synthetic passphrase: lantern orchard 4217"
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
    "valid_v1.noteapp",
    "flipped_bit_record_v1.noteapp",
    "flipped_bit_header_v1.noteapp",
    "truncated_v1.noteapp",
    "inflated_kdf_v1.noteapp",
    "swapped_records_v1.noteapp",
]


def make_valid(path: Path) -> str:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
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


def main() -> int:
    existing = [n for n in NAMES if (HERE / n).exists()]
    if existing:
        print(f"Refusing to overwrite shipped golden files: {existing}", file=sys.stderr)
        return 1
    valid = HERE / "valid_v1.noteapp"
    recovery = make_valid(valid)
    raw = valid.read_bytes()
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(valid) + suffix).unlink(missing_ok=True)

    # One bit in the middle of NOTE_2's ciphertext (its only version).
    blob = blob_of(valid, "session_note", NOTE_2)
    (HERE / "flipped_bit_record_v1.noteapp").write_bytes(flip_bit_at(raw, blob, len(blob) // 2, 3))

    # One bit of the header's creation date: "2026-01-05T09..." becomes "2026-01-04T09...".
    created = b'"created":"2026-01-05T09:00:00+00:00"'
    (HERE / "flipped_bit_header_v1.noteapp").write_bytes(
        flip_bit_at(raw, created, created.index(b"05T") + 1, 0)
    )

    (HERE / "truncated_v1.noteapp").write_bytes(raw[: len(raw) // 2])

    inflated = HERE / "inflated_kdf_v1.noteapp"
    inflated.write_bytes(raw)
    conn = sqlite3.connect(inflated)
    header = json.loads(conn.execute("SELECT value FROM meta WHERE key='header'").fetchone()[0])
    conn.close()
    for slot in header["slots"]:
        if slot["type"] == "passphrase":
            slot["kdf"]["memory_kib"] = 64 * 1024 * 1024
            slot["kdf"]["iterations"] = 1000
    new_header = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    edit_with_sql(inflated, ("UPDATE meta SET value=? WHERE key='header'", (new_header,)))

    swapped = HERE / "swapped_records_v1.noteapp"
    swapped.write_bytes(raw)
    a, b = blob_of(valid, "contact", CONTACT_A), blob_of(valid, "contact", CONTACT_B)
    edit_with_sql(
        swapped,
        ("UPDATE records SET blob=? WHERE kind='contact' AND id=?", (b, CONTACT_A)),
        ("UPDATE records SET blob=? WHERE kind='contact' AND id=?", (a, CONTACT_B)),
    )

    import hashlib

    print(f"recovery key: {recovery}")
    for name in NAMES:
        print(f"{hashlib.sha256((HERE / name).read_bytes()).hexdigest()}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
