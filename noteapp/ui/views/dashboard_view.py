"""Dashboard: a calm overview of the caseload (notes and reminders join it later)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from noteapp.domain.clients import ClientStatus
from noteapp.services.clients import ClientService
from noteapp.ui.widgets.layout import body_label, title_label


def greeting(now: datetime) -> str:
    hour = now.hour
    return "Good morning" if hour < 12 else "Good afternoon" if hour < 18 else "Good evening"


class _Stat(QFrame):
    def __init__(self, caption: str, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.number = QLabel("0", self)
        self.number.setObjectName(name)
        font = QFont(self.number.font())
        font.setPointSize(font.pointSize() + 12)
        font.setBold(True)
        self.number.setFont(font)
        lay.addWidget(self.number)
        lay.addWidget(QLabel(caption, self))


class DashboardView(QWidget):
    def __init__(
        self,
        clients: ClientService,
        *,
        first_name: str,
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._clients = clients
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 28, 32, 28)
        lay.setSpacing(16)
        hello = greeting(now.astimezone()) + (f", {first_name}." if first_name else ".")
        lay.addWidget(title_label(hello, self))
        stats = QGridLayout()
        stats.setHorizontalSpacing(16)
        self.active = _Stat("active clients", "dashboardActiveCount", self)
        self.discharged = _Stat("discharged", "dashboardDischargedCount", self)
        stats.addWidget(self.active, 0, 0)
        stats.addWidget(self.discharged, 0, 1)
        stats.setColumnStretch(2, 1)
        lay.addLayout(stats)
        info = body_label("Notes and reminders will appear here.", self, "dashboardInfo")
        info.setAlignment(Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(info)
        lay.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        clients = self._clients.list()
        self.active.number.setText(str(sum(c.status == ClientStatus.ACTIVE for c in clients)))
        self.discharged.number.setText(
            str(sum(c.status == ClientStatus.DISCHARGED for c in clients))
        )

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
