"""What the user must know about the vault just opened shows as a banner, once: an older
copy of the whole file put in its place (issue #9, point 8)."""

from __future__ import annotations

import shutil

from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.widgets.banner import Banner
from tests.conftest import PASSPHRASE
from tests.ui.conftest import create_vault_through_ui


def unlock(qtbot, controller) -> MainView:
    page = controller.page()
    assert isinstance(page, UnlockView)
    page.passphrase.setText(PASSPHRASE)
    page._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    return controller.page()


def test_an_older_copy_of_the_vault_shows_a_banner_once(qtbot, controller, tmp_path):
    main = create_vault_through_ui(qtbot, controller)
    main.pages.clients._clients.add(name="Testperson Alpha")
    path = controller.vault_path
    controller.lock()
    older = tmp_path / "older.noteapp"
    shutil.copyfile(path, older)
    main = unlock(qtbot, controller)
    assert main.findChild(Banner, "vaultWarningBanner") is None
    controller.ws.clients.add(name="Testperson Beta")
    controller.lock()
    shutil.copyfile(older, path)

    main = unlock(qtbot, controller)
    banner = main.findChild(Banner, "vaultWarningBanner")
    assert banner is not None and banner.isVisible()
    assert "older than the one last opened on this computer" in banner.label.text()
    assert "Testperson" not in banner.label.text()
    banner.button.click()
    assert not banner.isVisible()

    controller.lock()
    main = unlock(qtbot, controller)
    assert main.findChild(Banner, "vaultWarningBanner") is None  # said once
