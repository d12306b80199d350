"""The only importer of `cryptography`: KDF, AEAD, MAC, Ed25519, X25519 and randomness.

Everything here takes and returns plain bytes; no library object escapes this module, so the
rest of noteapp can be read without knowing the crypto library's API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16

# OWASP's minimum for Argon2id; anything asked for explicitly below this is refused.
ARGON2_MIN_MEMORY_KIB = 19 * 1024
ARGON2_MIN_ITERATIONS = 2
# The defaults never go below these, whatever calibration measures.
ARGON2_FLOOR_MEMORY_KIB = 64 * 1024
ARGON2_FLOOR_ITERATIONS = 3
ARGON2_DEFAULT_LANES = 4
# Values read from disk are bounded, so an edited header cannot make one unlock cost more
# than a few seconds and 1 GiB (the old 4 GiB / 20 passes cost 96 s). Argon2's time grows with
# memory x passes, so that product is bounded too: 3 GiB-passes (1 GiB x 3, 512 MiB x 6)
# allows every setting calibration picks (at most 256 MiB x 10) with room for a deliberately
# stronger explicit choice, and costs about 3.5 s on a 2-core laptop.
ARGON2_MAX_MEMORY_KIB = 1024 * 1024
ARGON2_MAX_ITERATIONS = 10
ARGON2_MAX_LANES = 16
ARGON2_MAX_COST_KIB_PASSES = 3 * 1024 * 1024
# Calibration never asks for more than this, so a vault made on a big desktop still opens
# on a small laptop, and unlocking stays within a modest memory budget.
_CALIBRATION_MAX_MEMORY_KIB = 256 * 1024
_CALIBRATION_MAX_ITERATIONS = 10
_MAX_MIB = ARGON2_MAX_MEMORY_KIB // 1024
_MAX_COST_MIB = ARGON2_MAX_COST_KIB_PASSES // 1024


class DecryptionError(Exception):
    """Authentication failed: wrong key, or the data was altered."""


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int
    iterations: int
    lanes: int

    def check_explicit(self) -> None:
        """Refuse values below OWASP's minimum (a user asked for these explicitly)."""
        if self.memory_kib < ARGON2_MIN_MEMORY_KIB or self.iterations < ARGON2_MIN_ITERATIONS:
            raise ValueError(
                "Key-derivation settings below OWASP's minimum (19 MiB, 2 iterations) are refused."
            )
        if self.lanes < 1:
            raise ValueError("Key derivation needs at least one lane.")
        self.check_bounds()

    def check_bounds(self) -> None:
        """Refuse values a genuine vault never has (raised before any work is done)."""
        if not (1 <= self.memory_kib <= ARGON2_MAX_MEMORY_KIB):
            raise ValueError(f"Key-derivation memory must be at most {_MAX_MIB} MiB.")
        if not (1 <= self.iterations <= ARGON2_MAX_ITERATIONS):
            raise ValueError(f"Key-derivation iterations must be at most {ARGON2_MAX_ITERATIONS}.")
        if not (1 <= self.lanes <= ARGON2_MAX_LANES):
            raise ValueError(f"Key-derivation lanes must be between 1 and {ARGON2_MAX_LANES}.")
        if self.memory_kib < 8 * self.lanes:
            raise ValueError("Key derivation needs at least 8 KiB of memory per lane.")
        if self.memory_kib * self.iterations > ARGON2_MAX_COST_KIB_PASSES:
            raise ValueError(
                f"Key-derivation memory x iterations must be at most {_MAX_COST_MIB} MiB "
                f"(e.g. {_MAX_MIB} MiB x {_MAX_COST_MIB // _MAX_MIB})."
            )


def random_bytes(n: int) -> bytes:
    return secrets.token_bytes(n)


def derive_passphrase_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id over the UTF-8 passphrase."""
    params.check_bounds()
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(passphrase.encode("utf-8"))


def calibrate_argon2(target_seconds: float = 1.0) -> Argon2Params:
    """Parameters that take about `target_seconds` here, never below the default floor."""
    lanes = ARGON2_DEFAULT_LANES
    probe = Argon2Params(ARGON2_FLOOR_MEMORY_KIB, ARGON2_FLOOR_ITERATIONS, lanes)
    elapsed = _time_kdf(probe)
    # Argon2's cost grows roughly linearly with memory; spend the budget on memory first
    # (what makes GPU guessing expensive) up to a laptop-friendly cap, then on iterations.
    memory = int(probe.memory_kib * target_seconds / elapsed) // 1024 * 1024
    memory = max(ARGON2_FLOOR_MEMORY_KIB, min(memory, _CALIBRATION_MAX_MEMORY_KIB))
    chosen = Argon2Params(memory, ARGON2_FLOOR_ITERATIONS, lanes)
    # Measure at the chosen size (scaling is not quite linear) and settle the iterations.
    measured = _time_kdf(chosen)
    iterations = round(chosen.iterations * target_seconds / measured)
    iterations = max(ARGON2_FLOOR_ITERATIONS, min(iterations, _CALIBRATION_MAX_ITERATIONS))
    return Argon2Params(memory, iterations, lanes)


def _time_kdf(params: Argon2Params) -> float:
    start = time.perf_counter()
    derive_passphrase_key("calibration", b"\0" * SALT_BYTES, params)
    return max(time.perf_counter() - start, 1e-3)


def hkdf(key: bytes | bytearray, info: bytes, length: int = KEY_BYTES) -> bytes:
    """Derive an independent subkey for one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(bytes(key))


def aead_encrypt(key: bytes | bytearray, plaintext: bytes, associated_data: bytes) -> bytes:
    """AES-256-GCM with a fresh random nonce; returns nonce ‖ ciphertext ‖ tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(bytes(key)).encrypt(nonce, plaintext, associated_data)


def aead_decrypt(key: bytes | bytearray, blob: bytes, associated_data: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("too short")
    try:
        return AESGCM(bytes(key)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data)
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


class Aead:
    """A reusable AES-256-GCM cipher for one key (bulk record encryption without re-keying)."""

    def __init__(self, key: bytes | bytearray) -> None:
        self._aead = AESGCM(bytes(key))

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        if len(blob) < NONCE_BYTES + 16:
            raise DecryptionError("too short")
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data)
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc


def keyed_digest_sum(key: bytes | bytearray, prefix: bytes, messages: Iterable[bytes]) -> int:
    """The sum modulo 2^256 of a 256-bit PRF (BLAKE2b in its keyed mode) of prefix ‖ m for
    each message m: the vault's multiset digest of current record versions.

    It runs once per record when a kind is checked, so it is kept fast: keyed BLAKE2b is
    about 5x faster than HMAC-SHA256 here, and the keyed, prefixed state is copied rather
    than set up again for each message.
    """
    base = hashlib.blake2b(key=bytes(key), digest_size=32)
    base.update(prefix)
    total = 0
    for message in messages:
        h = base.copy()
        h.update(message)
        total += int.from_bytes(h.digest(), "big")
    return total % (1 << 256)


def hmac_sha256(key: bytes | bytearray, data: bytes) -> bytes:
    return hmac.new(bytes(key), data, hashlib.sha256).digest()


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- Ed25519 -------------------------------------------------------------------------------


def generate_signing_keypair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private 32 bytes, public 32 bytes)."""
    private = Ed25519PrivateKey.generate()
    return (
        private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
    )


def sign(private_key: bytes | bytearray, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(bytes(private_key)).sign(message)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


class Signer:
    """One Ed25519 private key kept ready for many signatures (bulk sync), without the
    setup of `sign` per message."""

    def __init__(self, private_key: bytes | bytearray) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(bytes(private_key))

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


class Verifier:
    """One Ed25519 public key kept ready for many checks; a malformed key verifies nothing."""

    def __init__(self, public_key: bytes) -> None:
        try:
            self._key: Ed25519PublicKey | None = Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError:
            self._key = None

    def verify(self, signature: bytes, message: bytes) -> bool:
        if self._key is None:
            return False
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def key_fingerprint(public_key: bytes) -> str:
    """A fingerprint to compare by phone: 128 bits as 32 hex digits in groups of four.

    128 bits so that finding another key with the same fingerprint is out of reach; grouped
    so it can be read aloud.
    """
    digest = hashlib.sha256(b"noteapp-ed25519-fingerprint\0" + public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4)).upper()


# --- X25519: wrapping a key to someone's public key (agency chart keys) ------------------

X25519_BYTES = 32
_SEAL_INFO = b"noteapp-seal/1\0"


def generate_exchange_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as (private 32 bytes, public 32 bytes)."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
    )


def exchange_public_key(private_key: bytes | bytearray) -> bytes:
    """The X25519 public key of a private one (to check a stored pair belongs together)."""
    return (
        X25519PrivateKey.from_private_bytes(bytes(private_key))
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    # Both public keys go into the derivation (as in libsodium's sealed boxes and HPKE), so a
    # sealed box is bound to the recipient it was made for.
    return hkdf(shared, _SEAL_INFO + ephemeral + recipient)


def seal(recipient_public: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt to an X25519 public key (anonymous sender): ephemeral public key ‖
    AES-256-GCM under a key from the ECDH secret. Only the recipient's private key opens it;
    who made it is proved, where that matters, by a signature over it."""
    if len(recipient_public) != X25519_BYTES:
        raise ValueError("not an X25519 public key")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _seal_key(shared, ephemeral_public, recipient_public)
    return ephemeral_public + aead_encrypt(key, plaintext, associated_data)


def open_sealed(private_key: bytes | bytearray, sealed: bytes, associated_data: bytes) -> bytes:
    """The plaintext of `seal`; DecryptionError if it was not made for this key or altered."""
    if len(sealed) < X25519_BYTES + NONCE_BYTES + 16:
        raise DecryptionError("too short")
    private = X25519PrivateKey.from_private_bytes(bytes(private_key))
    ephemeral_public = sealed[:X25519_BYTES]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError as exc:  # a low-order point gives an all-zero secret: refused
        raise DecryptionError("bad ephemeral key") from exc
    recipient = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key = _seal_key(shared, ephemeral_public, recipient)
    return aead_decrypt(key, sealed[X25519_BYTES:], associated_data)


def wipe(buffer: bytearray) -> None:
    """Overwrite a key buffer (best effort: Python may hold other copies)."""
    for i in range(len(buffer)):
        buffer[i] = 0
