"""Settings › Documentation checklist: which rules block signing, which warn, which are off.

Each change is saved at once (a single choice is easy to undo), with a short confirmation.
Only choices that differ from the default are stored, so improved defaults reach everyone
who has not chosen otherwise.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.checklist import Severity, rule_settings
from noteapp.services.settings import SettingsService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

SEVERITY_LABELS = {
    Severity.BLOCK: "Blocks signing",
    Severity.WARN: "Warns",
    Severity.OFF: "Off",
}
SAVED_MS = 2000


class ChecklistSettingsPage(QWidget):
    changed = Signal()

    def __init__(self, settings_service: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistSettingsPage")
        self._settings = settings_service
        self._loading = False
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "Before signing, each note is checked against what payer auditors look for. "
                "Choose what each rule does when a note does not meet it.",
                self,
            )
        )
        self.table = QTableWidget(0, 3, self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("checklistRulesTable")
        self.table.setAccessibleName("Checklist rules")
        self.table.setHorizontalHeaderLabels(["Rule", "Default", "When not met"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the focus
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.table, 1)

        self.error = error_label(self, "checklistError")
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.restore_button = QPushButton("Restore defaults", self)
        self.restore_button.setObjectName("checklistRestoreDefaultsButton")
        self.restore_button.clicked.connect(self.restore_defaults)
        row.addWidget(self.restore_button)
        self.saved_label = QLabel("Saved", self)
        self.saved_label.setObjectName("checklistSavedLabel")
        self.saved_label.setAccessibleName("Saved")
        self.saved_label.hide()
        row.addWidget(self.saved_label)
        row.addStretch(1)
        lay.addLayout(row)
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.setInterval(SAVED_MS)
        self._saved_timer.timeout.connect(self.saved_label.hide)
        self.combos: dict[str, QComboBox] = {}
        self._build()
        self.refresh()

    def _current(self) -> dict[str, str]:
        try:
            return dict(self._settings.get().checklist_severities or {})
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return {}

    def _build(self) -> None:
        rules = rule_settings({})
        self.table.setRowCount(len(rules))
        self.combos = {}
        for row, rule in enumerate(rules):
            title = QTableWidgetItem(rule.title)
            title.setToolTip(f"Rule id: {rule.id}")
            self.table.setItem(row, 0, title)
            self.table.setItem(row, 1, QTableWidgetItem(SEVERITY_LABELS[rule.default]))
            combo = QComboBox(self.table)
            combo.setObjectName(f"checklistSeverityCombo_{rule.id}")
            combo.setAccessibleName(f"{rule.title}: when not met")
            for sev, label in SEVERITY_LABELS.items():
                combo.addItem(label, sev.value)
            combo.setProperty("default", rule.default.value)
            combo.currentIndexChanged.connect(self._changed)
            self.table.setCellWidget(row, 2, combo)
            self.combos[rule.id] = combo
        # One height for every row, from the combo: rows sized to contents came out ragged.
        if self.combos:
            height = next(iter(self.combos.values())).sizeHint().height() + 6
            self.table.verticalHeader().setDefaultSectionSize(height)

    def refresh(self) -> None:
        """Show the stored choices."""
        self._loading = True
        for row, rule in enumerate(rule_settings(self._current())):
            combo = self.combos[rule.id]
            combo.setCurrentIndex(combo.findData(rule.current.value))
            self._mark(row, rule.current != rule.default)
        self._loading = False

    def _mark(self, row: int, changed: bool) -> None:
        # A changed rule is bold, so a practice's departures from the defaults stand out.
        item = self.table.item(row, 0)
        if item is None:
            return
        font = QFont(item.font())
        font.setBold(changed)
        item.setFont(font)
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "changed" if changed else "")

    def _changed(self, *_: Any) -> None:
        if self._loading:
            return
        overrides = {
            rid: str(c.currentData())
            for rid, c in self.combos.items()
            if c.currentData() != c.property("default")
        }
        self._save(overrides)
        for row, combo in enumerate(self.combos.values()):
            self._mark(row, combo.currentData() != combo.property("default"))

    def restore_defaults(self) -> None:
        if self._save({}):
            self.refresh()

    def _save(self, overrides: dict[str, str]) -> bool:
        try:
            self._settings.update(checklist_severities=overrides)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            self.refresh()  # show what is really stored
            return False
        show_error(self.error, "")
        self.saved_label.show()
        self._saved_timer.start()
        self.changed.emit()
        return True
