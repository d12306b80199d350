"""Dashboard: a calm overview of the caseload, the drafts still to finish, signed notes
waiting on supervision (awaiting co-signature, returned for revision), and treatment-plan
follow-ups (reviews due, clients without a current plan, notes without goal progress), and
first of all the risk flags still to address (e.g. PHQ-9 item 9 above 0)."""

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
from noteapp.ui import theme
from noteapp.ui.widgets.layout import body_label, scroll_area, title_label


@dataclass(frozen=True)
class DraftRow:
    """One unfinished note, as the dashboard lists it."""

    note_id: str
    date: date
    client: str
    template: str
    blocking: int  # checklist items that still block signing


@dataclass(frozen=True)
class ReviewRow:
    """A signed note waiting on supervision; `comments` holds a return's comments."""

    note_id: str
    date: date
    client: str
    template: str
    comments: str = ""
    reviewer: str = ""
    corrected_since: bool = False


@dataclass(frozen=True)
class PlanItemRow:
    """A treatment-plan follow-up: opens the client's Plan tab, or a note when `note_id`."""

    client_id: str
    text: str
    urgent: bool = False  # e.g. an overdue review: shown in red
    note_id: str = ""


PLAN_SECTIONS = (
    ("plan_reviews", "Plan reviews due", "dashboardPlanReviewList"),
    ("no_plan", "Active clients without a current signed plan", "dashboardNoPlanList"),
    ("no_progress", "Signed notes without goal progress", "dashboardNoProgressList"),
)


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
        awaiting: Callable[[], Sequence[ReviewRow]] | None = None,
        returned: Callable[[], Sequence[ReviewRow]] | None = None,
        plan_items: dict[str, Callable[[], Sequence[PlanItemRow]]] | None = None,
        open_plan: Callable[[str], None] | None = None,
        risk_flags: Callable[[], Sequence[PlanItemRow]] | None = None,
        open_risk: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._clients = clients
        self._drafts = drafts
        self._open_note = open_note
        self._awaiting = awaiting
        self._returned = returned
        self._plan_items = plan_items or {}
        self._open_plan = open_plan
        self._risk_flags = risk_flags
        self._open_risk = open_risk
        # The page scrolls: on a 1280×720 screen its lists did not fit and were drawn over
        # each other.
        page = QWidget(self)
        page.setObjectName("dashboardPage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_area(page, "dashboardScroll", self))
        lay = QVBoxLayout(page)
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
        self.risk_heading = self._heading("Risk flags to address", "dashboardRiskHeading")
        theme.set_tone(self.risk_heading, "danger")
        lay.addWidget(self.risk_heading)
        self.risk_list = self._list(
            "dashboardRiskList", "Risk flags to address; press Enter to open the client"
        )
        lay.addWidget(self.risk_list)
        lay.addWidget(self._heading("Drafts to finish", "dashboardDraftHeading"))
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
        self.returned_heading = self._heading("Returned for revision", "dashboardReturnedHeading")
        lay.addWidget(self.returned_heading)
        self.returned_list = self._list(
            "dashboardReturnedList", "Notes returned by a supervisor; press Enter to open"
        )
        lay.addWidget(self.returned_list)
        self.awaiting_heading = self._heading("Awaiting co-signature", "dashboardAwaitingHeading")
        lay.addWidget(self.awaiting_heading)
        self.awaiting_list = self._list(
            "dashboardAwaitingList", "Signed notes without a co-signature; press Enter to open"
        )
        lay.addWidget(self.awaiting_list)
        self.plan_headings: dict[str, QLabel] = {}
        self.plan_lists: dict[str, QListWidget] = {}
        for key, title, name in PLAN_SECTIONS:
            if key not in self._plan_items:
                continue
            heading = self._heading(title, name.replace("List", "Heading"))
            widget = self._list(name, f"{title}; press Enter to open")
            self.plan_headings[key] = heading
            self.plan_lists[key] = widget
            lay.addWidget(heading)
            lay.addWidget(widget)
        self.refresh()

    def _heading(self, text: str, name: str) -> QLabel:
        heading = QLabel(text, self)
        heading.setObjectName(name)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        return heading

    def _list(self, name: str, accessible: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        widget.setAlternatingRowColors(True)
        widget.setSpacing(3)
        widget.setWordWrap(True)
        widget.itemActivated.connect(self._activated)
        widget.itemClicked.connect(self._activated)
        widget.setItemDelegate(theme.ToneDelegate(widget))
        return widget

    @staticmethod
    def _fit(widget: QListWidget, rows: int = 4) -> None:
        """Modest: as tall as its first few rows, then it scrolls."""
        shown = min(widget.count(), rows)
        row_h = sum(widget.sizeHintForRow(i) + 2 * widget.spacing() for i in range(shown))
        widget.setFixedHeight(row_h + 2 * widget.frameWidth() + 4)

    def _refresh_reviews(self) -> None:
        returned = list(self._returned()) if self._returned is not None else []
        self.returned_list.clear()
        for row in returned:
            who = f" by {row.reviewer}" if row.reviewer else ""
            done = "   ·   corrected since" if row.corrected_since else ""
            item = QListWidgetItem(
                f"{row.date.isoformat()}   {row.client}   ·   {row.template}{done}\n"
                f"      Returned{who}: “{row.comments}”"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.note_id)
            theme.set_item_tone(item, "danger_text" if not row.corrected_since else "muted_text")
            self.returned_list.addItem(item)
        self._fit(self.returned_list)
        self.returned_heading.setText(f"Returned for revision ({len(returned)})")
        self.returned_heading.setVisible(bool(returned))
        self.returned_list.setVisible(bool(returned))
        awaiting = list(self._awaiting()) if self._awaiting is not None else []
        self.awaiting_list.clear()
        for row in awaiting:
            item = QListWidgetItem(f"{row.date.isoformat()}   {row.client}   ·   {row.template}")
            item.setData(Qt.ItemDataRole.UserRole, row.note_id)
            self.awaiting_list.addItem(item)
        self._fit(self.awaiting_list)
        self.awaiting_heading.setText(f"Awaiting co-signature ({len(awaiting)})")
        self.awaiting_heading.setVisible(self._awaiting is not None and bool(awaiting))
        self.awaiting_list.setVisible(bool(awaiting))

    def _refresh_plan_items(self) -> None:
        for key, title, _name in PLAN_SECTIONS:
            widget = self.plan_lists.get(key)
            if widget is None:
                continue
            rows = list(self._plan_items[key]())
            widget.clear()
            for row in rows:
                item = QListWidgetItem(row.text)
                if row.note_id:
                    item.setData(Qt.ItemDataRole.UserRole, row.note_id)
                else:
                    item.setData(Qt.ItemDataRole.UserRole + 1, row.client_id)
                if row.urgent:
                    theme.set_item_tone(item, "danger_text")
                widget.addItem(item)
            self._fit(widget)
            self.plan_headings[key].setText(f"{title} ({len(rows)})")
            self.plan_headings[key].setVisible(bool(rows))
            widget.setVisible(bool(rows))

    def _refresh_risk(self) -> None:
        rows = list(self._risk_flags()) if self._risk_flags is not None else []
        self.risk_list.clear()
        for row in rows:
            item = QListWidgetItem("⚠  " + row.text)
            item.setData(Qt.ItemDataRole.UserRole + 2, row.client_id)
            theme.set_item_tone(item, "danger_text")
            self.risk_list.addItem(item)
        self._fit(self.risk_list)
        self.risk_heading.setText(f"Risk flags to address ({len(rows)})")
        self.risk_heading.setVisible(bool(rows))
        self.risk_list.setVisible(bool(rows))

    def _activated(self, item: QListWidgetItem) -> None:
        risk_client = item.data(Qt.ItemDataRole.UserRole + 2)
        if risk_client and self._open_risk is not None:
            self._open_risk(str(risk_client))
            return
        client_id = item.data(Qt.ItemDataRole.UserRole + 1)
        if client_id and self._open_plan is not None:
            self._open_plan(str(client_id))
            return
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
        self._fit(self.draft_list, rows=6)
        self.draft_list.setVisible(bool(rows))
        self.info.setVisible(not rows)
        self._refresh_risk()
        self._refresh_reviews()
        self._refresh_plan_items()
        clients = self._clients.list()
        self.active.number.setText(str(sum(c.status == ClientStatus.ACTIVE for c in clients)))
        self.discharged.number.setText(
            str(sum(c.status == ClientStatus.DISCHARGED for c in clients))
        )

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
