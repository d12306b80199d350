"""Keyboard first: Tab reaches every control of every window and always moves on (no traps),
the shortcuts of ui/shortcuts.py work and never clash, the shortcuts sheet lists them, and a
new note starts with the caret in its first empty section."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from noteapp.domain.notes import NoteStatus
from noteapp.ui import shortcuts
from noteapp.ui.dialogs.client_dialog import ClientDialog
from noteapp.ui.dialogs.new_note_dialog import NewNoteDialog
from noteapp.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from noteapp.ui.widgets.metadata_panel import OptionalTimeEdit
from noteapp.ui.widgets.optional_date import OptionalDateEdit
from noteapp.ui.windows.note_window import NoteWindow
from tests.ui.keyboard import name, tab_walk
from tests.ui.screens import SCREENS, opened_screen, settle


@pytest.mark.parametrize("screen", [s.name for s in SCREENS])
def test_tab_reaches_every_control_and_moves_on(screens_session, screen: str) -> None:
    with opened_screen(screens_session, screen) as window:
        _controls, problems = tab_walk(window)
    assert not problems, f"{screen}: " + "; ".join(problems)


def _pair(qtbot, first: QWidget) -> tuple[QWidget, QLineEdit]:
    box = QWidget()
    qtbot.addWidget(box)
    lay = QVBoxLayout(box)
    first.setParent(box)
    after = QLineEdit(box)
    lay.addWidget(first)
    lay.addWidget(after)
    box.show()
    box.activateWindow()
    qtbot.waitExposed(box)
    return box, after


@pytest.mark.parametrize("make", [OptionalTimeEdit, OptionalDateEdit], ids=["time", "date"])
def test_tab_leaves_a_field_that_shows_not_set(qtbot, make) -> None:
    field = make()
    box, after = _pair(qtbot, field)
    assert field.value() is None  # "not set"
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_Tab)
    assert box.focusWidget() is after


def test_tab_still_moves_between_hours_and_minutes_of_a_set_time(qtbot) -> None:
    from datetime import time

    field = OptionalTimeEdit()
    box, after = _pair(qtbot, field)
    field.set_value(time(9, 30))
    field.setFocus()
    field.setCurrentSection(OptionalTimeEdit.Section.HourSection)
    QTest.keyClick(field, Qt.Key.Key_Tab)
    assert box.focusWidget() is not after  # on to the minutes first
    QTest.keyClick(box.focusWidget(), Qt.Key.Key_Tab)
    assert box.focusWidget() is after


def test_tab_leaves_the_client_list(screens_session) -> None:
    s = screens_session
    s.page("clients")
    s.shell.activateWindow()
    table = s.main.pages.clients.table
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert s.shell.focusWidget() is s.main.pages.clients.add_button


# --- shortcuts -----------------------------------------------------------------------------


def test_no_two_shortcuts_of_one_window_share_keys() -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for s in shortcuts.SHORTCUTS:
        for keys in s.keys:
            normal = QKeySequence(keys).toString(QKeySequence.SequenceFormat.PortableText)
            seen[(shortcuts.SAME_WINDOW[s.where], normal)] += 1
    assert [k for k, n in seen.items() if n > 1] == []


@pytest.mark.parametrize("screen", ["chart_notes", "note_draft", "note_signed"])
def test_every_shortcut_bound_in_a_window_comes_from_the_table_once(
    screens_session, screen: str
) -> None:
    table = {
        QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText)
        for s in shortcuts.SHORTCUTS
        for k in s.keys
    }
    with opened_screen(screens_session, screen) as window:
        bound = [
            sc.key().toString(QKeySequence.SequenceFormat.PortableText)
            for sc in window.findChildren(QShortcut)
            if sc.isEnabled() and sc.parent().window() is window  # not a note window's
        ]
        # The note window's toolbar actions (Sign, Export…) carry theirs.
        bound += [
            keys.toString(QKeySequence.SequenceFormat.PortableText)
            for action in window.findChildren(QAction)
            if action.isEnabled() and action.parent().window() is window
            for keys in action.shortcuts()
        ]
    assert bound, "the window binds no shortcuts"
    assert set(bound) <= table, set(bound) - table
    assert [k for k, n in Counter(bound).items() if n > 1] == []


def _press(window: QWidget, key: Qt.Key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    window.activateWindow()
    settle()
    QTest.keyClick(QApplication.focusWidget() or window, key, modifiers)
    settle()


def _visible(kind: type) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _close(kind: type) -> None:
    for w in _visible(kind):
        w.close()
    settle()


def test_ctrl_n_in_a_chart_starts_a_note_for_that_client(screens_session) -> None:
    s = screens_session
    tab = s.chart("Notes")
    tab.table.setFocus()  # where the tooltip's promise used to fail
    _press(s.shell, Qt.Key.Key_N)
    dialogs = _visible(NewNoteDialog)
    assert len(dialogs) == 1 and dialogs[0].client_id == s.flagged_client.id
    assert not _visible(ClientDialog)
    _close(NewNoteDialog)


def test_ctrl_n_with_no_chart_open_adds_a_client(screens_session) -> None:
    s = screens_session
    s.page("today")
    _press(s.shell, Qt.Key.Key_N)
    assert len(_visible(ClientDialog)) == 1 and not _visible(NewNoteDialog)
    _close(ClientDialog)


def test_ctrl_shift_n_adds_a_client_even_in_a_chart(screens_session) -> None:
    s = screens_session
    s.chart("Notes")
    _press(
        s.shell,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(_visible(ClientDialog)) == 1 and not _visible(NewNoteDialog)
    _close(ClientDialog)


@pytest.mark.parametrize(
    ("key", "modifiers"),
    [
        (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier),
    ],
    ids=["F1", "Ctrl+/"],
)
def test_the_shortcuts_sheet_opens_and_lists_every_shortcut(screens_session, key, modifiers):
    s = screens_session
    s.page("today")
    _press(s.shell, key, modifiers)
    sheets = _visible(ShortcutsDialog)
    assert len(sheets) == 1
    tree = sheets[0].tree
    listed = [
        tree.topLevelItem(i).child(j).text(1)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]
    assert sorted(listed) == sorted(sc.does for sc in shortcuts.SHORTCUTS)
    _close(ShortcutsDialog)


def test_tooltips_quote_the_keys_that_work(screens_session) -> None:
    tab = screens_session.chart("Notes")
    assert shortcuts.keys_text("new_note") in tab.new_button.toolTip()
    add = screens_session.main.pages.clients.add_button
    assert shortcuts.keys_text("new_client") in add.toolTip()


# --- the note window -----------------------------------------------------------------------


def test_a_new_draft_opens_in_its_first_empty_section(screens_session) -> None:
    s = screens_session
    tab = s.chart("Notes")
    tab.new_note()
    settle()
    dialog = _visible(NewNoteDialog)[0]
    dialog.select_template("soap")
    dialog.accept()
    settle()
    window = next(w for w in _visible(NoteWindow) if w.editor.note.id == dialog.created_note_id)
    editor = window.editor
    first = editor.template.sections[0].field_id
    assert window.focusWidget() is editor.sections[first].text_edit, name(window.focusWidget())
    window.close()
    s.ws.notes.delete_draft(dialog.created_note_id)


def test_ctrl_page_down_and_up_move_between_sections(screens_session) -> None:
    s = screens_session
    note = s.note(NoteStatus.DRAFT)
    with opened_screen(s, "note_draft") as window:
        editor = window.editor
        assert editor.note.id == note.id
        order = editor._parts()
        order[0].focus_input()
        _press(window, Qt.Key.Key_PageDown)
        assert order[1].isAncestorOf(window.focusWidget()), name(window.focusWidget())
        _press(window, Qt.Key.Key_PageDown)
        assert order[2].isAncestorOf(window.focusWidget()), name(window.focusWidget())
        _press(window, Qt.Key.Key_PageUp)
        assert order[1].isAncestorOf(window.focusWidget()), name(window.focusWidget())


def test_delete_clears_a_date_as_its_description_says(qtbot) -> None:
    from datetime import date

    field = OptionalDateEdit()
    box, _after = _pair(qtbot, field)
    field.set_value(date(2020, 5, 6))
    field.setFocus()
    field.setCurrentSection(OptionalDateEdit.Section.YearSection)
    QTest.keyClick(field, Qt.Key.Key_Delete)
    assert field.value() is None and box.focusWidget() is field
    assert "Delete clears it" in field.accessibleDescription()
