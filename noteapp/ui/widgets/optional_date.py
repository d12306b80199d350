"""A date field that can be left empty ("not set"), e.g. a date of birth not yet known."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

_NOT_SET = QDate(1900, 1, 1)


def tab_leaves(edit: QDateTimeEdit, forward: bool) -> bool:
    """Tab out of a date or time edit that shows its "not set" text.

    QDateTimeEdit uses Tab to move between its sections (hours, minutes); showing the
    special-value text it has no sections to move to, swallowed the key and kept the focus:
    every new note's "not set" start time was a keyboard trap. Returns True when the focus
    moved on."""
    return QWidget.focusNextPrevChild(edit, forward)


def is_clear_key(edit: QDateTimeEdit, event: QKeyEvent, first: QDateTimeEdit.Section) -> bool:
    """Delete or Backspace in the first section (or on "not set"): clear the field."""
    key = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
    plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
    not_set = bool(edit.specialValueText()) and edit.text() == edit.specialValueText()
    return key and plain and (edit.currentSection() == first or not_set)


class OptionalDateEdit(QDateEdit):
    """Shows "not set" at its minimum; typing or picking a date sets it, Delete clears it."""

    def __init__(self, parent: QWidget | None = None, *, default_year: int = 1985) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(_NOT_SET)
        self.setSpecialValueText("not set")
        self.setAccessibleDescription("Year, month and day; Delete clears it")
        self._default = QDate(default_year, 1, 1)
        self.setDate(_NOT_SET)

    def value(self) -> date | None:
        d = self.date()
        if d == _NOT_SET:
            return None
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.setDate(_NOT_SET)
        else:
            self.setDate(QDate(value.year, value.month, value.day))

    def clear_value(self) -> None:
        self.setDate(_NOT_SET)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_clear_key(self, event, QDateTimeEdit.Section.YearSection):
            self.clear_value()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self.date() == _NOT_SET:
            return tab_leaves(self, forward)
        return super().focusNextPrevChild(forward)

    def stepBy(self, steps: int) -> None:
        # Stepping up from "not set" should land on a plausible date, not 1900.
        if self.date() == _NOT_SET and steps > 0:
            self.setDate(self._default)
            return
        super().stepBy(steps)
