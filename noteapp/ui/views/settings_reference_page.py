"""Settings › Reference data: service codes and time bands, places of service, interventions.

Codes and bands differ between countries and payers, so they are the practice's to edit.
Edits stay on this page until Save; the whole set is checked first and each problem is said
as a sentence naming the row.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.reference import ReferenceData, reference_to_dict
from noteapp.services.reference import ReferenceService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

# (header, key, kind): kind "text", "minutes" (whole number or blank) or "flag" (checkbox)
CODE_COLUMNS = [
    ("Code", "code", "text"),
    ("Description", "description", "text"),
    ("Min minutes", "min_minutes", "minutes"),
    ("Max minutes", "max_minutes", "minutes"),
    ("Group", "group", "flag"),
    ("Family", "family", "flag"),
    ("Psychotherapy", "psychotherapy", "flag"),
]
PLACE_COLUMNS = [
    ("Code", "code", "text"),
    ("Description", "description", "text"),
    ("Telehealth", "telehealth", "flag"),
]
_EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_CHECKABLE = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
)


class RowTable(QTableWidget):
    """A table of dict rows described by columns of (header, key, kind)."""

    def __init__(self, columns: list[tuple[str, str, str]], name: str, parent: QWidget) -> None:
        super().__init__(0, len(columns), parent)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.columns = columns
        self.setObjectName(name)
        self.setHorizontalHeaderLabels([c[0] for c in columns])
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        for i, (_h, key, kind) in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if key == "description"
                else (QHeaderView.ResizeMode.ResizeToContents)
            )
            header.setSectionResizeMode(i, mode)
            head = self.horizontalHeaderItem(i)
            if kind == "minutes" and head is not None:
                head.setToolTip("A whole number; leave blank for none.")

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.setRowCount(0)
        for r in rows:
            self.append(r)

    def append(self, row: dict[str, Any]) -> int:
        n = self.rowCount()
        self.insertRow(n)
        for col, (_h, key, kind) in enumerate(self.columns):
            value = row.get(key)
            if kind == "flag":
                item = QTableWidgetItem()
                item.setFlags(_CHECKABLE)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            else:
                item = QTableWidgetItem("" if value is None else str(value))
                item.setFlags(_EDITABLE)
                if kind == "minutes":
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
            self.setItem(n, col, item)
        return n

    def rows(self) -> list[dict[str, Any]]:
        """Raw rows: text as typed (stripped), flags as bools."""
        out = []
        for r in range(self.rowCount()):
            row: dict[str, Any] = {}
            for col, (_h, key, kind) in enumerate(self.columns):
                item = self.item(r, col)
                if kind == "flag":
                    row[key] = item is not None and item.checkState() == Qt.CheckState.Checked
                else:
                    row[key] = item.text().strip() if item is not None else ""
            out.append(row)
        return out

    def remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self.removeRow(r)


def _minutes(text: str, label: str, code: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) > 24 * 60:
        problems.append(
            f"{label} for {code} must be a whole number of minutes (or blank for none)."
        )
        return None
    return int(text)


def build_reference(
    codes: list[dict[str, Any]], places: list[dict[str, Any]], interventions: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """The dict for ReferenceService.update and the problems found, as sentences."""
    problems: list[str] = []
    out_codes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(codes, 1):
        if not any(row[k] for k in ("code", "description", "min_minutes", "max_minutes")):
            continue  # an added row left empty
        code = row["code"]
        if not code:
            problems.append(f"Service code row {i} needs a code.")
            continue
        if code.casefold() in seen:
            problems.append(f"Service code {code} is listed twice.")
        seen.add(code.casefold())
        lo = _minutes(row["min_minutes"], "Min minutes", code, problems)
        hi = _minutes(row["max_minutes"], "Max minutes", code, problems)
        if lo is not None and hi is not None and lo > hi:
            problems.append(f"For {code} the minimum ({lo}) is more than the maximum ({hi}).")
        out_codes.append({**row, "min_minutes": lo, "max_minutes": hi})
    out_places: list[dict[str, Any]] = []
    seen = set()
    for i, row in enumerate(places, 1):
        if not row["code"] and not row["description"]:
            continue
        if not row["code"]:
            problems.append(f"Place of service row {i} needs a code.")
            continue
        if row["code"].casefold() in seen:
            problems.append(f"Place of service {row['code']} is listed twice.")
        seen.add(row["code"].casefold())
        out_places.append(row)
    out_interventions: list[str] = []
    for name in (n.strip() for n in interventions):
        if not name:
            continue
        if name.casefold() in {x.casefold() for x in out_interventions}:
            problems.append(f"The intervention “{name}” is listed twice.")
        out_interventions.append(name)
    data = {
        "service_codes": out_codes,
        "places_of_service": out_places,
        "interventions": out_interventions,
    }
    return data, problems


class ReferenceDataSettingsPage(QWidget):
    saved = Signal()

    def __init__(self, reference_service: ReferenceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceDataSettingsPage")
        self._service = reference_service
        self._loading = False
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "The codes offered when you write a note, and the time band each service code "
                "is checked against. Leave a minute limit blank when the code has none.",
                self,
            )
        )
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("referenceTabs")
        self.tabs.setAccessibleName("Reference data lists")
        self.codes = RowTable(CODE_COLUMNS, "serviceCodesTable", self)
        self.codes.setAccessibleName("Service codes and their time bands")
        self.places = RowTable(PLACE_COLUMNS, "placesOfServiceTable", self)
        self.places.setAccessibleName("Places of service")
        self.interventions = QListWidget(self)
        self.interventions.setObjectName("interventionsList")
        self.interventions.setAccessibleName("Interventions")
        self.tabs.addTab(self._tab(self.codes, "serviceCodes"), "Service codes")
        self.tabs.addTab(self._tab(self.places, "placesOfService"), "Places of service")
        self.tabs.addTab(self._tab(self.interventions, "interventions"), "Interventions")
        lay.addWidget(self.tabs, 1)
        for signal in (
            self.codes.itemChanged,
            self.places.itemChanged,
            self.interventions.itemChanged,
        ):
            signal.connect(self._edited)

        self.error = error_label(self, "referenceError")
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.restore_button = self._button("Restore defaults", "referenceRestoreDefaultsButton")
        self.restore_button.clicked.connect(self.restore_defaults)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        self.dirty_label = QLabel("Unsaved changes", self)
        self.dirty_label.setObjectName("referenceDirtyLabel")
        row.addWidget(self.dirty_label)
        self.revert_button = self._button("Revert", "referenceRevertButton")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = self._button("Save", "referenceSaveButton")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        self.revert()

    def _button(self, text: str, name: str) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        return b

    def _tab(self, view: QWidget, prefix: str) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.addWidget(view, 1)
        row = QHBoxLayout()
        add = self._button("Add", f"{prefix}AddButton")
        remove = self._button("Remove", f"{prefix}RemoveButton")
        add.clicked.connect(lambda: self.add_row(view))
        remove.clicked.connect(lambda: self.remove_rows(view))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        return page

    # --- rows ----------------------------------------------------------------------------

    def add_row(self, view: QWidget) -> None:
        if isinstance(view, RowTable):
            n = view.append({})
            view.setCurrentCell(n, 0)
            first = view.item(n, 0)
            if first is not None:
                view.editItem(first)
        elif isinstance(view, QListWidget):
            item = QListWidgetItem("")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            view.addItem(item)
            view.setCurrentItem(item)
            view.editItem(item)
        self._set_dirty(True)

    def remove_rows(self, view: QWidget) -> None:
        if isinstance(view, RowTable):
            view.remove_selected()
        elif isinstance(view, QListWidget):
            for item in view.selectedItems():
                view.takeItem(view.row(item))
        self._set_dirty(True)

    # --- load and save -------------------------------------------------------------------

    def _show(self, reference: ReferenceData) -> None:
        self._loading = True
        data = reference_to_dict(reference)
        self.codes.set_rows(data["service_codes"])
        self.places.set_rows(data["places_of_service"])
        self.interventions.clear()
        for name in data["interventions"]:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.interventions.addItem(item)
        self._loading = False
        self._set_dirty(False)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty_label.setVisible(dirty)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    @property
    def dirty(self) -> bool:
        return not self.dirty_label.isHidden()

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self._set_dirty(True)

    def revert(self) -> None:
        try:
            self._show(self._service.get())
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")

    def current_data(self) -> tuple[dict[str, Any], list[str]]:
        names = [self.interventions.item(i).text() for i in range(self.interventions.count())]
        return build_reference(self.codes.rows(), self.places.rows(), names)

    def save(self) -> None:
        data, problems = self.current_data()
        if problems:
            show_error(self.error, " ".join(problems[:4]) + (" …" if len(problems) > 4 else ""))
            return
        try:
            reference = self._service.update(data)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self._show(reference)
        self.saved.emit()

    def restore_defaults(self) -> None:
        answer = QMessageBox.question(
            self,
            "Restore defaults",
            "Replace all service codes, places of service and interventions with the ones "
            "noteapp ships with? Your own entries will be removed. Notes already written "
            "keep their codes.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            reference = self._service.reset()
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self._show(reference)
        self.saved.emit()
