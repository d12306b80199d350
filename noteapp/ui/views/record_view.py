"""The frame the case-management views share (the Contacts, Referrals and Medications tabs,
the Incidents page): they read their records again whenever shown (a note window or another
tab may have changed them), select a record asked for by id (a search hit, a row of
Today), and open their dialogs window-modal but not blocking, kept in `active_dialog`
(tests and screen readers find them there), refreshing when one is accepted."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget

from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.widgets.record_table import RecordTable

D = TypeVar("D", bound=QDialog)


class RecordView(QWidget):
    def __init__(self, services: CaseServices, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.services = services
        self.active_dialog: Any = None

    def refresh(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def select(self, record_id: str) -> bool:
        """Select the record (a search hit, a row of Today) in whichever list holds it."""
        return any(table.select(record_id) for table in self.findChildren(RecordTable))

    def today(self) -> date:
        return self.services.clock.now().astimezone().date()

    def open_dialog(self, dialog: D) -> D:
        dialog.accepted.connect(self.refresh)
        self.active_dialog = dialog
        dialog.open()
        return dialog
