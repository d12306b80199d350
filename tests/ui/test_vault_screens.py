"""Demo vault, recovery key, settings (passphrase, backups, restore), integrity banner."""

from __future__ import annotations

import sqlite3
import stat

from PySide6.QtCore import Qt

from noteapp.demo import DEMO_PASSPHRASE
from noteapp.ui.dialogs.recovery_unlock_dialog import RecoveryUnlockDialog
from noteapp.ui.views.create_vault_view import CreateVaultView
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.recovery_key_view import RecoveryKeyView, grouped, write_private_file
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.views.welcome_view import WelcomeView
from noteapp.ui.widgets.banner import Banner
from tests.conftest import PASSPHRASE
from tests.ui.conftest import create_vault_through_ui

NEW_PASSPHRASE = "a brand new river lantern"


def test_demo_vault_opens_with_banner(qtbot, controller, paths):
    controller.start()
    welcome = controller.page()
    assert isinstance(welcome, WelcomeView)
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=20000)
    main = controller.page()
    assert paths.default_demo_vault.is_file()
    banner = main.findChild(Banner, "demoBanner")
    assert banner is not None and banner.isVisible()
    assert "invented clients only" in banner.label.text()
    assert len(main.pages.clients.visible_names()) >= 5
    assert controller.window.windowTitle() == "noteapp — Demo vault"
    # Locked, the demo vault's lock screen says it is the demo and gives its passphrase.
    controller.lock()
    unlock = controller.page()
    assert isinstance(unlock, UnlockView)
    unlock.passphrase.setText(DEMO_PASSPHRASE)
    unlock._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)


def test_recovery_key_view_groups_and_saves_privately(qtbot, tmp_path):
    view = RecoveryKeyView("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    qtbot.addWidget(view)
    assert view.key_label.text() == grouped("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789")
    assert view.key_label.text().splitlines()[0] == "ABCD EFGH JKLM NPQR"
    assert not view.continue_button.isEnabled()
    view.stored_check.setChecked(True)
    assert view.continue_button.isEnabled()
    target = tmp_path / "key.txt"
    write_private_file(target, view._text_for_paper())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with qtbot.waitSignal(view.continue_requested):
        view.continue_button.click()
    assert view.key_label.text() == ""


def test_forgot_passphrase_uses_recovery_key(qtbot, controller, monkeypatch):
    captured: dict[str, str] = {}
    original = RecoveryKeyView.__init__

    def spy(self, recovery_key, parent=None):
        captured["key"] = recovery_key
        original(self, recovery_key, parent)

    monkeypatch.setattr(RecoveryKeyView, "__init__", spy)
    create_vault_through_ui(qtbot, controller)
    controller.lock()
    controller.page().recovery_button.click()
    dialog = controller.dialog
    assert isinstance(dialog, RecoveryUnlockDialog)
    dialog.key.setText("WRONG-KEY")
    dialog.pair.first.setText(NEW_PASSPHRASE)
    dialog.pair.second.setText(NEW_PASSPHRASE)
    dialog._submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert controller.ws is None
    dialog.key.setText(captured["key"].lower())
    dialog._submit()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=20000)
    controller.lock()
    unlock = controller.page()
    unlock.passphrase.setText(NEW_PASSPHRASE)
    unlock._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)


def test_change_passphrase_from_settings(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    qtbot.keyClick(controller.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert main.current_page() == "settings"
    security = main.pages.settings.pages["Security"]
    security.open_change_dialog()
    dialog = security.dialog
    dialog.current.setText("wrong wrong wrong")
    dialog.pair.first.setText(NEW_PASSPHRASE)
    dialog.pair.second.setText(NEW_PASSPHRASE)
    dialog._submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert dialog.isVisible()
    dialog.current.setText(PASSPHRASE)
    dialog._submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert "Passphrase changed" in security.pass_status.text()


def test_auto_lock_setting_and_keychain_sentence(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    security = main.pages.settings.pages["Security"]
    security.auto_lock.setValue(3)
    assert controller.ws.settings.get().auto_lock_minutes == 3
    assert controller.idle_watcher.idle.minutes == 3
    if not controller.ws.keychain_status().available:
        assert security.remember.isHidden()
        assert "passphrase" in security.keychain_note.text()


def test_backup_now_and_restore(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    main.pages.clients._clients.add(name="Before Backup")
    backups = main.pages.settings.pages["Backups"]
    backups.backup_now()
    assert not backups.progress.isHidden()  # on a worker, with progress
    qtbot.waitUntil(lambda: backups.last_backup is not None, timeout=15000)
    snapshot = backups.last_backup
    assert snapshot is not None and snapshot.is_file()
    assert str(snapshot) in backups.status.text()
    main.pages.clients._clients.add(name="After Backup")
    backups.open_restore()
    dialog = backups.dialog
    assert dialog.selected() == snapshot
    assert not dialog.ok.isEnabled()
    dialog.confirm.setChecked(True)
    dialog.passphrase.setText(PASSPHRASE)
    dialog._submit()
    qtbot.waitUntil(
        lambda: (
            isinstance(controller.page(), UnlockView)
            and "restored" in controller.page().message.text()
        ),
        timeout=20000,
    )
    assert "previous vault was kept" in controller.page().message.text()
    unlock = controller.page()
    unlock.passphrase.setText(PASSPHRASE)
    unlock._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    names = [c.name for c in controller.ws.clients.list()]
    assert names == ["Before Backup"]


def test_unreadable_records_show_a_banner(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    main.pages.clients._clients.add(name="Damaged Record")
    path = controller.vault_path
    controller.lock()
    con = sqlite3.connect(path)
    con.execute("UPDATE records SET blob = zeroblob(length(blob)) WHERE kind = 'client'")
    con.commit()
    con.close()
    unlock = controller.page()
    unlock.passphrase.setText(PASSPHRASE)
    unlock._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    banner = controller.page().findChild(Banner, "integrityBanner")
    assert banner is not None and banner.isVisible()
    assert banner.label.text().startswith("1 record could not be read: client ")
    assert "Damaged Record" not in banner.label.text()
    assert "Settings → Backups" in banner.label.text()
    banner.button.click()
    assert not banner.isVisible()


def test_create_vault_strength_meter_and_match_line_follow_the_typing(qtbot, controller):
    controller.start()
    qtbot.mouseClick(controller.page().create_button, Qt.MouseButton.LeftButton)
    create = controller.page()
    assert isinstance(create, CreateVaultView)
    pair = create.pair
    assert pair.meter.value() == 0 and pair.match.text() == ""
    qtbot.keyClicks(pair.first, "abc")
    weak = pair.meter.value()
    assert pair.meter.format() != ""  # a strength word appears as soon as one types
    pair.first.clear()
    qtbot.keyClicks(pair.first, NEW_PASSPHRASE)
    assert pair.meter.value() > weak and pair.hint.text()
    qtbot.keyClicks(pair.second, "a brand")
    assert pair.match.text() == "The two passphrases are not the same yet."
    qtbot.keyClicks(pair.second, " new river lantern")
    assert pair.match.text() == "The two passphrases match."


def test_pre_delete_backup_retention_and_restore_list(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    backups = main.pages.settings.pages["Backups"]
    assert backups.delete_days.value() == 90
    backups.delete_days.setValue(30)
    assert controller.ws.settings.get().delete_backup_days == 30
    assert backups.folder.text() == str(controller.ws.backups.base_directory)
    ws = controller.ws
    client = ws.clients.add(name="Leaving Soon")
    ws.clients.delete(client.id, confirm_code=client.code)
    backups.open_restore()
    labels = [backups.dialog.list.item(i).text() for i in range(backups.dialog.list.count())]
    assert any("taken before deleting a client" in label for label in labels)
    assert not any("Leaving" in label for label in labels)
    backups.dialog.reject()
