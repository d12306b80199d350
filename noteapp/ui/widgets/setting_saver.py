"""Settings that save as soon as they change: the save, a "Saved" flash beside the control
for two seconds, and the service's sentence under it when the value is refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from noteapp.services.settings import SettingsService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import error_label, show_error

SAVED_MS = 2000


class SettingSaver:
    """Owns the "Saved" label and the error label of one settings page."""

    def __init__(self, settings: SettingsService, page: QWidget, name: str) -> None:
        self._settings = settings
        self.saved_label = QLabel("Saved", page)
        self.saved_label.setObjectName(f"{name}SavedLabel")
        self.saved_label.hide()
        self.error = error_label(page, f"{name}Error")
        self._timer = QTimer(page)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVED_MS)
        self._timer.timeout.connect(self.saved_label.hide)

    def save(self, **changes: Any) -> bool:
        try:
            self._settings.update(**changes)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return False
        show_error(self.error, "")
        self.saved_label.show()
        self._timer.start()
        return True
