"""One section of a note: its label, helper text, and the input its field kind calls for."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import FieldValue
from noteapp.ui import theme
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit

# Field kinds as the template files spell them (the UI does not import noteapp.templates).
TEXT, CHOICE, MULTI_CHOICE, CHECKLIST, SCALE = (
    "text",
    "choice",
    "multi_choice",
    "checklist",
    "scale",
)
NOT_RATED = "Not rated"


class SectionEditor(QWidget):
    """Label (with a required marker), hint as grey helper text, then the input.

    `section` is a template Section (field_id, label, hint, required, kind, options,
    scale_min/max/labels). The input's objectName is `section_<field_id>`.
    """

    changed = Signal()

    def __init__(
        self,
        section: Any,
        speller: Any,
        parent: QWidget | None = None,
        *,
        ignored_words: set[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.field_id: str = section.field_id
        self.kind = str(getattr(section.kind, "value", section.kind))
        self.setObjectName(f"section_box_{self.field_id}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 10)
        lay.setSpacing(3)

        self.label = QLabel(self)
        self.label.setObjectName(f"section_label_{self.field_id}")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.label.setFont(font)
        self.label.setText(section.label + ("  *" if section.required else ""))
        if section.required:
            self.label.setToolTip("Required before signing")
        lay.addWidget(self.label)
        if section.hint:
            hint = QLabel(section.hint, self)
            hint.setObjectName(f"section_hint_{self.field_id}")
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setWordWrap(True)
            theme.set_tone(hint, "muted")
            small = QFont(hint.font())
            small.setPointSizeF(small.pointSizeF() * 0.92)
            hint.setFont(small)
            lay.addWidget(hint)

        self.text_edit: SpellTextEdit | None = None
        self.combo: QComboBox | None = None
        self.checks: list[QCheckBox] = []
        self.slider: QSlider | None = None
        self._scale_set = False
        self.input: QWidget = self._build_input(speller, ignored_words)
        self.input.setObjectName(f"section_{self.field_id}")
        self.input.setAccessibleName(section.label)
        self.input.setAccessibleDescription(section.hint or "")
        self.label.setBuddy(self.input)
        lay.addWidget(self.input)
        self._fit_height()

    # --- building ----------------------------------------------------------------------

    def _build_input(self, speller: Any, ignored: set[str] | None) -> QWidget:
        if self.kind == CHOICE:
            self.combo = QComboBox(self)
            self.combo.addItem("— choose —", "")
            for option in self.section.options:
                self.combo.addItem(option, option)
            self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            return self.combo
        if self.kind in (MULTI_CHOICE, CHECKLIST):
            box = QWidget(self)
            grid = QGridLayout(box)
            grid.setContentsMargins(0, 0, 0, 0)
            columns = 1 if self.kind == CHECKLIST else 2
            for i, option in enumerate(self.section.options):
                check = QCheckBox(option, box)
                check.setObjectName(f"section_{self.field_id}_{i}")
                check.toggled.connect(lambda _on: self.changed.emit())
                grid.addWidget(check, i // columns, i % columns)
                self.checks.append(check)
            if self.checks:
                box.setFocusProxy(self.checks[0])
            return box
        if self.kind == SCALE:
            return self._build_scale()
        self.text_edit = SpellTextEdit(speller, self, ignored=ignored)
        self.text_edit.setMinimumHeight(96)
        self.text_edit.textChanged.connect(self.changed.emit)
        self.text_edit.document().documentLayout().documentSizeChanged.connect(
            lambda _s: self._fit_height()
        )
        return self.text_edit

    def _build_scale(self) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        s = self.section
        self.slider = QSlider(Qt.Orientation.Horizontal, box)
        self.slider.setObjectName(f"section_{self.field_id}_slider")
        self.slider.setRange(s.scale_min, s.scale_max)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setAccessibleName(s.label)
        self.value_label = QLabel(NOT_RATED, box)
        self.value_label.setObjectName(f"section_{self.field_id}_value")
        self.value_label.setMinimumWidth(160)
        clear = QPushButton("Clear", box)
        clear.setObjectName(f"section_{self.field_id}_clear")
        clear.clicked.connect(self._clear_scale)
        self.slider.valueChanged.connect(self._scale_moved)
        row.addWidget(self.slider, 1)
        row.addWidget(self.value_label)
        row.addWidget(clear)
        box.setFocusProxy(self.slider)
        return box

    def _scale_text(self, value: int) -> str:
        s = self.section
        labels = list(s.scale_labels)
        idx = value - s.scale_min
        if labels and 0 <= idx < len(labels):
            return f"{value} — {labels[idx]}"
        return str(value)

    def _scale_moved(self, value: int) -> None:
        self._scale_set = True
        self.value_label.setText(self._scale_text(value))
        self.changed.emit()

    def _clear_scale(self) -> None:
        self._scale_set = False
        self.value_label.setText(NOT_RATED)
        self.changed.emit()

    def _fit_height(self) -> None:
        # Grow with the text so the page scrolls, not each box (up to a generous cap).
        edit = self.text_edit
        if edit is None:
            return
        lines = edit.document().size().height()
        line_h = edit.fontMetrics().lineSpacing()
        wanted = int(lines * line_h + 2 * edit.frameWidth() + 12)
        edit.setFixedHeight(max(96, min(wanted, 520)))

    # --- values ------------------------------------------------------------------------

    def value(self) -> FieldValue:
        if self.text_edit is not None:
            return self.text_edit.toPlainText()
        if self.combo is not None:
            return str(self.combo.currentData() or "")
        if self.kind in (MULTI_CHOICE, CHECKLIST):
            return [c.text() for c in self.checks if c.isChecked()]
        if self.slider is not None:
            return str(self.slider.value()) if self._scale_set else ""
        return ""

    def set_value(self, value: FieldValue) -> None:
        """Show a stored value without emitting `changed` (it is not an edit)."""
        self.blockSignals(True)
        try:
            if self.text_edit is not None:
                text = "\n".join(value) if isinstance(value, list) else value
                if text != self.text_edit.toPlainText():
                    self.text_edit.setPlainText(text)
                    # setPlainText leaves the cursor at the start; a keyboard user who tabs
                    # in carries on writing (or inserts a quick phrase) after the text.
                    self.text_edit.moveCursor(QTextCursor.MoveOperation.End)
            elif self.combo is not None:
                idx = self.combo.findData(value if isinstance(value, str) else "")
                if idx < 0 and value:
                    self.combo.addItem(str(value), value)  # an option since removed
                    idx = self.combo.count() - 1
                self.combo.setCurrentIndex(max(idx, 0))
            elif self.checks:
                chosen = set(value if isinstance(value, list) else [value])
                for c in self.checks:
                    c.setChecked(c.text() in chosen)
            elif self.slider is not None:
                text = value if isinstance(value, str) else ""
                if text.strip().lstrip("-").isdigit():
                    self.slider.setValue(int(text))
                    self._scale_set = True
                    self.value_label.setText(self._scale_text(int(text)))
                else:
                    self._scale_set = False
                    self.value_label.setText(NOT_RATED)
        finally:
            self.blockSignals(False)
        self._fit_height()

    def set_read_only(self, read_only: bool) -> None:
        if self.text_edit is not None:
            # Read-only rather than disabled: signed text stays legible and copyable.
            self.text_edit.setReadOnly(read_only)
            self.text_edit.highlighter.enabled = not read_only
            self.text_edit.highlighter.rehighlight()
        else:
            self.input.setEnabled(not read_only)

    def focus_input(self) -> None:
        target: QWidget | None = self.text_edit or self.combo or self.slider
        if target is None and self.checks:
            target = self.checks[0]
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
