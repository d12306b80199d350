"""The six signing dialogs share one base (PassphraseDialog): the passphrase when Settings
asks for it, Enter in it signs, the check runs on a worker while the dialog is busy, and a
wrong passphrase is said inline, cleared, and leaves the dialog open with nothing signed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from noteapp.ui.dialogs.correction_dialog import CorrectionDialog
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.dialogs.plan_ack_dialog import PlanAckDialog
from noteapp.ui.dialogs.plan_review_dialog import PlanReviewDialog
from noteapp.ui.dialogs.plan_sign_dialog import PlanSignDialog
from noteapp.ui.dialogs.safety_plan_sign_dialog import SafetyPlanSignDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from tests.conftest import PASSPHRASE
from tests.ui.conftest import without_open_risk_flags


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=3, notes=12, passphrase=PASSPHRASE)
    without_open_risk_flags(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


def _signed_plan_client(ws) -> str:
    return next(c.id for c in ws.clients.list() if ws.plans.current_signed(c.id))


def _signed_safety_client(ws) -> str:
    return next(c.id for c in ws.clients.list() if ws.safety_plans.current(c.id))


def make(kind: str, ws):
    """Each signing dialog, on something it may sign; returns it and what it would change."""
    if kind == "note":
        note = next(
            n
            for n in ws.notes.list(status=NoteStatus.DRAFT, include_psychotherapy=False)
            if ws.notes.check(n).can_sign
        )
        dialog = SignDialog(
            notes=ws.notes,
            signing=ws.signing,
            settings=ws.settings,
            profile=ws.profile,
            note_id=note.id,
        )
        return dialog, lambda: ws.notes.get(note.id).status
    if kind == "correction":
        note = ws.notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)[0]
        dialog = CorrectionDialog(
            notes=ws.notes,
            signing=ws.signing,
            settings=ws.settings,
            speller=ws.speller,
            clock=ws.clock,
            note_id=note.id,
            kind=ItemType.ADDENDUM,
        )
        dialog.text.setPlainText("Client called to reschedule.")
        return dialog, lambda: len(ws.signing.items(note.id))
    if kind == "plan":
        draft = ws.plans.revise(_signed_plan_client(ws))
        dialog = PlanSignDialog(ws.plans, ws.settings, draft.id)
        return dialog, lambda: ws.plans.get(draft.id).status
    if kind == "safety plan":
        draft = ws.safety_plans.revise(_signed_safety_client(ws))
        dialog = SafetyPlanSignDialog(ws.safety_plans, ws.settings, draft.id)
        return dialog, lambda: ws.safety_plans.get(draft.id).status
    plan = ws.plans.current_signed(_signed_plan_client(ws))
    if kind == "plan review":
        dialog = PlanReviewDialog(ws.plans, ws.settings, plan.id)
        return dialog, lambda: len(ws.signing.items(plan.id))
    dialog = PlanAckDialog(ws.plans, ws.settings, ws.clock, plan.id)
    return dialog, lambda: len(ws.signing.items(plan.id))


KINDS = ("note", "correction", "plan", "safety plan", "plan review", "acknowledgement")


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_passphrase_is_said_inline_and_nothing_is_signed(qtbot, ws, kind) -> None:
    dialog, state = make(kind, ws)
    assert isinstance(dialog, PassphraseDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = state()
    assert dialog.needs_passphrase and dialog.passphrase.isVisible()
    assert dialog.confirm_button.isEnabled(), kind
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, "not my passphrase at all")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # Enter in the passphrase signs
    assert dialog.busy.isVisible() and not dialog.confirm_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert dialog.isVisible()
    assert dialog.passphrase.text() == ""  # never kept after an attempt
    assert dialog.confirm_button.isEnabled() and not dialog.busy.isVisible()
    assert state() == before


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_passphrase_is_asked_for(qtbot, ws, kind) -> None:
    dialog, state = make(kind, ws)
    qtbot.addWidget(dialog)
    before = state()
    dialog.confirm_button.click()
    assert "passphrase" in dialog.error.text()
    assert not dialog.busy.isVisible() and state() == before
