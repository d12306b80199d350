"""Key slots: wrapping the vault's random data key under a passphrase, a recovery key or a
device key kept in the OS keychain. Changing the passphrase re-wraps; records stay as they are.
"""

from __future__ import annotations

import base64

from noteapp import crypto
from noteapp.crypto import Argon2Params, DecryptionError
from noteapp.domain.errors import InvalidInputError, WrongSecretError
from noteapp.vault.format import (
    SLOT_KEYCHAIN,
    SLOT_PASSPHRASE,
    SLOT_RECOVERY,
    KeySlot,
)

RECOVERY_KEY_BYTES = 20  # 160 bits: 32 base32 characters, 8 groups of 4


def new_recovery_key() -> str:
    """A random recovery key, in groups of four that are easy to write down and read back."""
    text = base64.b32encode(crypto.random_bytes(RECOVERY_KEY_BYTES)).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Accepts any spacing, dashes and case; forgives 0/O, 1/I and 8/B mix-ups."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    if len(cleaned) != 32:
        raise InvalidInputError(
            "A recovery key has 32 letters and digits (8 groups of 4); check what you typed."
        )
    try:
        return base64.b32decode(cleaned)
    except ValueError as exc:
        raise InvalidInputError("That is not a valid recovery key; check what you typed.") from exc


def _wrap(
    slot_type: str,
    vault_id: str,
    wrapping_key: bytes,
    salt: bytes,
    data_key: bytes | bytearray,
    kdf: Argon2Params | None,
) -> KeySlot:
    template = KeySlot(type=slot_type, salt=salt, wrapped=b"", kdf=kdf)
    wrapped = crypto.aead_encrypt(wrapping_key, bytes(data_key), template.associated_data(vault_id))
    return KeySlot(type=slot_type, salt=salt, wrapped=wrapped, kdf=kdf)


def _unwrap(slot: KeySlot, vault_id: str, wrapping_key: bytes) -> bytearray:
    return bytearray(
        crypto.aead_decrypt(wrapping_key, slot.wrapped, slot.associated_data(vault_id))
    )


def passphrase_slot(
    vault_id: str, passphrase: str, data_key: bytes | bytearray, params: Argon2Params
) -> KeySlot:
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    key = crypto.derive_passphrase_key(passphrase, salt, params)
    return _wrap(SLOT_PASSPHRASE, vault_id, key, salt, data_key, params)


def open_passphrase_slot(slot: KeySlot, vault_id: str, passphrase: str) -> bytearray:
    assert slot.kdf is not None  # parse_header guarantees it for passphrase slots
    key = crypto.derive_passphrase_key(passphrase, slot.salt, slot.kdf)
    try:
        return _unwrap(slot, vault_id, key)
    except DecryptionError as exc:
        raise WrongSecretError("That passphrase is not correct.") from exc


def _recovery_wrapping_key(raw: bytes, salt: bytes) -> bytes:
    # 160 random bits need no stretching; HKDF only separates this use from any other.
    return crypto.hkdf(raw, b"noteapp v1 recovery slot\0" + salt)


def recovery_slot(vault_id: str, recovery_key: str, data_key: bytes | bytearray) -> KeySlot:
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    key = _recovery_wrapping_key(parse_recovery_key(recovery_key), salt)
    return _wrap(SLOT_RECOVERY, vault_id, key, salt, data_key, None)


def open_recovery_slot(slot: KeySlot, vault_id: str, recovery_key: str) -> bytearray:
    key = _recovery_wrapping_key(parse_recovery_key(recovery_key), slot.salt)
    try:
        return _unwrap(slot, vault_id, key)
    except DecryptionError as exc:
        raise WrongSecretError("That recovery key does not open this vault.") from exc


def keychain_slot(vault_id: str, device_key: bytes, data_key: bytes | bytearray) -> KeySlot:
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    return _wrap(SLOT_KEYCHAIN, vault_id, crypto.hkdf(device_key, salt), salt, data_key, None)


def open_keychain_slot(slot: KeySlot, vault_id: str, device_key: bytes) -> bytearray:
    try:
        return _unwrap(slot, vault_id, crypto.hkdf(device_key, slot.salt))
    except DecryptionError as exc:
        raise WrongSecretError(
            "The key remembered on this device no longer opens the vault; "
            "unlock with your passphrase."
        ) from exc
