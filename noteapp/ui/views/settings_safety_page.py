"""Settings › Safety plans: the crisis lines every new safety plan starts with (988, the
Crisis Text Line and 911 in the US by default). Edit them for another country or for the
agency's own lines; each client's plan can still be edited on its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from noteapp.domain.safety_plan import CrisisLine
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.list_table import ListTable
from noteapp.ui.widgets.safety_plan_editor import LINE_COLUMNS


class SafetyPlanSettingsPage(QWidget):
    def __init__(self, safety_plans: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyPlanSettingsPage")
        self._service = safety_plans
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "Crisis lines new safety plans start with. Change them for another country or "
                "add your agency's own line; plans already written keep theirs.",
                self,
            )
        )
        self.lines = ListTable(
            "crisisLineDefaults", LINE_COLUMNS, self, accessible="Crisis lines", stretch=3
        )
        lay.addWidget(self.lines)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("crisisLinesSaveButton")
        self.save_button.setAccessibleName("Save crisis lines")
        self.reset_button = QPushButton("Restore the defaults", self)
        self.reset_button.setObjectName("crisisLinesResetButton")
        self.reset_button.setAccessibleName("Restore the shipped crisis lines")
        self.saved_label = QLabel("", self)
        self.saved_label.setObjectName("crisisLinesSavedLabel")
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        self.lines.changed.connect(lambda: self.saved_label.setText("Not saved yet"))
        row.addWidget(self.save_button)
        row.addWidget(self.reset_button)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        lay.addLayout(row)
        self.error = error_label(self, "crisisLinesError")
        lay.addWidget(self.error)
        lay.addStretch(1)
        self._show(self._service.crisis_line_defaults())

    def _show(self, lines: Any) -> None:
        self.lines.set_rows([[c.name, c.action, c.number, c.notes] for c in lines])

    def save(self) -> bool:
        rows = self.lines.rows()
        lines = [CrisisLine(r[0], r[2], action=r[1] or "Call", notes=r[3]) for r in rows]
        try:
            saved = self._service.save_crisis_line_defaults(lines)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return False
        show_error(self.error, "")
        self._show(saved)
        self.saved_label.setText("Saved")
        return True

    def reset(self) -> None:
        try:
            self._show(self._service.reset_crisis_line_defaults())
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        self.saved_label.setText("Restored the shipped crisis lines")
