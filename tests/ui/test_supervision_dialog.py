"""The supervision dialog without a server: a note that cannot be shown is never co-signed
or returned unseen; a return needs comments; a failed signature leaves the dialog open with
the reason and nothing stored."""

from __future__ import annotations

from PySide6.QtCore import Qt

from noteapp.domain.errors import RefusedError, WrongSecretError
from noteapp.services.supervision import QueueEntry
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import Proof
from noteapp.ui.dialogs.supervision_dialog import SupervisionDialog
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

ENTRY = QueueEntry(
    note_id="5b3c1e2a-0000-4000-8000-000000000001",
    client_id="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    client_code="C0007",
    date_of_service="2025-12-05",
    title="BIRP Progress Note",
    author="Dana Whitfield, LCSW",
    fingerprint="EFCA 10BA",
    signed_at="2025-12-05T10:00:00+00:00",
    reason="revised",
)


class FakeSupervision:
    def __init__(self, *, job_error: Exception | None = None) -> None:
        self.job_error = job_error
        self.calls: list[tuple[str, str]] = []

    def job(self, note_id: str):  # type: ignore[no-untyped-def]
        assert self.job_error is not None
        raise self.job_error

    def return_note(self, note_id: str, *, comments: str, passphrase: str | None) -> None:
        self.calls.append(("return", comments))
        raise WrongSecretError("Wrong passphrase.")


def test_a_note_that_cannot_be_shown_cannot_be_reviewed(qtbot, workspace) -> None:  # type: ignore[no-untyped-def]
    fake = FakeSupervision(job_error=RefusedError("You are not a supervisor of this chart."))
    dialog = SupervisionDialog(
        supervision=fake,  # type: ignore[arg-type]
        settings=workspace.settings,
        entry=ENTRY,
    )
    qtbot.addWidget(dialog)
    assert dialog.unreadable
    assert "This note cannot be shown: You are not a supervisor" in dialog.document.toPlainText()
    assert not dialog.cosign_button.isEnabled()
    assert not dialog.return_button.isEnabled()
    assert "corrected since your last review" in dialog.heading.text()


def test_a_return_needs_comments_and_a_wrong_passphrase_keeps_the_dialog(
    qtbot,  # type: ignore[no-untyped-def]
    workspace,
) -> None:
    workspace.profile.set(name="Dana Whitfield", credentials="LCSW")
    client = workspace.clients.add(name="Jordan Avery")
    note = ready_note(workspace, client.id, text="Worry log reviewed.")
    workspace.signing.sign_note(note, passphrase=PASSPHRASE)
    job = job_from_proof(Proof((workspace.signing.proof(note),)))

    class Readable(FakeSupervision):
        def job(self, note_id: str):  # type: ignore[no-untyped-def]
            return job

    fake = Readable()
    dialog = SupervisionDialog(
        supervision=fake,  # type: ignore[arg-type]
        settings=workspace.settings,
        entry=ENTRY,
    )
    qtbot.addWidget(dialog)
    assert "Worry log reviewed." in dialog.document.toPlainText()
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    assert "Write what should be revised" in dialog.error.text()
    dialog.text.setPlainText("Add the GAD-7 trend.")
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    assert "Type your passphrase" in dialog.error.text()
    assert fake.calls == []  # nothing asked of the service until both are there
    dialog.passphrase.setText(PASSPHRASE + "x")
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() == "Wrong passphrase.", timeout=10_000)
    assert fake.calls == [("return", "Add the GAD-7 trend.")]
    assert dialog.result() == 0  # not accepted: the supervisor tries again
    assert dialog.passphrase.text() == ""  # never kept after a try
    assert dialog.return_button.isEnabled() and dialog.cosign_button.isEnabled()
