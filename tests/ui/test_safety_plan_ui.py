"""Safety plans in the UI: the tab edits the six steps and reasons for living, signs with the
passphrase, revises into version 2 and exports the client copy; Settings edits the crisis-line
defaults new plans start with."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import ensure_demo_profile
from noteapp.domain.safety_plan import SafetyPlanStatus
from noteapp.ui.dialogs.safety_plan_export_dialog import SafetyPlanExportDialog
from noteapp.ui.dialogs.safety_plan_sign_dialog import SafetyPlanSignDialog
from noteapp.ui.service_bundles import SafetyPlanServices
from noteapp.ui.views.safety_plan_tab import SafetyPlanTab
from noteapp.ui.views.settings_safety_page import SafetyPlanSettingsPage
from tests.conftest import PASSPHRASE


@pytest.fixture
def ws(workspace):
    ensure_demo_profile(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


@pytest.fixture
def client_id(ws) -> str:
    return str(ws.clients.add(name="Riley Example").id)


def tab_for(qtbot, ws, client_id: str) -> SafetyPlanTab:
    tab = SafetyPlanTab(SafetyPlanServices.of(ws), client_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def type_row(qtbot, tab: SafetyPlanTab, key: str, *values: str) -> None:
    table = tab.editor.lists[key]
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    row = table.table.rowCount() - 1
    for col, value in enumerate(values):
        table.table.item(row, col).setText(value)


def fill_plan(qtbot, tab: SafetyPlanTab) -> None:
    type_row(qtbot, tab, "warning_signs", "Not sleeping for two nights")
    type_row(qtbot, tab, "warning_signs", "Thinking nothing will change")
    type_row(qtbot, tab, "internal_coping", "Walk the dog around the block")
    type_row(qtbot, tab, "people_to_ask", "Maya", "sister", "555-0101")
    type_row(qtbot, tab, "environment_safety", "Medications kept by Maya")
    type_row(qtbot, tab, "reasons_for_living", "My kids")


def sign(qtbot, tab: SafetyPlanTab) -> None:
    qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, SafetyPlanSignDialog) and dialog.isVisible()
    assert dialog.sign_button.isEnabled(), dialog.problems
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error.isVisible(), timeout=15000)
    assert not dialog.isVisible(), dialog.error.text()


def test_edit_reorder_sign_and_revise(qtbot, ws, client_id) -> None:
    tab = tab_for(qtbot, ws, client_id)
    assert tab.new_button.isVisible() and tab.stack.currentWidget() is tab.empty
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.plan is not None and tab.plan.status == SafetyPlanStatus.DRAFT
    # The crisis lines come prefilled from the defaults (988 in the US).
    lines = tab.editor.lists["crisis_lines"].rows()
    assert any(r[2] == "988" for r in lines)

    # Incomplete: the sign dialog lists what is missing and will not sign.
    qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, SafetyPlanSignDialog)
    assert not dialog.sign_button.isEnabled() and dialog.problem_list.count() >= 3
    dialog.reject()

    fill_plan(qtbot, tab)
    signs = tab.editor.lists["warning_signs"]
    signs.table.setCurrentCell(1, 0)
    qtbot.mouseClick(signs.up_button, Qt.MouseButton.LeftButton)
    assert tab.flush()
    stored = ws.safety_plans.get(tab.plan.id)
    assert stored.warning_signs == ("Thinking nothing will change", "Not sleeping for two nights")
    assert stored.people_to_ask[0].name == "Maya" and stored.people_to_ask[0].phone == "555-0101"
    assert stored.reasons_for_living == ("My kids",)

    sign(qtbot, tab)
    assert ws.safety_plans.has_current(client_id)
    assert tab.status_chip.text() == "Signed"
    assert tab.stack.currentWidget() is tab.signed_box
    assert "Walk the dog" in tab.preview.toPlainText()
    assert tab.client_copy_button.isEnabled() and tab.export_button.isEnabled()

    qtbot.mouseClick(tab.revise_button, Qt.MouseButton.LeftButton)
    assert tab.plan.version == 2 and tab.plan.status == SafetyPlanStatus.DRAFT
    assert tab.versions.count() == 2
    assert tab.editor.lists["reasons_for_living"].rows() == [["My kids"]]


def test_export_client_copy(qtbot, ws, client_id, tmp_path: Path) -> None:
    tab = tab_for(qtbot, ws, client_id)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    fill_plan(qtbot, tab)
    sign(qtbot, tab)
    qtbot.mouseClick(tab.client_copy_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, SafetyPlanExportDialog) and dialog.client_copy
    assert "Riley" not in dialog.path_edit.text()  # no client name in file names
    out = tmp_path / "copy.docx"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert out.exists() and out.stat().st_size > 0
    assert "Exported to" in tab.save_label.text()

    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    clinical = tab.active_dialog
    assert isinstance(clinical, SafetyPlanExportDialog) and not clinical.client_copy
    signed = tmp_path / "clinical.docx"
    clinical.path_edit.setText(str(signed))
    qtbot.mouseClick(clinical.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not clinical.isVisible() or clinical.error.isVisible(), timeout=15000)
    assert not clinical.isVisible(), clinical.error.text()
    assert signed.exists() and signed.stat().st_size > 0


def test_crisis_line_defaults_in_settings(qtbot, ws, client_id) -> None:
    page = SafetyPlanSettingsPage(ws.safety_plans)
    qtbot.addWidget(page)
    page.show()
    assert any(r[2] == "988" for r in page.lines.rows())
    page.lines.add_row(["Agency on-call line", "Call", "555-0199", "After hours"])
    assert page.save()
    assert page.saved_label.text() == "Saved"
    assert ws.safety_plans.crisis_line_defaults()[-1].number == "555-0199"
    plan = ws.safety_plans.start(client_id)
    assert plan.crisis_lines[-1].name == "Agency on-call line"
    page.reset()
    assert all(r[2] != "555-0199" for r in page.lines.rows())
