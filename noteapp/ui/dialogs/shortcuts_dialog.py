"""The keyboard shortcuts sheet (F1 or Ctrl+/): every shortcut of noteapp/ui/shortcuts.py,
grouped by where it works. Read from the same table the windows bind from, so it is
always true."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.shortcuts import PLACES, SHORTCUTS


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, first: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Everything in noteapp works from the keyboard. Tab moves to the next control "
            "and Shift+Tab back; these keys do the rest.",
            self,
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutsTree")
        self.tree.setAccessibleName("Keyboard shortcuts, grouped by where they work")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "What they do"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        places = [p for p in PLACES if p == first] + [p for p in PLACES if p != first]
        width = 0
        for place in places:
            group = QTreeWidgetItem(self.tree, [place])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for s in SHORTCUTS:
                if s.where != place:
                    continue
                keys = " / ".join(_native(k) for k in s.keys)
                row = QTreeWidgetItem(group, [keys, s.does])
                row.setToolTip(1, s.does)
                width = max(width, self.tree.fontMetrics().horizontalAdvance(keys))
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.tree.setColumnWidth(0, width + 32)
        lay.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("shortcutsCloseButton")
        lay.addWidget(buttons)
        fit_to_screen(self, 680, 640)
        self.tree.setFocus()
