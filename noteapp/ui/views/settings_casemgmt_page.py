"""Settings › Case management: how many days before its end a release of information shows
as expiring, and the incident types with the hours within which notifications are due
(state and agency rules differ; 0 means no deadline)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import InvalidInputError, NoteappError
from noteapp.domain.incidents import IncidentType
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.list_table import ListTable
from noteapp.ui.widgets.setting_saver import SettingSaver

TYPE_COLUMNS = ("Type", "Hours to notify (0: none)", "Id (made from the type if blank)")


class CaseManagementSettingsPage(QWidget):
    def __init__(self, settings: Any, incidents: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseManagementSettingsPage")
        self._incidents = incidents
        self._saver = SettingSaver(settings, self, "releaseSettings")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.expiring = QSpinBox(self)
        self.expiring.setObjectName("releaseExpiringDaysSpin")
        self.expiring.setAccessibleName("Releases show as expiring this many days ahead")
        self.expiring.setRange(0, 365)
        self.expiring.setSuffix(" days")
        self.expiring.setValue(settings.get().release_expiring_days)
        self.expiring.valueChanged.connect(self.save_expiring)
        row.addWidget(self.expiring)
        row.addWidget(self._saver.saved_label)
        row.addStretch(1)
        label = QLabel("Releases are &expiring within", self)
        label.setBuddy(self.expiring)
        form.addRow(label, row)
        lay.addLayout(form)
        lay.addWidget(self._saver.error)
        lay.addWidget(
            body_label(
                "Incident types, and how many hours after an incident its notifications are "
                "due. A report past its deadline with no notification recorded shows as "
                "overdue. Reports already written keep their type.",
                self,
            )
        )
        self.types = ListTable(
            "incidentTypesTable", TYPE_COLUMNS, self, accessible="Incident types", stretch=0
        )
        lay.addWidget(self.types)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save types", self)
        self.save_button.setObjectName("incidentTypesSaveButton")
        self.save_button.setAccessibleName("Save incident types")
        self.reset_button = QPushButton("Restore the defaults", self)
        self.reset_button.setObjectName("incidentTypesResetButton")
        self.reset_button.setAccessibleName("Restore the shipped incident types")
        self.saved_label = QLabel("", self)
        self.saved_label.setObjectName("incidentTypesSavedLabel")
        self.save_button.clicked.connect(self.save_types)
        self.reset_button.clicked.connect(self.reset_types)
        self.types.changed.connect(lambda: self.saved_label.setText("Not saved yet"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.saved_label)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.error = error_label(self, "incidentTypesError")
        lay.addWidget(self.error)
        lay.addStretch(1)
        self._show(incidents.types())

    def _show(self, types: Any) -> None:
        self.types.set_rows([[t.label, str(t.deadline_hours), t.id] for t in types])

    def save_expiring(self, *_: object) -> bool:
        return bool(self._saver.save(release_expiring_days=self.expiring.value()))

    def save_types(self) -> bool:
        try:
            types = []
            for label, hours, type_id in self.types.rows():
                if not hours.strip().isdigit():
                    raise InvalidInputError(f"Give the hours for “{label[:40]}” as a number.")
                types.append(IncidentType(type_id, label, int(hours)))
            saved = self._incidents.save_types(types)
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return False
        show_error(self.error, "")
        self._show(saved)
        self.saved_label.setText("Saved")
        return True

    def reset_types(self) -> None:
        try:
            self._show(self._incidents.reset_types())
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.saved_label.setText("Saved")
