"""Canonical payloads: what exactly is signed, byte for byte.

Sorted keys, UTF-8, no insignificant whitespace, and a domain-separation prefix naming the
format version, so a signature over one kind of statement can never be replayed as another.
"""

from __future__ import annotations

import json
from typing import Any

from noteapp import crypto

PREFIX = b"noteapp-signed-payload-v1\n"
FORMATS = {
    "note": "noteapp-note/1",
    "plan": "noteapp-plan/1",
    "safety-plan": "noteapp-safety-plan/1",
    "referral": "noteapp-referral/1",
    "incident": "noteapp-incident/1",
    "plan-review": "noteapp-correction/1",
    "addendum": "noteapp-correction/1",
    "amendment": "noteapp-correction/1",
    "late-entry": "noteapp-correction/1",
    "cosignature": "noteapp-cosignature/1",
    "return": "noteapp-return/1",
    "manifest": "noteapp-manifest/1",
}


def canonical_bytes(payload: dict[str, Any]) -> bytes:
    """The bytes that are signed. Raises ValueError for values JSON cannot represent exactly."""
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return PREFIX + text.encode("utf-8")


def payload_hash(payload: dict[str, Any]) -> str:
    return crypto.sha256(canonical_bytes(payload)).hex()


def chain_hash(hashes: list[str]) -> str:
    """What a co-signature covers: the note and every correction at that time, in order."""
    return crypto.sha256(("noteapp-chain-v1\n" + "\n".join(hashes)).encode()).hex()


def sign_payload(payload: dict[str, Any], private_key: bytes | bytearray) -> tuple[str, bytes]:
    """(hash, signature) of a payload."""
    data = canonical_bytes(payload)
    return crypto.sha256(data).hex(), crypto.sign(private_key, data)


def verify_payload(payload: dict[str, Any], signature: bytes, public_key: bytes) -> bool:
    try:
        data = canonical_bytes(payload)
    except ValueError:
        return False
    return crypto.verify_signature(public_key, signature, data)


def short_hash(h: str) -> str:
    """For people: the first 16 hex digits in groups of four."""
    return " ".join(h[i : i + 4] for i in range(0, 16, 4))
