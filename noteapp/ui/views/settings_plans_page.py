"""Settings › Treatment plans: how often plans are reviewed (payer- or state-specific, 90
days by default). New plans take the interval; a signed plan keeps the one it was signed
with."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QSpinBox, QVBoxLayout, QWidget

from noteapp.services.settings import SettingsService
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.widgets.setting_saver import SettingSaver


class PlanSettingsPage(QWidget):
    changed = Signal()

    def __init__(self, settings_service: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planSettingsPage")
        self._saver = SettingSaver(settings_service, self, "planSettings")
        self.saved_label = self._saver.saved_label
        self.error = self._saver.error
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "How often a treatment plan is reviewed with the client. Payers and states "
                "differ; 90 days is the common default. Today lists reviews due within "
                "14 days and overdue ones.",
                self,
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.interval = QSpinBox(self)
        self.interval.setObjectName("planReviewDaysSpin")
        self.interval.setAccessibleName("Plan review interval in days")
        self.interval.setRange(7, 730)
        self.interval.setSuffix(" days")
        row.addWidget(self.interval)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        form.addRow("Review &interval", row)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.interval.setValue(settings_service.get().plan_review_days)
        self.interval.valueChanged.connect(self.save)

    def save(self, *_: object) -> bool:
        saved = self._saver.save(plan_review_days=self.interval.value())
        if saved:
            self.changed.emit()
        return saved
