"""A plain-text editor with spell checking: red wavy underlines and a suggestions menu."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QKeyEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

from noteapp.ui import theme

_CACHE_SIZE = 2000


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines misspelled words, one block (paragraph) at a time.

    Qt re-highlights a block on every keystroke in it, so results are cached by the block's
    text: re-checking an unchanged paragraph is a dictionary lookup, not a spell check.
    `ignored` is shared by every editor of a note ("Ignore" applies note-wide, not saved).
    """

    def __init__(
        self, document: QTextDocument, speller: Any, ignored: set[str] | None = None
    ) -> None:
        super().__init__(document)
        self._speller = speller
        self.ignored: set[str] = ignored if ignored is not None else set()
        self._cache: OrderedDict[str, list[tuple[int, int]]] = OrderedDict()
        self.enabled = True
        self.error_format = QTextCharFormat()
        self.error_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.error_format.setUnderlineColor(theme.qcolor("spell_underline"))

    def spans(self, text: str) -> list[tuple[int, int]]:
        cached = self._cache.get(text)
        if cached is None:
            cached = list(self._speller.misspelled(text)) if text.strip() else []
            self._cache[text] = cached
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(text)
        if not self.ignored:
            return cached
        return [(s, e) for s, e in cached if text[s:e].casefold() not in self.ignored]

    def highlightBlock(self, text: str) -> None:
        if not self.enabled:
            return
        self.error_format.setUnderlineColor(theme.qcolor("spell_underline"))  # scheme may change
        for start, end in self.spans(text):
            self.setFormat(start, end - start, self.error_format)

    def dictionary_changed(self) -> None:
        """A word was added or ignored: forget cached results and re-underline."""
        self._cache.clear()
        self.rehighlight()


class SpellTextEdit(QPlainTextEdit):
    """QPlainTextEdit + spell checking. Tab moves focus (notes are prose, not code).

    `dictionaryChanged` fires after "Add to dictionary" or "Ignore", so sibling editors of
    the same note can re-underline.
    """

    dictionaryChanged = Signal()

    def __init__(
        self,
        speller: Any,
        parent: QWidget | None = None,
        *,
        ignored: set[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._speller = speller
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.highlighter = SpellHighlighter(self.document(), speller, ignored)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Ctrl+Shift+Z redoes on every platform (Windows' default is only Ctrl+Y).
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Z and mods == ctrl_shift:
            self.redo()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- helpers for the context menu (and tests) ------------------------------------

    def misspelled_word_at(self, position: int) -> tuple[int, int, str] | None:
        """(start, end, word) in document positions when `position` is inside a flagged word."""
        block = self.document().findBlock(position)
        if not block.isValid():
            return None
        text = block.text()
        offset = position - block.position()
        for start, end in self.highlighter.spans(text):
            if start <= offset <= end:
                return block.position() + start, block.position() + end, text[start:end]
        return None

    def replace_range(self, start: int, end: int, text: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)  # one undo step

    def add_to_dictionary(self, word: str) -> None:
        self._speller.add(word)
        self.highlighter.dictionary_changed()
        self.dictionaryChanged.emit()

    def ignore_word(self, word: str) -> None:
        self.highlighter.ignored.add(word.casefold())
        self.highlighter.rehighlight()
        self.dictionaryChanged.emit()

    def build_context_menu(self, pos: QPoint) -> QMenu:
        menu = self.createStandardContextMenu(pos)
        menu.setObjectName("spell_menu")
        found = self.misspelled_word_at(self.cursorForPosition(pos).position())
        if found is None or self.isReadOnly():
            return menu
        start, end, word = found
        first = menu.actions()[0] if menu.actions() else None
        suggestions = self._speller.suggestions(word)
        spell_actions: list[QAction] = []
        for suggestion in suggestions:
            act = QAction(suggestion, menu)
            font = act.font()
            font.setBold(True)
            act.setFont(font)
            act.triggered.connect(lambda _=False, s=suggestion: self.replace_range(start, end, s))
            spell_actions.append(act)
        if not suggestions:
            none = QAction("No suggestions", menu)
            none.setEnabled(False)
            spell_actions.append(none)
        add = QAction(f"Add “{word}” to dictionary", menu)
        add.setObjectName("spell_add")
        add.triggered.connect(lambda: self.add_to_dictionary(word))
        ignore = QAction("Ignore in this note", menu)
        ignore.setObjectName("spell_ignore")
        ignore.triggered.connect(lambda: self.ignore_word(word))
        spell_actions += [add, ignore]
        menu.insertActions(first, spell_actions) if first else menu.addActions(spell_actions)
        if first is not None:
            menu.insertSeparator(first)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        # Right-click on a word puts the cursor there first, as word processors do.
        if (
            event.reason() == QContextMenuEvent.Reason.Mouse
            and not self.textCursor().hasSelection()
        ):
            self.setTextCursor(self.cursorForPosition(event.pos()))
        pos = event.pos()
        if event.reason() != QContextMenuEvent.Reason.Mouse:
            pos = self.cursorRect().center()
        menu = self.build_context_menu(pos)
        menu.exec(event.globalPos())
        menu.deleteLater()


def misspelled_ranges(edit: SpellTextEdit, block_number: int = 0) -> list[tuple[int, int]]:
    """The underlined (start, length) ranges Qt holds for a block (used by tests)."""
    block = edit.document().findBlockByNumber(block_number)
    layout = block.layout()
    return [
        (r.start, r.length)
        for r in layout.formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    ]
