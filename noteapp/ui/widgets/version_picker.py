"""The versions of a treatment or safety plan as a drop-down in the tab's header.

A side list of versions took a fifth of the chart's width for what is usually one or two
rows, and squeezed the plan editor's buttons to "Add problen"; a drop-down beside the
status chip says the same in one line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget


def version_text(plan: Any) -> str:
    text = f"Version {plan.version} · {plan.status.value.capitalize()}"
    if plan.signed_on:
        text += f" {plan.signed_on.isoformat()}"
    return text


class VersionPicker(QComboBox):
    """`chosen(plan_id)` when the user picks a version (not when `set_versions` selects)."""

    chosen = Signal(str)

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(lambda i: self.chosen.emit(str(self.itemData(i))))

    def set_versions(self, versions: Sequence[Any], select_id: str | None) -> None:
        """Newest first; selects `select_id`."""
        self.blockSignals(True)
        self.clear()
        for plan in reversed(versions):
            self.addItem(version_text(plan), plan.id)
        index = self.findData(select_id) if select_id else -1
        self.setCurrentIndex(max(index, 0) if self.count() else -1)
        self.blockSignals(False)
        self.setVisible(self.count() > 0)

    def select(self, plan_id: str) -> None:
        """Choose a version as the user would (emits `chosen`)."""
        index = self.findData(plan_id)
        if index >= 0:
            self.setCurrentIndex(index)
            self.chosen.emit(plan_id)
