"""Settings → Profile: who signs, the letterhead, and the signing key's fingerprint."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from noteapp.domain.errors import NoteappError
from noteapp.services.profile import ProfileService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import (
    body_label,
    error_label,
    show_error,
    show_text,
    status_label,
)
from noteapp.ui.widgets.mono import fingerprint_label
from noteapp.ui.widgets.profile_form import ProfileForm


class SettingsProfilePage(QWidget):
    saved = Signal()

    def __init__(self, profiles: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsProfilePage")
        self._profiles = profiles
        self.form = ProfileForm(self)
        profile = profiles.get()
        self.form.set_profile(profile)
        # The stored fingerprint is already grouped; fingerprint_label regroups it from its
        # hex digits only, so it reads "B03E 50A5 …" as on the Signing keys page and in exports.
        fp = profile.fingerprint if profile and profile.fingerprint else "—"
        self.fingerprint = fingerprint_label(fp, self, "signingKeyFingerprint")
        self.fingerprint.setAccessibleName("Signing key fingerprint")
        self.status = status_label(self, "profileSaveStatus")
        self.error = error_label(self, "profileSaveError")
        self.save_button = QPushButton("Save profile", self)
        self.save_button.setObjectName("profileSaveButton")
        self.save_button.setAccessibleName("Save profile")
        self.save_button.clicked.connect(self.save)

        lay = QVBoxLayout(self)
        lay.setSpacing(12)
        lay.addWidget(self.form)
        lay.addSpacing(8)
        lay.addWidget(body_label("Signing key fingerprint", self))
        lay.addWidget(self.fingerprint)
        lay.addWidget(
            body_label(
                "Your notes are signed with this key. A supervisor can compare this "
                "fingerprint with the one on your exported notes.",
                self,
            )
        )
        lay.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        lay.addStretch(1)

    def save(self) -> None:
        try:
            self._profiles.set(**self.form.values())
        except NoteappError as exc:
            show_error(self.error, message_for(exc))
            show_text(self.status, "")
            return
        show_error(self.error, "")
        show_text(self.status, "Profile saved.")
        self.saved.emit()
