"""The full list behind a Today section's "Show all" (and the filters, such as "signed notes
without goal progress"): date, client and what, in columns so rows without a date line up;
Enter opens a row where it lives. And how a worklist row reads, on screen and to a screen
reader ("Urgent" first, in words), shared with the Today page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.worklist import TITLES, SectionKey, WorkItem, Worklist, WorkSection
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.navigator import Navigator
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.workers import run_in_background

# Lists "Show all" offers beyond the Today sections (filters, not things to do today).
FILTERS = (SectionKey.NO_PROGRESS,)
ROW_DATA = Qt.ItemDataRole.UserRole


def row_date(item: WorkItem) -> str:
    return item.on.isoformat() if item.on else ""


def row_what(item: WorkItem, *, mark: bool = True) -> str:
    """Whose and what, after the date: "⚠  Jordan Avery   ·   PHQ-9: item 9 above 0"."""
    sign = "⚠  " if item.urgent and mark else ""
    return f"{sign}{item.client}   ·   {item.summary}"


def row_text(item: WorkItem, *, mark: bool = True) -> str:
    return "   ".join(x for x in (row_date(item), row_what(item, mark=mark)) if x)


def row_name(item: WorkItem) -> str:
    """What a screen reader says: "Urgent" first, in words."""
    return ("Urgent: " if item.urgent else "") + row_text(item, mark=False)


def date_width(widget: QWidget) -> int:
    """The date column: as wide as a date in bold (urgent rows), so every row, with a date
    or without, lines up with the rest."""
    bold = QFont(widget.font())
    bold.setBold(True)
    return QFontMetrics(bold).horizontalAdvance("0000-00-00") + 4


class _RowDelegate(theme.ToneDelegate):
    """A little air between the rows of a long list (and the tone of urgent ones)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 8)


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
        # Date, whose, what: columns, so rows without a date line up with the rest.
        self.list = QTreeWidget(self)
        self.list.setObjectName("worklistRows")
        self.list.setAccessibleName("Rows; press Enter to open")
        self.list.setHeaderLabels(["Date", "Client", "What"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setItemDelegate(_RowDelegate(self.list))
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.list.setColumnWidth(0, date_width(self.list) + 16)
        # Sized from the font, not the rows (a long list would be measured row by row).
        self.list.setColumnWidth(1, self.list.fontMetrics().horizontalAdvance("M" * 16))
        self.list.itemActivated.connect(lambda row, _col: self._open(row))
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
        rows = []
        for item in section.items:
            sign = "⚠  " if item.urgent else ""
            row = QTreeWidgetItem([row_date(item), sign + item.client, item.summary])
            row.setData(0, ROW_DATA, item)
            row.setToolTip(2, item.summary)
            for col in range(3):
                # A screen reader hears the whole row, "Urgent" first, wherever it is.
                row.setData(col, Qt.ItemDataRole.AccessibleTextRole, row_name(item))
                if item.urgent:
                    row.setData(col, theme.TONE_ROLE, "danger_text")
            rows.append(row)
        self.list.addTopLevelItems(rows)
        if rows:
            self.list.setCurrentItem(rows[0])
        self.ready = True

    def _show_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.count.setText(f"The list could not be gathered: {message_for(exc)}")
            self.ready = True

    def count_rows(self) -> int:
        return self.list.topLevelItemCount()

    def _open(self, row: QTreeWidgetItem) -> None:
        item = row.data(0, ROW_DATA)
        if isinstance(item, WorkItem):
            self._navigator.open_item(item)
