"""The clinician profile fields (first run and Settings → Profile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from noteapp.domain.profile import ClinicianProfile, Role


def _line(parent: QWidget, name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


class ProfileForm(QWidget):
    """Name, credentials, licence, role, agency letterhead. `values()` feeds ProfileService.set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = _line(self, "profileNameEdit", "Your name", "e.g. Dana Whitfield")
        self.credentials = _line(
            self, "profileCredentialsEdit", "Credentials", "e.g. LCSW, LMFT, PhD"
        )
        self.license_number = _line(self, "profileLicenseEdit", "License number")
        self.role = QComboBox(self)
        self.role.setObjectName("profileRoleCombo")
        self.role.setAccessibleName("Role")
        self.role.addItem("Clinician", Role.CLINICIAN.value)
        self.role.addItem("Supervisor", Role.SUPERVISOR.value)
        self.supervised = QCheckBox("A supervisor co-signs my notes", self)
        self.supervised.setObjectName("profileSupervisedCheck")
        self.supervised.setAccessibleName("A supervisor co-signs my notes")
        self.supervised.setToolTip(
            "Today then lists your signed notes waiting for co-signature. Leave it off if "
            "you practise on your own."
        )
        self.agency_name = _line(self, "profileAgencyEdit", "Agency or practice name")
        self.agency_address = QPlainTextEdit(self)
        self.agency_address.setObjectName("profileAddressEdit")
        self.agency_address.setAccessibleName("Agency address")
        self.agency_address.setTabChangesFocus(True)
        self.agency_address.setFixedHeight(60)
        self.agency_phone = _line(self, "profilePhoneEdit", "Agency phone")

        self._logo: bytes | None = None
        self.logo_preview = QLabel("No logo", self)
        self.logo_preview.setObjectName("profileLogoPreview")
        self.logo_choose = QPushButton("Choose PNG…", self)
        self.logo_choose.setObjectName("profileLogoChooseButton")
        self.logo_choose.setAccessibleName("Choose a letterhead logo")
        self.logo_clear = QPushButton("Remove", self)
        self.logo_clear.setObjectName("profileLogoRemoveButton")
        self.logo_clear.setAccessibleName("Remove the letterhead logo")
        self.logo_choose.clicked.connect(self._choose_logo)
        self.logo_clear.clicked.connect(lambda: self.set_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(self.logo_choose)
        logo_row.addWidget(self.logo_clear)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(10)
        form.addRow("&Name", self.name)
        form.addRow("&Credentials", self.credentials)
        form.addRow("&License number", self.license_number)
        form.addRow("&Role", self.role)
        form.addRow("", self.supervised)
        form.addRow("&Agency", self.agency_name)
        form.addRow("Agency a&ddress", self.agency_address)
        form.addRow("Agency &phone", self.agency_phone)
        form.addRow("Letterhead logo", logo_row)
        self.set_logo(None)

    def _choose_logo(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, "Choose a letterhead logo", str(Path.home()), "PNG images (*.png)"
        )
        if file:
            try:
                self.set_logo(Path(file).read_bytes())
            except OSError:
                self.logo_preview.setText("That file could not be read.")

    def set_logo(self, data: bytes | None) -> None:
        self._logo = data
        self.logo_clear.setEnabled(data is not None)
        if data is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            return
        pix = QPixmap()
        if pix.loadFromData(data) and data.startswith(b"\x89PNG"):
            self.logo_preview.setPixmap(pix.scaledToHeight(40))
        else:
            self.logo_preview.setText("That file is not a PNG image.")

    def set_profile(self, profile: ClinicianProfile | None) -> None:
        if profile is None:
            return
        self.name.setText(profile.name)
        self.credentials.setText(profile.credentials)
        self.license_number.setText(profile.license_number)
        self.role.setCurrentIndex(max(0, self.role.findData(profile.role.value)))
        self.supervised.setChecked(profile.supervised)
        self.agency_name.setText(profile.agency_name)
        self.agency_address.setPlainText(profile.agency_address)
        self.agency_phone.setText(profile.agency_phone)
        self.set_logo(profile.logo_png)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "credentials": self.credentials.text(),
            "license_number": self.license_number.text(),
            "role": self.role.currentData(),
            "supervised": self.supervised.isChecked(),
            "agency_name": self.agency_name.text(),
            "agency_address": self.agency_address.toPlainText(),
            "agency_phone": self.agency_phone.text(),
            "logo_png": self._logo,
        }
