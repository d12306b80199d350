"""Enter a measure the client filled on paper: each item's answer, or the total only (kept
marked as such: without the answers no item flag — PHQ-9 item 9 — can be known)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, error_label, show_error

TOTAL_ONLY_TEXT = (
    "Total only: the answers are not kept, so item flags (such as PHQ-9 item 9) cannot be "
    "checked. Ask about risk directly."
)
NOT_ANSWERED = "—"

# save(instrument_id, answers or None, total or None, on) -> the saved measure
SaveFn = Callable[[str, list[int] | None, int | None, date], Any]


class PaperMeasureDialog(QDialog):
    """`saved(object)` fires with whatever `save` returned."""

    saved = Signal(object)

    def __init__(
        self,
        instruments: Sequence[Any],
        save: SaveFn,
        today: date,
        parent: QWidget | None = None,
        *,
        instrument_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paperMeasureDialog")
        self.setWindowTitle("Enter a measure from paper")
        self.instruments = list(instruments)
        self._save = save
        self.combos: list[QComboBox] = []
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.instrument = QComboBox(self)
        self.instrument.setObjectName("paperInstrumentCombo")
        self.instrument.setAccessibleName("Measure")
        for inst in self.instruments:
            self.instrument.addItem(f"{inst.name} — {inst.title}", inst.id)
        if instrument_id:
            self.instrument.setCurrentIndex(max(self.instrument.findData(instrument_id), 0))
        form.addRow("&Measure", self.instrument)
        self.on = QDateEdit(self)
        self.on.setObjectName("paperDateEdit")
        self.on.setAccessibleName("Date given")
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setDate(QDate(today.year, today.month, today.day))
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("&Date given", self.on)
        self.answers_radio = QRadioButton("Item answers", self)
        self.answers_radio.setObjectName("paperAnswersRadio")
        self.total_radio = QRadioButton("Total only", self)
        self.total_radio.setObjectName("paperTotalOnlyRadio")
        self.answers_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.answers_radio)
        group.addButton(self.total_radio)
        mode = QWidget(self)
        mode_lay = QGridLayout(mode)
        mode_lay.setContentsMargins(0, 0, 0, 0)
        mode_lay.addWidget(self.answers_radio, 0, 0)
        mode_lay.addWidget(self.total_radio, 0, 1)
        form.addRow("Enter", mode)
        lay.addLayout(form)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("paperStack")
        self.answers_area = QScrollArea(self.stack)
        self.answers_area.setObjectName("paperAnswersScroll")
        self.answers_area.setWidgetResizable(True)
        self.total_box = QWidget(self.stack)
        total_lay = QFormLayout(self.total_box)
        self.total = QSpinBox(self.total_box)
        self.total.setObjectName("paperTotalSpin")
        self.total.setAccessibleName("Total score")
        total_lay.addRow("&Total", self.total)
        total_lay.addRow(body_label(TOTAL_ONLY_TEXT, self.total_box, "paperTotalOnlyHint"))
        self.stack.addWidget(self.answers_area)
        self.stack.addWidget(self.total_box)
        lay.addWidget(self.stack, 1)
        self.error = error_label(self, "paperError")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("paperSaveButton")
        self.save_button.setAccessibleName("Save")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("paperCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.instrument.currentIndexChanged.connect(lambda _i: self._build_items())
        self.total_radio.toggled.connect(
            lambda on: self.stack.setCurrentWidget(self.total_box if on else self.answers_area)
        )
        self._build_items()
        fit_to_screen(self, 720, 640)

    def current(self) -> Any:
        return self.instruments[max(self.instrument.currentIndex(), 0)]

    def _build_items(self) -> None:
        inst = self.current()
        box = QWidget()
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        self.combos = []
        for n, (text, options) in enumerate(zip(inst.items, inst.answers, strict=True), 1):
            label = QLabel(text, box)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            combo = QComboBox(box)
            combo.setObjectName(f"paperItem{n}")
            combo.setAccessibleName(f"Answer to item {n}")
            combo.addItem(NOT_ANSWERED, None)
            for value, words in options:
                combo.addItem(f"{value} — {words}", int(value))
            grid.addWidget(QLabel(f"{n}.", box), n - 1, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, n - 1, 1)
            grid.addWidget(combo, n - 1, 2, Qt.AlignmentFlag.AlignTop)
            self.combos.append(combo)
        grid.setRowStretch(len(inst.items), 1)
        self.answers_area.setWidget(box)
        self.total.setRange(int(inst.total_min), int(inst.total_max))

    def set_answers(self, answers: Sequence[int]) -> None:
        for combo, value in zip(self.combos, answers, strict=True):
            combo.setCurrentIndex(combo.findData(int(value)))

    def submit(self) -> None:
        inst = self.current()
        d = self.on.date()
        on = date(d.year(), d.month(), d.day())
        answers: list[int] | None = None
        total: int | None = None
        if self.total_radio.isChecked():
            total = self.total.value()
        else:
            missing = [n for n, c in enumerate(self.combos, 1) if c.currentData() is None]
            if missing:
                show_error(
                    self.error,
                    "Answer every item (missing: "
                    + ", ".join(str(n) for n in missing)
                    + "), or choose “Total only”.",
                )
                return
            answers = [int(c.currentData()) for c in self.combos]
        try:
            result = self._save(inst.id, answers, total, on)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.saved.emit(result)
        self.accept()
