"""Settings › Treatment plans: how often plans are reviewed (payer- or state-specific, 90
days by default). New plans take the interval; a signed plan keeps the one it was signed
with."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from noteapp.services.settings import SettingsService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

SAVED_MS = 2000


class PlanSettingsPage(QWidget):
    changed = Signal()

    def __init__(self, settings_service: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planSettingsPage")
        self._settings = settings_service
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "How often a treatment plan is reviewed with the client. Payers and states "
                "differ; 90 days is the common default. The dashboard lists reviews due within "
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
        self.saved_label = QLabel("Saved", self)
        self.saved_label.setObjectName("planSettingsSavedLabel")
        self.saved_label.hide()
        row.addWidget(self.saved_label)
        row.addStretch(1)
        form.addRow("Review &interval", row)
        lay.addLayout(form)
        self.error = error_label(self, "planSettingsError")
        lay.addWidget(self.error)
        lay.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVED_MS)
        self._timer.timeout.connect(self.saved_label.hide)
        self.interval.setValue(settings_service.get().plan_review_days)
        self.interval.valueChanged.connect(self.save)

    def save(self, *_: object) -> bool:
        try:
            self._settings.update(plan_review_days=self.interval.value())
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return False
        show_error(self.error, "")
        self.saved_label.show()
        self._timer.start()
        self.changed.emit()
        return True
