"""Add from the goal library: pick a presenting problem's group, then the problem, the goal
and the objectives and interventions to add; the result is one plan problem (plan JSON
shape) that the plan editor adds and the clinician then tailors to the client."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.ids import new_id
from noteapp.services.goal_library import LibraryChoice, LibraryGroup, to_plan_json
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error


def _checklist(parent: QWidget, name: str, texts: list[str], accessible: str) -> QListWidget:
    widget = QListWidget(parent)
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    widget.setWordWrap(True)
    for i, text in enumerate(texts):
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if i == 0 else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def with_ids(problem: dict[str, Any]) -> dict[str, Any]:
    """The plan editor keeps ids on problems, goals and objectives."""
    problem.setdefault("id", new_id())
    for g in problem.get("goals", []):
        g.setdefault("id", new_id())
        for o in g.get("objectives", []):
            o.setdefault("id", new_id())
    return problem


class GoalLibraryDialog(QDialog):
    def __init__(self, groups: list[LibraryGroup], start: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("goalLibraryDialog")
        self.setWindowTitle("Add from the goal library")
        self.groups = groups
        self.start = start
        self.result_problem: dict[str, Any] | None = None
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "Starting points, not finished text: make each statement the client's own "
                "after adding it.",
                self,
            )
        )
        form = QFormLayout()
        self.group = QComboBox(self)
        self.group.setObjectName("goalLibraryGroup")
        self.group.setAccessibleName("Presenting problem")
        for g in groups:
            self.group.addItem(g.name, g.id)
        form.addRow("&Presenting problem", self.group)
        self.problem = QComboBox(self)
        self.problem.setObjectName("goalLibraryProblem")
        self.problem.setAccessibleName("Problem statement")
        form.addRow("P&roblem", self.problem)
        self.goal = QComboBox(self)
        self.goal.setObjectName("goalLibraryGoal")
        self.goal.setAccessibleName("Long-term goal")
        form.addRow("&Goal", self.goal)
        lay.addLayout(form)
        self.objectives = _checklist(self, "goalLibraryObjectives", [], "Objectives")
        self.interventions = _checklist(self, "goalLibraryInterventions", [], "Interventions")
        self.lists = QVBoxLayout()
        self.lists.addWidget(body_label("Objectives", self))
        self.lists.addWidget(self.objectives, 2)
        self.lists.addWidget(body_label("Interventions (for each objective)", self))
        self.lists.addWidget(self.interventions, 1)
        lay.addLayout(self.lists, 1)
        self.error = error_label(self, "goalLibraryError")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("goalLibraryButtons")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.group.currentIndexChanged.connect(self._group_changed)
        self._group_changed()
        fit_to_screen(self, 720, 620)

    def current_group(self) -> LibraryGroup:
        return self.groups[max(self.group.currentIndex(), 0)]

    def _group_changed(self, *_: Any) -> None:
        g = self.current_group()
        for combo, texts in (
            (self.problem, list(g.problems)),
            (self.goal, [x.statement for x in g.goals]),
        ):
            combo.clear()
            for t in texts:
                combo.addItem(t[:120], t)
        old_objectives, old_interventions = self.objectives, self.interventions
        self.objectives = _checklist(
            self,
            "goalLibraryObjectives",
            [o.description for o in g.objectives],
            "Objectives to add; check the ones that fit",
        )
        self.interventions = _checklist(
            self,
            "goalLibraryInterventions",
            [i.description for i in g.interventions],
            "Interventions to add to each objective; check the ones that fit",
        )
        # The lists change with the group; their headings stay (they were added again
        # on every change of group, a new pair of headings each time).
        pairs = ((old_objectives, self.objectives), (old_interventions, self.interventions))
        for old, new in pairs:
            self.lists.replaceWidget(old, new)
            old.hide()
            old.deleteLater()

    @staticmethod
    def _checked(widget: QListWidget) -> tuple[int, ...]:
        return tuple(
            i for i in range(widget.count()) if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def submit(self) -> None:
        choice = LibraryChoice(
            problem=max(self.problem.currentIndex(), 0),
            goal=max(self.goal.currentIndex(), 0),
            objectives=self._checked(self.objectives),
            interventions=self._checked(self.interventions),
        )
        if not choice.objectives:
            show_error(self.error, "Tick at least one objective.")
            return
        try:
            self.result_problem = with_ids(
                to_plan_json(self.current_group(), choice, start=self.start)
            )
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        self.accept()
