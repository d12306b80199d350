"""The client list as a Qt table model, and the filter-as-you-type proxy over it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from noteapp.domain.clients import Client, ClientStatus

ClientRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class StatusFilter(StrEnum):
    ACTIVE = "active"
    DISCHARGED = "discharged"
    ALL = "all"


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


class ClientListModel(QAbstractTableModel):
    """Columns: name, code, date of birth, status. `ClientRole` gives the Client itself."""

    HEADERS = ("Name", "Code", "Date of birth", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._clients: list[Client] = []
        self._order: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_clients(self, clients: list[Client]) -> None:
        ordered = self._sorted(clients)
        if ordered == self._clients:
            # Nothing changed (opening a client refreshes the list): a reset would make the
            # view and its filter proxy ask every row again for nothing.
            return
        self.beginResetModel()
        self._clients = ordered
        self.endResetModel()

    # Sorting is done here, in Python, on keys made once per client: a sorting proxy asked
    # this model for two keys per comparison (26,000 calls from Qt for 2,000 clients, a
    # tenth of a second) each time the list was read.
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = (column, order)
        ordered = self._sorted(self._clients)
        if ordered == self._clients:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._clients[i.row()].id for i in before]
        self._clients = ordered
        rows = {c.id: r for r, c in enumerate(ordered)}
        self.changePersistentIndexList(
            before, [self.index(rows[i], p.column()) for i, p in zip(ids, before, strict=True)]
        )
        self.layoutChanged.emit()

    def _sorted(self, clients: list[Client]) -> list[Client]:
        column, order = self._order
        return sorted(
            clients,
            key=lambda c: (_sort_key(c, column), c.name.casefold(), c.id),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def clear(self) -> None:
        self.set_clients([])

    def client_at(self, row: int) -> Client:
        return self._clients[row]

    def row_of(self, client_id: str) -> int:
        for i, c in enumerate(self._clients):
            if c.id == client_id:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clients)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self._clients[index.row()]
        col = index.column()
        if role == ClientRole:
            return c
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return f"{c.name} ({c.preferred_name})" if c.preferred_name else c.name
            if col == 1:
                return c.code
            if col == 2:
                return fmt_date(c.dob)
            return "Active" if c.status == ClientStatus.ACTIVE else "Discharged"
        return None


def _sort_key(c: Client, column: int) -> str:
    if column == 0:
        return c.name.casefold()
    if column == 1:
        return c.code.casefold()
    if column == 2:
        return fmt_date(c.dob)
    return c.status.value


class ClientFilterProxy(QSortFilterProxyModel):
    """Filter by status and by text (name, preferred name, code, date of birth)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status = StatusFilter.ACTIVE
        self._needle = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The view's header asks this proxy to sort: the client list sorts itself (see
        ClientListModel.sort) and this proxy keeps its order, filtering only."""
        model = self.sourceModel()
        if isinstance(model, ClientListModel):
            model.sort(column, order)
        else:  # pragma: no cover - this proxy is only used over the client list
            super().sort(column, order)

    def _refilter(self, change: Any) -> None:
        # Qt 6.10 replaced invalidateFilter() with begin/endFilterChange(); support both.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def set_status(self, status: StatusFilter) -> None:
        self._refilter(lambda: setattr(self, "_status", status))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_needle", text.casefold().strip()))

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ClientListModel):
            return True
        c = model.client_at(source_row)
        if self._status != StatusFilter.ALL and c.status.value != self._status.value:
            return False
        if not self._needle:
            return True
        haystack = " ".join((c.name, c.preferred_name, c.code, fmt_date(c.dob))).casefold()
        return all(part in haystack for part in self._needle.split())
