"""The OS keychain (keyring), offered only where it is really a safe keychain.

On headless Linux keyring's backend is the "fail" backend; with keyrings.alt installed it may
be a plaintext file. In both cases "remember on this device" must not be offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from noteapp.domain.errors import KeychainUnavailableError

SERVICE = "noteapp-vault"
_UNSAFE_MODULE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


@dataclass(frozen=True)
class KeychainStatus:
    available: bool
    backend: str
    reason: str


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_safe_backend(backend: Any) -> bool:
    """A backend that keeps secrets encrypted by the OS (not fail, null or a plain file)."""
    name = _backend_name(backend)
    if name.startswith(_UNSAFE_MODULE_PREFIXES):
        return False
    if "chainer" in name.lower():
        return any(is_safe_backend(b) for b in getattr(backend, "backends", []))
    return "plaintext" not in name.lower() and float(getattr(backend, "priority", 0) or 0) > 0


def status(backend: Any | None = None) -> KeychainStatus:
    """Whether "remember on this device" may be offered here, and why not if not."""
    try:
        import keyring

        backend = backend if backend is not None else keyring.get_keyring()
    except Exception:  # keyring can fail in many ways on odd desktops; any failure means no
        return KeychainStatus(False, "none", "No keychain could be reached on this computer.")
    name = _backend_name(backend)
    if is_safe_backend(backend):
        return KeychainStatus(True, name, "")
    return KeychainStatus(False, name, "This computer has no secure keychain that noteapp can use.")


def store_device_key(vault_id: str, device_key: bytes) -> None:
    import keyring

    if not status().available:
        raise KeychainUnavailableError("This computer has no secure keychain that noteapp can use.")
    try:
        keyring.set_password(SERVICE, vault_id, device_key.hex())
    except Exception as exc:
        raise KeychainUnavailableError("The keychain refused to store the key.") from exc


def load_device_key(vault_id: str) -> bytes | None:
    if not status().available:
        return None
    try:
        import keyring

        value = keyring.get_password(SERVICE, vault_id)
    except Exception:
        return None
    try:
        return bytes.fromhex(value) if value else None
    except ValueError:
        return None


def delete_device_key(vault_id: str) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, vault_id)
    except Exception:  # nothing stored, or no keychain: either way nothing is left behind
        return
