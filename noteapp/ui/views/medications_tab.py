"""The chart's Medications tab: what the client takes, as reported by the client or the
prescriber (current first, stopped ones kept with the reason), and adherence over time
beside the measure scores of the same days."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from noteapp.domain.medications import Medication, ReportedBy
from noteapp.ui.dialogs.record_form_dialog import FormField, RecordFormDialog
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.theme import set_tone
from noteapp.ui.views.record_view import RecordView
from noteapp.ui.widgets.adherence_grid import AdherenceGrid
from noteapp.ui.widgets.layout import body_label, named_button
from noteapp.ui.widgets.record_table import RecordTable, Row

REPORTED_CHOICES = tuple((r.value, f"the {r.value}") for r in ReportedBy)


def medication_fields(m: Medication | None) -> list[FormField]:
    return [
        FormField("name", "&Name", value=m.name if m else ""),
        FormField("dose", "&Dose", value=m.dose if m else "", placeholder="e.g. 50 mg"),
        FormField(
            "schedule",
            "&Schedule",
            value=m.schedule if m else "",
            placeholder="e.g. once daily, morning",
        ),
        FormField("prescriber", "&Prescriber", value=m.prescriber if m else ""),
        FormField("start", "S&tarted", "optional_date", m.start if m else None),
        FormField(
            "reported_by",
            "&Reported by",
            "choice",
            m.reported_by.value if m else "client",
            REPORTED_CHOICES,
        ),
        FormField("notes", "N&otes", "text", m.notes if m else ""),
    ]


class MedicationsTab(RecordView):
    def __init__(
        self, services: CaseServices, client_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, "medicationsTab", parent)
        self.client_id = client_id
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.add_button = named_button("&Add medication…", "addMedicationButton", self)
        self.edit_button = named_button("&Edit…", "editMedicationButton", self)
        self.stop_button = named_button(
            "S&top…", "stopMedicationButton", self, "Record that it was stopped, and why"
        )
        for b in (self.add_button, self.edit_button, self.stop_button):
            row.addWidget(b)
        row.addStretch(1)
        note = body_label(
            "As reported by the client or the prescriber. Record adherence in each note.",
            self,
            "medicationsHint",
        )
        set_tone(note, "muted")
        row.addWidget(note)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("medicationsSplitter")
        split.setChildrenCollapsible(False)
        top = QWidget(split)
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        self.table = RecordTable(
            "medicationsTable",
            "Medications, current first",
            ("Status", "Medication", "Schedule", "Prescriber", "Reported by", "Started"),
            top,
        )
        top_lay.addWidget(self.table, 1)
        self.empty = body_label("No medications recorded.", top, "medicationsEmpty")
        top_lay.addWidget(self.empty)
        bottom = QWidget(split)
        b_lay = QVBoxLayout(bottom)
        b_lay.setContentsMargins(0, 6, 0, 0)
        b_lay.addWidget(body_label("Adherence over time, beside the measure scores", bottom))
        self.grid = AdherenceGrid(bottom)
        b_lay.addWidget(self.grid, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([260, 260])
        lay.addWidget(split, 1)
        self.add_button.clicked.connect(self.add_medication)
        self.edit_button.clicked.connect(lambda: self.edit_medication(self.table.selected_id()))
        self.table.opened.connect(self.edit_medication)
        self.stop_button.clicked.connect(self.stop_medication)
        self.table.selected.connect(lambda _i: self._update_buttons())
        self.refresh()

    def refresh(self) -> None:
        meds = self.services.medications.for_client(self.client_id)
        rows = [
            Row(
                m.id,
                (
                    f"stopped {m.stop.isoformat()}" if m.stop else "current",
                    " ".join(x for x in (m.name, m.dose) if x),
                    m.schedule,
                    m.prescriber,
                    m.reported_by.value,
                    m.start.isoformat() if m.start else "not known",
                ),
                "muted" if m.stop else "success",
                tip=m.stop_reason or m.notes,
            )
            for m in meds
        ]
        self.table.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.grid.show_data(
            [(m.id, m.label) for m in meds],
            self.services.medications.adherence_over_time(self.client_id),
            self.services.measures.list(self.client_id),
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        mid = self.table.selected_id()
        self.edit_button.setEnabled(bool(mid))
        self.stop_button.setEnabled(bool(mid) and self.services.medications.get(mid).stop is None)

    def add_medication(self) -> RecordFormDialog:
        client_id = self.client_id
        return self.open_dialog(
            RecordFormDialog(
                name="medicationDialog",
                title="Add medication",
                fields=medication_fields(None),
                submit=lambda v: self.services.medications.add(client_id=client_id, **v),
                submit_text="Add medication",
                today=self.today(),
                parent=self,
            )
        )

    def edit_medication(self, medication_id: str) -> RecordFormDialog | None:
        if not medication_id:
            return None
        med = self.services.medications.get(medication_id)
        return self.open_dialog(
            RecordFormDialog(
                name="medicationDialog",
                title="Edit medication",
                fields=medication_fields(med),
                submit=lambda v: self.services.medications.edit(medication_id, **v),
                parent=self,
            )
        )

    def stop_medication(self) -> RecordFormDialog | None:
        medication_id = self.table.selected_id()
        if not medication_id:
            return None
        today = self.today()
        return self.open_dialog(
            RecordFormDialog(
                name="stopMedicationDialog",
                title="Stop medication",
                intro="It stays in the list as stopped, with the date and the reason.",
                fields=[
                    FormField("on", "&Stopped on", "date", today),
                    FormField("reason", "&Reason", "text"),
                ],
                submit=lambda v: self.services.medications.stop(medication_id, **v),
                submit_text="Stop",
                today=today,
                parent=self,
            )
        )
