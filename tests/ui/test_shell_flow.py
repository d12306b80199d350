"""End-to-end flows of the desktop shell: first run, lock, unlock, wrong passphrase, idle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from noteapp.ui.dialogs.client_dialog import ClientDialog
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.shell_window import LOCKED_TITLE
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.widgets.banner import Banner
from tests.conftest import PASSPHRASE
from tests.core.damaging import flip_record
from tests.ui.conftest import create_vault_through_ui, visible_texts

CLIENT = "Morgan Testerly"


def _add_client_with_shortcut(qtbot, ctl, main: MainView, name: str = CLIENT) -> None:
    ctl.window.activateWindow()
    qtbot.waitExposed(ctl.window)
    qtbot.keyClick(ctl.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = main.pages.clients.active_dialog
    assert isinstance(dialog, ClientDialog)
    dialog.name.setText(name)
    dialog.pronouns.setText("they/them")
    dialog.add_diagnosis_row("f41.1", "Generalized anxiety disorder")
    dialog.save()
    assert not dialog.isVisible()


def test_create_add_lock_unlock(qtbot, controller):
    main = create_vault_through_ui(qtbot, controller)
    assert controller.vault_path.is_file()
    _add_client_with_shortcut(qtbot, controller, main)
    assert CLIENT in main.pages.clients.visible_names()
    assert any(CLIENT in t for t in visible_texts())  # the chart shows it

    qtbot.keyClick(controller.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(controller.page(), UnlockView)
    assert controller.ws is None
    assert controller.window.windowTitle() == LOCKED_TITLE
    QApplication.processEvents()
    texts = visible_texts()
    assert not any(CLIENT in t or "Morgan" in t for t in texts)
    assert not any("Sam Rivera" in t for t in texts)  # not even the clinician

    unlock = controller.page()
    unlock.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    main = controller.page()
    assert CLIENT in main.pages.clients.visible_names()
    client = controller.ws.clients.list()[0]
    assert client.diagnoses[0].code == "F41.1"


def test_wrong_passphrase_is_inline_and_stays_locked(qtbot, controller):
    create_vault_through_ui(qtbot, controller)
    controller.lock()
    unlock = controller.page()
    assert isinstance(unlock, UnlockView)
    unlock.passphrase.setText("not the passphrase")
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: unlock.error.isVisible(), timeout=15000)
    assert "not correct" in unlock.error.text()
    assert unlock.passphrase.text() == ""
    assert unlock.passphrase.isEnabled()
    assert controller.ws is None
    assert controller.page() is unlock
    # No popup: the only top-level window is the shell.
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [controller.window]


def test_auto_lock_fires_with_fake_clock(qtbot, controller, clock):
    main = create_vault_through_ui(qtbot, controller)
    assert controller.ws.settings.get().auto_lock_minutes == 10
    clock.advance(9 * 60)
    qtbot.wait(60)  # a few polls (20 ms each): not yet
    assert controller.page() is main
    clock.advance(61)
    qtbot.waitUntil(lambda: isinstance(controller.page(), UnlockView), timeout=3000)
    assert controller.ws is None
    assert "locked itself" in controller.page().message.text()


def test_activity_postpones_auto_lock(qtbot, controller, clock):
    main = create_vault_through_ui(qtbot, controller)
    clock.advance(9 * 60)
    # Any key counts as activity: typed into the window, as a keyboard's key press arrives.
    main.pages.clients.filter.setFocus()
    qtbot.keyClick(main.window().windowHandle(), Qt.Key.Key_A)
    assert main.pages.clients.filter.text() == "a"
    clock.advance(5 * 60)
    qtbot.wait(60)
    assert controller.page() is main


def test_what_unlock_made_is_kept_out_of_collections_until_the_lock(qtbot, controller):
    """A full garbage collection walked everything the session holds (60 ms at 10,000
    notes, in the middle of opening a chart). Once Today is shown, what exists is frozen out
    of later collections; the lock puts it back and collects, so nothing of the session
    outlives it."""
    import gc

    gc.unfreeze()  # what earlier tests left frozen
    main = create_vault_through_ui(qtbot, controller)
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=10000)
    assert main.pages.today.ready
    controller.lock()
    assert gc.get_freeze_count() == 0


def test_closing_the_window_closes_the_workspace(qtbot, controller):
    create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    controller.window.close()
    assert controller.ws is None
    assert not ws._vault.is_unlocked


def test_unlock_screen_for_existing_vault_and_recovery_available(qtbot, controller):
    create_vault_through_ui(qtbot, controller)
    controller.lock()
    controller.start()  # an existing vault goes straight to the lock screen
    unlock = controller.page()
    assert isinstance(unlock, UnlockView)
    assert str(controller.vault_path) in unlock.path_label.text()
    assert unlock.recovery_button.isVisible()
    unlock._unlock()  # empty passphrase: a sentence, no worker
    assert unlock.error.text() == "Type your passphrase to unlock."


def test_damage_banner_names_the_record_and_opens_the_backup_from_before_it(qtbot, controller):
    """One flipped bit in a note: the banner names it, says which backup predates the
    damage, and "Open backups" offers exactly that backup in the restore dialog."""
    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    client = ws.clients.add(name=CLIENT)
    note = ws.notes.new(client_id=client.id, template_id="soap")
    path = controller.vault_path
    controller.lock()  # an automatic backup: the last one before the damage
    (info,) = ws.backups.all_snapshots()
    before = info.path
    flip_record(path, "note", note.id)
    unlock = controller.page()
    unlock.passphrase.setText(PASSPHRASE)
    unlock._unlock()
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=15000)
    main = controller.page()

    # Every record is checked in the background after unlock; the banner follows.
    qtbot.waitUntil(lambda: main.findChild(Banner, "integrityBanner") is not None, timeout=15000)
    banner = main.findChild(Banner, "integrityBanner")
    assert banner is not None and banner.isVisible()
    text = banner.label.text()
    assert text.startswith(
        f"1 record could not be read: note {note.id[:8]} (client C0001). It is damaged"
    )
    assert f"restore the backup of {info.when}, the newest taken before" in text
    assert CLIENT not in text
    assert banner.backups_button is not None
    banner.backups_button.click()
    assert main.current_page() == "settings"
    backups = main.pages.settings.pages["Backups"]
    assert main.pages.settings.current_section() == "Backups"
    assert backups.dialog is not None and backups.dialog.isVisible()
    assert backups.dialog.selected() == before
    backups.dialog.reject()
