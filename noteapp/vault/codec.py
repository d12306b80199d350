"""What a stored plaintext looks like before it is encrypted: compressed, or a delta.

Compression runs before encryption (ciphertext does not compress). Every format-2 plaintext
starts with one codec byte, authenticated with the rest by the AEAD:

- 0x00  the JSON as it is (when deflating would not make it smaller: tiny records);
- 0x01  raw DEFLATE of the JSON (zlib level 6; level 9 gains nothing measurable on notes,
        level 1 loses ~3 %);
- 0x04  raw DEFLATE with the preset dictionary of record structure (dictionary.py): what
        records are written with (a fifth smaller than 0x01 for notes and signature
        records);
- 0x03  raw DEFLATE with a fixed preset dictionary (audit entries: audit.ENTRY_DICTIONARY);
- 0x02  a *reverse delta*: raw DEFLATE of an older version's JSON with the next version's
        JSON as the preset dictionary. Draft histories are near-copies of the version after
        them, so an older version then costs a few dozen bytes instead of a kilobyte; the
        current version is always whole (0x00/0x01), so reading what is current never needs
        another row.

A plaintext that starts with "{" is JSON as format 1 stored it (audit entries carried over
by an upgrade). Anything else fails closed.

Why not compress across records (a signed item against its note): each record must stay
readable on its own — a damaged note is still exported from its intact signature record.
"""

from __future__ import annotations

import zlib

from noteapp.domain.errors import InvalidInputError
from noteapp.vault.dictionary import RECORDS

STORED = 0x00
DEFLATED = 0x01
DELTA = 0x02
AUDIT_DEFLATED = 0x03
RECORD_DEFLATED = 0x04
_LEVEL = 6
_WBITS = -15  # raw DEFLATE: no zlib header or checksum (the AEAD already authenticates)
# Bounds a decoder never exceeds, whatever a (damaged) stream claims.
MAX_PLAINTEXT = 64 * 1024 * 1024


class CodecError(ValueError):
    """A plaintext whose codec byte or compressed stream is not understood."""


def encode(plain: bytes, *, compress: bool = True) -> bytes:
    """A whole plaintext (a group's list, a blob). `compress=False` keeps it as it is: for
    large blobs read far more often than written, where inflating costs more than the
    bytes saved (the search index's images)."""
    if len(plain) > MAX_PLAINTEXT:
        raise InvalidInputError("This record is too large to be stored.")
    if compress:
        packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS)
        packed = packer.compress(plain) + packer.flush()
        if len(packed) < len(plain):
            return bytes([DEFLATED]) + packed
    return bytes([STORED]) + plain


def encode_record(plain: bytes) -> bytes:
    """The current version of a record: with the record dictionary."""
    if len(plain) > MAX_PLAINTEXT:
        raise InvalidInputError("This record is too large to be stored.")
    return encode_with(plain, RECORDS, RECORD_DEFLATED)


def encode_delta(plain: bytes, newer: bytes) -> bytes:
    """An older version as a delta against the version after it (`newer`, its plaintext)."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS, zdict=newer)
    packed = packer.compress(plain) + packer.flush()
    whole = encode_record(plain)
    return bytes([DELTA]) + packed if len(packed) + 1 < len(whole) else whole


def encode_with(plain: bytes, zdict: bytes, codec: int) -> bytes:
    """A small plaintext compressed with a fixed dictionary of what such plaintexts repeat
    (`codec` names the dictionary, so it is read with the one it was written with)."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS, zdict=zdict)
    packed = packer.compress(plain) + packer.flush()
    return bytes([codec]) + packed if len(packed) < len(plain) else bytes([STORED]) + plain


def decode_with(stored: bytes, zdict: bytes, codec: int) -> bytes:
    if stored[:1] == bytes([codec]):
        return _inflate(stored[1:], zdict)
    return decode(stored)


def is_delta(stored: bytes) -> bool:
    return stored[:1] == bytes([DELTA])


def decode(stored: bytes, newer: bytes | None = None) -> bytes:
    """The plaintext; `newer` is the next version's plaintext, needed for a delta."""
    if not stored:
        raise CodecError("empty")
    head, body = stored[0], stored[1:]
    if head == ord("{"):  # format 1's JSON, carried over as it was
        return stored
    if head == STORED:
        return body
    if head == DEFLATED:
        return _inflate(body, None)
    if head == RECORD_DEFLATED:
        return _inflate(body, RECORDS)
    if head == DELTA:
        if newer is None:
            raise CodecError("a delta needs the version after it")
        return _inflate(body, newer)
    raise CodecError("unknown codec")


def _inflate(body: bytes, zdict: bytes | None) -> bytes:
    try:
        unpacker = (
            zlib.decompressobj(_WBITS, zdict=zdict)
            if zdict is not None
            else zlib.decompressobj(_WBITS)
        )
        plain = unpacker.decompress(body, MAX_PLAINTEXT)
    except zlib.error as exc:
        raise CodecError("bad stream") from exc
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise CodecError("truncated or oversized stream")
    return plain
