"""Signed documents of the agency: canonical JSON signed with Ed25519 under a domain prefix.

Everything the server stores about membership and keys is one of these (the agency record,
join requests, member certificates, chart epochs); a device trusts only what verifies under
a key it already holds — the administrator's, fixed at join by its fingerprint — so the
server can store them but never forge or alter them.
"""

from __future__ import annotations

import json
from typing import Any

from noteapp import crypto
from noteapp.domain import json_input
from noteapp.domain.errors import ServerIntegrityError

MAX_DOC_BYTES = 64 * 1024
_PREFIX = b"noteapp-agency-signed/1\0"


def canonical(value: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8: one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _message(fmt: str, body: dict[str, Any]) -> bytes:
    return _PREFIX + fmt.encode() + b"\0" + canonical(body)


def sign_doc(body: dict[str, Any], private_key: bytes | bytearray, public_key: bytes) -> bytes:
    """`body` (which names its own "format") signed; the bytes the server stores."""
    fmt = str(body["format"])
    signature = crypto.sign(private_key, _message(fmt, body))
    return canonical({"body": body, "key": public_key.hex(), "sig": signature.hex()})


def signer_of(raw: object) -> bytes:
    """The public key a signed document says signed it (a claim until `open_doc` checks it)."""
    return bytes.fromhex(str(_parse(raw, "document")["key"]))


def _parse(raw: object, what: str) -> dict[str, Any]:
    if not isinstance(raw, bytes | bytearray | memoryview) or len(raw) > MAX_DOC_BYTES:
        raise ServerIntegrityError(f"The server holds a {what} that is not a signed document.")
    try:
        doc = json_input.loads(bytes(raw).decode("utf-8"), what=what, max_depth=8)
        if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
            raise ValueError
        bytes.fromhex(str(doc["key"]))
        bytes.fromhex(str(doc["sig"]))
    except (ValueError, KeyError, UnicodeDecodeError):
        raise ServerIntegrityError(
            f"The server holds a {what} that is not a signed document."
        ) from None
    return doc


def open_doc(raw: object, *, fmt: str, keys: tuple[bytes, ...], what: str) -> dict[str, Any]:
    """The body of a signed document of format `fmt`, signed by one of `keys`; anything
    else — another format, another signer, a bad signature — is refused (fail closed)."""
    doc = _parse(raw, what)
    body: dict[str, Any] = doc["body"]
    key = bytes.fromhex(str(doc["key"]))
    if body.get("format") != fmt:
        raise ServerIntegrityError(f"The server holds a {what} of an unknown format.")
    if key not in keys:
        raise ServerIntegrityError(
            f"The server holds a {what} signed by a key that is not allowed to sign it."
        )
    if not crypto.verify_signature(key, bytes.fromhex(str(doc["sig"])), _message(fmt, body)):
        raise ServerIntegrityError(f"The server holds a {what} whose signature does not verify.")
    return body
