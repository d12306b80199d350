"""The global search palette (Ctrl+K): clients and notes, filtered, with highlighted matches.

Searches run on a worker thread, debounced while the user types, one at a time (the newest
input next; a result that newer input made stale is never shown), so even a broad prefix in
a large vault never freezes the window. Opening the index (loading it from the vault, or rebuilding
it after an upgrade or a restore) runs in the background as soon as the palette opens: the
palette says so, with a count while it rebuilds, keeps what is typed, and searches when the
index is ready. Results hold client data: nothing here is ever logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.optional_date import OptionalDateEdit
from noteapp.ui.widgets.search_results import HitRole, SearchHitDelegate, SearchResultsModel
from noteapp.ui.workers import run_in_background

__all__ = ["HitRole", "SearchDialog"]

STATUSES = (
    ("Any status", None),
    ("Draft", "draft"),
    ("Signed", "signed"),
    ("Active", "active"),
    ("Discharged", "discharged"),
)
KIND_LABELS = {
    "client": "Client",
    "note": "Note",
    "psychotherapy_note": "Psychotherapy note",
    "incident": "Incident report",
}
DEBOUNCE_MS = 120
PROGRESS_MS = 250


class Preparer(Protocol):
    """What opens the index before the first search (the search service)."""

    @property
    def ready(self) -> bool: ...

    @property
    def progress(self) -> tuple[int, int]: ...

    def prepare(self) -> None: ...


class SearchDialog(QDialog):
    """Ctrl+K: type to search; Up/Down to move, Enter to open, Esc to close."""

    def __init__(
        self,
        search: Callable[..., Any],
        clients: Sequence[tuple[Any, str, str]],
        templates: Sequence[tuple[str, str]],
        open_hit: Callable[[Any], None],
        parent: QWidget | None = None,
        *,
        unsearchable: Callable[..., list[str]] | None = None,
        preparer: Preparer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchDialog")
        self.setWindowTitle("Search")
        self.setModal(True)
        self._search = search
        self._open_hit = open_hit
        # Damaged records the search cannot look into (named, so results are never taken
        # for complete): called with the filters of each search.
        self._unsearchable = unsearchable or (lambda **_kw: [])
        self._client_names = {str(cid): f"{name} ({code})" for cid, name, code in clients}
        self._template_names = {str(tid): name for tid, name in templates}

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        self.query = QLineEdit(self)
        self.query.setObjectName("searchQueryEdit")
        self.query.setAccessibleName("Search")
        self.query.setPlaceholderText("Search clients and notes…")
        self.query.setClearButtonEnabled(True)
        qf = QFont(self.query.font())
        qf.setPointSizeF(qf.pointSizeF() + 3)
        self.query.setFont(qf)
        self.query.installEventFilter(self)
        lay.addWidget(self.query)

        row = QHBoxLayout()
        self.client_combo = self._combo("searchClientCombo", "Client")
        self.client_combo.addItem("All clients", None)
        for cid, name, code in clients:
            self.client_combo.addItem(f"{name} ({code})", cid)
        self.template_combo = self._combo("searchTemplateCombo", "Template")
        self.template_combo.addItem("Any template", None)
        for tid, name in templates:
            self.template_combo.addItem(name, tid)
        self.status_combo = self._combo("searchStatusCombo", "Status")
        for label, value in STATUSES:
            self.status_combo.addItem(label, value)
        self.date_from = self._date("searchDateFromEdit", "From date")
        self.date_to = self._date("searchDateToEdit", "To date")
        for w in (self.client_combo, self.template_combo, self.status_combo):
            row.addWidget(w, 1)
        row.addWidget(QLabel("From", self))
        row.addWidget(self.date_from)
        row.addWidget(QLabel("to", self))
        row.addWidget(self.date_to)
        lay.addLayout(row)

        self.psychotherapy = QCheckBox("Include psychotherapy notes", self)
        self.psychotherapy.setObjectName("searchIncludePsychotherapyCheck")
        self.psychotherapy.setToolTip(
            "Psychotherapy notes are your private process notes, kept apart from the record "
            "(HIPAA). They stay out of search results unless you ask for them, so they don't "
            "show up while someone may be looking at your screen."
        )
        self.psychotherapy.toggled.connect(self._run)
        lay.addWidget(self.psychotherapy, 0, Qt.AlignmentFlag.AlignLeft)

        self.stack = QStackedWidget(self)
        self.empty = QLabel(self)
        self.empty.setObjectName("searchEmptyLabel")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)  # echoes the query: never markup
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)  # the disabled palette greys it, in light and dark mode
        self.model = SearchResultsModel(self._meta, self)
        self.results = QListView(self)
        self.results.setObjectName("searchResultsList")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SearchHitDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the query keeps the keyboard
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.activated.connect(self._open_index)
        self.results.clicked.connect(self._open_index)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.results)
        lay.addWidget(self.stack, 1)

        self.count = QLabel(self)
        self.count.setObjectName("searchCountLabel")
        self.count.setEnabled(False)
        lay.addWidget(self.count)
        self.damaged = QLabel(self)
        self.damaged.setObjectName("searchDamagedLabel")
        self.damaged.setWordWrap(True)
        self.damaged.hide()
        lay.addWidget(self.damaged)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.client_combo, self.template_combo, self.status_combo):
            combo.currentIndexChanged.connect(self._run)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._run)
        fit_to_screen(self, 760, 520)
        self._show_empty("Type to search clients and notes")
        self._preparer = preparer
        # Searches run on a worker (a broad prefix in a large vault can take a moment):
        # one at a time, the newest input next, stale results never shown.
        self._busy = False
        self._again = False
        self._open_when_done = False
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_preparing)
        self._prepare_error: str | None = None
        if preparer is not None and not preparer.ready:
            self._progress_timer.start()
            self._show_preparing()
            run_in_background(
                preparer.prepare,
                on_done=self._prepared,
                on_error=self._prepare_failed,
                parent=self,
            )

    # --- building --------------------------------------------------------------------

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    def _date(self, name: str, accessible: str) -> OptionalDateEdit:
        edit = OptionalDateEdit(self, default_year=date.today().year)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setSpecialValueText("any")
        edit.setToolTip("Press Delete to clear (any date).")
        return edit

    def showEvent(self, event: Any) -> None:
        parent = self.parentWidget()
        if parent is not None:  # a palette: centred on the window, in its upper third
            geo = parent.window().geometry()
            self.move(geo.center().x() - self.width() // 2, geo.top() + geo.height() // 6)
        super().showEvent(event)
        self.query.setFocus()
        self.query.selectAll()

    # --- searching -------------------------------------------------------------------

    def search_kwargs(self) -> dict[str, Any]:
        """The filters as the keyword arguments of `search`."""
        return {
            "client_id": self.client_combo.currentData(),
            "template": self.template_combo.currentData(),
            "status": self.status_combo.currentData(),
            "date_from": self.date_from.value(),
            "date_to": self.date_to.value(),
            "include_psychotherapy": self.psychotherapy.isChecked(),
        }

    def _filtered(self) -> bool:
        kw = self.search_kwargs()
        keys = ("client_id", "template", "status", "date_from", "date_to")
        return any(kw[k] is not None for k in keys)

    @property
    def preparing(self) -> bool:
        """The index is still being opened: searches wait for it."""
        return self._preparer is not None and not self._preparer.ready

    def _show_preparing(self) -> None:
        if self._prepare_error is not None:
            return
        done, total = self._preparer.progress if self._preparer is not None else (0, 0)
        text = "Opening the search index…"
        if total:  # a rebuild (after an upgrade or a restore): say how far it got
            text = f"Building the search index… {done:,} of {total:,} records"
        self._show_empty(text)

    def _prepared(self, _result: object = None) -> None:
        self._progress_timer.stop()
        self._show_empty("Type to search clients and notes")
        self._run()

    def _prepare_failed(self, exc: BaseException) -> None:
        self._progress_timer.stop()
        self._prepare_error = message_for(exc)  # a sentence; never logged
        self._show_empty(self._prepare_error)

    def _run(self, *_: Any) -> None:
        self._timer.stop()
        if self._prepare_error is not None:
            return
        if self.preparing:  # never block the window: the search runs once it is ready
            self._show_preparing()
            return
        text = self.query.text().strip()
        filtered = self._filtered()
        if not text and not filtered:  # an empty query with filters lists them, newest first
            self.model.set_hits([])
            self._show_empty("Type to search clients and notes")
            return
        self._show_unsearchable()
        if self._busy:  # one search at a time; the newest text runs when it ends
            self._again = True
            return
        self._busy = True
        kwargs = self.search_kwargs()
        run_in_background(
            lambda: self._search(text, **kwargs),
            on_done=lambda results: self._searched(text, filtered, results),
            on_error=self._search_failed,
            parent=self,
        )

    def _ended(self) -> bool:
        """A search came back: False when newer input is waiting (its result is stale)."""
        self._busy = False
        if self._again:
            self._again = False
            self._run()
            return False
        return True

    def _search_failed(self, exc: BaseException) -> None:
        if self._ended():  # shown as a sentence; never logged (it may quote the query)
            self._open_when_done = False
            self.model.set_hits([])
            self._show_empty(message_for(exc))

    def _searched(self, text: str, filtered: bool, results: Any) -> None:
        if not self._ended():
            return
        hits = list(results.hits)
        self.model.set_hits(hits)
        if not hits:
            self._open_when_done = False
            if text and not tuple(getattr(results, "query_terms", ("?",))):
                self._show_empty("Type at least two letters of a word")
            elif not text:
                self._show_empty("Nothing matches these filters")
            else:
                tail = " with these filters" if filtered else ""
                self._show_empty(f"No matches for “{text}”{tail}")
            return
        self.stack.setCurrentWidget(self.results)
        total = max(int(results.total), len(hits))
        if total > len(hits):
            self.count.setText(f"Showing {len(hits)} of {total}")
        else:
            self.count.setText("1 result" if total == 1 else f"{total} results")
        self.results.setCurrentIndex(self.model.index(0, 0))
        self.results.scrollToTop()
        if self._open_when_done:  # Enter was pressed before the results were in
            self._open_when_done = False
            self.open_current()

    def _show_unsearchable(self) -> None:
        kw = self.search_kwargs()
        missing = self._unsearchable(
            client_id=kw["client_id"], include_psychotherapy=kw["include_psychotherapy"]
        )
        self.damaged.setText(
            f"⚠ {len(missing)} damaged record{'s' if len(missing) != 1 else ''} could not be "
            f"searched, so matches inside {'it' if len(missing) == 1 else 'them'} are missing: "
            + ", ".join(missing)
            if missing
            else ""
        )
        self.damaged.setVisible(bool(missing))

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self.count.setText("")

    def _meta(self, hit: Any) -> str:
        parts = [KIND_LABELS.get(str(hit.kind), str(hit.kind).capitalize())]
        if hit.client_id is not None and hit.kind != "client":
            parts.append(self._client_names.get(str(hit.client_id), ""))
        day = str(hit.date.isoformat() if hasattr(hit.date, "isoformat") else hit.date or "")
        if day and day not in str(hit.title):  # titles like "SOAP note — 2026-03-04" have it
            parts.append(day)
        template = self._template_names.get(str(hit.template), str(hit.template or ""))
        if template and template.casefold() not in str(hit.title).casefold():
            parts.append(template)  # (a note's title usually names its template already)
        if hit.status:
            parts.append(str(hit.status).capitalize())
        if getattr(hit, "field", ""):
            parts.append(f"in {hit.field}")
        return " · ".join(p for p in parts if p)

    # --- keyboard and opening ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._move(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():  # Enter right after typing: search first
                    self._run()
                if self._busy or self.preparing:  # open the first hit when it is in
                    self._open_when_done = True
                else:
                    self.open_current()
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: Any) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5}.get(key, 5)
        row = min(max(self.results.currentIndex().row() + step, 0), rows - 1)
        self.results.setCurrentIndex(self.model.index(row, 0))

    def current_hit(self) -> Any | None:
        index = self.results.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        self.accept()
        self._open_hit(hit)
