"""The whole app: demo vault → a client's Notes tab → a note window → type → lock saves
the draft → unlock → the text is there; Ctrl+K finds it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabWidget

from noteapp.demo import DEMO_PASSPHRASE
from noteapp.services.worklist import SectionKey
from noteapp.ui.dialogs.search_dialog import SearchDialog
from noteapp.ui.views.main_view import MainView
from noteapp.ui.views.notes_tab import NotesTab
from noteapp.ui.views.unlock_view import UnlockView
from noteapp.ui.windows.note_window import NoteWindow


def open_demo(qtbot, controller) -> MainView:
    controller.start()
    qtbot.mouseClick(controller.page().demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=20000)
    return controller.page()


def test_notes_tab_note_window_lock_and_search(qtbot, controller) -> None:
    main = open_demo(qtbot, controller)
    ws = controller.ws
    client = ws.clients.list()[0]
    main.show_page("clients")
    main.pages.clients.refresh(select_id=client.id)
    tabs = main.pages.clients.chart.findChild(QTabWidget, "chartTabs")
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[:2] == ["Overview", "Notes"]
    notes_tab = tabs.widget(1)
    assert isinstance(notes_tab, NotesTab)

    note = ws.notes.new(client_id=client.id, template_id="soap")
    main.navigator.open_note(note.id)
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NoteWindow))
    assert client.name not in window.windowTitle()
    editor = window.editor
    field = editor.findChild(object, "section_subjective")
    editor_widget = getattr(field, "editor", field)
    editor_widget.setFocus()
    qtbot.keyClicks(editor_widget, "Slept better after the breathing practice")

    controller.lock()  # closes the window, which saves the draft before the vault closes
    assert isinstance(controller.page(), UnlockView)
    assert not any(
        isinstance(w, NoteWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )

    unlock = controller.page()
    unlock.passphrase.setText(DEMO_PASSPHRASE)
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.page(), MainView), timeout=20000)
    ws = controller.ws
    assert "breathing practice" in ws.notes.get(note.id).text("subjective")

    # The index opened in the background after unlock, loaded from what the lock stored:
    # the first search answers without opening it.
    qtbot.waitUntil(lambda: ws.search.ready, timeout=20000)
    main = controller.page()
    main.navigator.open_search()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SearchDialog) and w.isVisible()
    )
    assert not dialog.preparing
    dialog.query.setText('"breathing practice"')
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert ws.search.search("breathing practice").total >= 1
    dialog.close()


def test_today_lists_drafts_oldest_first_and_opens_them(qtbot, controller) -> None:
    main = open_demo(qtbot, controller)
    ws = controller.ws
    today = main.pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    # The demo signs its older notes: only the drafts are "to finish".
    drafts = ws.notes.drafts()
    assert drafts
    card = today.sections[SectionKey.DRAFTS]
    assert card.section.count == len(drafts)
    assert f"({len(drafts)})" in card.title.text()
    assert [r.item.note_id for r in card.rows] == [n.id for n in drafts[: len(card.rows)]]
    qtbot.mouseClick(card.rows[0], Qt.MouseButton.LeftButton)
    window = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, NoteWindow) and w.isVisible()
    )
    assert window.editor is not None and window.editor.note.id == drafts[0].id
    window.close()
