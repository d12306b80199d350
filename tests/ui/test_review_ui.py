"""The supervision round trip through the UI: verify, trust, co-sign, return, import,
tampering, the keys page and Today's supervision sections."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from noteapp.demo import fill_demo
from noteapp.domain.clock import FakeClock
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.services.paths import AppPaths
from noteapp.services.verification import Status
from noteapp.services.worklist import SectionKey, worklist_for
from noteapp.services.workspace import Workspace
from noteapp.ui.dialogs.review_action_dialog import ReviewActionDialog
from noteapp.ui.dialogs.trust_signer_dialog import TrustSignerDialog
from noteapp.ui.main_builder import build_main_view
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.service_bundles import ReviewServices
from noteapp.ui.views.review_view import ReviewView
from noteapp.ui.views.settings_keys_page import SettingsKeysPage
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.conftest import without_open_risk_flags


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=3, notes=12)
    without_open_risk_flags(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


def new_vault(tmp_path: Path, clock: FakeClock, name: str) -> Workspace:
    ws2, _ = Workspace.create(
        tmp_path / f"{name}.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        clock=clock,
        paths=AppPaths(tmp_path / f"{name}-data", tmp_path / f"{name}-config"),
    )
    return ws2


def accept_trust_dialog(qtbot, dialog, key_file: Path) -> None:
    """Choose the key file, confirm the fingerprint was compared, and trust it."""
    assert isinstance(dialog, TrustSignerDialog)
    dialog.file_edit.setText(str(key_file))
    dialog.compared.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def supervisor(tmp_path: Path, clock: FakeClock):
    ws2 = new_vault(tmp_path, clock, "supervisor")
    ws2.profile.set(name="Morgan Lee", credentials="PhD, LP", role="supervisor")
    ws2.settings.update(confirm_passphrase_to_sign=True)
    yield ws2
    ws2.close()


def signed_export(ws, folder: Path) -> tuple[str, Path]:
    note = next(n for n in ws.notes.list(status=NoteStatus.DRAFT) if n.template_id == "soap")
    ws.signing.sign_note(note.id)
    out = folder / ws.exports.default_name(note_id=note.id)
    ws.exports.export_note(note.id, out)
    return note.id, out


def review_view(qtbot, ws) -> ReviewView:
    view = ReviewView(ReviewServices.of(ws))
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    return view


def load(qtbot, view: ReviewView, *paths: Path) -> None:
    view.add_paths(list(paths))
    qtbot.waitUntil(lambda: view.pending() == 0, timeout=20000)


def _status(view: ReviewView, path: Path) -> Status:
    entry = next(f for f in view.files if f.path == path)
    assert entry.report is not None
    return entry.report.status


def tamper(src: Path, dest: Path, old: str, new: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(info, data)
    return dest


def test_verify_trust_cosign_and_import(qtbot, ws, supervisor, tmp_path: Path) -> None:
    note_id, exported = signed_export(ws, tmp_path)
    view = review_view(qtbot, supervisor)
    assert view.supervisor
    load(qtbot, view, exported)
    assert _status(view, exported) == Status.VALID_UNKNOWN_SIGNER
    assert "Valid — unknown signer" in view.list.item(0).text()
    details = view.details.toPlainText()
    assert "Dana Whitfield" in details and "Author" in details
    assert ws.profile.get().fingerprint in details
    assert view.cosign_button.isEnabled() and view.trust_button.isEnabled()

    # Trust: the clinician's key file; the fingerprint must have been compared.
    key_file = ws.signing.export_public_key(tmp_path / "dana.json")
    qtbot.mouseClick(view.trust_button, Qt.MouseButton.LeftButton)
    trust = view.dialog
    assert isinstance(trust, TrustSignerDialog)
    trust.file_edit.setText(str(key_file))
    qtbot.mouseClick(trust.ok_button, Qt.MouseButton.LeftButton)
    assert "Compare the fingerprint" in trust.error.text()
    assert "".join(trust.fingerprint.text().split()) == "".join(
        ws.profile.get().fingerprint.split()
    )
    trust.compared.setChecked(True)
    qtbot.mouseClick(trust.ok_button, Qt.MouseButton.LeftButton)
    assert not trust.isVisible()
    qtbot.waitUntil(lambda: view.pending() == 0, timeout=20000)
    assert _status(view, exported) == Status.VALID_TRUSTED
    assert "Valid — trusted signer" in view.list.item(0).text()

    # Co-sign: statement + passphrase → a new file next to the original.
    qtbot.mouseClick(view.cosign_button, Qt.MouseButton.LeftButton)
    cosign = view.dialog
    assert isinstance(cosign, ReviewActionDialog)
    out = Path(cosign.out_edit.text())
    assert out.parent == exported.parent and out.stem.endswith("-cosigned")
    cosign.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(cosign.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not cosign.isVisible(), timeout=20000)
    qtbot.waitUntil(lambda: view.pending() == 0, timeout=20000)
    assert out.is_file()
    report = supervisor.review.verify(out)
    assert report.ok and len(report.notes[0].signers) == 2
    assert [s.role for s in report.notes[0].signers] == ["Author", "Co-signature"]
    assert "Co-signed copy saved" in view.action_status.text()

    # The clinician imports the co-signature into their vault — once they trust the key.
    mine = review_view(qtbot, ws)
    assert not mine.supervisor
    load(qtbot, mine, out)
    assert mine.trust_banner.isVisible() and "Morgan Lee" in mine.trust_banner.label.text()
    qtbot.mouseClick(mine.import_button, Qt.MouseButton.LeftButton)
    assert "not marked as trusted" in mine.action_status.text()
    assert ws.signing.reviews(note_id) == []
    morgan = supervisor.signing.export_public_key(tmp_path / "morgan.json")
    qtbot.mouseClick(mine.trust_button, Qt.MouseButton.LeftButton)
    accept_trust_dialog(qtbot, mine.dialog, morgan)
    qtbot.waitUntil(lambda: mine.pending() == 0, timeout=20000)
    assert not mine.trust_banner.isVisible()
    qtbot.mouseClick(mine.import_button, Qt.MouseButton.LeftButton)
    assert "Imported into your vault: Co-signature by Morgan Lee" in mine.action_status.text()
    assert [r.type for r in ws.signing.reviews(note_id)] == [ItemType.COSIGNATURE]
    qtbot.mouseClick(mine.import_button, Qt.MouseButton.LeftButton)
    assert "already in your vault" in mine.action_status.text()


def test_three_files_of_different_status(qtbot, ws, supervisor, tmp_path: Path) -> None:
    _note_id, exported = signed_export(ws, tmp_path)
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = Path(shutil.copy(exported, folder / "good.docx"))
    client = ws.clients.get(ws.notes.get(_note_id).client_id)
    bad = tamper(exported, folder / "edited.docx", client.code, "Z9999")
    draft = next(n for n in ws.notes.list(status=NoteStatus.DRAFT) if not n.psychotherapy)
    ws.exports.export_note(draft.id, folder / "draft.docx", draft=True)

    view = review_view(qtbot, supervisor)
    load(qtbot, view, folder)  # a folder: every .docx in it
    assert len(view.files) == 3
    assert _status(view, good) == Status.VALID_UNKNOWN_SIGNER
    assert _status(view, bad) == Status.INVALID
    assert _status(view, folder / "draft.docx") == Status.UNSIGNED
    texts = [view.list.item(i).text() for i in range(view.list.count())]
    assert any("Invalid:" in t and "edited.docx" in t for t in texts)
    assert any("Not signed" in t for t in texts)
    view.select(bad)
    assert not view.cosign_button.isEnabled() and not view.import_button.isEnabled()
    assert "Problems" in view.details.toPlainText()


def test_password_protected_file_opens_with_its_password(
    qtbot, ws, supervisor, tmp_path: Path
) -> None:
    note_id, _ = signed_export(ws, tmp_path)
    locked = tmp_path / "locked.docx"
    ws.exports.export_note(note_id, locked, password="a long file password")
    view = review_view(qtbot, supervisor)
    load(qtbot, view, locked)
    assert "Password-protected" in view.list.item(0).text()
    assert view.password_button.isVisible() and not view.cosign_button.isEnabled()
    view.set_password(locked, "a long file password")
    qtbot.waitUntil(lambda: view.pending() == 0, timeout=20000)
    assert _status(view, locked) == Status.VALID_UNKNOWN_SIGNER
    assert not view.password_button.isVisible()


def test_return_then_today_lists_it(qtbot, ws, supervisor, tmp_path: Path) -> None:
    note_id, exported = signed_export(ws, tmp_path)
    view = review_view(qtbot, supervisor)
    load(qtbot, view, exported)
    qtbot.mouseClick(view.return_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, ReviewActionDialog) and dialog.kind == "return"
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "what should be revised" in dialog.error.text()
    dialog.text.setPlainText("Please name the interventions used.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    returned = Path(dialog.out_edit.text())
    assert returned.stem.endswith("-returned")
    ws.signing.trust_key_file(supervisor.signing.export_public_key(tmp_path / "morgan.json"))
    ws.review.import_reviewed(returned)

    main = build_main_view(
        ws,
        is_demo=False,
        kdf_params=FAST_KDF,
        on_lock=lambda: None,
        on_restore=lambda _p, _s: None,
        on_auto_lock_changed=lambda _m: None,
        prefs=DevicePrefs(tmp_path / "prefs.json"),
    )
    qtbot.addWidget(main)
    main.show()
    today = main.pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    returned_card = today.sections[SectionKey.RETURNED]  # shown: a return was imported
    assert returned_card.section.count == 1
    row = returned_card.rows[0]
    assert "Please name the interventions used." in row.full_text
    assert "Morgan Lee" in row.full_text
    # A returned note is not also "awaiting co-signature" (and a solo clinician has no queue).
    assert SectionKey.AWAITING_COSIGNATURE not in today.sections
    assert note_id not in [
        i.note_id
        for i in worklist_for(ws).section(SectionKey.AWAITING_COSIGNATURE, limit=None).items
    ]
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton)
    window = next(iter(main.findChildren(object, "noteWindow")), None)
    assert window is not None and window.document is not None
    assert window.document.note.id == note_id
    assert "Please name the interventions used." in window.document.text()
    window.close()


def test_awaiting_cosignature_only_for_supervised_clinicians(qtbot, ws, tmp_path: Path) -> None:
    note_id, _ = signed_export(ws, tmp_path)
    main = build_main_view(
        ws,
        is_demo=False,
        kdf_params=FAST_KDF,
        on_lock=lambda: None,
        on_restore=lambda _p, _s: None,
        on_auto_lock_changed=lambda _m: None,
        prefs=DevicePrefs(tmp_path / "prefs.json"),
    )
    qtbot.addWidget(main)
    main.show()
    today = main.pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    assert SectionKey.AWAITING_COSIGNATURE not in today.sections  # a solo clinician
    ws.profile.set(supervised=True)
    today.refresh()
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    card = today.sections[SectionKey.AWAITING_COSIGNATURE]
    assert note_id in [r.item.note_id for r in card.rows]
    assert card.title.text().startswith("Awaiting co-signature  (")
    assert main.pages.settings.pages["Signing keys"] is not None


def test_keys_page_add_remove_export(qtbot, ws, supervisor, tmp_path: Path) -> None:
    page = SettingsKeysPage(supervisor.signing, supervisor.profile)
    qtbot.addWidget(page)
    page.show()
    assert page.my_fingerprint.text().replace(
        " ", ""
    ) == supervisor.profile.get().fingerprint.replace(" ", "")
    exported = page.export_to(tmp_path / "morgan.json")
    assert exported is not None and exported.is_file()
    assert "Saved" in page.status.text()

    key_file = ws.signing.export_public_key(tmp_path / "dana.json")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    accept_trust_dialog(qtbot, page.dialog, key_file)
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "Dana Whitfield"
    assert page.table.item(0, 2).text() == ws.profile.get().fingerprint
    page.table.selectRow(0)
    page.remove_selected(confirm=False)
    assert page.table.rowCount() == 0
    assert supervisor.signing.trusted_keys() == []


def test_trust_refuses_a_different_key(qtbot, ws, supervisor, tmp_path: Path) -> None:
    _note_id, exported = signed_export(ws, tmp_path)
    view = review_view(qtbot, supervisor)
    load(qtbot, view, exported)
    other = supervisor.signing.export_public_key(tmp_path / "someone-else.json")
    view.open_trust()
    dialog = view.dialog
    dialog.file_edit.setText(str(other))
    dialog.compared.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "fingerprints differ" in dialog.error.text()
    assert supervisor.signing.trusted_keys() == []


def test_hostile_strings_from_a_file_are_shown_harmlessly(qtbot, workspace, tmp_path: Path) -> None:
    """Issue #9 point 2: escape sequences and bidi overrides signed into a forged export are
    shown as visible escapes in the list, the banner, the details and the trust dialog."""
    from tests.core import hostile_export as hostile
    from tests.core.test_verify_exports import signed_note

    workspace.profile.set(name="Dana Whitfield", credentials="LCSW", license_number="L-1")
    workspace.settings.update(confirm_passphrase_to_sign=False)
    forged = hostile.forged_export(workspace, signed_note(workspace), tmp_path / "forged.docx")
    tampered = tamper(forged, tmp_path / "tampered.docx", "Weekly CBT.", "Monthly CBT.")
    other, _ = Workspace.create(
        tmp_path / "other.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "o-data", tmp_path / "o-config"),
    )
    try:
        view = review_view(qtbot, other)
        load(qtbot, view, forged, tampered)
        shown = []
        for row in range(2):
            view.list.setCurrentRow(row)
            shown += [view.list.item(row).text(), view.status_banner.text()]
            shown.append(view.details.toPlainText())
            shown.append(view.details.toHtml())
        view.list.setCurrentRow(0)
        qtbot.mouseClick(view.trust_button, Qt.MouseButton.LeftButton)
        shown.append(view.dialog.findChild(QLabel, "trustSignerName").text())
        view.dialog.reject()
    finally:
        other.close()
    text = "\n".join(shown)
    for char in hostile.RAW:
        assert char not in text, repr(char)
    assert "\\x1b[2J" in text and "\\x9b32m" in text and "\\u202e" in text
    assert "Monthly CBT." in text  # the tampered file's failure quotes the changed line
