"""Today: what needs the clinician now — open risk flags, drafts to finish, notes returned for
revision, plan reviews and measures due, and (by role) the co-signature queue or the notes
waiting for a supervisor's review — as compact sections: a count, the top rows, Show all.

The page scrolls; nothing overlaps. The rows come from `services.worklist` (no queries
here) and are fetched on a worker thread, so a large vault never freezes the window.
"Show all" opens a full list (with filters such as "signed notes without goal progress").
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import ClientStatus
from noteapp.services.clients import ClientService
from noteapp.services.worklist import TITLES, SectionKey, WorkItem, Worklist, WorkSection
from noteapp.ui.errors import message_for
from noteapp.ui.navigator import Navigator
from noteapp.ui.widgets.layout import body_label, title_label
from noteapp.ui.workers import run_in_background

# Lists "Show all" offers beyond the Today sections (filters, not things to do today).
FILTERS = (SectionKey.NO_PROGRESS,)
ROW_DATA = Qt.ItemDataRole.UserRole


def greeting(now: datetime) -> str:
    hour = now.hour
    return "Good morning" if hour < 12 else "Good afternoon" if hour < 18 else "Good evening"


def row_text(item: WorkItem) -> str:
    when = item.on.isoformat() if item.on else ""
    mark = "⚠  " if item.urgent else ""
    return "   ".join(x for x in (when, f"{mark}{item.client}   ·   {item.summary}") if x)


def mark_attention(widget: QWidget, urgent: bool) -> None:
    """Urgent rows say so in words (⚠) and carry role=urgent for the colour theme."""
    widget.setProperty("role", "urgent" if urgent else "")
    if urgent:
        font = QFont(widget.font())
        font.setBold(True)
        widget.setFont(font)


class RowButton(QPushButton):
    """One row: flat, left-aligned, focusable; elided to its width, whole in the tooltip."""

    def __init__(self, item: WorkItem, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.item = item
        self.full_text = row_text(item)
        self.setObjectName(name)
        self.setFlat(True)
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("QPushButton { text-align: left; padding: 3px 8px; }")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.full_text.replace("⚠", "Urgent:"))
        self.setToolTip(self.full_text)
        self.setText(self.full_text)
        mark_attention(self, item.urgent)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = max(event.size().width() - 20, 40)
        self.setText(
            self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width)
        )
        super().resizeEvent(event)


class SectionCard(QFrame):
    """Title and count, the top rows (or a calm empty sentence), and Show all."""

    def __init__(self, section: WorkSection, navigator: Navigator, parent: QWidget) -> None:
        super().__init__(parent)
        key = section.key.value
        self.section = section
        self.setObjectName(f"today_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"{section.title}: {section.count}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        head = QHBoxLayout()
        self.title = QLabel(f"{section.title}  ({section.count})", self)
        self.title.setObjectName(f"today_{key}_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        mark_attention(self.title, section.key == SectionKey.RISK_FLAGS and section.count > 0)
        head.addWidget(self.title, 1)
        self.show_all = QPushButton(f"Show all {section.count}", self)
        self.show_all.setObjectName(f"today_{key}_showAll")
        self.show_all.setAccessibleName(f"Show all {section.count}: {section.title}")
        self.show_all.setFlat(True)
        self.show_all.setAutoDefault(False)
        self.show_all.setVisible(section.count > len(section.items))
        self.show_all.clicked.connect(lambda: navigator.open_worklist(section.key))
        head.addWidget(self.show_all)
        lay.addLayout(head)
        self.rows: list[RowButton] = []
        for i, item in enumerate(section.items):
            row = RowButton(item, f"today_{key}_row{i}", self)
            row.clicked.connect(
                lambda _c=False, it=item: navigator.open_place(
                    it.place, client_id=it.client_id, note_id=it.note_id
                )
            )
            self.rows.append(row)
            lay.addWidget(row)
        self.empty = body_label(section.empty, self, f"today_{key}_empty")
        self.empty.setVisible(not section.items)
        self.empty.setEnabled(False)  # the palette's quiet text: nothing to do here
        lay.addWidget(self.empty)


class TodayView(QWidget):
    def __init__(
        self,
        worklist: Worklist,
        clients: ClientService,
        navigator: Navigator,
        *,
        first_name: str,
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self._worklist = worklist
        self._clients = clients
        self._navigator = navigator
        self._generation = 0
        self.sections: dict[SectionKey, SectionCard] = {}
        self.ready = False  # the sections of the latest refresh are on screen

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("todayStack")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        # Today: a scrolling column of section cards.
        self.summary = QScrollArea(self)
        self.summary.setObjectName("todayScroll")
        self.summary.setWidgetResizable(True)
        self.summary.setFrameShape(QFrame.Shape.NoFrame)
        self.summary.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = self.column_widget = QWidget()
        inner.setObjectName("todayColumn")
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(28, 20, 28, 20)
        self.column.setSpacing(10)
        hello = greeting(now.astimezone()) + (f", {first_name}." if first_name else ".")
        self.hello = title_label(hello, inner)
        self.hello.setObjectName("todayGreeting")
        self.column.addWidget(self.hello)
        self.caseload = body_label("", inner, "todayCaseload")
        self.column.addWidget(self.caseload)
        self.status = body_label("Gathering what needs you today…", inner, "todayStatus")
        self.column.addWidget(self.status)
        self.cards = QVBoxLayout()
        self.cards.setSpacing(10)
        self.column.addLayout(self.cards)
        self.filters_button = QPushButton("Signed notes without goal progress…", inner)
        self.filters_button.setObjectName("todayNoProgressFilter")
        self.filters_button.setAccessibleName("List signed notes without goal progress")
        self.filters_button.setFlat(True)
        self.filters_button.setAutoDefault(False)
        self.filters_button.clicked.connect(lambda: self.show_all(SectionKey.NO_PROGRESS))
        foot = QHBoxLayout()
        foot.addWidget(self.filters_button)
        foot.addStretch(1)
        self.column.addLayout(foot)
        self.column.addStretch(1)
        self.summary.setWidget(inner)
        self.stack.addWidget(self.summary)
        self.full = WorklistPage(worklist, navigator, self)
        self.full.back_requested.connect(self.show_today)
        self.stack.addWidget(self.full)

    # --- the summary ---------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch the sections on a worker; the newest answer wins."""
        self._generation += 1
        generation = self._generation
        self.ready = False
        worklist = self._worklist
        run_in_background(
            worklist.today,
            on_done=lambda sections: self._show(generation, sections),
            on_error=lambda exc: self._failed(generation, exc),
            parent=self,
        )
        clients = self._clients.list()
        active = sum(c.status == ClientStatus.ACTIVE for c in clients)
        discharged = sum(c.status == ClientStatus.DISCHARGED for c in clients)
        self.caseload.setText(
            f"{active} active client{'s' if active != 1 else ''} · {discharged} discharged"
        )

    def _show(self, generation: int, sections: tuple[WorkSection, ...]) -> None:
        if generation != self._generation:
            return
        for card in self.sections.values():
            self.cards.removeWidget(card)
            card.deleteLater()
        self.sections = {}
        for section in sections:
            card = SectionCard(section, self._navigator, self.column_widget)
            self.sections[section.key] = card
            self.cards.addWidget(card)
            card.show()  # a child added to a shown page is not shown by itself
        self.status.hide()
        self.ready = True

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(f"Today's list could not be gathered: {message_for(exc)}")
            self.status.show()
            self.ready = True

    def show_today(self) -> None:
        self.stack.setCurrentWidget(self.summary)
        self.refresh()

    def show_all(self, key: SectionKey) -> None:
        self.full.show_section(key)
        self.stack.setCurrentWidget(self.full)

    def showEvent(self, event: QShowEvent) -> None:
        if self.stack.currentWidget() is self.summary:
            self.refresh()
        super().showEvent(event)


class WorklistPage(QWidget):
    """Every row of one list, chosen from the Today sections and the filters."""

    back_requested = Signal()

    def __init__(self, worklist: Worklist, navigator: Navigator, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("worklistPage")
        self._worklist = worklist
        self._navigator = navigator
        self._generation = 0
        self.ready = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 20, 28, 20)
        top = QHBoxLayout()
        self.back = QPushButton("← Today", self)
        self.back.setObjectName("worklistBackButton")
        self.back.setAccessibleName("Back to Today")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.back_requested)
        top.addWidget(self.back)
        self.choice = QComboBox(self)
        self.choice.setObjectName("worklistChoice")
        self.choice.setAccessibleName("Which list")
        top.addWidget(self.choice, 1)
        lay.addLayout(top)
        self.count = body_label("", self, "worklistCount")
        lay.addWidget(self.count)
        self.list = QListWidget(self)
        self.list.setObjectName("worklistRows")
        self.list.setAccessibleName("Rows; press Enter to open")
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(2)
        self.list.itemActivated.connect(self._open)
        lay.addWidget(self.list, 1)
        self.choice.currentIndexChanged.connect(lambda _i: self._load())

    def show_section(self, key: SectionKey) -> None:
        keys = [*self._worklist.sections(), *FILTERS]
        if key not in keys:
            keys.append(key)
        self.choice.blockSignals(True)
        self.choice.clear()
        for k in keys:
            self.choice.addItem(TITLES[k], k.value)
        self.choice.setCurrentIndex(keys.index(key))
        self.choice.blockSignals(False)
        self._load()
        self.list.setFocus()

    def _load(self) -> None:
        key = SectionKey(self.choice.currentData())
        self._generation += 1
        generation = self._generation
        self.ready = False
        self.list.clear()
        self.count.setText("Gathering…")
        worklist = self._worklist
        run_in_background(
            lambda: worklist.section(key, limit=None),
            on_done=lambda section: self._show(generation, section),
            on_error=lambda exc: self._show_error(generation, exc),
            parent=self,
        )

    def _show(self, generation: int, section: WorkSection) -> None:
        if generation != self._generation:
            return
        self.count.setText(
            f"{section.count:,} in this list; press Enter to open one."
            if section.count
            else section.empty
        )
        for item in section.items:
            row = QListWidgetItem(row_text(item))
            row.setData(ROW_DATA, item)
            self.list.addItem(row)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.ready = True

    def _show_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.count.setText(f"The list could not be gathered: {message_for(exc)}")
            self.ready = True

    def _open(self, row: QListWidgetItem) -> None:
        item = row.data(ROW_DATA)
        if isinstance(item, WorkItem):
            self._navigator.open_place(item.place, client_id=item.client_id, note_id=item.note_id)
