"""The OS keychain: only the OS secure stores (an allow-list) are used; remember / unlock /
forget on device."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.macOS
import keyring.backends.null
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService
from keyring.backends.chainer import ChainerBackend

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


class RecordingStore(KeyringBackend):
    """A third-party backend that works and keeps what it is given (in memory, for tests)."""

    priority = 20  # keyring would prefer it to every OS store

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class SubclassedSecretService(SecretService.Keyring):
    """Looks like the Secret Service, but a subclass may store keys anywhere."""

    priority = 5


_MISSING = object()


class ClassPatch:
    """Sets class attributes and puts them back. monkeypatch cannot: it reads the old value
    first, and keyring's `priority` raises where its store is missing (no D-Bus, no macOS)."""

    def __init__(self) -> None:
        self._saved: list[tuple[type, str, object]] = []

    def set(self, cls: type, name: str, value: object) -> None:
        self._saved.append((cls, name, cls.__dict__.get(name, _MISSING)))
        setattr(cls, name, value)

    def undo(self) -> None:
        for cls, name, old in reversed(self._saved):
            if old is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, old)
        self._saved.clear()


@pytest.fixture
def patch() -> Iterator[ClassPatch]:
    patcher = ClassPatch()
    yield patcher
    patcher.undo()


def allowed(module: str, name: str, patch: ClassPatch, priority: float = 5) -> Any:
    """An instance of a real allowed backend class, made usable here (no D-Bus, no macOS)."""
    cls = getattr(importlib.import_module(module), name)
    patch.set(cls, "priority", priority)
    return cls()


def chainer(monkeypatch: pytest.MonkeyPatch, *members: Any) -> Any:
    """keyring's own chainer, chaining exactly `members` (highest priority first)."""
    monkeypatch.setattr(ChainerBackend, "backends", list(members))
    return ChainerBackend()


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
    # Not on a deny-list, yet not an OS store: refused by the allow-list.
    "third-party backend": RecordingStore(),
    "third-party, any name": fake_backend("vendor.vault", "SecureKeyring", priority=9),
    "claims the Secret Service module": fake_backend("keyring.backends.SecretService", priority=5),
    "claims the macOS module": fake_backend("keyring.backends.macOS", priority=5),
    "subclass of the Secret Service": SubclassedSecretService(),
    "a chainer of our own making": fake_backend(
        "keyring.backends.chainer", "ChainerBackend", priority=10, backends=[RecordingStore()]
    ),
    "real fail backend": keyring.backends.fail.Keyring(),
    "real null backend": keyring.backends.null.Keyring(),
    # The real class where its store cannot be reached (here: no D-Bus session, no macOS).
    "Secret Service without a session": SecretService.Keyring(),
    "macOS Keychain off macOS": keyring.backends.macOS.Keyring(),
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_unsafe_backends_are_refused(name: str) -> None:
    backend = UNSAFE[name]
    assert not keychain.is_safe_backend(backend)
    st = keychain.status(backend)
    assert not st.available
    assert st.reason
    assert st.backend.startswith(type(backend).__module__)


@pytest.mark.parametrize("priority", [0, -1])
def test_allowed_class_that_keyring_finds_unusable_is_refused(
    priority: int, patch: ClassPatch
) -> None:
    backend = allowed("keyring.backends.SecretService", "Keyring", patch, priority)
    assert not keychain.status(backend).available


@pytest.mark.parametrize(("module", "name"), keychain.ALLOWED_BACKENDS)
def test_each_os_store_is_accepted(module: str, name: str, patch: ClassPatch) -> None:
    backend = allowed(module, name, patch)
    assert keychain.is_safe_backend(backend)
    st = keychain.status(backend)
    assert st.available
    assert st.reason == ""
    assert st.backend == f"{module}.{name}"


def test_the_allow_list_names_exactly_the_os_stores() -> None:
    assert {f"{m}.{n}" for m, n in keychain.ALLOWED_BACKENDS} == {
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
    }
    for module, name in keychain.ALLOWED_BACKENDS:  # each exists in the installed keyring
        assert isinstance(getattr(importlib.import_module(module), name), type)


def test_chainer_uses_only_its_allowed_members(
    patch: ClassPatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not keychain.is_safe_backend(chainer(monkeypatch))
    assert not keychain.is_safe_backend(chainer(monkeypatch, UNSAFE["fail"], UNSAFE["null"]))
    assert not keychain.is_safe_backend(
        chainer(monkeypatch, RecordingStore(), UNSAFE["keyrings.alt plaintext"])
    )
    assert not keychain.status(chainer(monkeypatch, UNSAFE["fail"])).available
    macos = allowed("keyring.backends.macOS", "Keyring", patch)
    st = keychain.status(chainer(monkeypatch, RecordingStore(), UNSAFE["fail"], macos))
    assert st.available
    assert st.backend == "keyring.backends.macOS.Keyring"  # the member that is used


def test_chained_third_party_store_never_receives_the_key(
    tmp_path: Path,
    clock: FakeClock,
    paths: AppPaths,
    patch: ClassPatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # keyring's chainer would hand the key to its highest-priority member, a third party.
    third_party = RecordingStore()
    os_store = use_memory_keychain(patch, monkeypatch)
    keyring.set_keyring(chainer(monkeypatch, third_party, SecretService.Keyring()))
    path, ws = _create(tmp_path, clock, paths)
    ws.remember_on_device()
    vault_id = ws._vault.vault_id
    ws.close()
    assert third_party.store == {}
    assert (keychain.SERVICE, vault_id) in os_store.store
    # A key planted in the third-party store is not read either.
    third_party.store[(keychain.SERVICE, vault_id)] = "00" * 32
    Workspace.unlock_with_keychain(path, clock=clock, paths=paths).close()
    ws = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    ws.forget_on_device()  # forgetting clears keyring's own choice too
    ws.close()
    assert os_store.store == {} and third_party.store == {}


def test_status_when_keyring_itself_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise RuntimeError("no D-Bus session")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    st = keychain.status()
    assert not st.available
    assert st.reason


@dataclass
class MemoryKeychain:
    """What the OS store holds, as a dict: see use_memory_keychain."""

    store: dict[tuple[str, str], str]


def use_memory_keychain(patch: ClassPatch, monkeypatch: pytest.MonkeyPatch) -> MemoryKeychain:
    """Make keyring's backend the real Secret Service class, storing in memory (tests only)."""
    keychain_ = MemoryKeychain({})
    store = keychain_.store
    cls = SecretService.Keyring
    patch.set(cls, "priority", 5)
    patch.set(cls, "get_password", lambda self, s, u: store.get((s, u)))
    patch.set(cls, "set_password", lambda self, s, u, p: store.__setitem__((s, u), p))
    patch.set(cls, "delete_password", lambda self, s, u: store.pop((s, u), None))
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(cls())
    assert keychain.status().available
    return keychain_


@pytest.fixture
def memory_keyring(patch: ClassPatch, monkeypatch: pytest.MonkeyPatch) -> MemoryKeychain:
    return use_memory_keychain(patch, monkeypatch)


@pytest.fixture
def unsafe_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert not keychain.status().available


def _create(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> tuple[Path, Workspace]:
    path = tmp_path / "v.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws._vault.put("contact", "c1", {"name": "Synthetic"})
    return path, ws


def test_remember_unlock_and_forget_on_device(
    tmp_path: Path, clock: FakeClock, paths: AppPaths, memory_keyring: MemoryKeychain
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    assert ws.keychain_status().available
    assert not ws.remembered_on_device
    ws.remember_on_device()
    assert ws.remembered_on_device
    vault_id = ws._vault.vault_id
    stored = memory_keyring.store[(keychain.SERVICE, vault_id)]
    assert len(bytes.fromhex(stored)) == 32
    assert ws.audit.entries()[-1].action == "keychain-remember"
    ws.close()

    ws = Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
    assert ws._vault.get("contact", "c1").data == {"name": "Synthetic"}
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
    tmp_path: Path, clock: FakeClock, paths: AppPaths, memory_keyring: MemoryKeychain
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    ws.remember_on_device()
    vault_id = ws._vault.vault_id
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
            keychain.store_device_key(ws._vault.vault_id, b"k" * 32)
        assert keychain.load_device_key(ws._vault.vault_id) is None
        keychain.delete_device_key(ws._vault.vault_id)  # harmless without a keychain
    finally:
        ws.close()
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)


def test_keychain_turned_unsafe_later_is_not_read(
    tmp_path: Path,
    clock: FakeClock,
    paths: AppPaths,
    memory_keyring: MemoryKeychain,
    patch: ClassPatch,
) -> None:
    path, ws = _create(tmp_path, clock, paths)
    ws.remember_on_device()
    ws.close()
    patch.set(SecretService.Keyring, "priority", 0)
    with pytest.raises(WrongSecretError):
        Workspace.unlock_with_keychain(path, clock=clock, paths=paths)
