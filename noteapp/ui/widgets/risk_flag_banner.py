"""A red banner for open risk flags (e.g. PHQ-9 item 9 above 0): shown in the client's chart
header until a signed note addresses the flag (risk assessment and a current safety plan, or
an override with a reason)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from noteapp.ui import theme
from noteapp.ui.a11y import announce

FOLLOW_UP = (
    "The next note needs a completed risk assessment and a current safety plan (or an "
    "override with a reason)."
)


def flag_text(flags: Sequence[Any]) -> str:
    """ "Risk flag: PHQ-9 on 2026-01-05 — Item 9 (…) above 0. The next note needs …"."""
    if not flags:
        return ""
    parts = [
        f"{m.name} on {m.on.isoformat()} — " + ("; ".join(m.flag_labels) or "risk item endorsed")
        for m in flags
    ]
    head = "Risk flag" if len(flags) == 1 else f"{len(flags)} risk flags"
    return f"{head}: " + " · ".join(parts) + ". " + FOLLOW_UP


class RiskFlagBanner(QFrame):
    """`refresh()` re-reads the open flags through `load`; hidden while there are none."""

    def __init__(self, load: Callable[[], Sequence[Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskFlagBanner")
        self._load = load
        theme.set_tone(self, "alert")  # bold text on red (ui/theme.py)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 6)
        icon = QLabel("⚠", self)
        icon.setAccessibleName("Risk")
        lay.addWidget(icon)
        self.label = QLabel("", self)
        self.label.setObjectName("riskFlagBannerText")
        self.label.setWordWrap(True)
        lay.addWidget(self.label, 1)
        self.flags: list[Any] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self.flags = list(self._load())
        except Exception:  # e.g. the client was deleted meanwhile: show nothing
            self.flags = []
        text = flag_text(self.flags)
        changed = text != self.label.text()
        self.label.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(self.flags))
        if changed and text:
            # Nothing takes the focus when a flag appears: a screen reader is told at once.
            announce(self, text, alert=True)
