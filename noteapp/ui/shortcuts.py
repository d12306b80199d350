"""Every keyboard shortcut of the app, in one table: the keys, where they work and what
they do. Windows bind their shortcuts from here (`bind`), tooltips quote them (`keys_text`),
and the shortcuts sheet (F1 or Ctrl+/) lists them, so the three can never disagree — the
Notes tab once promised a Ctrl+N that clashed with the window's own and did nothing.

Ctrl+N means "new note" wherever a client's chart is open, because that is what a clinician
does most; with no chart open it adds a client. Ctrl+Shift+N always adds a client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

MAIN = "Main window"
CHART = "A client's chart"
NOTE = "Note window"
FORMS = "Dialogs and forms"
MEASURE = "Measure form (the client answers)"
PLACES = (MAIN, CHART, NOTE, FORMS, MEASURE)
# Places that are parts of one window: their shortcuts must not share keys.
SAME_WINDOW = {MAIN: MAIN, CHART: MAIN, NOTE: NOTE, FORMS: FORMS, MEASURE: MEASURE}


@dataclass(frozen=True)
class Shortcut:
    id: str
    keys: tuple[str, ...]  # portable QKeySequence strings, the first one shown first
    where: str
    does: str
    bound: bool = True  # False: Qt's own behaviour (listed, not bound by the app)


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(
        "new_note",
        ("Ctrl+N",),
        MAIN,
        "New note for the client whose chart is open (no chart open: add a client)",
    ),
    Shortcut("new_client", ("Ctrl+Shift+N",), MAIN, "Add a client"),
    Shortcut("find_client", ("Ctrl+F",), MAIN, "Find a client: the filter of the client list"),
    Shortcut("search", ("Ctrl+K",), MAIN, "Search clients and notes"),
    Shortcut("settings", ("Ctrl+,",), MAIN, "Settings"),
    Shortcut("lock", ("Ctrl+L",), MAIN, "Lock now"),
    Shortcut("sync", ("F5",), MAIN, "Sync with the agency now (a vault in an agency)"),
    Shortcut("shortcuts", ("F1", "Ctrl+/"), MAIN, "This list of keyboard shortcuts"),
    Shortcut(
        "chart_tab", ("Ctrl+Tab", "Ctrl+Shift+Tab"), CHART, "Next / previous tab", bound=False
    ),
    Shortcut("save", ("Ctrl+S",), NOTE, "Save now (drafts also save as you type)"),
    Shortcut("sign", ("Ctrl+Shift+S",), NOTE, "Check, sign and lock the note"),
    Shortcut("next_section", ("Ctrl+PgDown",), NOTE, "Next section of the note"),
    Shortcut("previous_section", ("Ctrl+PgUp",), NOTE, "Previous section of the note"),
    Shortcut("quick_phrase", ("Ctrl+J",), NOTE, "Insert a quick phrase"),
    Shortcut("export", ("Ctrl+E",), NOTE, "Export the note: Word, PDF or print"),
    Shortcut("close_note", ("Ctrl+W",), NOTE, "Close the note (it is saved first)"),
    Shortcut("note_shortcuts", ("F1", "Ctrl+/"), NOTE, "This list of keyboard shortcuts"),
    Shortcut("undo", ("Ctrl+Z",), NOTE, "Undo in the field", bound=False),
    Shortcut("redo", ("Ctrl+Shift+Z",), NOTE, "Redo in the field", bound=False),
    Shortcut(
        "next_field",
        ("Tab", "Shift+Tab"),
        FORMS,
        "Next / previous field (in a text box too: notes never hold tab characters)",
        bound=False,
    ),
    Shortcut("enter", ("Enter",), FORMS, "Next field; on a button, press it", bound=False),
    Shortcut(
        "escape",
        ("Esc",),
        FORMS,
        "Close a dialog (not while it holds text you typed: use Cancel)",
        bound=False,
    ),
    Shortcut(
        "answer", ("0", "1", "2", "3", "4"), MEASURE, "Answer (its number) and go on", bound=False
    ),
    Shortcut("back", ("Backspace",), MEASURE, "Back to the previous question", bound=False),
    Shortcut("stop", ("Esc",), MEASURE, "Stop (asks first)", bound=False),
)

_BY_ID = {s.id: s for s in SHORTCUTS}


def get(shortcut_id: str) -> Shortcut:
    return _BY_ID[shortcut_id]


def keys_text(shortcut_id: str) -> str:
    """The keys as this OS writes them, e.g. "Ctrl+N" (or "⌘N" on macOS)."""
    return " or ".join(
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
        for k in get(shortcut_id).keys
    )


def with_keys(text: str, shortcut_id: str) -> str:
    """ "Add a client (Ctrl+Shift+N)" — for tooltips and accessible names."""
    return f"{text} ({keys_text(shortcut_id)})"


def bind(
    widget: QWidget,
    shortcut_id: str,
    handler: Callable[[], object],
    *,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> list[QShortcut]:
    """QShortcuts on `widget` for every key of `shortcut_id`, named `<id>Shortcut`."""
    entry = get(shortcut_id)
    made = []
    for i, keys in enumerate(entry.keys):
        sc = QShortcut(QKeySequence(keys), widget)
        sc.setObjectName(f"{_camel(entry.id)}Shortcut" + (str(i + 1) if i else ""))
        sc.setContext(context)
        sc.activated.connect(handler)
        made.append(sc)
    return made


def _camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(w.capitalize() for w in rest)
