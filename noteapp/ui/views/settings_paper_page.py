"""Settings › Paper: the page size of every Word export, PDF and print — US Letter or A4, or
automatic (the paper of this computer's region). Kept in the vault with the other practice
settings, so a vault moved to another computer keeps an explicit choice."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from noteapp.domain.paper import PaperSize
from noteapp.services.paper import system_paper_size
from noteapp.services.settings import SettingsService
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.widgets.setting_saver import SettingSaver


class PaperSettingsPage(QWidget):
    changed = Signal()

    def __init__(self, settings_service: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperSettingsPage")
        self._saver = SettingSaver(settings_service, self, "paperSettings")
        self.saved_label = self._saver.saved_label
        self.error = self._saver.error
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "The paper every Word export, PDF and print is laid out on: notes, charts, "
                "treatment plans, safety plans and client copies. Verification is not affected: "
                "it compares the text, which is the same on either paper.",
                self,
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.paper = QComboBox(self)
        self.paper.setObjectName("paperSizeCombo")
        self.paper.setAccessibleName("Paper size")
        automatic = system_paper_size()
        self.paper.addItem(f"Automatic — this computer's region: {automatic.label}", "")
        for paper in PaperSize:
            self.paper.addItem(paper.label, paper.value)
        row.addWidget(self.paper)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        form.addRow("&Paper size", row)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings_service.get().paper_size)))
        self.paper.currentIndexChanged.connect(self.save)

    def save(self, *_: object) -> bool:
        saved = self._saver.save(paper_size=self.paper.currentData())
        if saved:
            self.changed.emit()
        return saved
