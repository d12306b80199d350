"""The plan tab on a laptop: the plan and its progress chart share a splitter, the chart has
at least 40 % of the height to start with (it had about 94 px), and the splitter stays where
the clinician leaves it. (Every size is checked by test_fit.py; this is the tab alone.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.ui.dialogs.goal_library_dialog import GoalLibraryDialog
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.views.plan_tab import PlanTab
from noteapp.ui.widgets.plan_editor import PlanEditor


@pytest.fixture
def prefs(tmp_path: Path):
    before = DevicePrefs._current
    prefs = DevicePrefs(tmp_path / "prefs.json")
    DevicePrefs.use(prefs)
    yield prefs
    DevicePrefs._current = before


@pytest.fixture
def client_id(workspace) -> str:
    fill_demo(workspace, clients=2, notes=8)
    return next(c.id for c in workspace.clients.list() if workspace.plans.latest(c.id))


def _tab(qtbot, ws, client_id: str, height: int = 640) -> PlanTab:
    tab = PlanTab(ws, client_id)
    qtbot.addWidget(tab)
    tab.resize(900, height)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


@pytest.mark.parametrize("height", [460, 640, 900])
def test_the_chart_gets_at_least_40_percent(qtbot, workspace, client_id, prefs, height) -> None:
    tab = _tab(qtbot, workspace, client_id, height)
    plan, chart = tab.splitter.sizes()
    assert chart / (plan + chart) >= 0.4
    assert tab.splitter.orientation() == Qt.Orientation.Vertical


def test_the_splitter_is_remembered(qtbot, workspace, client_id, prefs) -> None:
    tab = _tab(qtbot, workspace, client_id)
    total = sum(tab.splitter.sizes())
    tab.splitter.moveSplitter(total // 4, 1)  # as a drag of the handle does
    moved = tab.splitter.sizes()
    qtbot.waitUntil(lambda: prefs.splitter_state("plan.chart") is not None)
    again = _tab(qtbot, workspace, client_id)
    assert again.splitter.sizes() == moved
    assert DevicePrefs(prefs._file).splitter_state("plan.chart") is not None  # on disk


def test_a_damaged_splitter_state_falls_back_to_the_default(
    qtbot, workspace, client_id, tmp_path: Path
) -> None:
    file = tmp_path / "prefs.json"
    file.write_text('{"splitters": {"plan.chart": "not base64 at all!"}}', encoding="utf-8")
    DevicePrefs.use(DevicePrefs(file))
    try:
        tab = _tab(qtbot, workspace, client_id)
        plan, chart = tab.splitter.sizes()
        assert chart / (plan + chart) >= 0.4
    finally:
        DevicePrefs._current = None


def test_the_editor_buttons_say_what_they_add(qtbot) -> None:
    editor = PlanEditor()
    qtbot.addWidget(editor)
    names = [b.accessibleName() for b in editor.add_buttons]
    assert names == ["Add problem", "Add goal", "Add objective", "Add intervention"]
    texts = [b.text() for b in editor.add_buttons]
    assert texts == ["Problem", "Goal", "Objective", "Intervention"]


def test_the_goal_library_keeps_one_heading_per_list(qtbot, workspace) -> None:
    groups = workspace.goal_library.groups()
    assert len(groups) > 1
    dialog = GoalLibraryDialog(groups, workspace.clock.now().date())
    qtbot.addWidget(dialog)
    for i in (1, 0, 1):
        dialog.group.setCurrentIndex(i)
    texts = [
        dialog.lists.itemAt(i).widget().text()
        for i in range(dialog.lists.count())
        if hasattr(dialog.lists.itemAt(i).widget(), "text")
    ]
    assert texts == ["Objectives", "Interventions (for each objective)"]
    assert dialog.lists.count() == 4
