"""A form for one case-management record (a contact, a release, a referral, a status change,
a medication, a notification): labelled fields built from a list, each with an objectName
and accessible name; the service call runs on Save and its sentence is shown inline, with
everything typed kept, when it refuses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.optional_date import OptionalDateEdit


@dataclass(frozen=True)
class FormField:
    key: str
    label: str  # with a mnemonic: "&Name"
    kind: str = "line"  # line | text | date | optional_date | datetime | choice | check
    value: Any = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, what people read)
    placeholder: str = ""


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class RecordFormDialog(EditingDialog):
    """`values()` reads the fields; Save calls `submit(values)` and keeps its result in
    `result_value` (the dialog closes only when the service accepted it)."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        fields: Sequence[FormField],
        submit: Callable[[dict[str, Any]], Any],
        submit_text: str = "Save",
        intro: str = "",
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._submit = submit
        self._today = today or date.today()
        self.result_value: Any = None
        self.widgets: dict[str, QWidget] = {}
        lay = QVBoxLayout(self)
        if intro:
            lay.addWidget(body_label(intro, self, f"{name}Intro"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in fields:
            widget = self._widget(spec)
            widget.setObjectName(f"{name}_{spec.key}")
            widget.setAccessibleName(spec.label.replace("&", ""))
            self.widgets[spec.key] = widget
            if isinstance(widget, QCheckBox):
                form.addRow("", widget)
            else:
                form.addRow(spec.label, widget)
        lay.addLayout(form)
        self.error = error_label(self, f"{name}Error")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(submit_text)
        self.save_button.setObjectName(f"{name}SaveButton")
        self.save_button.setAccessibleName(submit_text)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName(f"{name}CancelButton")
        cancel.setAccessibleName("Cancel")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_content(self, 560)

    def _widget(self, spec: FormField) -> QWidget:
        if spec.kind == "text":
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setPlainText(str(spec.value or ""))
            text.setPlaceholderText(spec.placeholder)
            text.setFixedHeight(84)
            return text
        if spec.kind == "date":
            edit = QDateEdit(_qdate(spec.value or self._today), self)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            return edit
        if spec.kind == "optional_date":
            optional = OptionalDateEdit(self, default_year=self._today.year)
            optional.set_value(spec.value)
            return optional
        if spec.kind == "datetime":
            moment: datetime = spec.value or datetime.now().astimezone()
            when = QDateTimeEdit(
                QDateTime(_qdate(moment.date()), QTime(moment.hour, moment.minute)), self
            )
            when.setCalendarPopup(True)
            when.setDisplayFormat("yyyy-MM-dd HH:mm")
            return when
        if spec.kind == "choice":
            combo = QComboBox(self)
            for value, label in spec.choices:
                combo.addItem(label, value)
            index = combo.findData(spec.value)
            combo.setCurrentIndex(max(index, 0))
            return combo
        if spec.kind == "check":
            box = QCheckBox(spec.label.replace("&", ""), self)
            box.setChecked(bool(spec.value))
            return box
        line = QLineEdit(str(spec.value or ""), self)
        line.setPlaceholderText(spec.placeholder)
        return line

    def set_value(self, key: str, value: Any) -> None:
        """Fill a field as a person would (tests, and pre-filling)."""
        w = self.widgets[key]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, OptionalDateEdit):
            w.set_value(value)
        elif isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
            w.setDateTime(QDateTime(_qdate(value.date()), QTime(value.hour, value.minute)))
        elif isinstance(w, QDateEdit):
            w.setDate(_qdate(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findData(value), 0))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.widgets.items():
            if isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            elif isinstance(w, OptionalDateEdit):
                out[key] = w.value()
            elif isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
                d, t = w.date(), w.time()
                out[key] = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()
            elif isinstance(w, QDateEdit):
                d = w.date()
                out[key] = date(d.year(), d.month(), d.day())
            elif isinstance(w, QComboBox):
                out[key] = w.currentData()
            elif isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QLineEdit):
                out[key] = w.text()
        return out

    def save(self) -> None:
        try:
            self.result_value = self._submit(self.values())
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self.accept()
