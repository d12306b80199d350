"""The audit log: append-only, encrypted, hash-chained entries in the vault.

Each entry carries the hash of the one before; an encrypted head (count and last hash) is
updated in the same transaction, so edits, deletions, reordering and a cut-off tail are all
found by `verify`. Entries are encrypted like records: they say what happened to which
record id, and may hold nothing identifying in clear.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.crypto import DecryptionError
from noteapp.domain.errors import CheckFailedError
from noteapp.vault import files
from noteapp.vault.format import audit_ad, audit_head_ad
from noteapp.vault.store import Vault

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str
    action: str
    kind: str
    record_id: str
    detail: dict[str, Any]
    prev: str
    hash: str


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    entries: int
    first_broken: int | None
    message: str


def _entry_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return crypto.sha256(b"noteapp audit v1\0" + canonical.encode()).hex()


def _body(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "time": e.time,
        "action": e.action,
        "kind": e.kind,
        "record_id": e.record_id,
        "detail": e.detail,
        "prev": e.prev,
    }


def first_broken(entries: Sequence[AuditEntry]) -> int | None:
    """The first entry (counting from 1) that does not follow from the one before, or None
    when the chain holds (used for logs carried outside a vault, e.g. in an archive)."""
    prev = GENESIS
    for expected_seq, e in enumerate(entries, start=1):
        if e.seq != expected_seq or e.prev != prev or _entry_hash(_body(e)) != e.hash:
            return expected_seq
        prev = e.hash
    return None


class AuditLog:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    @property
    def real_path(self) -> Path:
        return self._vault.real_path

    def _cipher(self) -> crypto.Aead:
        return crypto.Aead(self._vault.subkey("audit"))

    @files.reads_storage
    def _head(self, cipher: crypto.Aead) -> tuple[int, str]:
        row = self._vault.connection.execute(
            "SELECT value FROM meta WHERE key='audit_head'"
        ).fetchone()
        if row is None:
            return 0, GENESIS
        data = json.loads(cipher.decrypt(row[0], audit_head_ad(self._vault.vault_id)))
        return int(data["count"]), str(data["hash"])

    def append(
        self,
        action: str,
        *,
        kind: str = "",
        record_id: str = "",
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Add an entry; joins the caller's transaction if there is one."""
        cipher = self._cipher()
        vault_id = self._vault.vault_id
        with self._vault.transaction() as conn:
            count, prev = self._head(cipher)
            seq = count + 1
            body = {
                "seq": seq,
                "time": self._vault.clock.now().isoformat(timespec="seconds"),
                "action": action,
                "kind": kind,
                "record_id": record_id,
                "detail": detail or {},
                "prev": prev,
            }
            digest = _entry_hash(body)
            blob = cipher.encrypt(
                json.dumps({**body, "hash": digest}, ensure_ascii=False).encode(),
                audit_ad(vault_id, seq),
            )
            conn.execute("INSERT INTO audit(seq, blob) VALUES(?, ?)", (seq, blob))
            head = json.dumps({"count": seq, "hash": digest}).encode()
            conn.execute(
                "INSERT INTO meta VALUES('audit_head', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (cipher.encrypt(head, audit_head_ad(vault_id)),),
            )
        return AuditEntry(
            seq, str(body["time"]), action, kind, record_id, detail or {}, prev, digest
        )

    @files.reads_storage
    def entries(self) -> list[AuditEntry]:
        """All readable entries, oldest first (use verify() to know the chain is whole)."""
        return self.read()[0]

    @files.reads_storage
    def read(self) -> tuple[list[AuditEntry], list[int]]:
        """Readable entries, and the sequence numbers of entries that failed to decrypt."""
        cipher = self._cipher()
        out = []
        unreadable: list[int] = []
        for seq, blob in self._vault.connection.execute(
            "SELECT seq, CAST(blob AS BLOB) FROM audit ORDER BY seq"
        ):
            try:
                d = json.loads(cipher.decrypt(blob, audit_ad(self._vault.vault_id, seq)))
            except (DecryptionError, ValueError):
                unreadable.append(seq)
                continue
            out.append(
                AuditEntry(
                    d["seq"],
                    d["time"],
                    d["action"],
                    d["kind"],
                    d["record_id"],
                    d["detail"],
                    d["prev"],
                    d["hash"],
                )
            )
        return out, unreadable

    @files.reads_storage
    def verify(self) -> AuditVerification:
        """Walk the chain; report the first broken link."""
        cipher = self._cipher()
        vault_id = self._vault.vault_id
        prev = GENESIS
        expected_seq = 1
        for seq, blob in self._vault.connection.execute(
            "SELECT seq, CAST(blob AS BLOB) FROM audit ORDER BY seq"
        ):
            if seq != expected_seq:
                return AuditVerification(
                    False, expected_seq - 1, expected_seq, f"Entry {expected_seq} is missing."
                )
            try:
                d = json.loads(cipher.decrypt(blob, audit_ad(vault_id, seq)))
            except (DecryptionError, ValueError):
                return AuditVerification(
                    False, seq - 1, seq, f"Entry {seq} was altered or damaged."
                )
            body = {
                k: d[k] for k in ("seq", "time", "action", "kind", "record_id", "detail", "prev")
            }
            if d["prev"] != prev or _entry_hash(body) != d["hash"] or d["seq"] != seq:
                return AuditVerification(
                    False, seq - 1, seq, f"Entry {seq} does not follow from entry {seq - 1}."
                )
            prev = d["hash"]
            expected_seq += 1
        count = expected_seq - 1
        try:
            head_count, head_hash = self._head(cipher)
        except (DecryptionError, ValueError, KeyError):
            return AuditVerification(False, count, count + 1, "The log's head was altered.")
        if head_count != count or head_hash != prev:
            return AuditVerification(
                False,
                count,
                count + 1,
                f"Entries after {count} are missing (the log should have {head_count}).",
            )
        return AuditVerification(True, count, None, f"All {count} entries are intact.")

    def replace_all(self, entries: Sequence[AuditEntry]) -> None:
        """Make `entries` the whole log (an archive imported into a new, empty vault).

        Each entry keeps its seq, time, prev and hash and is encrypted under this vault's
        key: the chain is over the entries' content, so it verifies here exactly as it did
        in the vault it came from. The chain is checked before anything is written; joins
        the caller's transaction.
        """
        broken = first_broken(entries)
        if broken is not None:
            raise CheckFailedError(
                f"The audit log to import is broken at entry {broken}; nothing was imported."
            )
        cipher = self._cipher()
        vault_id = self._vault.vault_id
        with self._vault.transaction() as conn:
            conn.execute("DELETE FROM audit")
            for e in entries:
                plain = {**_body(e), "hash": e.hash}
                blob = cipher.encrypt(
                    json.dumps(plain, ensure_ascii=False).encode(), audit_ad(vault_id, e.seq)
                )
                conn.execute("INSERT INTO audit(seq, blob) VALUES(?, ?)", (e.seq, blob))
            last = entries[-1].hash if entries else GENESIS
            head = json.dumps({"count": len(entries), "hash": last}).encode()
            conn.execute(
                "INSERT INTO meta VALUES('audit_head', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (cipher.encrypt(head, audit_head_ad(vault_id)),),
            )
