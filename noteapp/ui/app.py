"""Composition root of the desktop app: builds the window, the services after unlock, and
hands each view only what it needs. No global app object.

Flow: first run (welcome → create → recovery key → profile) or the lock screen → the main
view. Locking (Ctrl+L, idle, quit) backs up if anything changed, closes the workspace and
destroys every widget that held client data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget

from noteapp.demo import DEMO_PASSPHRASE, create_demo_vault
from noteapp.domain.clock import Clock, SystemClock
from noteapp.domain.errors import NoteappError
from noteapp.domain.progress import Cancelled, Progress
from noteapp.services.autolock import IdleTimer
from noteapp.services.backups import restore_snapshot
from noteapp.services.paths import AppPaths, default_paths, resolve_vault_path
from noteapp.services.workspace import Workspace, keychain_status, remembered_on_device
from noteapp.ui import memory, theme
from noteapp.ui.agency_session import AgencySession
from noteapp.ui.dialogs.recovery_unlock_dialog import RecoveryUnlockDialog
from noteapp.ui.errors import install_excepthook, message_for
from noteapp.ui.idle import IdleWatcher
from noteapp.ui.main_builder import build_main_view
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.quit_after import quit_after_if_asked
from noteapp.ui.resources import icon
from noteapp.ui.views.create_vault_view import CreateVaultView
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.profile_setup_view import ProfileSetupView
from noteapp.ui.views.recovery_key_view import RecoveryKeyView
from noteapp.ui.views.settings_appearance_page import saved_appearance
from noteapp.ui.views.shell_window import LOCKED_TITLE, ShellWindow
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.views.welcome_view import WelcomeView
from noteapp.ui.workers import run_in_background, run_with_progress


def app_icon() -> QIcon:
    return icon("noteapp")


class AppController(QObject):
    """Owns the window, the (at most one) open workspace, and the lock lifecycle."""

    def __init__(
        self,
        *,
        paths: AppPaths,
        vault_path: Path | None = None,
        clock: Clock | None = None,
        kdf_params: Any = None,
        idle_poll_ms: int = 5000,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.clock: Clock = clock or SystemClock()
        self.kdf_params = kdf_params  # None: calibrated to ~1 s; tests inject fast ones
        self.idle_poll_ms = idle_poll_ms
        self.prefs = DevicePrefs(paths.recent_vaults_file)
        DevicePrefs.use(self.prefs)  # splitter positions, appearance
        last = self.prefs.last_vault
        self.vault_path = vault_path or (
            last if last is not None and last.is_file() else paths.default_vault
        )
        self.ws: Workspace | None = None
        self.main_view: MainView | None = None
        self.unlock_notice = ""  # shown once in the main view after unlocking
        self.agency: AgencySession | None = None
        self.idle_watcher: IdleWatcher | None = None
        self.window = ShellWindow(on_close=self.shutdown)
        self.window.setWindowIcon(app_icon())
        self.dialog: QDialog | None = None

    # --- start and first run -------------------------------------------------------------

    @property
    def is_demo(self) -> bool:
        return self.vault_path == self.paths.default_demo_vault

    def start(self) -> None:
        if self.vault_path.is_file():
            self.show_unlock()
        else:
            self.show_welcome()
        self.window.show()

    def page(self) -> QWidget | None:
        return self.window.page()

    def show_welcome(self) -> None:
        view = WelcomeView()
        view.create_requested.connect(self.show_create)
        view.demo_requested.connect(self.open_demo)
        view.open_requested.connect(self.choose_existing)
        self.window.set_page(view, title="noteapp")
        view.create_button.setFocus()

    def show_create(self) -> None:
        default = self.vault_path if not self.vault_path.exists() else self.paths.default_vault
        if self.is_demo:
            default = self.paths.default_vault
        view = CreateVaultView(default)
        view.back_requested.connect(self.show_welcome)
        view.create_requested.connect(lambda path, pp: self._create(view, path, pp))
        self.window.set_page(view, title="noteapp — New vault")
        view.focus_first()

    def _create(self, view: CreateVaultView, path: Path, passphrase: str) -> None:
        view.set_busy(True)
        clock, paths, params = self.clock, self.paths, self.kdf_params

        def work() -> tuple[Workspace, str]:
            return Workspace.create(path, passphrase, params=params, clock=clock, paths=paths)

        def done(result: tuple[Workspace, str]) -> None:
            ws, recovery = result
            self.ws = ws
            self.vault_path = path
            self.prefs.set_last_vault(path)
            self.show_recovery_key(recovery)

        run_in_background(
            work,
            on_done=done,
            on_error=lambda exc: view.show_failure(message_for(exc)),
            parent=view,
        )

    def show_recovery_key(self, recovery_key: str) -> None:
        view = RecoveryKeyView(recovery_key)
        view.continue_requested.connect(self._after_workspace_ready)
        self.window.set_page(view, title="noteapp — Recovery key")

    def show_profile_setup(self) -> None:
        assert self.ws is not None
        view = ProfileSetupView(self.ws.profile)
        view.done.connect(self.enter_main)
        self.window.set_page(view, title="noteapp — Your profile")
        view.form.name.setFocus()

    def open_demo(self) -> None:
        page = self.page()
        demo = self.paths.default_demo_vault
        clock, paths, params = self.clock, self.paths, self.kdf_params
        exists = demo.is_file()

        def work(progress: Progress) -> Workspace:
            if exists:
                return Workspace.unlock(
                    demo, DEMO_PASSPHRASE, clock=clock, paths=paths, progress=progress
                )
            return create_demo_vault(
                demo, paths=paths, clock=clock, params=params, progress=progress
            )

        def failed(exc: BaseException) -> None:
            if isinstance(page, WelcomeView):
                page.set_busy(False, "" if isinstance(exc, Cancelled) else message_for(exc))

        def done(ws: Workspace) -> None:
            self.vault_path = demo
            self._unlocked(ws)

        task = run_with_progress(work, on_done=done, on_error=failed, parent=page)
        if isinstance(page, WelcomeView):
            page.set_busy(True)
            page.progress.start(
                task,
                "Opening the demo vault…" if exists else "Creating the demo vault…",
                "Opening the demo vault…" if exists else "Writing invented clients and notes…",
            )
            page.progress.cancel_button.setVisible(not exists)

    def choose_existing(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self.window,
            "Open a vault",
            str(self.vault_path.parent),
            "noteapp vaults (*.noteapp);;All files (*)",
        )
        if file:
            self.vault_path = Path(file)
            self.show_unlock()

    # --- unlock --------------------------------------------------------------------------

    def show_unlock(self, message: str = "") -> None:
        # Ask the keychain itself (never a cached guess): offered only where it is safe.
        try:
            available = keychain_status().available
        except Exception:  # any keychain failure means: do not offer it
            available = False
        remembered = available and remembered_on_device(self.vault_path)
        view = UnlockView(
            self.vault_path,
            offer_remember=available and not remembered,
            offer_keychain=remembered,
            demo_passphrase=DEMO_PASSPHRASE if self.is_demo else "",
            message=message,
        )
        view.unlock_requested.connect(lambda pp, remember: self._unlock(view, pp, remember))
        view.keychain_unlock_requested.connect(lambda: self._unlock_keychain(view))
        view.recovery_requested.connect(self.open_recovery)
        view.switch_requested.connect(self.switch_vault)
        self.window.set_page(view, title=LOCKED_TITLE)
        view.focus_first()

    def _unlock(self, view: UnlockView, passphrase: str, remember: bool) -> None:
        path, clock, paths = self.vault_path, self.clock, self.paths

        def work(progress: Progress) -> tuple[Workspace, str]:
            ws = Workspace.unlock(path, passphrase, clock=clock, paths=paths, progress=progress)
            note = ""
            if remember:
                try:
                    ws.remember_on_device()
                except NoteappError as exc:
                    note = f"Unlocked, but not remembered on this device: {exc}"
            return ws, note

        def done(result: tuple[Workspace, str]) -> None:
            ws, keychain_problem = result
            self._unlocked(ws, notice=keychain_problem)

        task = run_with_progress(
            work,
            on_done=done,
            on_error=lambda exc: view.show_failure(message_for(exc)),
            parent=view,
        )
        view.set_busy(True, task)

    def _unlock_keychain(self, view: UnlockView) -> None:
        path, clock, paths = self.vault_path, self.clock, self.paths
        task = run_with_progress(
            lambda progress: Workspace.unlock_with_keychain(
                path, clock=clock, paths=paths, progress=progress
            ),
            on_done=self._unlocked,
            on_error=lambda exc: view.show_failure(message_for(exc)),
            parent=view,
        )
        view.set_busy(True, task)

    def open_recovery(self) -> None:
        path, clock, paths, params = self.vault_path, self.clock, self.paths, self.kdf_params

        def reset(key: str, new: str) -> Workspace:
            ws = Workspace.unlock_with_recovery_key(path, key, clock=clock, paths=paths)
            try:
                ws.set_passphrase(new, params=params)
            except BaseException:
                ws.close()
                raise
            return ws

        self.dialog = RecoveryUnlockDialog(reset, self.window)
        self.dialog.unlocked.connect(self._unlocked)
        self.dialog.open()

    def switch_vault(self) -> None:
        self.choose_existing()

    def _unlocked(self, ws: Workspace, *, notice: str = "") -> None:
        self.ws = ws
        self.unlock_notice = notice  # e.g. why "remember on this device" failed
        if not self.is_demo:
            self.prefs.set_last_vault(self.vault_path)
        self._after_workspace_ready()

    def _after_workspace_ready(self) -> None:
        assert self.ws is not None
        if self.ws.profile.get() is None:
            self.show_profile_setup()
        else:
            self.enter_main()

    # --- unlocked ------------------------------------------------------------------------

    def enter_main(self) -> None:
        ws = self.ws
        assert ws is not None
        # A vault in an agency syncs in the background while it is unlocked.
        self.agency = AgencySession.for_workspace(
            ws, main_view=lambda: self.main_view, rebuild=self._build_main, parent=self
        )
        self._build_main()
        self.unlock_notice = ""
        minutes = ws.settings.get().auto_lock_minutes
        self.idle_watcher = IdleWatcher(
            IdleTimer(self.clock, minutes), self._auto_lock, poll_ms=self.idle_poll_ms, parent=self
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.idle_watcher.start(app)
        if self.agency is not None:
            self.agency.sync.start()

    def _build_main(self) -> MainView:
        """The main view over the workspace's services (again after a sync brought records)."""
        ws = self.ws
        assert ws is not None
        view = build_main_view(
            ws,
            is_demo=self.is_demo,
            kdf_params=self.kdf_params,
            on_lock=self.lock,
            on_restore=self.restore,
            on_auto_lock_changed=self._set_auto_lock,
            prefs=self.prefs,
            notice=self.unlock_notice,
            sync=self.agency.sync if self.agency is not None else None,
        )
        self.main_view = view
        self.window.set_page(view, title="noteapp — Demo vault" if self.is_demo else "noteapp")
        return view

    def _set_auto_lock(self, minutes: int) -> None:
        if self.idle_watcher is not None:
            self.idle_watcher.idle.set_minutes(minutes)

    def _auto_lock(self) -> None:
        self.lock(message="noteapp locked itself after a period without activity.")

    def _close_workspace(self) -> str:
        """Stop auto-lock and the agency's sync (waiting for a running one to stop at its
        next batch), drop every client widget, back up if changed, close the vault."""
        if self.agency is not None:
            self.agency.stop()
            self.agency.deleteLater()
            self.agency = None
        if self.idle_watcher is not None:
            self.idle_watcher.stop()
            self.idle_watcher.deleteLater()
            self.idle_watcher = None
        for w in QApplication.topLevelWidgets():
            if w is not self.window and isinstance(w, QDialog) and w.isVisible():
                w.reject()
        self.main_view = None
        problem = ""
        ws, self.ws = self.ws, None
        if ws is not None:
            try:
                ws.close()
            except (NoteappError, OSError) as exc:
                problem = f"The automatic backup could not be made: {message_for(exc)}"
        memory.release()
        return problem

    def lock(self, message: str = "") -> None:
        if self.ws is None:
            return
        self.window.set_page(QWidget(), title=LOCKED_TITLE)  # client widgets gone at once
        problem = self._close_workspace()
        self.show_unlock(" ".join(m for m in (message, problem) if m))

    def restore(self, snapshot: Path, passphrase: str) -> None:
        if self.ws is None:
            return
        self.window.set_page(QWidget(), title=LOCKED_TITLE)
        self._close_workspace()
        self.show_unlock("Restoring the backup…")
        view = self.page()
        target, clock, paths = self.vault_path, self.clock, self.paths

        def done(result: Any) -> None:
            kept = result.previous_saved_as
            where = f" Your previous vault was kept as {kept}." if kept else ""
            self.show_unlock(
                f"The backup was restored ({result.records} records checked).{where} "
                "Unlock with the passphrase the backup had."
            )

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.show_unlock("Restoring was cancelled before anything changed.")
                return
            self.show_unlock(f"The backup was not restored: {message_for(exc)} Nothing changed.")

        task = run_with_progress(
            lambda progress: restore_snapshot(
                snapshot=snapshot,
                target=target,
                passphrase=passphrase,
                clock=clock,
                paths=paths,
                progress=progress,
            ),
            on_done=done,
            on_error=failed,
            parent=self,
        )
        if isinstance(view, UnlockView):
            view.set_busy(True)
            view.busy.start(task, "Checking the backup…", "Checking every record of the backup…")
            view.busy.cancel_button.show()  # safe until the checked backup is installed

    def shutdown(self) -> None:
        """The window is closing: lock (backup if changed) and release the vault."""
        if self.ws is not None:
            self._close_workspace()


def main(vault: str | None = None) -> int:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("noteapp")
    app.setDesktopFileName("noteapp")
    app.setWindowIcon(app_icon())
    install_excepthook()
    paths = default_paths()
    explicit = vault or os.environ.get("NOTEAPP_VAULT")
    controller = AppController(
        paths=paths, vault_path=resolve_vault_path(explicit) if explicit else None
    )
    theme.apply(app, saved_appearance(controller.prefs))
    controller.start()
    quit_after_if_asked(controller.window, controller.page)
    return app.exec()
