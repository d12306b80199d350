"""The frame the case-management views share (the Contacts, Referrals and Medications tabs,
the Incidents page): they read their records again whenever shown (a note window or another
tab may have changed them), and open their dialogs window-modal but not blocking, kept in
`active_dialog` (tests and screen readers find them there), refreshing when one is accepted."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget

D = TypeVar("D", bound=QDialog)


class RecordView(QWidget):
    def __init__(self, ws: Any, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.ws = ws
        self.active_dialog: Any = None

    def refresh(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def today(self) -> date:
        return self.ws.clock.now().astimezone().date()  # type: ignore[no-any-return]

    def open_dialog(self, dialog: D) -> D:
        dialog.accepted.connect(self.refresh)
        self.active_dialog = dialog
        dialog.open()
        return dialog
