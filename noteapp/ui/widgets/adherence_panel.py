"""The note editor's "Medication adherence" panel: each medication current on the date of
service, with its adherence this session and any side effects reported. Saved through
`medications.record_adherence` (part of what the note signs) on the editor's save queue
(note_entry_panel); read-only once signed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from noteapp.domain.medications import Adherence
from noteapp.domain.notes import Note
from noteapp.services.medications import MedicationService
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.widgets.note_entry_panel import NoteEntryPanel, Submit

NOT_RECORDED = "—"


class AdherencePanel(NoteEntryPanel):
    """`recorded(Note)` fires after the adherence was saved."""

    recorded = Signal(object)

    def __init__(
        self,
        medications: MedicationService,
        note: Note,
        parent: QWidget | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(
            note, parent, name="adherencePanel", heading="Medication adherence", submit=submit
        )
        self._medications = medications
        self.side_effects = self.texts
        given = {e.medication_id: e for e in note.adherence}
        # What the note recorded stays listed (a signed note shows what it signed); a draft
        # also lists every medication current on its date.
        rows: list[tuple[str, str]] = [(e.medication_id, e.label) for e in note.adherence]
        if not self.read_only:
            rows += [
                (m.id, m.label)
                for m in medications.current(note.client_id, on=note.session.date)
                if m.id not in given
            ]
        if not rows:
            self.hint = body_label(
                "No current medications — add them on the Medications tab.",
                self,
                "adherenceHint",
            )
            self.lay.addWidget(self.hint)
        for mid, label in rows:
            combo = QComboBox(self)
            combo.setObjectName(f"adherence_{mid}")
            combo.setAccessibleName(f"Adherence: {label[:60]}")
            combo.addItem(NOT_RECORDED, "")
            for a in Adherence:
                combo.addItem(a.label, a.value)
            side = QLineEdit(self)
            side.setObjectName(f"sideEffects_{mid}")
            side.setAccessibleName(f"Side effects reported: {label[:60]}")
            side.setPlaceholderText("side effects reported (optional)")
            side.setMaxLength(500)
            prior = given.get(mid)
            if prior is not None:
                combo.setCurrentIndex(max(combo.findData(prior.status.value), 0))
                side.setText(prior.side_effects)
            self.add_row(mid, label, combo, side)
        self.finish("adherenceError")

    def entries(self) -> list[tuple[str, str, str]]:
        return [
            (mid, str(combo.currentData()), self.side_effects[mid].text())
            for mid, combo in self.combos.items()
            if combo.currentData()
        ]

    def set_adherence(self, medication_id: str, status: str, side_effects: str = "") -> None:
        """Choose an adherence (and side effects) as a person would; saves."""
        self.side_effects[medication_id].setText(side_effects)
        combo = self.combos[medication_id]
        combo.setCurrentIndex(combo.findData(status))
        self.save()

    def write(self) -> Callable[[], Note]:
        medications, note_id, entries = self._medications, self.note.id, self.entries()
        return lambda: medications.record_adherence(note_id, entries)

    def announce(self, note: Note) -> None:
        self.recorded.emit(note)
