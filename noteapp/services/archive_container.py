"""The archive's encrypted container: a clear, bounded header, then AES-256-GCM chunks.

Built only from noteapp.crypto's primitives (Argon2id, AES-256-GCM, SHA-256), like the
vault, so an archive is exactly as hard to open as the vault it came from. The layout (see
docs/archive.md, byte by byte):

    magic (16) | header length (4, big-endian) | header (JSON) | key check (28) |
    prelude digest (32) | chunk 0 | chunk 1 | ... | last chunk

Each chunk is nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16) of CHUNK_SIZE plaintext bytes
(the last one 0…CHUNK_SIZE). Its associated data names the prelude digest, the chunk's index
and whether it is the last one (the STREAM construction of age and Tink): a chunk moved,
dropped, cut off or added fails authentication. The prelude digest (plain SHA-256 over
everything before it) only tells a damaged header from a wrong passphrase; authenticity
comes from the AEAD, whose associated data binds the header.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from noteapp import crypto
from noteapp.crypto import Argon2Params, DecryptionError
from noteapp.domain.errors import CheckFailedError, WrongSecretError

MAGIC = b"noteapp archive\n"
FORMAT = 1
CHUNK_SIZE = 64 * 1024
MAX_HEADER_BYTES = 4096
MAX_CHUNK_SIZE = 1024 * 1024
# The whole decrypted archive is held in memory to be read (never in a temp file), so it
# is bounded: a hostile file cannot make reading it exhaust memory.
MAX_PLAINTEXT_BYTES = 2 * 1024 * 1024 * 1024
NONCE_BYTES = crypto.NONCE_BYTES
TAG_BYTES = 16
KEY_CHECK_AD = b"noteapp archive v1 key check"
CHUNK_AD = b"noteapp archive v1 chunk"


class ArchiveDamagedError(CheckFailedError):
    """The archive is not a noteapp archive, or was damaged or altered (exit 1)."""


@dataclass(frozen=True)
class ContainerHeader:
    params: Argon2Params
    salt: bytes
    chunk_size: int = CHUNK_SIZE

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "cipher": "aes-256-gcm",
                "chunk_size": self.chunk_size,
                "kdf": {
                    "algorithm": "argon2id",
                    "memory_kib": self.params.memory_kib,
                    "iterations": self.params.iterations,
                    "lanes": self.params.lanes,
                    "salt": self.salt.hex(),
                },
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def _damaged(why: str) -> ArchiveDamagedError:
    return ArchiveDamagedError(f"The archive is damaged or was altered: {why}.")


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError
    return value


def parse_header(raw: bytes) -> ContainerHeader:
    """Strict and bounded: an edited header cannot ask for hours of key derivation."""
    try:
        d = json.loads(raw.decode("utf-8"))
        if not isinstance(d, dict) or set(d) != {"format", "cipher", "chunk_size", "kdf"}:
            raise ValueError
        if _int(d["format"]) != FORMAT:
            raise ArchiveDamagedError(
                f"This archive has format {d['format']}, which this version of noteapp does "
                "not know (it was made by a newer noteapp). Update noteapp to read it."
            )
        kdf = d["kdf"]
        keys = {"algorithm", "memory_kib", "iterations", "lanes", "salt"}
        if d["cipher"] != "aes-256-gcm" or not isinstance(kdf, dict) or set(kdf) != keys:
            raise ValueError
        if kdf["algorithm"] != "argon2id" or not isinstance(kdf["salt"], str):
            raise ValueError
        params = Argon2Params(_int(kdf["memory_kib"]), _int(kdf["iterations"]), _int(kdf["lanes"]))
        params.check_bounds()
        salt = bytes.fromhex(kdf["salt"])
        chunk_size = _int(d["chunk_size"])
    except ArchiveDamagedError:
        raise
    except (ValueError, UnicodeDecodeError):
        raise _damaged("its header is unreadable or out of bounds") from None
    if len(salt) != crypto.SALT_BYTES or not 1024 <= chunk_size <= MAX_CHUNK_SIZE:
        raise _damaged("its header is out of bounds")
    return ContainerHeader(params, salt, chunk_size)


def _chunk_ad(digest: bytes, index: int, final: bool) -> bytes:
    return CHUNK_AD + digest + struct.pack(">QB", index, 1 if final else 0)


class ContainerWriter:
    """A write-only stream that encrypts what it is given, chunk by chunk, into `sink`.

    Plaintext never reaches the disk: at most one chunk is buffered in memory. zipfile can
    write into it directly (it is not seekable, so zipfile uses data descriptors).
    """

    def __init__(self, sink: BinaryIO, passphrase: str, params: Argon2Params) -> None:
        header = ContainerHeader(params, crypto.random_bytes(crypto.SALT_BYTES))
        self._key = bytearray(crypto.derive_passphrase_key(passphrase, header.salt, params))
        self._aead = crypto.Aead(self._key)
        raw = header.to_bytes()
        prefix = MAGIC + struct.pack(">I", len(raw)) + raw
        key_check = self._aead.encrypt(b"", KEY_CHECK_AD + prefix)
        prelude = prefix + key_check
        self._digest = hashlib.sha256(prelude).digest()
        self._sink = sink
        self._sink.write(prelude + self._digest)
        self._chunk_size = header.chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._written = 0
        self.closed = False

    # The file-object surface zipfile uses.
    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("write to a finished archive")
        self._buffer += data
        self._written += len(data)
        # Keep at least one byte back: the last chunk must be written with the final flag.
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def tell(self) -> int:
        return self._written

    def seekable(self) -> bool:
        return False

    def seek(self, *_args: object) -> int:
        raise OSError("not seekable")

    def flush(self) -> None:
        return None

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        self._sink.write(self._aead.encrypt(plaintext, _chunk_ad(self._digest, self._index, final)))
        self._index += 1

    def abort(self) -> None:
        """Drop the key without writing the end (the caller discards the file)."""
        crypto.wipe(self._key)
        self.closed = True

    def finish(self) -> None:
        """Write the last chunk (flagged final) and drop the key."""
        if self.closed:
            return
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()
        crypto.wipe(self._key)
        self.closed = True


def _read_exact(source: BinaryIO, n: int) -> bytes:
    data = source.read(n)
    return data if isinstance(data, bytes) else b""


def open_container(source: BinaryIO, passphrase: str) -> bytes:
    """Check and decrypt a whole archive into memory (bounded); the plaintext is returned.

    Raises ArchiveDamagedError naming what failed, or WrongSecretError for a wrong
    passphrase (told apart from damage by the prelude digest and the key check).
    """
    magic = _read_exact(source, len(MAGIC))
    if magic != MAGIC:
        raise ArchiveDamagedError("This file is not a noteapp archive (its first bytes differ).")
    length_bytes = _read_exact(source, 4)
    if len(length_bytes) != 4:
        raise _damaged("it ends inside its header")
    (length,) = struct.unpack(">I", length_bytes)
    if not 2 <= length <= MAX_HEADER_BYTES:
        raise _damaged("its header length is out of bounds")
    raw = _read_exact(source, length)
    key_check = _read_exact(source, NONCE_BYTES + TAG_BYTES)
    digest = _read_exact(source, 32)
    prefix = magic + length_bytes + raw
    if len(digest) != 32 or hashlib.sha256(prefix + key_check).digest() != digest:
        raise _damaged("its header does not match its checksum")
    header = parse_header(raw)
    key = bytearray(crypto.derive_passphrase_key(passphrase, header.salt, header.params))
    try:
        aead = crypto.Aead(key)
        try:
            aead.decrypt(key_check, KEY_CHECK_AD + prefix)
        except DecryptionError:
            raise WrongSecretError(
                "Wrong archive passphrase: the archive's header is intact, but this "
                "passphrase does not open it."
            ) from None
        start = len(prefix) + len(key_check) + len(digest)
        return b"".join(_chunks(source, aead, digest, header.chunk_size, start))
    finally:
        crypto.wipe(key)


def _chunks(
    source: BinaryIO, aead: crypto.Aead, digest: bytes, chunk_size: int, start: int
) -> Iterator[bytes]:
    record = NONCE_BYTES + chunk_size + TAG_BYTES
    index = 0
    total = 0
    blob = _read_exact(source, record)
    while True:
        # A chunk is the last one when nothing follows it (read one chunk ahead to know).
        following = _read_exact(source, record) if len(blob) == record else b""
        final = not following
        if len(blob) < NONCE_BYTES + TAG_BYTES:
            raise _damaged(f"it was cut off (chunk {index} is incomplete)")
        try:
            plaintext = aead.decrypt(blob, _chunk_ad(digest, index, final))
        except DecryptionError:
            offset = start + index * record
            raise _damaged(
                f"its last part (from byte {offset}) was cut off, extended or changed"
                if final
                else f"chunk {index} (bytes {offset} to {offset + record - 1}) was changed"
            ) from None
        total += len(plaintext)
        if total > MAX_PLAINTEXT_BYTES:
            raise _damaged("it is larger than any archive noteapp writes")
        yield plaintext
        if final:
            return
        blob = following
        index += 1
