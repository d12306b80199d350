"""Vault formats 1 and 2: the header, its bounds, the schemas and the associated-data layouts.

Every format version ever shipped stays readable; tests/data holds golden files per version.
Format 1 is only read (and upgraded, see migrate.py); every write is in FORMAT_VERSION.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from noteapp.crypto import Argon2Params
from noteapp.domain.errors import (
    KdfParametersError,
    UnsupportedVersionError,
    VaultCorruptError,
)

MAGIC = "noteapp-vault"
FORMAT_VERSION = 2  # what noteapp writes; older formats are read and upgraded
# SQLite's application_id, so `file` and we can tell a noteapp vault from any database.
APPLICATION_ID = 0x4E4F5445  # "NOTE"
MAX_HEADER_BYTES = 64 * 1024
MAX_SLOTS = 16

SLOT_PASSPHRASE = "passphrase"  # noqa: S105 - a slot type name, not a secret
SLOT_RECOVERY = "recovery"
SLOT_KEYCHAIN = "keychain"
_SLOT_TYPES = {SLOT_PASSPHRASE, SLOT_RECOVERY, SLOT_KEYCHAIN}
_HEX_RE = re.compile(r"^[0-9a-f]*$")
_ID_RE = re.compile(r"^[0-9a-f]{32}$")

# Format 1, as shipped (kept as the record of what v1 files hold; never written any more).
SCHEMA_V1 = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE records(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    latest INTEGER NOT NULL,
    blob BLOB NOT NULL,
    UNIQUE(kind, id, version)
);
CREATE INDEX records_latest ON records(latest, kind);
CREATE TABLE audit(seq INTEGER PRIMARY KEY, blob BLOB NOT NULL);
"""

# Format 2. `tag` is the AEAD tag of `blob` (its last 16 bytes) and `prev_tag` the tag of the
# version before (empty for version 1, bound in the blob's associated data): the chain of a
# record's versions. Checking which versions of a kind are current reads only the covering
# index records_heads, never a row or a blob. Entries of records_current are in seq order,
# so loading a kind in write order needs no sort.
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE records(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    latest INTEGER NOT NULL,
    prev_tag BLOB NOT NULL,
    tag BLOB NOT NULL,
    blob BLOB NOT NULL,
    UNIQUE(kind, id, version)
);
CREATE INDEX records_current ON records(kind, latest);
CREATE INDEX records_heads ON records(kind, latest, id, version, tag);
CREATE TABLE audit(seq INTEGER PRIMARY KEY, blob BLOB NOT NULL);
"""
TAG_BYTES = 16


@dataclass(frozen=True)
class KeySlot:
    """The data key, wrapped under one way of unlocking."""

    type: str
    salt: bytes
    wrapped: bytes
    kdf: Argon2Params | None = None

    def associated_data(self, vault_id: str) -> bytes:
        # Binding the KDF parameters and salt means an edited slot fails to unwrap.
        kdf = (
            f"argon2id:{self.kdf.memory_kib}:{self.kdf.iterations}:{self.kdf.lanes}"
            if self.kdf
            else "-"
        )
        return "\0".join(["noteapp v1 slot", vault_id, self.type, kdf, self.salt.hex()]).encode()


@dataclass(frozen=True)
class Header:
    vault_id: str
    created: str
    slots: tuple[KeySlot, ...]
    format_version: int = FORMAT_VERSION

    def slot(self, slot_type: str) -> KeySlot | None:
        return next((s for s in self.slots if s.type == slot_type), None)

    def with_slot(self, slot: KeySlot) -> Header:
        others = tuple(s for s in self.slots if s.type != slot.type)
        return Header(self.vault_id, self.created, (*others, slot), self.format_version)

    def without_slot(self, slot_type: str) -> Header:
        others = tuple(s for s in self.slots if s.type != slot_type)
        return Header(self.vault_id, self.created, others, self.format_version)

    def to_bytes(self) -> bytes:
        doc: dict[str, Any] = {
            "magic": MAGIC,
            "format": self.format_version,
            "vault_id": self.vault_id,
            "created": self.created,
            "slots": [_slot_to_dict(s) for s in self.slots],
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _slot_to_dict(s: KeySlot) -> dict[str, Any]:
    d: dict[str, Any] = {"type": s.type, "salt": s.salt.hex(), "wrapped": s.wrapped.hex()}
    if s.kdf:
        d["kdf"] = {
            "alg": "argon2id",
            "memory_kib": s.kdf.memory_kib,
            "iterations": s.kdf.iterations,
            "lanes": s.kdf.lanes,
        }
    return d


def _hex(value: Any, *, min_len: int, max_len: int) -> bytes:
    if not isinstance(value, str) or not _HEX_RE.match(value):
        raise VaultCorruptError("The vault header is damaged (a key slot is malformed).")
    raw = bytes.fromhex(value)
    if not (min_len <= len(raw) <= max_len):
        raise VaultCorruptError("The vault header is damaged (a key slot is malformed).")
    return raw


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise VaultCorruptError("The vault header is damaged (a setting is not a number).")
    return value


def parse_header(raw: bytes) -> Header:
    """Parse and bound-check a header read from disk, before any key derivation runs."""
    if len(raw) > MAX_HEADER_BYTES:
        raise VaultCorruptError("The vault header is implausibly large; the file is damaged.")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VaultCorruptError("The vault header is damaged and cannot be read.") from exc
    if not isinstance(doc, dict) or doc.get("magic") != MAGIC:
        raise VaultCorruptError("This file is not a noteapp vault.")
    version = _int(doc.get("format"))
    if version > FORMAT_VERSION:
        raise UnsupportedVersionError(
            f"This vault was written by a newer noteapp (format {version}); "
            "update noteapp to open it."
        )
    if version < 1:
        raise VaultCorruptError("The vault header names an impossible format version.")
    vault_id = doc.get("vault_id")
    if not isinstance(vault_id, str) or not _ID_RE.match(vault_id):
        raise VaultCorruptError("The vault header is damaged (bad vault id).")
    slots_raw = doc.get("slots")
    if not isinstance(slots_raw, list) or not (1 <= len(slots_raw) <= MAX_SLOTS):
        raise VaultCorruptError("The vault header is damaged (no usable key slots).")
    slots = []
    for s in slots_raw:
        if not isinstance(s, dict) or s.get("type") not in _SLOT_TYPES:
            raise VaultCorruptError("The vault header is damaged (unknown key slot).")
        kdf = None
        if s["type"] == SLOT_PASSPHRASE:
            k = s.get("kdf")
            if not isinstance(k, dict) or k.get("alg") != "argon2id":
                raise VaultCorruptError("The vault header is damaged (unknown key derivation).")
            kdf = Argon2Params(
                _int(k.get("memory_kib")), _int(k.get("iterations")), _int(k.get("lanes"))
            )
            try:
                kdf.check_bounds()
            except ValueError as exc:
                raise KdfParametersError(
                    "The vault header asks for key-derivation settings beyond safe limits "
                    f"({kdf.memory_kib // 1024} MiB, {kdf.iterations} iterations, "
                    f"{kdf.lanes} lanes); the file was damaged or tampered with. "
                    "Restore it from a backup."
                ) from exc
        slots.append(
            KeySlot(
                type=s["type"],
                salt=_hex(s.get("salt"), min_len=16, max_len=64),
                wrapped=_hex(s.get("wrapped"), min_len=32, max_len=128),
                kdf=kdf,
            )
        )
    created = doc.get("created")
    if not isinstance(created, str) or len(created) > 64:
        raise VaultCorruptError("The vault header is damaged (bad creation date).")
    return Header(vault_id=vault_id, created=created, slots=tuple(slots), format_version=version)


def header_checksum(raw: bytes) -> bytes:
    """Format 2's unkeyed header checksum (like KDBX 4's header SHA-256): checked before the
    header is parsed or any key derivation runs, so a damaged or naively edited header is
    reported as damage, not as a wrong passphrase."""
    return hashlib.sha256(b"noteapp v2 header\0" + raw).digest()


def record_ad(vault_id: str, kind: str, record_id: str, version: int) -> bytes:
    """Format 1: binds a record's ciphertext to where it lives (rows cannot be swapped)."""
    return "\0".join(["noteapp v1 record", vault_id, kind, record_id, str(version)]).encode()


def record_ad_v2(vault_id: str, kind: str, record_id: str, version: int, prev_tag: bytes) -> bytes:
    """Format 2: as format 1, plus the tag of the version before, so a record's history is a
    chain: no version can be taken out or spliced in from another copy of the vault."""
    return "\0".join(
        ["noteapp v2 record", vault_id, kind, record_id, str(version), prev_tag.hex()]
    ).encode()


def state_ad(vault_id: str) -> bytes:
    return "\0".join(["noteapp v2 state", vault_id]).encode()


def audit_ad(vault_id: str, seq: int) -> bytes:
    return "\0".join(["noteapp v1 audit", vault_id, str(seq)]).encode()


def audit_head_ad(vault_id: str) -> bytes:
    return "\0".join(["noteapp v1 audit head", vault_id]).encode()
