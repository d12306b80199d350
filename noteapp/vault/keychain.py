"""The OS keychain (keyring), used only when it is one of the operating systems' secure stores.

keyring picks whatever backend it finds: on headless Linux the "fail" backend (every call
raises), with keyrings.alt installed possibly a plaintext file, and any installed package can
register a backend of its own. So backends are taken from an allow-list of classes — the
macOS Keychain, the Windows Credential Locker, the Secret Service (GNOME Keyring, KeePassXC
and others) and KWallet — and anything else means "remember on this device" is not offered.
keyring's chainer is looked through: its best allowed member is used directly, so a key is
never handed to a member that is not on the list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from noteapp.domain.errors import KeychainUnavailableError

SERVICE = "noteapp-vault"
# (module, class) of each allowed backend, exactly: a subclass could store keys anywhere.
ALLOWED_BACKENDS = (
    ("keyring.backends.macOS", "Keyring"),  # macOS Keychain
    ("keyring.backends.Windows", "WinVaultKeyring"),  # Windows Credential Locker
    ("keyring.backends.SecretService", "Keyring"),  # Secret Service over D-Bus
    ("keyring.backends.libsecret", "Keyring"),  # the same Secret Service, through libsecret
    ("keyring.backends.kwallet", "DBusKeyring"),  # KWallet (KDE Plasma 5 and 6)
    ("keyring.backends.kwallet", "DBusKeyringKWallet4"),  # KWallet of KDE 4
)
_CHAINER = ("keyring.backends.chainer", "ChainerBackend")
_NO_KEYCHAIN = "No keychain could be reached on this computer."
_NOT_SECURE = "This computer has no secure keychain that noteapp can use."


@dataclass(frozen=True)
class KeychainStatus:
    available: bool
    backend: str
    reason: str


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _load_class(module: str, name: str) -> type | None:
    try:
        found = getattr(importlib.import_module(module), name)
    except Exception:  # a backend keyring does not ship on this version: simply not allowed
        return None
    return found if isinstance(found, type) else None


@cache
def _allowed_classes() -> frozenset[type]:
    classes = (_load_class(module, name) for module, name in ALLOWED_BACKENDS)
    return frozenset(cls for cls in classes if cls is not None)


def _usable(backend: Any) -> bool:
    """An allowed class that keyring itself finds usable here (priority above zero)."""
    if type(backend) not in _allowed_classes():
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # keyring reports an unusable backend by raising from priority
        return False


def secure_backend(backend: Any) -> Any | None:
    """The OS secure store to use for ``backend`` (keyring's choice), or ``None``."""
    if type(backend) is _load_class(*_CHAINER):
        return next((member for member in _chained(backend) if _usable(member)), None)
    return backend if _usable(backend) else None


def _chained(chainer: Any) -> list[Any]:
    """The members of keyring's chainer, highest priority first."""
    try:
        return list(chainer.backends)
    except Exception:
        return []


def is_safe_backend(backend: Any) -> bool:
    """True when ``backend`` is (or chains) one of the OS secure stores on the allow-list."""
    return secure_backend(backend) is not None


def _default_backend() -> Any:
    import keyring

    return keyring.get_keyring()


def status(backend: Any | None = None) -> KeychainStatus:
    """Whether "remember on this device" may be offered here, and why not if not."""
    try:
        backend = backend if backend is not None else _default_backend()
        chosen = secure_backend(backend)
    except Exception:  # keyring can fail in many ways on odd desktops; any failure means no
        return KeychainStatus(False, "none", _NO_KEYCHAIN)
    if chosen is not None:
        return KeychainStatus(True, _backend_name(chosen), "")
    return KeychainStatus(False, _backend_name(backend), _NOT_SECURE)


def _secure() -> Any | None:
    try:
        return secure_backend(_default_backend())
    except Exception:
        return None


def store_device_key(vault_id: str, device_key: bytes) -> None:
    backend = _secure()
    if backend is None:
        raise KeychainUnavailableError(_NOT_SECURE)
    try:
        backend.set_password(SERVICE, vault_id, device_key.hex())
    except Exception as exc:
        raise KeychainUnavailableError("The keychain refused to store the key.") from exc


def load_device_key(vault_id: str) -> bytes | None:
    backend = _secure()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, vault_id)
    except Exception:
        return None
    try:
        return bytes.fromhex(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _forget(store: Any, vault_id: str) -> None:
    try:
        store.delete_password(SERVICE, vault_id)
    except Exception:  # nothing stored there, or no keychain: nothing is left behind
        return


def delete_device_key(vault_id: str) -> None:
    """Forget the key: in the secure store, and where keyring's own choice may hold one
    (earlier versions stored through it, which could be a chained store not on the list)."""
    import keyring

    backend = _secure()
    if backend is not None:
        _forget(backend, vault_id)
    _forget(keyring, vault_id)
