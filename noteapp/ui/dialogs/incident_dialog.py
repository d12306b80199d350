"""Write or edit an incident report (a draft): type, date and time, place, the clients and
other people involved, what happened, immediate actions, injuries, notifications made and
the follow-up. Two columns so it fits a 1280×720 screen; Save keeps everything typed when
the service refuses, and says why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clock import Clock
from noteapp.domain.display import visible
from noteapp.domain.errors import InvalidInputError, NoteappError
from noteapp.domain.incidents import Incident, PersonRole
from noteapp.services.clients import ClientService
from noteapp.services.incidents import IncidentService
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.widgets.layout import error_label, show_error
from noteapp.ui.widgets.list_table import ListTable

NARRATIVES = (
    ("what_happened", "What &happened", "Facts in order: who did what, when; no opinions."),
    ("immediate_actions", "&Immediate actions", "First aid, de-escalation, who was called."),
    ("injuries", "In&juries", "Injuries to anyone, or “none”."),
    ("follow_up", "&Follow-up", "What happens next, and who is responsible."),
)


def _text(parent: QWidget, name: str, label: str, hint: str, value: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(value, parent)
    edit.setObjectName(name)
    edit.setAccessibleName(label.replace("&", ""))
    edit.setPlaceholderText(hint)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(70)
    return edit


class IncidentDialog(EditingDialog):
    """`saved(Incident)` fires once the draft is stored."""

    saved = Signal(object)

    def __init__(
        self,
        *,
        incidents: IncidentService,
        clients: ClientService,
        clock: Clock,
        incident: Incident | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDialog")
        self.setWindowTitle(
            f"Incident report {incident.reference}" if incident else "New incident report"
        )
        self._incidents = incidents
        self.incident = incident
        outer = QVBoxLayout(self)
        columns = QHBoxLayout()
        left = QFormLayout()
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("incidentType")
        self.type_combo.setAccessibleName("Type")
        for t in incidents.types():
            deadline = f" (notify within {t.deadline_hours} h)" if t.deadline_hours else ""
            self.type_combo.addItem(t.label + deadline, t.id)
        if incident is not None:
            index = self.type_combo.findData(incident.type_id)
            if index < 0:  # a type since removed from the list: keep it selectable
                self.type_combo.addItem(incident.type_label, incident.type_id)
                index = self.type_combo.count() - 1
            self.type_combo.setCurrentIndex(index)
        left.addRow("&Type", self.type_combo)
        moment = (incident.occurred_at if incident else clock.now()).astimezone()
        self.when = QDateTimeEdit(
            QDateTime(
                QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
            ),
            self,
        )
        self.when.setObjectName("incidentWhen")
        self.when.setAccessibleName("Date and time")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        left.addRow("&When", self.when)
        self.place = QLineEdit(incident.place if incident else "", self)
        self.place.setObjectName("incidentPlace")
        self.place.setAccessibleName("Place")
        left.addRow("&Place", self.place)
        self.clients = QListWidget(self)
        self.clients.setObjectName("incidentClients")
        self.clients.setAccessibleName("Clients involved (tick each one)")
        named = set(incident.client_ids) if incident else set()
        for c in clients.list():
            item = QListWidgetItem(visible(f"{c.name} ({c.code})"), self.clients)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in named else Qt.CheckState.Unchecked)
        self.clients.setMaximumHeight(110)
        left.addRow("&Clients involved", self.clients)
        self.people = ListTable(
            "incidentPeople",
            ("Name", "Staff or other", "Their part"),
            self,
            accessible="Staff and others involved",
        )
        self.people.set_rows(
            [
                [p.name, p.role.value, p.detail]
                for p in (incident.people if incident else ())
                if p.role != PersonRole.CLIENT
            ]
        )
        left.addRow("Staff and &others", self.people)
        self.notifications = ListTable(
            "incidentNotifications",
            ("To whom", "How", "When (YYYY-MM-DD HH:MM)"),
            self,
            accessible="Notifications made",
        )
        self.notifications.set_rows(
            [
                [n.to, n.how, n.at.astimezone().strftime("%Y-%m-%d %H:%M")]
                for n in (incident.notifications if incident else ())
            ]
        )
        left.addRow("&Notifications", self.notifications)
        right = QVBoxLayout()
        self.texts: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for key, label, hint in NARRATIVES:
            value = str(getattr(incident, key)) if incident else ""
            self.texts[key] = _text(self, f"incident_{key}", label, hint, value)
            form.addRow(label, self.texts[key])
        right.addLayout(form)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        outer.addLayout(columns, 1)
        self.error = error_label(self, "incidentError")
        outer.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save draft")
        self.save_button.setObjectName("incidentSaveButton")
        self.save_button.setAccessibleName("Save draft")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("incidentCancelButton")
        cancel.setAccessibleName("Cancel")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        outer.addWidget(buttons)
        fit_to_screen(self, 1080, 640)

    def client_ids(self) -> list[str]:
        out = []
        for i in range(self.clients.count()):
            item = self.clients.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_client(self, client_id: str, involved: bool = True) -> None:
        for i in range(self.clients.count()):
            item = self.clients.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == client_id:
                item.setCheckState(Qt.CheckState.Checked if involved else Qt.CheckState.Unchecked)

    @classmethod
    def of(
        cls,
        services: CaseServices,
        incident: Incident | None = None,
        *,
        parent: QWidget | None = None,
    ) -> IncidentDialog:
        return cls(
            incidents=services.incidents,
            clients=services.clients,
            clock=services.clock,
            incident=incident,
            parent=parent,
        )

    def fields(self) -> dict[str, Any]:
        """The report as an incident fields file would hold it (docs/incidents.md)."""
        d, t = self.when.date(), self.when.time()
        # What was said of a client's part stays (this form does not show it).
        said = {p.client_id: p.detail for p in (self.incident.people if self.incident else ())}
        people = []
        for name, role, detail in self.people.rows():
            kind = role.strip().lower() or "other"
            if kind not in ("staff", "other"):
                raise InvalidInputError(f"Say “staff” or “other” for {name[:40]}.")
            people.append({"role": kind, "name": name, "detail": detail})
        return {
            "occurred_at": datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
            .astimezone()
            .isoformat(),
            "place": self.place.text(),
            "people": [
                {"role": "client", "client": cid, "detail": said.get(cid, "")}
                for cid in self.client_ids()
            ]
            + people,
            "notifications": [
                {"to": to, "how": how, "at": at} for to, how, at in self.notifications.rows()
            ],
            **{key: edit.toPlainText() for key, edit in self.texts.items()},
        }

    def save(self) -> None:
        try:
            fields = self.fields()
            type_id = str(self.type_combo.currentData())
            if self.incident is None:
                saved = self._incidents.new(type_ref=type_id, fields=fields)
            else:
                saved = self._incidents.edit(self.incident.id, type_ref=type_id, fields=fields)
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.incident = saved
        self.saved.emit(saved)
        self.accept()
