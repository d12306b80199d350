"""Settings › Quick phrases: the grouped phrase library clinicians insert while writing.

Edits stay on this page until Save; Revert throws them away. The library is checked before
saving and every problem is said as a sentence that names the group and phrase.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.reference import PLACEHOLDERS, QuickPhrase, ReferenceService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

TextRole = Qt.ItemDataRole.UserRole + 1
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholder_help() -> str:
    names = "; ".join(f"{{{k}}} — {v}" for k, v in PLACEHOLDERS.items())
    return f"Placeholders (filled in when you insert a phrase): {names}."


def validate(groups: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    """Problems with the library, as sentences (empty: fine to save)."""
    problems: list[str] = []
    seen: set[str] = set()
    for gi, (name, phrases) in enumerate(groups, 1):
        label = f"“{name.strip()}”" if name.strip() else f"number {gi}"
        if not name.strip():
            problems.append(f"Group {gi} needs a name.")
        elif name.strip().casefold() in seen:
            problems.append(f"There are two groups called {label}: give each its own name.")
        seen.add(name.strip().casefold())
        if not phrases:
            problems.append(f"The group {label} has no phrases: add one or delete the group.")
        for pi, (title, text) in enumerate(phrases, 1):
            which = f"“{title.strip()}”" if title.strip() else f"number {pi}"
            if not title.strip():
                problems.append(f"Phrase {pi} in the group {label} needs a title.")
            if not text.strip():
                problems.append(f"The phrase {which} in the group {label} has no text.")
            for unknown in sorted({m for m in _PLACEHOLDER.findall(text)} - set(PLACEHOLDERS)):
                problems.append(
                    f"The phrase {which} uses {{{unknown}}}, which is not a placeholder "
                    f"(known: {', '.join('{' + k + '}' for k in PLACEHOLDERS)})."
                )
    return problems


class QuickPhrasesSettingsPage(QWidget):
    saved = Signal()

    def __init__(self, reference_service: ReferenceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickPhrasesSettingsPage")
        self._service = reference_service
        self._loading = False
        lay = QVBoxLayout(self)
        help_label = body_label(placeholder_help(), self, "phrasesPlaceholderHelp")
        help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(help_label)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget(left)
        self.tree.setObjectName("phrasesTree")
        self.tree.setAccessibleName("Quick phrases by group")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._show(cur))
        ll.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.add_group_button = self._button("Add group", "phrasesAddGroupButton", row)
        self.add_phrase_button = self._button("Add phrase", "phrasesAddPhraseButton", row)
        self.delete_button = self._button("Delete", "phrasesDeleteButton", row)
        self.add_group_button.clicked.connect(self.add_group)
        self.add_phrase_button.clicked.connect(self.add_phrase)
        self.delete_button.clicked.connect(self.delete_current)
        ll.addLayout(row)

        self.editor = QStackedWidget(split)
        self.nothing = body_label("Choose a group or a phrase to edit it.", self.editor)
        self.nothing.setEnabled(False)
        group_box = QWidget(self.editor)
        gf = QFormLayout(group_box)
        self.group_name = QLineEdit(group_box)
        self.group_name.setObjectName("phraseGroupNameEdit")
        self.group_name.setAccessibleName("Group name")
        self.group_name.textEdited.connect(self._edited)
        gf.addRow("Group &name", self.group_name)
        phrase_box = QWidget(self.editor)
        pf = QFormLayout(phrase_box)
        self.title = QLineEdit(phrase_box)
        self.title.setObjectName("phraseTitleEdit")
        self.title.setAccessibleName("Phrase title")
        self.title.setPlaceholderText("Shown in the phrase menu, e.g. “Engaged well”")
        self.title.textEdited.connect(self._edited)
        self.text = QPlainTextEdit(phrase_box)
        self.text.setObjectName("phraseTextEdit")
        self.text.setAccessibleName("Phrase text")
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._edited)
        pf.addRow("&Title", self.title)
        pf.addRow("Te&xt", self.text)
        for w in (self.nothing, group_box, phrase_box):
            self.editor.addWidget(w)
        self._group_box, self._phrase_box = group_box, phrase_box
        split.addWidget(left)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)

        self.error = error_label(self, "phrasesError")
        lay.addWidget(self.error)
        bottom = QHBoxLayout()
        self.dirty_label = QLabel("Unsaved changes", self)
        self.dirty_label.setObjectName("phrasesDirtyLabel")
        self.dirty_label.hide()
        bottom.addWidget(self.dirty_label)
        bottom.addStretch(1)
        self.revert_button = self._button("Revert", "phrasesRevertButton", bottom)
        self.save_button = self._button("Save", "phrasesSaveButton", bottom)
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        lay.addLayout(bottom)
        self.revert()

    def _button(self, text: str, name: str, row: QHBoxLayout) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        row.addWidget(b)
        return b

    # --- state ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return not self.dirty_label.isHidden()

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty_label.setVisible(dirty)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [g for g in items if g is not None]

    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The library as edited: [(group name, [(title, text)])]."""
        out = []
        for g in self._groups():
            children = (g.child(j) for j in range(g.childCount()))
            phrases = [(c.text(0), str(c.data(0, TextRole) or "")) for c in children if c]
            out.append((g.text(0), phrases))
        return out

    def revert(self) -> None:
        self._loading = True
        self.tree.clear()
        try:
            phrases = self._service.phrases()
        except Exception as exc:
            phrases = []
            show_error(self.error, message_for(exc))
        else:
            show_error(self.error, "")
        groups: dict[str, QTreeWidgetItem] = {}
        for p in phrases:
            g = groups.get(p.group)
            if g is None:
                g = groups[p.group] = self._group_item(p.group)
            self._phrase_item(g, p.title, p.text)
        self.tree.expandAll()
        self._loading = False
        tops = self._groups()
        if tops:
            self.tree.setCurrentItem(tops[0])
        self._show(self.tree.currentItem())
        self._set_dirty(False)

    def save(self) -> None:
        groups = self.groups()
        problems = validate(groups)
        if problems:
            show_error(self.error, " ".join(problems[:4]) + (" …" if len(problems) > 4 else ""))
            return
        phrases = [QuickPhrase(g.strip(), t.strip(), x) for g, items in groups for t, x in items]
        try:
            self._service.save_phrases(phrases)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        show_error(self.error, "")
        self._set_dirty(False)
        self.saved.emit()

    # --- editing -------------------------------------------------------------------------

    def _group_item(self, name: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        self.tree.addTopLevelItem(item)
        return item

    def _phrase_item(self, group: QTreeWidgetItem, title: str, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title])
        item.setData(0, TextRole, text)
        group.addChild(item)
        return item

    def add_group(self) -> None:
        names = {g.text(0) for g in self._groups()}
        name, n = "New group", 2
        while name in names:
            name, n = f"New group {n}", n + 1
        item = self._group_item(name)
        self.tree.setCurrentItem(item)
        self._set_dirty(True)
        self.group_name.setFocus()
        self.group_name.selectAll()

    def add_phrase(self) -> None:
        current = self.tree.currentItem()
        group = (current.parent() or current) if current is not None else None
        if group is None:
            group = self._group_item("General")
        item = self._phrase_item(group, "New phrase", "")
        group.setExpanded(True)
        self.tree.setCurrentItem(item)
        self._set_dirty(True)
        self.title.setFocus()
        self.title.selectAll()

    def delete_current(self) -> None:
        # No confirmation: nothing is lost until Save, and Revert brings it back.
        item = self.tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        if parent is None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        else:
            parent.removeChild(item)
        self._set_dirty(True)
        self._show(self.tree.currentItem())

    def _show(self, item: QTreeWidgetItem | None) -> None:
        self._loading, was = True, self._loading
        if item is None:
            self.editor.setCurrentWidget(self.nothing)
        elif item.parent() is None:
            self.group_name.setText(item.text(0))
            self.editor.setCurrentWidget(self._group_box)
        else:
            self.title.setText(item.text(0))
            self.text.setPlainText(item.data(0, TextRole) or "")
            self.editor.setCurrentWidget(self._phrase_box)
        self.delete_button.setEnabled(item is not None)
        self._loading = was

    def _edited(self, *_: Any) -> None:
        if self._loading:
            return
        item = self.tree.currentItem()
        if item is None:
            return
        if item.parent() is None:
            item.setText(0, self.group_name.text())
        else:
            item.setText(0, self.title.text())
            item.setData(0, TextRole, self.text.toPlainText())
        self._set_dirty(True)
