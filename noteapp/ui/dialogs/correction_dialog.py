"""Add a signed correction to a signed note: an addendum, an amendment or a late entry (CMS
rules: each is dated, authored, signed and kept; the original note never changes)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clock import Clock
from noteapp.domain.signatures import ItemType
from noteapp.services.notes import NoteService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.services.spelling import Speller
from noteapp.ui import theme
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, show_error
from noteapp.ui.widgets.spell_text_edit import SpellTextEdit

EXPLANATIONS = {
    ItemType.ADDENDUM: "New information that adds to the note (nothing in it was wrong).",
    ItemType.AMENDMENT: "A correction of an error in the note; say what was wrong and why.",
    ItemType.LATE_ENTRY: (
        "An entry written after the fact: it is dated today and names the date of service it "
        "covers."
    ),
}
KINDS = (ItemType.ADDENDUM, ItemType.AMENDMENT, ItemType.LATE_ENTRY)


class CorrectionDialog(PassphraseDialog):
    """`added(SignedItem)` fires once the correction is signed and stored."""

    added = Signal(object)

    def __init__(
        self,
        *,
        notes: NoteService,
        signing: SigningService,
        settings: SettingsService,
        speller: Speller,
        clock: Clock,
        note_id: str,
        kind: ItemType | str = ItemType.ADDENDUM,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            settings,
            prefix="correction",
            confirm_text="Sign and add",
            confirm_name="correctionSignButton",
            parent=parent,
        )
        self.setObjectName("correctionDialog")
        self.completed.connect(self.added)
        self._signing = signing
        self.note_id = note_id
        note = notes.get(note_id)

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
        self.text = SpellTextEdit(speller, self)
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
        today = clock.now().astimezone().date()
        self.date_of_service.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_label = QLabel("&Date of service", self)
        self.date_label.setBuddy(self.date_of_service)
        form.addRow(self.date_label, self.date_of_service)
        self.add_passphrase_row(form)
        lay.addLayout(form)
        self.finish(lay)
        self.sign_button = self.confirm_button
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
        passphrase = self.typed_passphrase()
        if passphrase == "":
            return
        signing, note_id = self._signing, self.note_id
        dos = self._date() if k == ItemType.LATE_ENTRY else None
        self.run(
            lambda pp: signing.add_correction(
                note_id,
                kind=k,
                text=text,
                reason=reason,
                date_of_service=dos,
                passphrase=pp,
            ),
            passphrase,
        )

    def busy_widgets(self) -> list[QWidget]:
        return [*super().busy_widgets(), self.text, self.reason]
