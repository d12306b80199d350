"""The structured editor for a draft treatment plan: the plan's facts, then a tree of
problems → goals → objectives → interventions with a form for the selected item.

It edits a plain dict in the plan JSON shape (`plan_to_dict`) and hands back a `Plan` via
`plan_from_dict`, so the editor and the import/export shape can never drift apart.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.ids import new_id
from noteapp.domain.plans import GoalStatus, Plan, ServiceType, plan_from_dict, plan_to_dict
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.widgets.layout import error_label, scroll_area, show_error
from noteapp.ui.widgets.optional_date import OptionalDateEdit

PathT = tuple[int, ...]  # (problem, goal, objective, intervention) indexes, 1–4 deep
CHILD_KEYS = ("problems", "goals", "objectives", "interventions")
LEVEL_NAMES = ("problem", "goal", "objective", "intervention")
TEXT_KEY = ("statement", "statement", "description", "description")
# Each level's form: (key, label, kind) with kind "line", "text", "date" or "status".
FIELDS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (("statement", "Problem", "text"),),
    (
        ("statement", "Long-term goal", "text"),
        ("client_words", "In the client's words", "text"),
        ("status", "Status", "status"),
    ),
    (
        ("description", "Measurable objective", "text"),
        ("baseline", "Baseline", "line"),
        ("target", "Target", "line"),
        ("target_date", "Target date", "date"),
        ("measured_by", "Measured by", "line"),
        ("status", "Status", "status"),
    ),
    (
        ("description", "Intervention", "text"),
        ("modality", "Modality", "line"),
        ("frequency", "Frequency", "line"),
        ("provider", "Provided by", "line"),
    ),
)


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


def _tool(text: str, name: str, parent: QWidget, tip: str) -> QToolButton:
    """A compact button for an arrow: a push button would be 80 px wide for one glyph."""
    b = QToolButton(parent)
    b.setText(text)
    b.setObjectName(name)
    b.setAccessibleName(tip)
    b.setToolTip(tip)
    b.setMinimumWidth(32)
    return b


def blank(level: int) -> dict[str, Any]:
    if level == 0:
        return {"id": new_id(), "statement": "New problem", "goals": []}
    if level == 1:
        return {
            "id": new_id(),
            "statement": "New goal",
            "client_words": "",
            "status": "active",
            "objectives": [],
        }
    if level == 2:
        return {
            "id": new_id(),
            "description": "New objective",
            "baseline": "",
            "target": "",
            "target_date": None,
            "measured_by": "",
            "status": "active",
            "interventions": [],
        }
    return {"description": "New intervention", "modality": "", "frequency": "", "provider": ""}


def format_diagnoses(items: list[dict[str, str]]) -> str:
    return "\n".join(f"{d['code']}  {d.get('description', '')}".strip() for d in items)


def parse_diagnoses(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, _, desc = line.strip().partition(" ")
        d = Diagnosis.parse(code, desc)
        out.append({"code": d.code, "description": d.description})
    return out


class PlanEditor(QWidget):
    """`changed` fires on every edit; `plan()` is the plan as it stands on screen."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        library: Callable[[], dict[str, Any] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planEditor")
        self._data: dict[str, Any] = {}
        self._plan: Plan | None = None
        self._loading = False
        self._library = library
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self._build_facts())
        self.error = error_label(self, "planEditorError")
        lay.addWidget(self.error)
        lay.addLayout(self._build_toolbar())
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("planEditorSplitter")
        self.tree = QTreeWidget(split)
        self.tree.setObjectName("planTree")
        self.tree.setAccessibleName("Problems, goals, objectives and interventions")
        self.tree.setHeaderLabels(["Problem › goal › objective › intervention", "Status"])
        self.tree.setColumnWidth(0, 360)
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(self._selected)
        # The item's form scrolls, so the editor can give the progress chart its share of
        # a laptop screen's height.
        self.detail = QStackedWidget()
        self.detail.setObjectName("planDetail")
        split.addWidget(scroll_area(self.detail, "planDetailScroll"))
        self.inputs: list[dict[str, Any]] = []
        empty = QLabel("Select an item in the tree, or add a problem.", self.detail)
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        for level in range(4):
            self.detail.addWidget(self._build_form(level))
        self.detail.addWidget(empty)
        self.detail.setCurrentIndex(4)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        remember_splitter(split, "plan.editor", default=[3, 2])
        lay.addWidget(split, 1)

    # --- building ----------------------------------------------------------------------

    def _build_facts(self) -> QHBoxLayout:
        row = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        self.service_type = QComboBox(self)
        self.service_type.setObjectName("planServiceType")
        self.service_type.setAccessibleName("Type of service")
        for st in ServiceType:
            self.service_type.addItem(st.value.capitalize(), st.value)
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("planSessionMinutes")
        self.minutes.setAccessibleName("Planned session length in minutes")
        self.minutes.setRange(5, 480)
        self.minutes.setSuffix(" min")
        self.frequency = QLineEdit(self)
        self.frequency.setObjectName("planFrequency")
        self.frequency.setAccessibleName("Frequency")
        self.frequency.setPlaceholderText("e.g. weekly")
        self.valid_from = OptionalDateEdit(self, default_year=2026)
        self.valid_from.setObjectName("planValidFrom")
        self.valid_from.setAccessibleName("Valid from")
        self.valid_until = OptionalDateEdit(self, default_year=2026)
        self.valid_until.setObjectName("planValidUntil")
        self.valid_until.setAccessibleName("Valid until")
        left.addRow("Type of &service", self.service_type)
        left.addRow("Session &length", self.minutes)
        left.addRow("&Frequency", self.frequency)
        right.addRow("Valid &from", self.valid_from)
        right.addRow("Valid &until", self.valid_until)
        self.diagnoses = QPlainTextEdit(self)
        self.diagnoses.setObjectName("planDiagnoses")
        self.diagnoses.setAccessibleName("Diagnoses, one per line: code then description")
        self.diagnoses.setPlaceholderText("F32.1  Major depressive disorder, single episode")
        self.diagnoses.setTabChangesFocus(True)
        self.diagnoses.setMaximumHeight(64)
        right.addRow("&Diagnoses", self.diagnoses)
        row.addLayout(left, 2)
        row.addLayout(right, 3)
        self.service_type.currentIndexChanged.connect(self._facts_changed)
        self.minutes.valueChanged.connect(self._facts_changed)
        self.frequency.textChanged.connect(self._facts_changed)
        self.valid_from.dateChanged.connect(self._facts_changed)
        self.valid_until.dateChanged.connect(self._facts_changed)
        self.diagnoses.textChanged.connect(self._facts_changed)
        return row

    def _build_toolbar(self) -> QHBoxLayout:
        # "Add: Problem Goal Objective Intervention": one short word per button, so the row
        # fits a laptop's chart (five "Add …" buttons were clipped to "dd objectiv").
        row = QHBoxLayout()
        row.setSpacing(4)
        add = QLabel("Add:", self)
        row.addWidget(add)
        self.add_buttons = []
        for level, name in enumerate(LEVEL_NAMES):
            b = _button(name.capitalize(), f"planAdd{name.capitalize()}Button", self)
            b.setAccessibleName(f"Add {name}")
            b.setToolTip(f"Add a {name} under the selected item")
            b.clicked.connect(lambda _c=False, lv=level: self.add(lv))
            self.add_buttons.append(b)
            row.addWidget(b)
        self.library_button = _button(
            "From library…",
            "planAddFromLibraryButton",
            self,
            "Problems, goals and objectives from the goal library",
        )
        self.library_button.setAccessibleName("Add from the goal library")
        self.library_button.clicked.connect(self.add_from_library)
        self.library_button.setVisible(self._library is not None)
        row.addWidget(self.library_button)
        row.addStretch(1)
        self.up_button = _tool("↑", "planMoveUpButton", self, "Move up")
        self.down_button = _tool("↓", "planMoveDownButton", self, "Move down")
        self.remove_button = _button("Remove", "planRemoveButton", self, "Remove with its items")
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button.clicked.connect(lambda: self.move_item(1))
        self.remove_button.clicked.connect(self.remove)
        row.addWidget(self.up_button)
        row.addWidget(self.down_button)
        row.addWidget(self.remove_button)
        return row

    def _build_form(self, level: int) -> QWidget:
        page = QWidget(self.detail)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(8, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        inputs: dict[str, Any] = {}
        for key, label, kind in FIELDS[level]:
            name = f"plan{LEVEL_NAMES[level].capitalize()}_{key}"
            w: Any
            if kind == "text":
                w = QPlainTextEdit(page)
                w.setTabChangesFocus(True)
                w.setMaximumHeight(72)
                w.textChanged.connect(lambda lv=level, k=key: self._field_changed(lv, k))
            elif kind == "line":
                w = QLineEdit(page)
                w.textChanged.connect(lambda _t, lv=level, k=key: self._field_changed(lv, k))
            elif kind == "date":
                w = OptionalDateEdit(page, default_year=2026)
                w.dateChanged.connect(lambda _d, lv=level, k=key: self._field_changed(lv, k))
            else:
                w = QComboBox(page)
                for s in GoalStatus:
                    w.addItem(s.value.capitalize(), s.value)
                w.currentIndexChanged.connect(
                    lambda _i, lv=level, k=key: self._field_changed(lv, k)
                )
            w.setObjectName(name)
            w.setAccessibleName(label)
            form.addRow(label, w)
            inputs[key] = w
        self.inputs.append(inputs)
        return page

    # --- data --------------------------------------------------------------------------

    def set_plan(self, plan: Plan) -> None:
        self._plan = plan
        self._data = plan_to_dict(plan)
        self._loading = True
        d = self._data
        self.service_type.setCurrentIndex(self.service_type.findData(d["service_type"]))
        self.minutes.setValue(int(d["session_minutes"]))
        self.frequency.setText(d["frequency"])
        self.valid_from.set_value(plan.valid_from)
        self.valid_until.set_value(plan.valid_until)
        self.diagnoses.setPlainText(format_diagnoses(d["diagnoses"]))
        self._loading = False
        self._rebuild(select=(0,) if d["problems"] else None)

    def plan(self) -> Plan:
        assert self._plan is not None
        return plan_from_dict(copy.deepcopy(self._data), record_version=self._plan.record_version)

    def set_record_version(self, version: int) -> None:
        """After a save: the next save builds on the stored record."""
        if self._plan is not None:
            self._plan = plan_from_dict(self._data, record_version=version)

    def node(self, path: PathT) -> dict[str, Any]:
        node = self._data
        for depth, i in enumerate(path):
            node = node[CHILD_KEYS[depth]][i]
        return node

    def _siblings(self, path: PathT) -> list[dict[str, Any]]:
        parent = self.node(path[:-1])
        items: list[dict[str, Any]] = parent[CHILD_KEYS[len(path) - 1]]
        return items

    def current_path(self) -> PathT | None:
        item = self.tree.currentItem()
        return tuple(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    # --- tree --------------------------------------------------------------------------

    def _rebuild(self, select: PathT | None = None) -> None:
        self._loading = True
        self.tree.clear()

        def add(parent: Any, node: dict[str, Any], path: PathT) -> None:
            level = len(path) - 1
            item = QTreeWidgetItem(parent)
            item.setData(0, Qt.ItemDataRole.UserRole, list(path))
            self._label(item, node, level)
            if level < 3:
                for i, child in enumerate(node[CHILD_KEYS[level + 1]]):
                    add(item, child, (*path, i))

        for i, problem in enumerate(self._data.get("problems", [])):
            add(self.tree, problem, (i,))
        self.tree.expandAll()
        self._loading = False
        target = self._item_for(select) if select else None
        if target is not None:
            self.tree.setCurrentItem(target)
        else:
            self._selected(None, None)

    def _label(self, item: QTreeWidgetItem, node: dict[str, Any], level: int) -> None:
        text = " ".join(str(node.get(TEXT_KEY[level], "")).split())
        prefix = ("Problem", "Goal", "Objective", "Intervention")[level]
        item.setText(0, f"{prefix}: {text}")
        item.setToolTip(0, text)
        item.setText(1, str(node.get("status", "")) if level in (1, 2) else "")

    def _item_for(self, path: PathT) -> QTreeWidgetItem | None:
        item = self.tree.topLevelItem(path[0]) if path[0] < self.tree.topLevelItemCount() else None
        for i in path[1:]:
            if item is None or i >= item.childCount():
                return None
            item = item.child(i)
        return item

    def _selected(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        path = self.current_path() if current is not None else None
        for b in (self.up_button, self.down_button, self.remove_button):
            b.setEnabled(path is not None)
        for level, b in enumerate(self.add_buttons):
            b.setEnabled(level == 0 or (path is not None and len(path) >= level))
        if path is None:
            self.detail.setCurrentIndex(4)
            return
        level = len(path) - 1
        node = self.node(path)
        self._loading = True
        for key, w in self.inputs[level].items():
            value = node.get(key)
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            elif isinstance(w, OptionalDateEdit):
                w.set_value(date.fromisoformat(value) if value else None)
            elif isinstance(w, QLineEdit):
                w.setText(value or "")
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value or "active"), 0))
        self._loading = False
        self.detail.setCurrentIndex(level)

    # --- editing -----------------------------------------------------------------------

    def _facts_changed(self, *_: Any) -> None:
        if self._loading or not self._data:
            return
        d = self._data
        d["service_type"] = self.service_type.currentData()
        d["session_minutes"] = self.minutes.value()
        d["frequency"] = self.frequency.text().strip()
        vf, vu = self.valid_from.value(), self.valid_until.value()
        d["valid_from"] = vf.isoformat() if vf else None
        d["valid_until"] = vu.isoformat() if vu else None
        try:
            d["diagnoses"] = parse_diagnoses(self.diagnoses.toPlainText())
        except InvalidInputError as exc:
            show_error(self.error, str(exc))
            return
        show_error(self.error, "")
        self.changed.emit()

    def _field_changed(self, level: int, key: str) -> None:
        if self._loading:
            return
        path = self.current_path()
        if path is None or len(path) - 1 != level:
            return
        w = self.inputs[level][key]
        node = self.node(path)
        if isinstance(w, QPlainTextEdit):
            node[key] = w.toPlainText()
        elif isinstance(w, OptionalDateEdit):
            v = w.value()
            node[key] = v.isoformat() if v else None
        elif isinstance(w, QLineEdit):
            node[key] = w.text()
        elif isinstance(w, QComboBox):
            node[key] = w.currentData()
        item = self.tree.currentItem()
        if item is not None:
            self._label(item, node, level)
        self.changed.emit()

    def add(self, level: int, node: dict[str, Any] | None = None) -> PathT:
        """Add an item at `level` under the selection (or its nearest ancestor); select it."""
        path = self.current_path() or ()
        parent = path[:level]
        if len(parent) < level:
            raise InvalidInputError(f"Select where the new {LEVEL_NAMES[level]} goes first.")
        items = self.node(parent)[CHILD_KEYS[level]]
        items.append(node if node is not None else blank(level))
        new_path = (*parent, len(items) - 1)
        self._rebuild(select=new_path)
        self.changed.emit()
        return new_path

    def remove(self) -> None:
        path = self.current_path()
        if path is None:
            return
        siblings = self._siblings(path)
        del siblings[path[-1]]
        if siblings:
            select: PathT | None = (*path[:-1], min(path[-1], len(siblings) - 1))
        else:
            select = path[:-1] or None
        self._rebuild(select=select)
        self.changed.emit()

    def move_item(self, step: int) -> None:
        path = self.current_path()
        if path is None:
            return
        siblings = self._siblings(path)
        i, j = path[-1], path[-1] + step
        if not 0 <= j < len(siblings):
            return
        siblings[i], siblings[j] = siblings[j], siblings[i]
        self._rebuild(select=(*path[:-1], j))
        self.changed.emit()

    def add_from_library(self) -> None:
        """Hook: the goal library hands back a problem dict (plan JSON shape) to add."""
        if self._library is None:
            return
        problem = self._library()
        if problem:
            self.add(0, problem)
