"""Fixtures for the desktop shell: a controller with fast KDF settings and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from noteapp.domain.clock import FakeClock
from noteapp.services.paths import AppPaths
from noteapp.ui.app import AppController
from noteapp.ui.views.create_vault_view import CreateVaultView
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.profile_setup_view import ProfileSetupView
from noteapp.ui.views.recovery_key_view import RecoveryKeyView
from noteapp.ui.views.welcome_view import WelcomeView
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def controller(qtbot, paths: AppPaths, clock: FakeClock) -> Iterator[AppController]:
    ctl = AppController(paths=paths, clock=clock, kdf_params=FAST_KDF, idle_poll_ms=20)
    qtbot.addWidget(ctl.window)
    yield ctl
    ctl.shutdown()


def visible_texts() -> list[str]:
    """Every piece of text a person could read on screen right now (plus window titles)."""
    out: list[str] = []
    for w in QApplication.allWidgets():
        if not w.isVisible():
            continue
        out.append(w.windowTitle())
        for attr in ("text", "placeholderText", "toolTip", "accessibleName", "title"):
            getter = getattr(w, attr, None)
            if callable(getter):
                try:
                    value = getter()
                except TypeError:
                    continue
                if isinstance(value, str):
                    out.append(value)
        for attr in ("toPlainText",):
            getter = getattr(w, attr, None)
            if callable(getter):
                out.append(getter())
        model = getattr(w, "model", None)
        if callable(model):
            m = model()
            if m is not None and hasattr(m, "rowCount"):
                try:
                    for r in range(m.rowCount()):
                        for c in range(m.columnCount()):
                            out.append(str(m.index(r, c).data() or ""))
                except TypeError:
                    pass
    return out


def create_vault_through_ui(qtbot, ctl: AppController, *, name: str = "Sam Rivera") -> MainView:
    """Welcome → create → recovery key → profile → main view, as a user would."""
    ctl.start()
    welcome = ctl.page()
    assert isinstance(welcome, WelcomeView)
    qtbot.mouseClick(welcome.create_button, Qt.MouseButton.LeftButton)
    create = ctl.page()
    assert isinstance(create, CreateVaultView)
    create.pair.first.setText(PASSPHRASE)
    create.pair.second.setText(PASSPHRASE)
    qtbot.mouseClick(create.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(ctl.page(), RecoveryKeyView), timeout=15000)
    recovery = ctl.page()
    assert isinstance(recovery, RecoveryKeyView)
    assert not recovery.continue_button.isEnabled()
    recovery.stored_check.setChecked(True)
    qtbot.mouseClick(recovery.continue_button, Qt.MouseButton.LeftButton)
    profile = ctl.page()
    assert isinstance(profile, ProfileSetupView)
    profile.form.name.setText(name)
    profile.form.credentials.setText("LMFT")
    qtbot.mouseClick(profile.save_button, Qt.MouseButton.LeftButton)
    main = ctl.page()
    assert isinstance(main, MainView)
    return main


def find(parent: QWidget, cls: type, name: str):
    found = parent.findChild(cls, name)
    assert found is not None, name
    return found


def without_open_risk_flags(ws) -> None:
    """Drop the demo's measures with an open risk flag, so suites about other features can
    sign the demo's drafts (the risk sign gate is tested in test_measures_ui.py)."""
    for m in ws.measures.open_risk_flags():
        ws.measures.delete(m.id, reason="test set-up")


def export_dialog(ws, **kw):
    """The export dialog with a workspace's services (as the note window opens it)."""
    from noteapp.ui.dialogs.export_dialog import ExportDialog
    from noteapp.ui.service_bundles import NoteServices

    return ExportDialog.of(NoteServices.of(ws), **kw)


def group_dialog(ws, **kw):
    from noteapp.ui.dialogs.group_note_dialog import GroupNoteDialog

    return GroupNoteDialog(
        notes=ws.notes,
        clients=ws.clients,
        templates=ws.templates,
        reference=ws.reference,
        clock=ws.clock,
        **kw,
    )


def correction_dialog(ws, note_id, kind):
    from noteapp.ui.dialogs.correction_dialog import CorrectionDialog

    return CorrectionDialog(
        notes=ws.notes,
        signing=ws.signing,
        settings=ws.settings,
        speller=ws.speller,
        clock=ws.clock,
        note_id=note_id,
        kind=kind,
    )


def new_note_dialog(ws, client_id):
    from noteapp.ui.dialogs.new_note_dialog import NewNoteDialog

    return NewNoteDialog(
        notes=ws.notes,
        clients=ws.clients,
        templates=ws.templates,
        clock=ws.clock,
        client_id=client_id,
    )


@pytest.fixture(scope="module")
def screens_session(qapp, tmp_path_factory):
    """The synthetic workspace and main window of tests/ui/screens.py, one per module."""
    from tests.ui.screens import Session

    session = Session(tmp_path_factory.mktemp("screens"))
    yield session
    session.close()
