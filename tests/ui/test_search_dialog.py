"""The search palette: typing, filters, keyboard, empty states (synthetic data only)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from noteapp.domain.errors import SearchIndexError
from noteapp.search.index import SearchDoc, SearchIndex
from noteapp.ui.dialogs.search_dialog import HitRole, SearchDialog

CLIENTS = [("c1", "Jordan Bellweather", "JB-001"), ("c2", "Avery Calloway", "AC-002")]
TEMPLATES = [("soap", "SOAP Note"), ("dap", "DAP Note"), ("psychotherapy", "Psychotherapy Note")]
DAY = date(2024, 3, 4)


@dataclass
class Recorder:
    """The real index's search, recording every call's arguments."""

    index: SearchIndex
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, text: str, **kw: Any) -> Any:
        self.calls.append((text, kw))
        return self.index.search(text, **kw)


def _index() -> SearchIndex:
    index = SearchIndex()
    docs = [
        ("c1", "client", "c1", "Jordan Bellweather", None, "", "active", {"Code": "JB-001"}),
        ("n1", "note", "c1", "Weekly session", DAY, "soap", "signed",
         {"Subjective": "Client reports better sleep this week."}),
        ("n2", "note", "c2", "DAP Note — 2024-03-04", DAY, "dap", "draft",
         {"Data": "Discussed sleep hygiene and routines."}),
        ("n3", "psychotherapy_note", "c2", "Psychotherapy Note — 2024-03-04", DAY,
         "psychotherapy", "draft", {"Process": "Sleep as avoidance."}),
    ]  # fmt: skip
    for key, kind, cid, title, day, template, status, fields in docs:
        index.add(SearchDoc(key, kind, cid, title, day, template, status, fields))
    return index


@pytest.fixture
def fake() -> Recorder:
    return Recorder(_index())


@pytest.fixture
def opened() -> list[Any]:
    return []


@pytest.fixture
def dialog(qtbot: Any, fake: Recorder, opened: list[Any]) -> SearchDialog:
    dlg = SearchDialog(fake, CLIENTS, TEMPLATES, opened.append)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _hits(dlg: SearchDialog) -> list[Any]:
    m = dlg.model
    return [m.index(r, 0).data(HitRole) for r in range(m.rowCount())]


def test_starts_with_a_prompt(dialog: SearchDialog) -> None:
    assert dialog.stack.currentWidget() is dialog.empty
    assert dialog.empty.text() == "Type to search clients and notes"
    assert dialog.findChild(object, "searchQueryEdit") is dialog.query


def test_typing_shows_results_with_highlights(qtbot: Any, dialog: SearchDialog) -> None:
    qtbot.keyClicks(dialog.query, "sleep")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    hits = _hits(dialog)
    assert {h.key for h in hits} == {"n1", "n2"}
    for h in hits:
        start, end = h.highlights[0]
        assert h.snippet[start:end].lower() == "sleep"
    # The title is highlighted too.
    qtbot.keyClicks(dialog.query, " dap")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    (hit,) = _hits(dialog)
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["DAP"]
    dialog.query.setText("sleep")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    hits = _hits(dialog)
    assert dialog.stack.currentWidget() is dialog.results
    assert dialog.count.text() == "2 results"
    # The secondary line names the kind, the client, the date, the template and the status.
    meta = dialog._meta(next(h for h in hits if h.key == "n1"))
    assert meta == (
        "Note · Jordan Bellweather (JB-001) · 2024-03-04 · SOAP Note · Signed · in Subjective"
    )
    # A title that already names the template and the date is not repeated.
    n2 = dialog._meta(next(h for h in hits if h.key == "n2"))
    assert n2 == "Note · Avery Calloway (AC-002) · Draft · in Data"


def test_typing_is_debounced(qtbot: Any, dialog: SearchDialog, fake: Recorder) -> None:
    qtbot.keyClicks(dialog.query, "routines")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert [text for text, _ in fake.calls] == ["routines"]  # not one search per key


def test_no_matches_says_so(qtbot: Any, dialog: SearchDialog) -> None:
    qtbot.keyClicks(dialog.query, "zebra")
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.empty and "zebra" in
                    dialog.empty.text())  # fmt: skip
    assert dialog.empty.text() == "No matches for “zebra”"
    assert dialog.count.text() == ""


def test_filters_pass_the_right_arguments(qtbot: Any, dialog: SearchDialog, fake: Recorder) -> None:
    dialog.client_combo.setCurrentIndex(dialog.client_combo.findData("c2"))
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("dap"))
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("draft"))
    dialog.date_from.set_value(date(2024, 1, 1))
    dialog.date_to.set_value(date(2024, 12, 31))
    qtbot.keyClicks(dialog.query, "sleep")
    qtbot.waitUntil(
        lambda: bool(fake.calls) and fake.calls[-1][0] == "sleep" and dialog.model.rowCount() == 1
    )
    text, kw = fake.calls[-1]
    assert text == "sleep"
    assert kw == {
        "client_id": "c2",
        "template": "dap",
        "status": "draft",
        "date_from": date(2024, 1, 1),
        "date_to": date(2024, 12, 31),
        "include_psychotherapy": False,
    }
    dialog.client_combo.setCurrentIndex(0)  # "All clients"
    dialog.date_from.clear_value()
    qtbot.waitUntil(lambda: fake.calls[-1][1]["date_from"] is None)
    assert fake.calls[-1][1]["client_id"] is None
    assert dialog.client_combo.itemText(0) == "All clients"


def test_psychotherapy_checkbox_toggles_inclusion(
    qtbot: Any, dialog: SearchDialog, fake: Recorder
) -> None:
    assert not dialog.psychotherapy.isChecked()
    assert "psychotherapy" in dialog.psychotherapy.toolTip().lower()
    qtbot.keyClicks(dialog.query, "sleep")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    qtbot.mouseClick(dialog.psychotherapy, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    assert fake.calls[-1][1]["include_psychotherapy"] is True
    dialog.psychotherapy.setChecked(False)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert fake.calls[-1][1]["include_psychotherapy"] is False


def test_down_and_enter_open_the_selected_hit(
    qtbot: Any, dialog: SearchDialog, opened: list[Any]
) -> None:
    qtbot.keyClicks(dialog.query, "sleep")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert dialog.results.currentIndex().row() == 0
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    assert dialog.results.currentIndex().row() == 1
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)  # stays on the last row
    qtbot.keyClick(dialog.query, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    expected = dialog.current_hit()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert opened == [expected]
    assert expected.key == _hits(dialog)[1].key
    assert not dialog.isVisible()


def test_enter_straight_after_typing_opens_the_first_hit(
    qtbot: Any, dialog: SearchDialog, opened: list[Any]
) -> None:
    qtbot.keyClicks(dialog.query, "better")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Enter)  # before the debounce fired
    qtbot.waitUntil(lambda: [h.key for h in opened] == ["n1"])  # once the results are in


def test_escape_closes(qtbot: Any, dialog: SearchDialog, opened: list[Any]) -> None:
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert opened == []


def test_more_results_than_shown(qtbot: Any, opened: list[Any]) -> None:
    index = SearchIndex()
    for i in range(60):
        index.add(SearchDoc(f"n{i}", "note", "c1", "SOAP Note", date(2024, 1, 1), "soap",
                            "signed", {"Assessment": "Anxious today."}))  # fmt: skip
    dlg = SearchDialog(index.search, CLIENTS, TEMPLATES, opened.append)
    qtbot.addWidget(dlg)
    dlg.query.setText("anxious")
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 50)
    assert dlg.count.text() == "Showing 50 of 60"


def test_search_errors_become_a_sentence(qtbot: Any, opened: list[Any]) -> None:
    def broken(text: str, **kw: Any) -> Any:
        raise RuntimeError("secret client detail")

    dlg = SearchDialog(broken, CLIENTS, TEMPLATES, opened.append)
    qtbot.addWidget(dlg)
    dlg.query.setText("x")
    qtbot.waitUntil(lambda: "unexpected" in dlg.empty.text())
    assert "secret" not in dlg.empty.text()


def test_filters_without_text_list_newest_first(qtbot: Any, dialog: SearchDialog) -> None:
    dialog.client_combo.setCurrentIndex(dialog.client_combo.findData("c2"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert _hits(dialog)[0].key == "n2"
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("signed"))
    qtbot.waitUntil(lambda: dialog.empty.text() == "Nothing matches these filters")


def test_one_letter_asks_for_more(qtbot: Any, dialog: SearchDialog) -> None:
    qtbot.keyClicks(dialog.query, "s")
    qtbot.waitUntil(lambda: dialog.empty.text() == "Type at least two letters of a word")


class SlowPreparer:
    """An index that is not open yet: prepare() waits until the test lets it finish."""

    def __init__(self, *, fail: Exception | None = None) -> None:
        self.release = threading.Event()
        self.ready = False
        self.progress = (3, 10)
        self._fail = fail

    def prepare(self) -> None:
        self.release.wait(timeout=30)
        if self._fail is not None:
            raise self._fail
        self.ready = True


def test_the_index_opens_in_the_background_and_typed_words_wait_for_it(
    qtbot: Any, fake: Recorder, opened: list[Any]
) -> None:
    preparer = SlowPreparer()
    dlg = SearchDialog(fake, CLIENTS, TEMPLATES, opened.append, preparer=preparer)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.preparing
    assert dlg.empty.text() == "Building the search index… 3 of 10 records"
    qtbot.keyClicks(dlg.query, "sleep")
    dlg._run()  # as the debounce timer would: nothing searched yet, the window stays live
    assert fake.calls == [] and dlg.stack.currentWidget() is dlg.empty
    preparer.release.set()
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 2)
    assert [text for text, _ in fake.calls] == ["sleep"] and not dlg.preparing


def test_an_index_that_cannot_open_is_a_sentence(
    qtbot: Any, fake: Recorder, opened: list[Any]
) -> None:
    preparer = SlowPreparer(fail=SearchIndexError("The search index could not be used."))
    preparer.release.set()
    dlg = SearchDialog(fake, CLIENTS, TEMPLATES, opened.append, preparer=preparer)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.empty.text() == "The search index could not be used.")
    qtbot.keyClicks(dlg.query, "sleep")
    dlg._run()
    assert fake.calls == [] and dlg.empty.text() == "The search index could not be used."


def test_a_slow_search_never_shows_results_older_input_made_stale(
    qtbot: Any, opened: list[Any]
) -> None:
    index, first_started, release = _index(), threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_first(text: str, **kw: Any) -> Any:
        calls.append(text)
        if len(calls) == 1:  # the first search takes long (a broad prefix in a big vault)
            first_started.set()
            release.wait(timeout=30)
        return index.search(text, **kw)

    dlg = SearchDialog(slow_first, CLIENTS, TEMPLATES, opened.append)
    qtbot.addWidget(dlg)
    dlg.query.setText("sleep")
    dlg._run()
    assert first_started.wait(timeout=30)
    dlg.query.setText("routines")  # typed while the first search runs
    dlg._run()
    assert calls == ["sleep"]  # one search at a time; the window was never blocked
    release.set()
    qtbot.waitUntil(lambda: calls == ["sleep", "routines"] and dlg.model.rowCount() == 1)
    assert [h.key for h in _hits(dlg)] == ["n2"]
