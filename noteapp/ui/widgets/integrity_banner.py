"""The banner that says which records could not be read, and what to do about them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from noteapp.services.damage import DamageReport
from noteapp.ui.widgets.banner import Banner

APP_HOW = "“Open backups”, or Settings → Backups → Restore"


def integrity_text(damage: DamageReport) -> str:
    """'2 records could not be read: note 1a2b3c4d (client C0003), measure 030204ea. …'"""
    records = damage.records()
    count = len(records)
    named = ", ".join(r.describe() for r in records[:5]) + (" …" if count > 5 else "")
    they, are = ("it", "is") if count == 1 else ("they", "are")
    return (
        f"{count} record{'s' if count != 1 else ''} could not be read: {named}. "
        f"{they.capitalize()} {are} damaged or {'was' if count == 1 else 'were'} altered "
        f"outside noteapp: {they} stay marked in the lists and nothing was changed. "
        + damage.advice(records, how=APP_HOW, with_path=False)
    )


class IntegrityBanner(Banner):
    """Emits `open_backups(snapshot)` with the snapshot to restore (the newest taken before
    the damage) when restoring is the remedy; otherwise it only says so."""

    open_backups = Signal(object)

    def __init__(self, damage: DamageReport, parent: QWidget | None = None) -> None:
        super().__init__(
            integrity_text(damage),
            object_name="integrityBanner",
            warning=True,
            button_text="I have read this",
            parent=parent,
        )
        self.restore_point: Path | None = damage.restore_point()
        self.backups_button: QPushButton | None = None
        if self.restore_point is not None:
            self.backups_button = QPushButton("Open backups", self)
            self.backups_button.setObjectName("integrityBannerBackupsButton")
            self.backups_button.setAccessibleName("Open backups to restore")
            self.backups_button.clicked.connect(lambda: self.open_backups.emit(self.restore_point))
            layout = self.layout()
            assert isinstance(layout, QHBoxLayout)
            layout.insertWidget(layout.count() - 1, self.backups_button)
