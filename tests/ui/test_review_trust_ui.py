"""The Review screen: an untrusted signer is a warning that cannot be missed (naming the key
trusted for that name), and no one co-signs or returns their own note (issue #9, 4 and 16)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAccessible

from noteapp.demo import fill_demo
from noteapp.services.verification import Status
from noteapp.ui.dialogs.review_action_dialog import ReviewActionDialog
from tests.ui.conftest import without_open_risk_flags
from tests.ui.test_review_ui import (
    _status,
    load,
    new_vault,
    review_view,
    signed_export,
    supervisor,
    ws,
)

__all__ = ["supervisor", "ws"]  # fixtures used here


def test_untrusted_signer_banner_names_the_trusted_key(
    qtbot, ws, supervisor, tmp_path: Path, clock
) -> None:
    _note_id, genuine = signed_export(ws, tmp_path)
    dana = ws.profile.get()
    view = review_view(qtbot, supervisor)

    load(qtbot, view, genuine)  # not trusted yet: a plain warning
    banner = view.trust_banner
    assert banner.isVisible() and banner.isVisibleTo(view)
    assert banner.property("tone") == "caution"  # bold on amber (ui/theme.py)
    assert banner.accessibleName().startswith("Warning: signed with a key you have not")
    assert "Dana Whitfield" in banner.label.text() and dana.fingerprint in banner.label.text()
    assert QAccessible.queryAccessibleInterface(banner).text(QAccessible.Text.Name)

    supervisor.signing.trust_key_file(ws.signing.export_public_key(tmp_path / "dana.json"))
    view.reverify_all()
    qtbot.waitUntil(lambda: view.pending() == 0, timeout=20000)
    assert _status(view, genuine) == Status.VALID_TRUSTED
    assert not banner.isVisible()

    # A note signed as "Dana Whitfield" with another key: a likely impersonation.
    forger = new_vault(tmp_path, clock, "forger")
    try:
        forger.settings.update(confirm_passphrase_to_sign=False)
        fill_demo(forger, clients=3, notes=12)  # the demo profile is "Dana Whitfield" too
        without_open_risk_flags(forger)
        assert forger.profile.get().name == dana.name
        forged = tmp_path / "forged"
        forged.mkdir()
        _forged_id, out = signed_export(forger, forged)
        forger_fp = forger.profile.get().fingerprint
    finally:
        forger.close()
    load(qtbot, view, out)
    view.select(out)
    assert _status(view, out) == Status.VALID_UNKNOWN_SIGNER
    assert banner.isVisible()
    assert banner.accessibleName() == "Warning: a signature may be an impersonation."
    text = banner.label.text()
    assert "Possible impersonation" in text
    assert forger_fp in text and dana.fingerprint in text  # the key trusted for that name
    view.select(genuine)
    assert not banner.isVisible()


def test_own_note_cannot_be_cosigned_or_returned(qtbot, ws, tmp_path: Path) -> None:
    _note_id, exported = signed_export(ws, tmp_path)
    view = review_view(qtbot, ws)
    load(qtbot, view, exported)
    assert _status(view, exported) == Status.VALID_TRUSTED
    assert not view.cosign_button.isEnabled() and not view.return_button.isEnabled()
    assert view.own_note.isVisible() and "your own" in view.own_note.text()
    assert view.import_button.isEnabled()
    view.open_review_action("cosign")
    assert view.dialog is None  # the button's action does nothing for one's own note
    # The service refuses as well, so no path around the disabled button signs anything.
    dialog = ReviewActionDialog(ws.review, ws.settings, exported, "cosign", parent=view)
    qtbot.addWidget(dialog)
    out = Path(dialog.out_edit.text())
    dialog.submit()
    qtbot.waitUntil(lambda: "own note" in dialog.error.text(), timeout=20000)
    assert not out.exists()
