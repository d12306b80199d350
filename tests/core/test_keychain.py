"""The OS keychain: only a really safe backend is used; remember / unlock / forget on device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.core
import pytest
from keyring.backend import KeyringBackend

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import KeychainUnavailableError, WrongSecretError
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault import keychain
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE


def fake_backend(module: str, name: str = "Keyring", **attrs: Any) -> Any:
    """An instance of a class that claims to live in `module` (as keyring's own do)."""
    cls = type(name, (), {"__module__": module, **attrs})
    return cls()


UNSAFE = {
    "fail": fake_backend("keyring.backends.fail", priority=0),
    "fail-claiming-priority": fake_backend("keyring.backends.fail", priority=5),
    "null": fake_backend("keyring.backends.null", priority=-1),
    "null-claiming-priority": fake_backend("keyring.backends.null", priority=5),
    "keyrings.alt plaintext": fake_backend("keyrings.alt.file", "PlaintextKeyring", priority=0.5),
    "keyrings.alt encrypted file": fake_backend(
        "keyrings.alt.file", "EncryptedKeyring", priority=0.6
    ),
    "keyrings.alt gnome": fake_backend("keyrings.alt.Gnome", "Keyring", priority=1),
    "plaintext elsewhere": fake_backend("vendor.store", "PlainTextKeyring", priority=9),
    "zero priority": fake_backend("keyring.backends.SecretService", priority=0),
    "negative priority": fake_backend("keyring.backends.SecretService", priority=-1),
    "no priority": fake_backend("keyring.backends.SecretService"),
    "priority None": fake_backend("keyring.backends.SecretService", priority=None),
    "real fail backend": keyring.backends.fail.Keyring(),
    "real null backend": keyring.backends.null.Keyring(),
}

SAFE_SECRET_SERVICE = fake_backend("keyring.backends.SecretService", priority=5)
SAFE_MACOS = fake_backend("keyring.backends.macOS", priority=5)
SAFE_WINDOWS = fake_backend("keyring.backends.Windows", "WinVaultKeyring", priority=5)


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_unsafe_backends_are_refused(name: str) -> None:
    backend = UNSAFE[name]
    assert not keychain.is_safe_backend(backend)
    st = keychain.status(backend)
    assert not st.available
    assert st.reason
    assert st.backend.startswith(type(backend).__module__)


@pytest.mark.parametrize("backend", [SAFE_SECRET_SERVICE, SAFE_MACOS, SAFE_WINDOWS])
def test_safe_backend_with_positive_priority_is_accepted(backend: Any) -> None:
    assert keychain.is_safe_backend(backend)
    st = keychain.status(backend)
    assert st.available
    assert st.reason == ""


def test_chainer_is_safe_only_with_a_safe_member() -> None:
    def chainer(*members: Any) -> Any:
        return fake_backend(
            "keyring.backends.chainer", "ChainerBackend", priority=10, backends=list(members)
        )

    assert not keychain.is_safe_backend(chainer())
    assert not keychain.is_safe_backend(chainer(UNSAFE["fail"], UNSAFE["null"]))
    assert not keychain.is_safe_backend(
        chainer(UNSAFE["keyrings.alt plaintext"], UNSAFE["real fail backend"])
    )
    assert not keychain.status(chainer(UNSAFE["fail"])).available
    assert keychain.is_safe_backend(chainer(UNSAFE["fail"], SAFE_SECRET_SERVICE))
    assert keychain.status(chainer(SAFE_MACOS)).available


def test_status_when_keyring_itself_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise RuntimeError("no D-Bus session")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    st = keychain.status()
    assert not st.available
    assert st.reason


class MemoryKeyring(KeyringBackend):
    """A safe-looking in-memory keychain for tests (priority > 0, not fail/null/plaintext)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(backend)
    assert keychain.status().available
    return backend


@pytest.fixture
def unsafe_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert not keychain.status().available


def _create(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> tuple[Path, Workspace]:
    path = tmp_path / "v.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.vault.put("contact", "c1", {"name": "Synthetic"})
    return path, ws


def test_remember_unlock_and_forget_on_device(
    tmp_path: Path, clock: FakeClock, paths: AppPaths, memory_keyring: MemoryKeyring
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    assert ws.keychain_status().available
    assert not ws.remembered_on_device
    ws.remember_on_device()
    assert ws.remembered_on_device
    vault_id = ws.vault.vault_id
    stored = memory_keyring.store[(keychain.SERVICE, vault_id)]
    assert len(bytes.fromhex(stored)) == 32
    assert ws.audit.entries()[-1].action == "keychain-remember"
    ws.close()

    ws = Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
    assert ws.vault.get("contact", "c1").data == {"name": "Synthetic"}
    assert ws.audit.entries()[-1].detail == {"method": "keychain"}
    ws.close()
    # The keychain is never the only copy: passphrase still works.
    Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths).close()

    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    ws.forget_on_device()
    assert not ws.remembered_on_device
    assert (keychain.SERVICE, vault_id) not in memory_keyring.store
    assert ws.audit.entries()[-1].action == "keychain-forget"
    ws.close()
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
    # A device key left behind in the keychain no longer opens the vault either.
    memory_keyring.store[(keychain.SERVICE, vault_id)] = stored
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
    Vault.open(path).close()  # every failed attempt released the vault


def test_wrong_device_key_in_the_keychain(
    tmp_path: Path, clock: FakeClock, paths: AppPaths, memory_keyring: MemoryKeyring
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    ws.remember_on_device()
    vault_id = ws.vault.vault_id
    ws.close()
    for bad in ("00" * 32, "not hex at all", ""):
        memory_keyring.store[(keychain.SERVICE, vault_id)] = bad
        with pytest.raises(WrongSecretError):
            Workspace.unlock_with_keychain(path, clock=clock, paths=paths)


def test_no_remember_without_a_safe_keychain(
    tmp_path: Path, clock: FakeClock, paths: AppPaths, unsafe_keyring: None
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    try:
        assert not ws.keychain_status().available
        with pytest.raises(KeychainUnavailableError):
            ws.remember_on_device()
        assert not ws.remembered_on_device
        with pytest.raises(KeychainUnavailableError):
            keychain.store_device_key(ws.vault.vault_id, b"k" * 32)
        assert keychain.load_device_key(ws.vault.vault_id) is None
        keychain.delete_device_key(ws.vault.vault_id)  # harmless without a keychain
    finally:
        ws.close()
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)


def test_keychain_turned_unsafe_later_is_not_read(
    tmp_path: Path,
    clock: FakeClock,
    paths: AppPaths,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    ws.remember_on_device()
    ws.close()
    monkeypatch.setattr(MemoryKeyring, "priority", 0)
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
