"""The note editor's "Medication adherence" panel: each medication current on the date of
service, with its adherence this session and any side effects reported. Saved through
`ws.medications.record_adherence` (part of what the note signs); read-only once signed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from noteapp.domain.medications import Adherence
from noteapp.domain.notes import Note
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

NOT_RECORDED = "—"


class AdherencePanel(QWidget):
    """`recorded(Note)` fires after the adherence was saved."""

    recorded = Signal(object)
    SAVE_DELAY_MS = 600  # side effects are typed: save once the typing pauses

    def __init__(self, ws: Any, note: Note, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adherencePanel")
        self.ws = ws
        self.note = note
        self.read_only = note.is_signed
        self.combos: dict[str, QComboBox] = {}
        self.side_effects: dict[str, QLineEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        head = QLabel("Medication adherence", self)
        bold = QFont(head.font())
        bold.setBold(True)
        head.setFont(bold)
        lay.addWidget(head)
        given = {e.medication_id: e for e in note.adherence}
        # What the note recorded stays listed (a signed note shows what it signed); a draft
        # also lists every medication current on its date.
        rows: list[tuple[str, str]] = [(e.medication_id, e.label) for e in note.adherence]
        if not self.read_only:
            rows += [
                (m.id, m.label)
                for m in ws.medications.current(note.client_id, on=note.session.date)
                if m.id not in given
            ]
        if not rows:
            self.hint = body_label(
                "No current medications — add them on the Medications tab.",
                self,
                "adherenceHint",
            )
            lay.addWidget(self.hint)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
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
            combo.setEnabled(not self.read_only)
            side.setReadOnly(self.read_only)
            combo.currentIndexChanged.connect(lambda _i: self.save())
            side.textEdited.connect(lambda _t: self._timer.start())
            form.addRow(body_label(label, self))
            form.addRow(combo)
            form.addRow(side)
            self.combos[mid] = combo
            self.side_effects[mid] = side
        lay.addLayout(form)
        self.error = error_label(self, "adherenceError")
        lay.addWidget(self.error)

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

    def save(self) -> bool:
        self._timer.stop()
        if self.read_only:
            return True
        try:
            note = self.ws.medications.record_adherence(self.note.id, self.entries())
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return False
        show_error(self.error, "")
        self.note = note
        self.recorded.emit(note)
        return True

    def flush(self) -> bool:
        return self.save() if self._timer.isActive() else True

    def set_read_only(self) -> None:
        self._timer.stop()
        self.read_only = True
        for mid, combo in self.combos.items():
            combo.setEnabled(False)
            self.side_effects[mid].setReadOnly(True)
