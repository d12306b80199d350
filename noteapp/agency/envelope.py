"""Record versions as the server stores them: encrypted under the chart key of their epoch
and signed by their author, bound to their place.

The associated data binds a version to its agency, chart, sequence number, key epoch, author
and the hash of the version before it in the chart: the server can neither move a version to
another chart or place, nor reorder, drop or fork a chart's history without a device
noticing. Inside: the record's kind, id, a content-addressed version id, the version it was
made from (`base`), and its data (None: the author deleted it). The local vault keeps its own
format; this is only what travels.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from noteapp import crypto
from noteapp.agency.signed import canonical
from noteapp.domain import json_input
from noteapp.domain.errors import ServerIntegrityError

SIGNATURE_BYTES = 64
MAX_VERSION_BYTES = 32 * 1024 * 1024
NO_PREVIOUS = bytes(32)
_SIG_PREFIX = b"noteapp-agency-version-sig/1\0"


@dataclass(frozen=True)
class Place:
    """Where a version sits on the server; all of it is bound into the version."""

    agency_id: str
    chart_id: str
    seq: int
    epoch: int
    author: str
    previous: bytes  # the hash of the chart's version at seq - 1 (NO_PREVIOUS for seq 1)

    def ad(self) -> bytes:
        head = f"noteapp-agency-version/1\0{self.agency_id}\0{self.chart_id}\0"
        tail = f"\0{self.epoch}\0{self.author}\0".encode()
        return head.encode() + self.seq.to_bytes(8, "big") + tail + self.previous


@dataclass(frozen=True)
class VersionBody:
    kind: str
    record_id: str
    vid: str
    base: str
    data: dict[str, Any] | None

    def __repr__(self) -> str:  # data is PHI
        return f"VersionBody(kind={self.kind!r}, id={self.record_id!r}, vid={self.vid!r})"


def data_hash(data: dict[str, Any] | None) -> str:
    return "deleted" if data is None else crypto.sha256(canonical(data)).hex()


def version_id(kind: str, record_id: str, base: str, data: dict[str, Any] | None) -> str:
    """Content-addressed: the same change made from the same version has the same id, so a
    version pushed before an interruption is recognised when it comes back, never doubled."""
    text = f"noteapp-agency-vid/1\0{kind}\0{record_id}\0{base}\0{data_hash(data)}"
    return crypto.sha256(text.encode()).hex()[:32]


def blob_hash(blob: bytes) -> bytes:
    return crypto.sha256(blob)


def seal_version(
    body: VersionBody, *, cipher: crypto.Aead, signer: crypto.Signer, place: Place
) -> bytes:
    plain = canonical(
        {
            "kind": body.kind,
            "id": body.record_id,
            "vid": body.vid,
            "base": body.base,
            "data": body.data,
        }
    )
    ad = place.ad()
    sealed = cipher.encrypt(zlib.compress(plain, 1), ad)
    return signer.sign(_SIG_PREFIX + ad + crypto.sha256(sealed)) + sealed


def _refused(place: Place, why: str) -> ServerIntegrityError:
    return ServerIntegrityError(
        f"The server served a version of chart {place.chart_id[:8]} (number {place.seq}) that "
        f"{why}; nothing from it was written."
    )


def open_version(
    blob: object, *, cipher: crypto.Aead, author: crypto.Verifier, place: Place
) -> VersionBody:
    """The version at `place`, checked: signed by its author, encrypted under the chart's key
    for exactly this place. Anything else is refused."""
    if not isinstance(blob, bytes) or not (
        SIGNATURE_BYTES + crypto.NONCE_BYTES + 16 <= len(blob) <= MAX_VERSION_BYTES
    ):
        raise _refused(place, "is not a noteapp version")
    ad = place.ad()
    sealed = blob[SIGNATURE_BYTES:]
    if not author.verify(blob[:SIGNATURE_BYTES], _SIG_PREFIX + ad + crypto.sha256(sealed)):
        raise _refused(place, "its author did not sign for this place (moved, or altered)")
    try:
        packed = cipher.decrypt(sealed, ad)
        inflate = zlib.decompressobj()
        plain = inflate.decompress(packed, MAX_VERSION_BYTES)
        if inflate.unconsumed_tail or not inflate.eof:
            raise ValueError
        doc = json_input.loads(plain.decode("utf-8"), what="record version")
    except crypto.DecryptionError:
        raise _refused(place, "does not open with the chart's key for this place") from None
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError):
        raise _refused(place, "holds no readable record") from None
    try:
        body = VersionBody(
            kind=_text(doc["kind"]),
            record_id=_text(doc["id"]),
            vid=_text(doc["vid"]),
            base=_text(doc["base"], empty=True),
            data=doc["data"],
        )
        if body.data is not None and not isinstance(body.data, dict):
            raise TypeError
    except (KeyError, TypeError):
        raise _refused(place, "holds no readable record") from None
    if body.vid != version_id(body.kind, body.record_id, body.base, body.data):
        raise _refused(place, "does not match its own version id")
    return body


def _text(value: object, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty) or len(value) > 200:
        raise TypeError
    return value


# --- a device's audit log, for the administrator -----------------------------------------

_AUDIT_SIG = b"noteapp-device-audit-sig/1\0"


def _audit_ad(agency_id: str, member: str, device: str, last_seq: int) -> bytes:
    return f"noteapp-device-audit/1\0{agency_id}\0{member}\0{device}\0{last_seq}".encode()


def seal_audit(
    entries: list[dict[str, Any]],
    *,
    admin_x25519: bytes,
    signer: crypto.Signer,
    agency_id: str,
    member: str,
    device: str,
    last_seq: int,
) -> bytes:
    """Audit entries (ids and actions only, never client data) sealed to the administrator's
    X25519 key and signed by the member: only the administrator reads them, and nobody can
    pass off entries as another device's."""
    ad = _audit_ad(agency_id, member, device, last_seq)
    sealed = crypto.seal(admin_x25519, zlib.compress(canonical(entries), 6), ad)
    return signer.sign(_AUDIT_SIG + ad + crypto.sha256(sealed)) + sealed


def open_audit(
    blob: bytes,
    *,
    admin_x25519_private: bytes,
    author: crypto.Verifier,
    agency_id: str,
    member: str,
    device: str,
    last_seq: int,
) -> list[dict[str, Any]]:
    ad = _audit_ad(agency_id, member, device, last_seq)
    sealed = blob[SIGNATURE_BYTES:]
    if not author.verify(blob[:SIGNATURE_BYTES], _AUDIT_SIG + ad + crypto.sha256(sealed)):
        raise ServerIntegrityError("A device's audit log on the server is not signed by it.")
    try:
        inflate = zlib.decompressobj()
        plain = inflate.decompress(crypto.open_sealed(admin_x25519_private, sealed, ad), 1 << 26)
        entries = json_input.loads(plain.decode("utf-8"), what="device audit log")
    except (crypto.DecryptionError, ValueError, zlib.error, UnicodeDecodeError):
        raise ServerIntegrityError("A device's audit log on the server cannot be read.") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ServerIntegrityError("A device's audit log on the server cannot be read.")
    return entries
