"""Sign a draft: the checklist state, the attestation, the passphrase (when the setting asks
for it), then "Sign and lock" on a worker thread (the passphrase check runs Argon2).

When only an overridable rule blocks (the risk-flag follow-up), "Sign with an override"
lets the clinician sign after writing a reason; the core keeps and audits it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.notes import NoteService
from noteapp.services.profile import ProfileService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import DEFAULT_ATTESTATION, OVERRIDABLE_RULES, SigningService
from noteapp.ui import theme
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label, show_error


class SignDialog(PassphraseDialog):
    """`signed(SignedItem)` fires once the note is signed and locked."""

    signed = Signal(object)

    def __init__(
        self,
        *,
        notes: NoteService,
        signing: SigningService,
        settings: SettingsService,
        profile: ProfileService,
        note_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            settings,
            prefix="sign",
            confirm_text="Sign and lock",
            confirm_name="signAndLockButton",
            parent=parent,
        )
        self.setObjectName("signDialog")
        self.setWindowTitle("Sign and lock")
        self.completed.connect(self.signed)
        self._signing = signing
        self.note_id = note_id
        note = notes.get(note_id)
        result = notes.check(note)
        self.blocking = list(result.blocking)
        # Only rules the core lets through with a reason (never the documentation rules).
        self.overridable = bool(self.blocking) and all(
            i.rule in OVERRIDABLE_RULES for i in self.blocking
        )
        author = profile.get()

        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        lay.addWidget(
            body_label(
                "Signing locks this note for good. Later changes are added as dated, signed "
                "addenda, amendments or late entries; the note itself never changes.",
                self,
            )
        )
        self.check_label = QLabel(self)
        self.check_label.setObjectName("signCheckLabel")
        self.check_label.setWordWrap(True)
        bold = QFont(self.check_label.font())
        bold.setBold(True)
        self.check_label.setFont(bold)
        self.blocking_list = QListWidget(self)
        self.blocking_list.setObjectName("signBlockingList")
        self.blocking_list.setAccessibleName("What still blocks signing")
        self.blocking_list.setWordWrap(True)
        self.blocking_list.setItemDelegate(theme.ToneDelegate(self.blocking_list))
        for item in self.blocking:
            row = QListWidgetItem("✗  " + item.message)
            theme.set_item_tone(row, "danger_text")
            self.blocking_list.addItem(row)
        warnings = list(result.warnings)
        for item in warnings:
            self.blocking_list.addItem(QListWidgetItem("!  " + item.message + " (warning)"))
        if self.blocking:
            n = len(self.blocking)
            self.check_label.setText(
                f"✗ {n} checklist item{'s' if n != 1 else ''} must be fixed before this note "
                "can be signed:"
            )
            if self.overridable:
                self.check_label.setText(
                    "✗ A risk flag is not addressed yet. Fix it, or sign with an override and "
                    "write the reason:"
                )
            theme.set_tone(self.check_label, "danger")
        elif warnings:
            self.check_label.setText(
                "✓ Nothing blocks signing. Warnings you may still want to look at:"
            )
            theme.set_tone(self.check_label, "success")
        else:
            self.check_label.setText("✓ The documentation checklist is complete.")
            theme.set_tone(self.check_label, "success")
        self.blocking_list.setVisible(bool(self.blocking or warnings))
        self.blocking_list.setMaximumHeight(140)
        lay.addWidget(self.check_label)
        lay.addWidget(self.blocking_list)
        self.override_check = QCheckBox("Sign with an override", self)
        self.override_check.setObjectName("signOverrideCheck")
        self.override_check.setAccessibleName("Sign with an override")
        self.override_reason = QPlainTextEdit(self)
        self.override_reason.setObjectName("signOverrideReasonEdit")
        self.override_reason.setAccessibleName("Reason for the override")
        self.override_reason.setPlaceholderText(
            "Why this note is signed without the risk follow-up (kept with the note and in "
            "the audit log), e.g. risk assessed in a same-day crisis note; safety plan to be "
            "completed at the next session tomorrow."
        )
        self.override_reason.setTabChangesFocus(True)
        self.override_reason.setMaximumHeight(80)
        self.override_reason.setEnabled(False)
        self.override_check.setVisible(self.overridable)
        self.override_reason.setVisible(self.overridable)
        self.override_check.toggled.connect(self._override_toggled)
        self.override_reason.textChanged.connect(self._override_toggled)
        lay.addWidget(self.override_check)
        lay.addWidget(self.override_reason)

        form = QFormLayout()
        self.signer_label = QLabel(author.signature_name if author else "—", self)
        self.signer_label.setObjectName("signSignerLabel")
        self.signer_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Signed by", self.signer_label)
        self.attestation = QPlainTextEdit(DEFAULT_ATTESTATION, self)
        self.attestation.setObjectName("signAttestationEdit")
        self.attestation.setAccessibleName("Attestation statement")
        self.attestation.setTabChangesFocus(True)
        self.attestation.setMaximumHeight(80)
        form.addRow("&Attestation", self.attestation)
        self.add_passphrase_row(form)
        lay.addLayout(form)
        self.finish(lay)
        self.sign_button = self.confirm_button
        self.sign_button.setEnabled(not self.blocking)
        fit_to_content(self, 600)
        if self.needs_passphrase and not self.blocking:
            self.passphrase.setFocus()

    def reason(self) -> str:
        if not (self.overridable and self.override_check.isChecked()):
            return ""
        return " ".join(self.override_reason.toPlainText().split())

    def _override_toggled(self, *_: object) -> None:
        on = self.override_check.isChecked()
        self.override_reason.setEnabled(on)
        self.sign_button.setEnabled(not self.blocking or bool(self.reason()))
        self.sign_button.setText("Sign with override" if on else "Sign and lock")

    def submit(self) -> None:
        override_reason = self.reason()
        if self.blocking and not self.overridable:
            return
        if self.blocking and not override_reason:
            show_error(self.error, "Write the reason for the override to sign.")
            return
        attestation = self.attestation.toPlainText().strip()
        if not attestation:
            show_error(self.error, "Write the attestation you sign (or keep the default).")
            return
        passphrase = self.typed_passphrase()
        if passphrase == "":
            return
        signing, note_id = self._signing, self.note_id
        self.run(
            lambda pp: signing.sign_note(
                note_id, passphrase=pp, attestation=attestation, override_reason=override_reason
            ),
            passphrase,
        )

    def busy_widgets(self) -> list[QWidget]:
        return [*super().busy_widgets(), self.attestation]

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy:
            self._override_toggled()
