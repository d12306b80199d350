"""Add a signed correction to a signed note: an addendum, an amendment or a late entry (CMS
rules: each is dated, authored, signed and kept; the original note never changes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.ui import theme
from noteapp.ui.dialogs.editing_dialog import EditingDialog
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, busy_bar, error_label, show_error
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit
from noteapp.ui.workers import run_in_background

EXPLANATIONS = {
    ItemType.ADDENDUM: "New information that adds to the note (nothing in it was wrong).",
    ItemType.AMENDMENT: "A correction of an error in the note; say what was wrong and why.",
    ItemType.LATE_ENTRY: (
        "An entry written after the fact: it is dated today and names the date of service it "
        "covers."
    ),
}
KINDS = (ItemType.ADDENDUM, ItemType.AMENDMENT, ItemType.LATE_ENTRY)


class CorrectionDialog(EditingDialog):
    """`added(SignedItem)` fires once the correction is signed and stored."""

    added = Signal(object)

    def __init__(
        self,
        ws: Any,
        note_id: str,
        kind: ItemType | str = ItemType.ADDENDUM,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("correctionDialog")
        self.ws = ws
        self.note_id = note_id
        note = ws.notes.get(note_id)
        self.needs_passphrase = bool(ws.settings.get().confirm_passphrase_to_sign)

        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(
            body_label(
                "The signed note stays exactly as it was signed. What you write here is added "
                "below it, with your name, today's date and your signature.",
                self,
            )
        )
        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[ItemType, QRadioButton] = {}
        for i, k in enumerate(KINDS):
            b = QRadioButton(k.label, self)
            b.setObjectName(f"correctionKind_{k.value.replace('-', '_')}")
            b.setAccessibleName(k.label)
            self.kind_group.addButton(b, i)
            self.kind_buttons[k] = b
            kinds.addWidget(b)
        kinds.addStretch(1)
        lay.addLayout(kinds)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("correctionExplanation")
        self.explanation.setWordWrap(True)
        theme.set_tone(self.explanation, "muted")
        lay.addWidget(self.explanation)

        form = QFormLayout()
        self.text = SpellTextEdit(ws.speller, self)
        self.text.setObjectName("correctionTextEdit")
        self.text.setAccessibleName("Text of the correction")
        self.text.setMinimumHeight(140)
        form.addRow("&Text", self.text)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("correctionReasonEdit")
        self.reason.setAccessibleName("Reason")
        self.reason_label = QLabel("&Reason", self)
        self.reason_label.setBuddy(self.reason)
        form.addRow(self.reason_label, self.reason)
        self.date_of_service = QDateEdit(self)
        self.date_of_service.setObjectName("correctionDateOfServiceEdit")
        self.date_of_service.setAccessibleName("Date of service covered")
        self.date_of_service.setCalendarPopup(True)
        self.date_of_service.setDisplayFormat("yyyy-MM-dd")
        d = note.session.date
        self.date_of_service.setDate(QDate(d.year, d.month, d.day))
        today = ws.clock.now().astimezone().date()
        self.date_of_service.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_label = QLabel("&Date of service", self)
        self.date_label.setBuddy(self.date_of_service)
        form.addRow(self.date_label, self.date_of_service)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("correctionPassphraseEdit")
        self.passphrase.setAccessibleName("Your passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        if self.needs_passphrase:
            form.addRow("&Passphrase", self.passphrase)
        else:
            self.passphrase.hide()
        lay.addLayout(form)
        self.error = error_label(self, "correctionError")
        lay.addWidget(self.error)
        self.busy = busy_bar(self, "correctionBusy")
        lay.addWidget(self.busy)
        self.buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign and add", self)
        self.sign_button.setObjectName("correctionSignButton")
        self.sign_button.setAccessibleName("Sign and add")
        self.submit_on_enter(self.passphrase, self.sign_button)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("correctionCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay.addWidget(self.buttons)
        self.kind_group.idToggled.connect(self._kind_toggled)
        self.kind_buttons[ItemType(kind)].setChecked(True)
        self._kind_changed()
        fit_to_content(self, 620)
        self.text.setFocus()

    def kind(self) -> ItemType:
        return KINDS[max(self.kind_group.checkedId(), 0)]

    def _kind_toggled(self, _id: int, on: bool) -> None:
        if on:
            self._kind_changed()

    def _kind_changed(self) -> None:
        k = self.kind()
        self.setWindowTitle(f"{k.label} to a signed note")
        self.explanation.setText(EXPLANATIONS[k])
        required = k in (ItemType.AMENDMENT, ItemType.LATE_ENTRY)
        self.reason_label.setText("&Reason (required)" if required else "&Reason (optional)")
        self.reason.setPlaceholderText(
            "What was wrong, and why it is corrected"
            if k == ItemType.AMENDMENT
            else "Why this entry is written late"
            if k == ItemType.LATE_ENTRY
            else ""
        )
        late = k == ItemType.LATE_ENTRY
        self.date_label.setVisible(late)
        self.date_of_service.setVisible(late)

    def _date(self) -> date:
        d = self.date_of_service.date()
        return date(d.year(), d.month(), d.day())

    def submit(self) -> None:
        k = self.kind()
        text, reason = self.text.toPlainText().strip(), self.reason.text().strip()
        if not text:
            show_error(self.error, f"Write the text of the {k.label.lower()}.")
            return
        if k in (ItemType.AMENDMENT, ItemType.LATE_ENTRY) and not reason:
            show_error(self.error, f"{k.a_label.capitalize()} needs a reason.")
            return
        passphrase: str | None = self.passphrase.text() if self.needs_passphrase else None
        if self.needs_passphrase and not passphrase:
            show_error(self.error, "Type your passphrase to sign.")
            return
        show_error(self.error, "")
        self._set_busy(True)
        ws, note_id = self.ws, self.note_id
        dos = self._date() if k == ItemType.LATE_ENTRY else None
        run_in_background(
            lambda: ws.signing.add_correction(
                note_id,
                kind=k,
                text=text,
                reason=reason,
                date_of_service=dos,
                passphrase=passphrase,
            ),
            on_done=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.sign_button, self.cancel_button, self.text, self.reason, self.passphrase):
            w.setEnabled(not busy)

    def _done(self, item: SignedItem) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.added.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        show_error(self.error, message_for(exc))
