"""Clients: the filterable list on the left, the selected client's chart on the right."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client, ClientStatus
from noteapp.domain.errors import NoteappError
from noteapp.services.clients import ClientService
from noteapp.ui import shortcuts
from noteapp.ui.dialogs.client_dialog import ClientDialog
from noteapp.ui.dialogs.delete_client_dialog import DeleteClientDialog
from noteapp.ui.dialogs.discharge_dialog import DischargeDialog
from noteapp.ui.errors import message_for
from noteapp.ui.models.client_list_model import (
    ClientFilterProxy,
    ClientListModel,
    ClientRole,
    StatusFilter,
)
from noteapp.ui.prefs import remember_splitter
from noteapp.ui.views.chart_context import ChartContext, ExtraTab, HeaderWidget
from noteapp.ui.views.client_chart_view import ClientChartView
from noteapp.ui.widgets.layout import body_label


def _button(text: str, name: str, accessible: str, parent: QWidget) -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(accessible)
    return b


class ClientsView(QWidget):
    def __init__(
        self,
        clients: ClientService,
        *,
        today: date,
        chart_tabs: tuple[ExtraTab, ...] = (),
        header_widgets: tuple[HeaderWidget, ...] = (),
        damaged: Callable[[], list[str]] = list,
        emergency_contact: Callable[[str], Any] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("clientsView")
        self._clients = clients
        self._today = today
        self._chart_tabs = chart_tabs
        self._header_widgets = header_widgets
        self._emergency_contact = emergency_contact
        self.active_dialog: QDialog | None = None

        self.filter = QLineEdit(self)
        self.filter.setObjectName("clientFilterEdit")
        self.filter.setAccessibleName("Filter clients by name, code or date of birth")
        self.filter.setPlaceholderText(
            f"Filter by name, code or date of birth  ({shortcuts.keys_text('find_client')})"
        )
        self.filter.setClearButtonEnabled(True)
        self.status = QComboBox(self)
        self.status.setObjectName("clientStatusFilter")
        self.status.setAccessibleName("Show clients")
        self.status.addItem("Active", StatusFilter.ACTIVE.value)
        self.status.addItem("Discharged", StatusFilter.DISCHARGED.value)
        self.status.addItem("All", StatusFilter.ALL.value)

        self.model = ClientListModel(self)
        self.proxy = ClientFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("clientTable")
        self.table.setAccessibleName("Clients")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for col, sample in ((1, "C00000"), (2, "0000-00-00"), (3, "Discharged")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 28)
        self.empty = body_label("", self, "clientListEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Damaged client records cannot be listed as clients (nothing of them can be read)
        # but are never left out silently: they are named under the list.
        self._damaged = damaged
        self.damaged_label = body_label("", self, "damagedClientsLabel")
        self.damaged_label.setWordWrap(True)

        self.add_button = _button(
            "Add client", "addClientButton", shortcuts.with_keys("Add a client", "new_client"), self
        )
        self.add_button.setToolTip(shortcuts.with_keys("Add a client", "new_client"))
        self.edit_button = _button("Edit", "editClientButton", "Edit the selected client", self)
        self.discharge_button = _button(
            "Discharge", "dischargeClientButton", "Discharge or reactivate the client", self
        )
        self.delete_button = _button("Delete…", "deleteClientButton", "Delete the client", self)

        left = QWidget(self)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(12, 12, 6, 12)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.status)
        left_lay.addLayout(top)
        left_lay.addWidget(self.table, 1)
        left_lay.addWidget(self.empty)
        left_lay.addWidget(self.damaged_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.discharge_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        left_lay.addLayout(buttons)

        self.chart_stack = QStackedWidget(self)
        self.chart_stack.setObjectName("chartStack")
        self.no_chart = body_label(
            "Select a client to open their chart, or add your first client with “Add client”.",
            self,
            "noChartLabel",
        )
        self.no_chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_stack.addWidget(self.no_chart)
        self.chart: ClientChartView | None = None

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("clientsSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.chart_stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        # The chart gets the room: a laptop screen left it too narrow for its buttons.
        remember_splitter(splitter, "clients", default=[330, 900])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(splitter)

        self.filter.textChanged.connect(self._filter_changed)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_client())
        self.add_button.clicked.connect(self.add_client)
        self.edit_button.clicked.connect(self.edit_client)
        self.discharge_button.clicked.connect(self.discharge_or_reactivate)
        self.delete_button.clicked.connect(self.delete_client)
        self.setTabOrder(self.filter, self.status)
        self.setTabOrder(self.status, self.table)
        self.setTabOrder(self.table, self.add_button)
        self._status_changed(0)
        # The list is read when it is first needed (the page shown, a client opened, its
        # names asked for), not when the main window is built at unlock: 2,000 clients took
        # a fifth of a second before Today could show anything.
        self._loaded = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    # --- list ------------------------------------------------------------------------------

    def refresh(self, select_id: str | None = None) -> None:
        self._loaded = True
        current = self.selected()
        keep = select_id or (current.id if current else None)
        self.model.set_clients(self._clients.list())
        damaged = self._damaged()
        self.damaged_label.setText(
            f"⚠ {len(damaged)} client record{'s' if len(damaged) != 1 else ''} could not be "
            f"read and {'is' if len(damaged) == 1 else 'are'} not listed: {', '.join(damaged)} "
            "(damaged; see the banner above for what to do)."
            if damaged
            else ""
        )
        self.damaged_label.setVisible(bool(damaged))
        if keep:
            self.select(keep)
        self._update_buttons()

    def select(self, client_id: str) -> None:
        if not self._loaded:
            self.refresh(select_id=client_id)
            return
        row = self.model.row_of(client_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the filter: show it anyway
            self.filter.clear()
            self.status.setCurrentIndex(self.status.findData(StatusFilter.ALL.value))
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def open_client(self, client_id: str, tab: str = "") -> None:
        """Select the client (showing them even if the filter hid them) and open the
        chart tab titled `tab`, if given."""
        self.refresh(select_id=client_id)
        if self.chart is None or not tab:
            return
        for i in range(self.chart.tabs.count()):
            if self.chart.tabs.tabText(i) == tab:
                self.chart.tabs.setCurrentIndex(i)

    def selected(self) -> Client | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        client = index.data(ClientRole)
        return client if isinstance(client, Client) else None

    def visible_names(self) -> list[str]:
        if not self._loaded:
            self.refresh()
        return [
            str(self.proxy.index(r, 0).data(ClientRole).name) for r in range(self.proxy.rowCount())
        ]

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_buttons()

    def _status_changed(self, _index: int) -> None:
        status = StatusFilter(self.status.currentData())
        self.proxy.set_status(status)
        # Showing only active clients, a Status column says "Active" on every row.
        self.table.setColumnHidden(3, status == StatusFilter.ACTIVE)
        self._update_buttons()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        client = current.data(ClientRole) if current.isValid() else None
        self._show_chart(client if isinstance(client, Client) else None)
        self._update_buttons()

    def _show_chart(self, client: Client | None) -> None:
        if self.chart is not None:
            self.chart_stack.removeWidget(self.chart)
            self.chart.deleteLater()
            self.chart = None
        if client is None:
            self.chart_stack.setCurrentWidget(self.no_chart)
            return
        self.chart = ClientChartView(
            client,
            ChartContext(
                self._clients,
                self._today,
                self._chart_tabs,
                self._header_widgets,
                self._emergency_contact,
            ),
            self,
        )
        self.chart_stack.addWidget(self.chart)
        self.chart_stack.setCurrentWidget(self.chart)

    def _update_buttons(self) -> None:
        client = self.selected()
        has = client is not None and self.proxy.rowCount() > 0
        self.edit_button.setEnabled(has)
        self.discharge_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        discharged = client is not None and client.status == ClientStatus.DISCHARGED
        self.discharge_button.setText("Reactivate" if discharged else "Discharge…")
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if total == 0:
            self.empty.setText("No clients yet. Add your first client with “Add client”.")
        elif shown == 0:
            self.empty.setText("No client matches this filter.")
        else:
            self.empty.setText("")
        self.empty.setVisible(bool(self.empty.text()))
        if not self.selected() and self.chart is not None:
            self._show_chart(None)

    # --- actions ---------------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def _open(self, dialog: QDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()

    def add_client(self) -> None:
        dialog = ClientDialog(self._clients, parent=self)
        dialog.saved.connect(lambda c: self.refresh(select_id=c.id))
        self._open(dialog)

    def edit_client(self) -> None:
        client = self.selected()
        if client is None:
            return
        dialog = ClientDialog(self._clients, client=client, parent=self)
        dialog.saved.connect(lambda c: self.refresh(select_id=c.id))
        self._open(dialog)

    def discharge_or_reactivate(self) -> None:
        client = self.selected()
        if client is None:
            return
        if client.status == ClientStatus.DISCHARGED:
            try:
                self._clients.reactivate(client.id)
            except NoteappError as exc:
                QMessageBox.warning(self, "Reactivate client", message_for(exc))
                return
            self.refresh(select_id=client.id)
            return
        dialog = DischargeDialog(self._clients, client, today=self._today, parent=self)
        dialog.discharged.connect(lambda c: self.refresh(select_id=c.id))
        self._open(dialog)

    def delete_client(self) -> None:
        client = self.selected()
        if client is None:
            return
        dialog = DeleteClientDialog(self._clients, client, parent=self)
        dialog.deleted.connect(lambda _id: self.refresh())
        self._open(dialog)
