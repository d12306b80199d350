"""The documentation checklist beside the note: what blocks signing, what only warns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.checklist import ChecklistItem, ChecklistResult, Severity
from noteapp.ui import theme

FIELD_ROLE = Qt.ItemDataRole.UserRole
RULE_ROLE = Qt.ItemDataRole.UserRole + 1
# Semantic colours (ui/theme.py), looked up when drawn so a change of scheme recolours.
_RED, _AMBER, _GREEN = "danger", "warning", "success"


class ChecklistPanel(QWidget):
    """Items with an icon and a word ("Fix"/"Check") as well as colour, so the meaning never
    rests on colour alone. Activating an item (click, Enter) emits `go_to(field_id, rule)`;
    field_id "" means the session details."""

    go_to = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, *, psychotherapy: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("checklist_panel")
        self._psychotherapy = psychotherapy
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        title = QLabel("Before signing" if not psychotherapy else "Keep it private", self)
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        lay.addWidget(title)
        self.status = QLabel(self)
        self.status.setObjectName("checklist_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        status_font = QFont(self.status.font())
        status_font.setBold(True)
        self.status.setFont(status_font)
        lay.addWidget(self.status)
        self.list = QListWidget(self)
        self.list.setObjectName("checklist_list")
        self.list.setAccessibleName(
            "Checklist: activate an item to go to the field"
            if not psychotherapy
            else "Warnings about content that belongs in the progress note"
        )
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setItemDelegate(theme.ToneDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        lay.addWidget(self.list, 1)
        style = self.style()
        self._icons = {
            Severity.BLOCK: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            Severity.WARN: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        self.result: ChecklistResult | None = None

    # --- progress notes ----------------------------------------------------------------

    def set_result(self, result: ChecklistResult) -> None:
        self.result = result
        self.list.clear()
        for item in sorted(result.items, key=lambda i: i.severity != Severity.BLOCK):
            self.list.addItem(self._item(item))
        if not result.items:
            done = QListWidgetItem("Nothing missing: every checklist item is covered.")
            done.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(done)
        blocking, warnings = len(result.blocking), len(result.warnings)
        if not blocking:
            text = "✓ Ready to sign"
            if warnings:
                text += f" — {warnings} thing{'s' if warnings > 1 else ''} worth a second look"
            self._set_status(text, _GREEN)
        else:
            text = f"{blocking} to fix before signing"
            if warnings:
                text += f" · {warnings} to check"
            self._set_status(text, _RED)

    def _item(self, item: ChecklistItem) -> QListWidgetItem:
        block = item.severity == Severity.BLOCK
        where = "session details" if not item.field_id else "the section"
        w = QListWidgetItem(
            self._icons[item.severity], ("Fix: " if block else "Check: ") + item.message
        )
        theme.set_item_tone(w, f"{_RED if block else _AMBER}_text")
        w.setData(FIELD_ROLE, item.field_id)
        w.setData(RULE_ROLE, item.rule)
        w.setToolTip(f"{'Blocks signing' if block else 'Warning only'} · go to {where}")
        return w

    # --- psychotherapy notes -----------------------------------------------------------

    def set_warnings(self, warnings: list[str]) -> None:
        """Amber warnings that billing-type content was typed into psychotherapy notes."""
        self.list.clear()
        for text in warnings:
            w = QListWidgetItem(self._icons[Severity.WARN], text)
            theme.set_item_tone(w, f"{_AMBER}_text")
            w.setData(FIELD_ROLE, "")
            w.setData(RULE_ROLE, "psychotherapy_content")
            self.list.addItem(w)
        if warnings:
            self._set_status("Some text may belong in the progress note:", _AMBER)
        else:
            self._set_status("Nothing here looks like progress-note content.", _GREEN)

    # --- helpers -----------------------------------------------------------------------

    def _fit(self) -> None:
        # As tall as its items (up to eight), so a short checklist leaves room for the preview.
        rows = sum(
            max(self.list.sizeHintForRow(i), self.list.fontMetrics().height() + 6)
            for i in range(min(self.list.count(), 8))
        )
        chrome = self.status.sizeHint().height() * 2 + 24
        self.setMaximumHeight(max(rows, 28) + 2 * self.list.frameWidth() + chrome)

    def _set_status(self, text: str, tone: str) -> None:
        self._fit()
        self.status.setText(text)
        theme.set_tone(self.status, tone)

    def _activated(self, item: QListWidgetItem) -> None:
        if item.data(RULE_ROLE) == "psychotherapy_content":
            return
        self.go_to.emit(str(item.data(FIELD_ROLE) or ""), str(item.data(RULE_ROLE) or ""))

    def messages(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).data(RULE_ROLE)
        ]

    def index_of(self, predicate: Any) -> int:
        for i in range(self.list.count()):
            if predicate(self.list.item(i)):
                return i
        return -1
