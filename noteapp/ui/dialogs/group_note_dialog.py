"""A group session: choose who attended and the shared part; one draft per member follows."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import ClientStatus
from noteapp.domain.clock import Clock
from noteapp.domain.notes import Modality, Note, SessionInfo
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.services.reference import ReferenceService
from noteapp.services.templates import TemplateCatalog
from noteapp.ui import theme
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.metadata_panel import OptionalTimeEdit

GROUP_CODE = "90853"


class GroupNoteDialog(EditingDialog):
    """On accept, `created_notes` holds one draft per attending member. Each member's
    participation and response are then written in that member's own note."""

    def __init__(
        self,
        *,
        notes: NoteService,
        clients: ClientService,
        templates: TemplateCatalog,
        reference: ReferenceService,
        clock: Clock,
        parent: QWidget | None = None,
        preselect: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("group_note_dialog")
        self.setWindowTitle("Group note")
        fit_to_screen(self, 760, 600)
        self._notes = notes
        self.created_notes: list[Note] = []
        template = templates.get("group")
        modality_section = template.section("group_modality")
        reference_data = reference.get()

        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        members_label = QLabel("&Members who attended", self)
        left.addWidget(members_label)
        self.member_filter = QLineEdit(self)
        self.member_filter.setObjectName("group_member_filter")
        self.member_filter.setAccessibleName("Filter clients")
        self.member_filter.setPlaceholderText("Filter by name or code…")
        self.member_filter.setClearButtonEnabled(True)
        self.member_filter.textChanged.connect(self._filter)
        left.addWidget(self.member_filter)
        self.members = QListWidget(self)
        self.members.setObjectName("group_members")
        self.members.setAccessibleName("Active clients: check those who attended")
        members_label.setBuddy(self.members)
        for c in clients.list(status=ClientStatus.ACTIVE):
            item = QListWidgetItem(f"{c.name}  ({c.code})")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if c.id == preselect else Qt.CheckState.Unchecked
            )
            self.members.addItem(item)
        self.members.itemChanged.connect(lambda _i: self._update_count())
        left.addWidget(self.members, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("group_member_count")
        left.addWidget(self.count_label)
        outer.addLayout(left, 2)

        right = QVBoxLayout()
        form = QFormLayout()
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("group_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd  (ddd)")
        today = clock.now().date()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        form.addRow("&Date", self.date_edit)
        times = QHBoxLayout()
        self.start_edit = OptionalTimeEdit(self)
        self.start_edit.setObjectName("group_start_time")
        self.start_edit.setAccessibleName("Start time")
        self.end_edit = OptionalTimeEdit(self)
        self.end_edit.setObjectName("group_end_time")
        self.end_edit.setAccessibleName("Stop time")
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("to", self))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        time_label = QLabel("&Time", self)
        time_label.setBuddy(self.start_edit)
        form.addRow(time_label, times)
        self.code_combo = QComboBox(self)
        self.code_combo.setObjectName("group_service_code")
        self.code_combo.setAccessibleName("Service code")
        for sc in reference_data.service_codes:
            self.code_combo.addItem(f"{sc.code}  {sc.description}", sc.code)
        idx = self.code_combo.findData(GROUP_CODE)
        self.code_combo.setCurrentIndex(max(idx, 0))
        form.addRow("Service &code", self.code_combo)
        self.modality_combo = QComboBox(self)
        self.modality_combo.setObjectName("group_modality_of_service")
        for m in Modality:
            self.modality_combo.addItem(m.label, m.value)
        form.addRow("&Modality", self.modality_combo)
        self.place_combo = QComboBox(self)
        self.place_combo.setObjectName("group_place")
        for p in reference_data.places_of_service:
            self.place_combo.addItem(f"{p.code}  {p.description}", p.code)
        form.addRow("&Place", self.place_combo)
        self.topic_edit = QLineEdit(self)
        self.topic_edit.setObjectName("group_topic")
        self.topic_edit.setAccessibleName("Group topic")
        self.topic_edit.setPlaceholderText("e.g. DBT emotion regulation: opposite action")
        form.addRow("T&opic", self.topic_edit)
        right.addLayout(form)

        kinds = QWidget(self)
        grid = QGridLayout(kinds)
        grid.setContentsMargins(0, 0, 0, 0)
        self.kind_checks: list[QCheckBox] = []
        for i, option in enumerate(modality_section.options if modality_section else ()):
            check = QCheckBox(option, kinds)
            check.setObjectName(f"group_kind_{i}")
            grid.addWidget(check, i // 3, i % 3)
            self.kind_checks.append(check)
        right.addWidget(QLabel("Group type", self))
        right.addWidget(kinds)
        attendance_label = QLabel("&Attendance (the same text goes in every member's note)", self)
        attendance_label.setWordWrap(True)
        right.addWidget(attendance_label)
        self.attendance_edit = QPlainTextEdit(self)
        self.attendance_edit.setObjectName("group_attendance")
        self.attendance_edit.setAccessibleName("Attendance")
        self.attendance_edit.setTabChangesFocus(True)
        self.attendance_edit.setPlaceholderText(
            "e.g. Attended the full 90-minute session; 6 members present."
        )
        self.attendance_edit.setMaximumHeight(80)
        attendance_label.setBuddy(self.attendance_edit)
        right.addWidget(self.attendance_edit)
        hint = QLabel(
            "Each member's participation and response are written afterwards in that "
            "member's own note, without other members' names.",
            self,
        )
        hint.setWordWrap(True)
        theme.set_tone(hint, "muted")
        right.addWidget(hint)
        right.addStretch(1)
        self.error = QLabel(self)
        self.error.setObjectName("group_error")
        self.error.setWordWrap(True)
        theme.set_tone(self.error, "danger")
        bold = self.error.font()
        bold.setBold(True)
        self.error.setFont(bold)
        self.error.hide()
        right.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("group_buttons")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("create_group_notes_button")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("group_cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        outer.addLayout(right, 3)
        self._update_count()

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.members.count()):
            item = self.members.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def member_ids(self) -> list[str]:
        return [
            str(self.members.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.members.count())
            if self.members.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_members(self, ids: list[str]) -> None:
        for i in range(self.members.count()):
            item = self.members.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _update_count(self) -> None:
        n = len(self.member_ids())
        self.count_label.setText(f"{n} member{'s' if n != 1 else ''} chosen")
        self.ok_button.setText(f"Create {n} note{'s' if n != 1 else ''}" if n else "Create notes")
        self.ok_button.setEnabled(n > 0)

    def session(self) -> SessionInfo:
        d = self.date_edit.date()
        return SessionInfo(
            date=date(d.year(), d.month(), d.day()),
            start=self.start_edit.value(),
            end=self.end_edit.value(),
            service_code=str(self.code_combo.currentData() or ""),
            modality=Modality(self.modality_combo.currentData()),
            place_of_service=str(self.place_combo.currentData() or ""),
            participants=("Group members",),
        )

    def shared_fields(self) -> dict[str, Any]:
        return {
            "group_topic": self.topic_edit.text().strip(),
            "group_modality": [c.text() for c in self.kind_checks if c.isChecked()],
            "attendance": self.attendance_edit.toPlainText().strip(),
        }

    def accept(self) -> None:
        try:
            self.created_notes = self._notes.new_group(
                member_ids=self.member_ids(),
                session=self.session(),
                shared_fields=self.shared_fields(),
            )
        except Exception as exc:
            self.error.setText(message_for(exc))
            self.error.show()
            return
        super().accept()
