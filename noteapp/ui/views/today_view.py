"""Today: what needs the clinician now — open risk flags, incident reports past their
notification deadline, drafts to finish, notes returned for revision, plan reviews and
measures due, referrals to follow up, and (by role) the co-signature queue or the notes
waiting for a supervisor's review — as compact sections: a count, the top rows, Show all.

The page scrolls (on a 1280×720 screen the old dashboard's lists were drawn over each
other); nothing overlaps, and colours are the theme's (urgent rows say so in words too).
The rows come from `services.worklist` (no queries here) and are fetched on a worker
thread, so a large vault never freezes the window.
"Show all" opens a full list (with filters such as "signed notes without goal progress").
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import ClientStatus
from noteapp.services.clients import ClientService
from noteapp.services.worklist import SectionKey, WorkItem, Worklist, WorkSection
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.navigator import Navigator
from noteapp.ui.views.worklist_page import (
    WorklistPage,
    date_width,
    row_date,
    row_name,
    row_text,
    row_what,
)
from noteapp.ui.widgets.layout import body_label, scroll_area, title_label
from noteapp.ui.workers import run_in_background

# Sections whose title turns red while they hold anything.
ALARMS = (SectionKey.RISK_FLAGS, SectionKey.INCIDENTS)


def greeting(now: datetime) -> str:
    hour = now.hour
    return "Good morning" if hour < 12 else "Good afternoon" if hour < 18 else "Good evening"


def mark_attention(widget: QWidget, urgent: bool) -> None:
    """Urgent rows say so in words (⚠), in bold, and in the theme's danger colour."""
    theme.set_tone(widget, "danger" if urgent else "")
    if urgent:
        font = QFont(widget.font())
        font.setBold(True)
        widget.setFont(font)


class RowButton(QPushButton):
    """One row: flat, focusable; the date in a column of its own, then whose and what,
    elided to the width (whole in the tooltip)."""

    def __init__(self, item: WorkItem, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.item = item
        self.full_text = row_text(item)
        self.setObjectName(name)
        self.setFlat(True)
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(row_name(item))
        self.setToolTip(self.full_text)
        lay = self._lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 3, 8, 3)
        lay.setSpacing(12)
        self.date = QLabel(row_date(item), self)
        self.date.setFixedWidth(date_width(self))
        self.what = QLabel(row_what(item), self)
        self.what.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for label in (self.date, self.what):
            label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            theme.set_tone(label, "danger" if item.urgent else "")
            if item.urgent:  # a font set in code does not survive a button's polish
                label.setStyleSheet("QLabel { font-weight: bold; }")
            lay.addWidget(label)
        lay.setStretch(1, 1)

    def sizeHint(self) -> QSize:  # the labels' size (a button sizes itself by its text)
        return self._lay.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._lay.minimumSize()

    def shown_text(self) -> str:
        """The row as it reads on screen (elided to the width)."""
        return "   ".join(x for x in (self.date.text(), self.what.text()) if x)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self._lay.contentsMargins()
        used = margins.left() + margins.right() + self.date.width() + self._lay.spacing()
        width = max(event.size().width() - used, 40)
        self.what.setText(
            self.what.fontMetrics().elidedText(
                row_what(self.item), Qt.TextElideMode.ElideRight, width
            )
        )


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
        mark_attention(self.title, section.key in ALARMS and section.count > 0)
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
            row.clicked.connect(lambda _c=False, it=item: navigator.open_item(it))
            self.rows.append(row)
            lay.addWidget(row)
        self.empty = body_label(section.empty, self, f"today_{key}_empty")
        self.empty.setVisible(not section.items)
        theme.set_tone(self.empty, "muted")  # quiet: nothing to do here
        lay.addWidget(self.empty)


class TodayView(QWidget):
    # The latest refresh is on screen (its sections, or the sentence saying why not).
    sections_shown = Signal()

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
        inner = self.column_widget = QWidget()
        inner.setObjectName("todayColumn")
        self.column = QVBoxLayout(inner)  # before the scroll area takes it (Qt's rule)
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
        self.summary = scroll_area(inner, "todayScroll", self)
        self.summary.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        self.sections_shown.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(f"Today's list could not be gathered: {message_for(exc)}")
            self.status.show()
            self.ready = True
            self.sections_shown.emit()

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
