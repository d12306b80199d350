"""'Remember on this device' is offered only with a safe keychain, asked of the keychain itself
before unlocking; a remembered vault unlocks with the keychain button."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt

from noteapp.services.workspace import Workspace
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.unlock_view import UnlockView
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_keychain import memory_keyring, patch

# Fixtures of test_keychain: the real Secret Service backend class, storing in memory.
__all__ = ["memory_keyring", "patch"]


@pytest.fixture
def vault_path(tmp_path, paths, clock):
    path = tmp_path / "v.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.profile.set(name="Sam Rivera", credentials="LMFT")
    ws.close()
    return path


def _unlock_view(controller, vault_path) -> UnlockView:
    controller.vault_path = vault_path
    controller.show_unlock()
    view = controller.page()
    assert isinstance(view, UnlockView)
    return view


def test_no_remember_option_without_a_safe_keychain(controller, vault_path, monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    view = _unlock_view(controller, vault_path)
    assert not view.remember.isVisibleTo(view)
    assert not view.keychain_button.isVisibleTo(view)


def test_remember_then_unlock_with_the_keychain(qtbot, controller, vault_path, memory_keyring):
    backend = memory_keyring
    view = _unlock_view(controller, vault_path)
    assert view.remember.isVisibleTo(view)
    view.passphrase.setText(PASSPHRASE)
    view.remember.setChecked(True)
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    assert backend.store  # the device key went to the keychain, not to a file
    controller.lock()
    view = controller.page()
    assert isinstance(view, UnlockView)
    assert view.keychain_button.isVisibleTo(view)
    assert not view.remember.isVisibleTo(view)
    qtbot.mouseClick(view.keychain_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)


def test_a_failed_remember_is_reported_after_unlock(
    qtbot, controller, vault_path, monkeypatch, memory_keyring
):
    from noteapp.domain.errors import KeychainUnavailableError
    from noteapp.ui.widgets.banner import Banner

    def refuse(self):
        raise KeychainUnavailableError("The keychain refused to store the key.")

    monkeypatch.setattr(Workspace, "remember_on_device", refuse)
    view = _unlock_view(controller, vault_path)
    view.passphrase.setText(PASSPHRASE)
    view.remember.setChecked(True)
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    banner = controller.page().findChild(Banner, "unlockNoticeBanner")
    assert banner is not None and banner.isVisibleTo(controller.page())
    assert "not remembered on this device" in banner.label.text()
    assert "The keychain refused to store the key." in banner.label.text()
    # Said once: locking and unlocking again does not repeat it.
    controller.lock()
    view = controller.page()
    view.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    assert controller.page().findChild(Banner, "unlockNoticeBanner") is None
