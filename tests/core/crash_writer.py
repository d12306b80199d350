"""Child process of the crash test (tests/core/test_vault_crash.py); not a test module.

    python crash_writer.py VAULT SEED      (passphrase in NOTEAPP_CRASH_PASSPHRASE)

Opens the vault and writes records until it is killed: new records of varying size, new
versions of existing ones, and multi-record transactions, each with an audit entry in the
same transaction. AFTER each write or transaction has returned, prints one line per record
version written and flushes:

    ACK <kind> <id> <version> <sha256 of the canonical JSON of the data>

Prints "READY" once the vault is unlocked. A write that was acknowledged must survive the kill.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from noteapp.vault.audit import AuditLog
from noteapp.vault.store import Vault

ALPHABET = "abcdefghij klmnopqrstuvwxyz ÄÖÜ שלום مرحبا 🌱🧠\n\t—"


def digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def text(rng: random.Random) -> str:
    size = rng.choice([0, 10, 200, 1_000, 5_000, 20_000, 20_000, 120_000])
    return "".join(rng.choices(ALPHABET, k=size))


def main() -> int:
    path, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    vault = Vault.open(path)
    vault.unlock_with_passphrase(os.environ["NOTEAPP_CRASH_PASSPHRASE"])
    audit = AuditLog(vault)
    known = [r.id for r in vault.load_kind("note").records]
    out = sys.stdout
    out.write("READY\n")
    out.flush()
    n = 0
    while True:
        n += 1
        op = rng.random()
        written: list[tuple[str, str, int, dict[str, Any]]] = []
        with vault.transaction():
            if op < 0.45 or not known:
                record_id = f"{seed:08x}{n:08x}"
                data = {"n": n, "text": text(rng)}
                written.append(("note", record_id, vault.put("note", record_id, data), data))
                known.append(record_id)
            elif op < 0.75:
                record_id = rng.choice(known)
                data = {"n": n, "text": text(rng), "edit": True}
                written.append(("note", record_id, vault.put("note", record_id, data), data))
            elif op < 0.9:
                size = rng.randint(2, 6)
                batch = f"{seed:08x}{n:08x}"
                for i in range(size):
                    record_id = f"{batch}-{i}"
                    data = {"batch": batch, "size": size, "i": i, "text": text(rng)}
                    written.append(("batch", record_id, vault.put("batch", record_id, data), data))
                # One more version of a note in the same transaction.
                record_id = rng.choice(known)
                data = {"n": n, "in_batch": batch}
                written.append(("note", record_id, vault.put("note", record_id, data), data))
            else:
                record_id = f"p{seed:08x}{n:08x}"
                data = {"n": n, "text": text(rng)}
                kind = "psychotherapy_note"
                written.append((kind, record_id, vault.put(kind, record_id, data), data))
            audit.append("edit", detail={"n": n, "records": len(written)})
        for kind, record_id, version, data in written:
            out.write(f"ACK {kind} {record_id} {version} {digest(data)}\n")
        out.flush()


if __name__ == "__main__":
    raise SystemExit(main())
