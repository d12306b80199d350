"""Settings pages: templates, quick phrases, checklist severities, reference data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from noteapp.domain.checklist import RULES
from noteapp.services.templates import TemplateCatalog
from noteapp.ui.views.settings_checklist_page import ChecklistSettingsPage
from noteapp.ui.views.settings_phrases_page import QuickPhrasesSettingsPage
from noteapp.ui.views.settings_reference_page import ReferenceDataSettingsPage
from noteapp.ui.views.settings_templates_page import TemplatesSettingsPage

GOOD = '''id = "agency_soap"
name = "Agency SOAP Note"
version = 3
description = "SOAP with the agency's wording."

body = """
{{ fields.subjective }}
"""

[[sections]]
field_id = "subjective"
label = "Subjective"
required = true
hint = "In the client's words."
'''

# Line 5 starts the section that has no field_id.
BROKEN = """id = "agency_birp"
name = "Agency BIRP"
version = 1
body = "x"
[[sections]]
label = "Behavior"
"""


def _texts(tree: Any) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


# --- templates ------------------------------------------------------------------------------


@pytest.fixture
def catalog(tmp_path: Path) -> TemplateCatalog:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "agency_birp.toml").write_text(BROKEN, encoding="utf-8")
    return TemplateCatalog(user_dir=folder, vault=None)


def test_templates_page_lists_builtins_and_a_broken_file(qtbot: Any, catalog: Any) -> None:
    page = TemplatesSettingsPage(catalog, open_folder=lambda p: None)
    qtbot.addWidget(page)
    rows = _texts(page.list)
    assert ["SOAP Progress Note", "soap", "2", "Built-in"] in rows
    broken = [r for r in rows if r[0] == "agency_birp.toml"]
    assert len(broken) == 1
    assert "line 5" in broken[0][3] and "field_id" in broken[0][3]
    # The preview shows the selected template's sections.
    soap = next(
        page.list.topLevelItem(i)
        for i in range(page.list.topLevelItemCount())
        if page.list.topLevelItem(i).text(1) == "soap"
    )
    page.list.setCurrentItem(soap)
    sections = _texts(page.preview)
    assert sections[0][:3] == ["Subjective", "text", "Required"]


def test_reload_picks_up_a_new_file(qtbot: Any, catalog: Any) -> None:
    page = TemplatesSettingsPage(catalog, open_folder=lambda p: None)
    qtbot.addWidget(page)
    assert not any(r[1] == "agency_soap" for r in _texts(page.list))
    (catalog.user_dir / "agency_soap.toml").write_text(GOOD, encoding="utf-8")
    qtbot.mouseClick(page.reload_button, Qt.MouseButton.LeftButton)
    assert ["Agency SOAP Note", "agency_soap", "3", "Custom"] in _texts(page.list)
    assert "1 file has a problem" in page.status.text()


def test_check_a_file_shows_problems_or_none(
    qtbot: Any, catalog: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = TemplatesSettingsPage(catalog, open_folder=lambda p: None)
    qtbot.addWidget(page)
    bad = tmp_path / "bad.toml"
    bad.write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.status.isVisibleTo(page)
    assert "bad.toml: 1 problem" in page.status.text()
    assert "Line 5:" in page.status.text()
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    page.check_file(good)
    assert page.status.text() == "good.toml: No problems found."


def test_open_folder_creates_it(qtbot: Any, tmp_path: Path) -> None:
    folder = tmp_path / "not-yet" / "templates"
    opened: list[Path] = []
    page = TemplatesSettingsPage(TemplateCatalog(user_dir=folder, vault=None), opened.append)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert folder.is_dir() and opened == [folder]


# --- quick phrases --------------------------------------------------------------------------


def _select(tree: Any, text: str) -> Any:
    items = tree.findItems(text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    tree.setCurrentItem(items[0])
    return items[0]


def test_phrases_add_edit_save_persists(qtbot: Any, workspace: Any) -> None:
    page = QuickPhrasesSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    groups = [g for g, _ in page.groups()]
    assert "Risk" in groups and not page.dirty
    assert "{first_name}" in page.findChild(object, "phrasesPlaceholderHelp").text()

    qtbot.mouseClick(page.add_group_button, Qt.MouseButton.LeftButton)
    page.group_name.clear()
    qtbot.keyClicks(page.group_name, "Telehealth")
    qtbot.mouseClick(page.add_phrase_button, Qt.MouseButton.LeftButton)
    page.title.clear()
    qtbot.keyClicks(page.title, "Consent")
    qtbot.keyClicks(page.text, "{first_name} consented to a video session.")
    assert page.dirty and page.dirty_label.isVisibleTo(page)

    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert not page.error.isVisibleTo(page), page.error.text()
    assert not page.dirty
    saved = workspace.reference.phrases()
    assert [(p.group, p.title, p.text) for p in saved if p.group == "Telehealth"] == [
        ("Telehealth", "Consent", "{first_name} consented to a video session.")
    ]


def test_phrases_rename_and_delete(qtbot: Any, workspace: Any) -> None:
    page = QuickPhrasesSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    _select(page.tree, "Plan")
    page.group_name.setText("")
    qtbot.keyClicks(page.group_name, "Next steps")
    _select(page.tree, "Risk")
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    page.save()
    groups = {p.group for p in workspace.reference.phrases()}
    assert "Next steps" in groups and "Plan" not in groups and "Risk" not in groups


def test_phrases_empty_title_is_an_error_and_nothing_is_saved(qtbot: Any, workspace: Any) -> None:
    before = workspace.reference.phrases()
    page = QuickPhrasesSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    first_phrase = page.tree.topLevelItem(0).child(0)
    page.tree.setCurrentItem(first_phrase)
    page.title.selectAll()
    qtbot.keyClick(page.title, Qt.Key.Key_Delete)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisibleTo(page)
    assert "needs a title" in page.error.text()
    assert page.dirty
    assert workspace.reference.phrases() == before
    # Revert brings the saved library back.
    qtbot.mouseClick(page.revert_button, Qt.MouseButton.LeftButton)
    assert page.tree.topLevelItem(0).child(0).text(0) == before[0].title
    assert not page.dirty


def test_phrases_unknown_placeholder_is_an_error(qtbot: Any, workspace: Any) -> None:
    page = QuickPhrasesSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))
    page.text.setPlainText("Hello {frist_name}.")
    page.save()
    assert "{frist_name}" in page.error.text()


# --- checklist ------------------------------------------------------------------------------


def test_checklist_change_is_saved_at_once(qtbot: Any, workspace: Any) -> None:
    page = ChecklistSettingsPage(workspace.settings)
    qtbot.addWidget(page)
    assert page.table.rowCount() == len(RULES)
    rule = RULES[0]
    combo = page.findChild(object, f"checklistSeverityCombo_{rule.id}")
    assert combo.currentData() == rule.default.value
    combo.setCurrentIndex(combo.findData("off"))
    assert workspace.settings.get().checklist_severities == {rule.id: "off"}
    assert page.saved_label.isVisibleTo(page)
    qtbot.waitUntil(lambda: not page.saved_label.isVisibleTo(page), timeout=4000)
    # A new page (e.g. after reopening Settings) shows the stored choice.
    again = ChecklistSettingsPage(workspace.settings)
    qtbot.addWidget(again)
    assert again.combos[rule.id].currentData() == "off"


def test_checklist_restore_defaults(qtbot: Any, workspace: Any) -> None:
    workspace.settings.update(checklist_severities={RULES[1].id: "warn", RULES[2].id: "off"})
    page = ChecklistSettingsPage(workspace.settings)
    qtbot.addWidget(page)
    assert page.combos[RULES[2].id].currentData() == "off"
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert not workspace.settings.get().checklist_severities
    assert all(page.combos[r.id].currentData() == r.default.value for r in RULES)


# --- reference data -------------------------------------------------------------------------


def _set(table: Any, row: int, col: int, text: str) -> None:
    table.item(row, col).setText(text)


def test_reference_add_a_service_code_and_save(qtbot: Any, workspace: Any) -> None:
    page = ReferenceDataSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    n = page.codes.rowCount()
    assert n == len(workspace.reference.get().service_codes)
    qtbot.mouseClick(page.findChild(object, "serviceCodesAddButton"), Qt.MouseButton.LeftButton)
    assert page.codes.rowCount() == n + 1 and page.dirty
    _set(page.codes, n, 0, "99999")
    _set(page.codes, n, 1, "Synthetic test service")
    _set(page.codes, n, 2, "20")
    page.codes.item(n, 4).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert not page.error.isVisibleTo(page), page.error.text()
    code = workspace.reference.get().service_code("99999")
    assert code is not None
    assert (code.description, code.min_minutes, code.max_minutes, code.group) == (
        "Synthetic test service",
        20,
        None,
        True,
    )
    assert not page.dirty


def test_reference_places_and_interventions(qtbot: Any, workspace: Any) -> None:
    page = ReferenceDataSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    page.add_row(page.places)
    n = page.places.rowCount() - 1
    _set(page.places, n, 0, "98")
    _set(page.places, n, 1, "Synthetic place")
    page.places.item(n, 2).setCheckState(Qt.CheckState.Checked)
    page.add_row(page.interventions)
    page.interventions.item(page.interventions.count() - 1).setText("Synthetic therapy")
    page.save()
    ref = workspace.reference.get()
    assert ref.place("98") is not None and ref.place("98").telehealth
    assert "Synthetic therapy" in ref.interventions


def test_reference_validation_errors_do_not_save(qtbot: Any, workspace: Any) -> None:
    before = workspace.reference.get()
    page = ReferenceDataSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    _set(page.codes, 0, 2, "soon")
    _set(page.codes, 1, 0, before.service_codes[2].code)  # a duplicate code
    page.save()
    text = page.error.text()
    assert "whole number" in text and "listed twice" in text
    assert workspace.reference.get() == before


def test_reference_restore_defaults(
    qtbot: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = workspace.reference.get()
    workspace.reference.update({"service_codes": [{"code": "X1"}], "interventions": ["Y"]})
    page = ReferenceDataSettingsPage(workspace.reference)
    qtbot.addWidget(page)
    assert page.codes.rowCount() == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert page.codes.rowCount() == 1  # declined: nothing changed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert workspace.reference.get() == defaults
    assert page.codes.rowCount() == len(defaults.service_codes)


# --- profile --------------------------------------------------------------------------------


def test_profile_fingerprint_is_shown_once_in_groups_of_four(qtbot: Any, workspace: Any) -> None:
    from noteapp.ui.views.settings_profile_page import SettingsProfilePage

    profile = workspace.profile.set(name="Dana Whitfield", credentials="LCSW")
    page = SettingsProfilePage(workspace.profile)
    qtbot.addWidget(page)
    shown = page.fingerprint.text()
    # 32 hex digits read out by phone as eight groups of four, exactly as stored and as the
    # Signing keys page shows them (it was grouped a second time: "B03E 50A 5 FA A9 …").
    assert re.fullmatch(r"([0-9A-F]{4} ){7}[0-9A-F]{4}", shown), shown
    assert shown == profile.fingerprint
