"""First run, step 3: the clinician profile (who signs the notes)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from noteapp.services.profile import ProfileService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import (
    body_label,
    centered_card,
    error_label,
    show_error,
    title_label,
)
from noteapp.ui.widgets.profile_form import ProfileForm


class ProfileSetupView(QWidget):
    done = Signal()

    def __init__(self, profiles: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileSetupView")
        self._profiles = profiles
        card = QFrame(self)
        lay = QVBoxLayout(card)
        lay.setSpacing(12)
        lay.addWidget(title_label("About you", card))
        lay.addWidget(
            body_label(
                "This is how your notes are signed and how exports are headed. "
                "Only your name is required now; you can change all of it later in Settings.",
                card,
            )
        )
        self.form = ProfileForm(card)
        lay.addWidget(self.form)
        self.error = error_label(card, "profileSetupError")
        lay.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton("Save and start", card)
        self.save_button.setObjectName("profileSetupSaveButton")
        self.save_button.setAccessibleName("Save the profile and start")
        self.save_button.setDefault(True)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        centered_card(self, card, width=600)
        self.save_button.clicked.connect(self._save)
        self.form.name.returnPressed.connect(self._save)

    def _save(self) -> None:
        try:
            self._profiles.set(**self.form.values())
        except Exception as exc:  # shown inline as a sentence
            show_error(self.error, message_for(exc))
            return
        self.done.emit()
