"""Dashboard: a calm overview of the caseload and the drafts still to finish."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import ClientStatus
from noteapp.services.clients import ClientService
from noteapp.ui.widgets.layout import body_label, title_label


@dataclass(frozen=True)
class DraftRow:
    """One unfinished note, as the dashboard lists it."""

    note_id: str
    date: date
    client: str
    template: str
    blocking: int  # checklist items that still block signing


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
        drafts: Callable[[], Sequence[DraftRow]] | None = None,
        open_note: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._clients = clients
        self._drafts = drafts
        self._open_note = open_note
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 28, 32, 28)
        lay.setSpacing(16)
        hello = greeting(now.astimezone()) + (f", {first_name}." if first_name else ".")
        lay.addWidget(title_label(hello, self))
        stats = QGridLayout()
        stats.setHorizontalSpacing(16)
        self.active = _Stat("active clients", "dashboardActiveCount", self)
        self.discharged = _Stat("discharged", "dashboardDischargedCount", self)
        self.unsigned = _Stat("drafts to finish", "dashboardDraftCount", self)
        stats.addWidget(self.active, 0, 0)
        stats.addWidget(self.discharged, 0, 1)
        stats.addWidget(self.unsigned, 0, 2)
        stats.setColumnStretch(3, 1)
        lay.addLayout(stats)
        heading = QLabel("Drafts to finish", self)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        lay.addWidget(heading)
        self.info = body_label("No drafts waiting — every note is finished.", self, "dashboardInfo")
        self.info.setAlignment(Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.info)
        self.draft_list = QListWidget(self)
        self.draft_list.setObjectName("dashboardDraftList")
        self.draft_list.setAccessibleName("Drafts to finish; press Enter to open")
        self.draft_list.setAlternatingRowColors(True)
        self.draft_list.setSpacing(3)
        self.draft_list.itemActivated.connect(self._activated)
        lay.addWidget(self.draft_list, 1)
        self.refresh()

    def _activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(Qt.ItemDataRole.UserRole)
        if note_id and self._open_note is not None:
            self._open_note(str(note_id))

    def refresh(self) -> None:
        rows = list(self._drafts()) if self._drafts is not None else []
        self.unsigned.number.setText(str(len(rows)))
        self.draft_list.clear()
        for row in rows:
            state = (
                "ready to sign"
                if row.blocking == 0
                else f"{row.blocking} item{'s' if row.blocking != 1 else ''} missing"
            )
            item = QListWidgetItem(
                f"{row.date.isoformat()}   {row.client}   ·   {row.template}   ·   {state}"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.note_id)
            self.draft_list.addItem(item)
        self.draft_list.setVisible(bool(rows))
        self.info.setVisible(not rows)
        clients = self._clients.list()
        self.active.number.setText(str(sum(c.status == ClientStatus.ACTIVE for c in clients)))
        self.discharged.number.setText(
            str(sum(c.status == ClientStatus.DISCHARGED for c in clients))
        )

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
