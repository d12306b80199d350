"""Quick phrases: a popup at the cursor, grouped, filtered as you type; Enter inserts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui import theme
from noteapp.ui.screen_fit import fit_to_screen

TEXT_ROLE = Qt.ItemDataRole.UserRole


class QuickPhrasePopup(QFrame):
    """`phrases` are QuickPhrase values; `values` fill their placeholders ({first_name}, …).

    Emits `chosen(expanded_text)` and closes. Escape closes without inserting.
    """

    chosen = Signal(str)

    def __init__(
        self, phrases: list[Any], values: dict[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("quick_phrase_popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Quick phrases")
        fit_to_screen(self, 460, 380)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("quick_phrase_filter")
        self.filter.setAccessibleName("Filter quick phrases")
        self.filter.setPlaceholderText("Type to filter phrases… (Enter inserts, Esc closes)")
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.installEventFilter(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("quick_phrase_list")
        self.tree.setAccessibleName("Quick phrases by group")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.itemActivated.connect(self._activate)
        self.tree.currentItemChanged.connect(self._show_current)
        self.preview = QLabel(self)
        self.preview.setObjectName("quick_phrase_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setMinimumHeight(64)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        theme.set_tone(self.preview, "muted")
        lay.addWidget(self.filter)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.preview)
        groups: dict[str, QTreeWidgetItem] = {}
        for p in phrases:
            group = groups.get(p.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [p.group])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                groups[p.group] = group
            expanded = p.expand(values)
            item = QTreeWidgetItem(group, [p.title])
            item.setData(0, TEXT_ROLE, expanded)
            item.setToolTip(0, expanded)
        self.tree.expandAll()
        self._select_first()

    # --- filtering and keys ----------------------------------------------------------

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(g) for g in range(self.tree.topLevelItemCount()))
        return [g for g in items if g is not None]

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        items = (group.child(i) for i in range(group.childCount()))
        return [i for i in items if i is not None]

    def _phrase_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for group in self._groups():
            out.extend(self._children(group))
        return out

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for group in self._groups():
            any_visible = False
            for item in self._children(group):
                hay = f"{group.text(0)} {item.text(0)} {item.data(0, TEXT_ROLE)}".casefold()
                show = all(w in hay for w in words)
                item.setHidden(not show)
                any_visible = any_visible or show
            group.setHidden(not any_visible)
        self._select_first()

    def _select_first(self) -> None:
        visible = [i for i in self._phrase_items() if not i.isHidden()]
        if visible:
            self.tree.setCurrentItem(visible[0])
        else:
            self.tree.clearSelection()
            self.preview.setText("No phrase matches.")

    def _move(self, step: int) -> None:
        visible = [i for i in self._phrase_items() if not i.isHidden()]
        if not visible:
            return
        current = self.tree.currentItem()
        idx = visible.index(current) if current in visible else -1
        self.tree.setCurrentItem(visible[(idx + step) % len(visible)])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.insert_current()
                return True
        return super().eventFilter(obj, event)

    def _show_current(self, current: QTreeWidgetItem | None, _prev: Any = None) -> None:
        text = current.data(0, TEXT_ROLE) if current is not None else None
        self.preview.setText(str(text) if text else "")

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if item.data(0, TEXT_ROLE):
            self.tree.setCurrentItem(item)
            self.insert_current()

    def insert_current(self) -> None:
        item = self.tree.currentItem()
        text = item.data(0, TEXT_ROLE) if item is not None else None
        if text:
            self.chosen.emit(str(text))
            self.close()

    def popup_at(self, global_pos: QPoint) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        pos = QPoint(global_pos)
        if screen is not None:
            pos.setX(min(pos.x(), screen.right() - self.width()))
            if pos.y() + self.height() > screen.bottom():
                pos.setY(max(screen.top(), pos.y() - self.height() - 24))
        self.move(pos)
        self.show()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)
