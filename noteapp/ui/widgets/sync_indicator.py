"""The agency sync indicator in the main window's header: the state and the time of the last
sync, in words (colour only repeats them), with a screen reader name that says the same, and
the "Sync now" button (F5, ui/shortcuts.py). Both are reached with Tab.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from noteapp.ui import shortcuts
from noteapp.ui.sync_controller import SyncController, SyncState, SyncView

_STATE_WORDS = {
    SyncState.NEVER: "Not synced yet",
    SyncState.SYNCING: "Syncing…",
    SyncState.SYNCED: "Synced",
    SyncState.OFFLINE: "Offline",
    SyncState.PROBLEM: "Sync problem",
}
_DOT = {  # a shape as well as a colour, for anyone who does not see the colour
    SyncState.NEVER: "○",
    SyncState.SYNCING: "◌",
    SyncState.SYNCED: "●",
    SyncState.OFFLINE: "○",
    SyncState.PROBLEM: "▲",
}


def when(moment: datetime | None, now: datetime) -> str:
    """ "14:32" today, "Dec 3, 14:32" on another day, "never"."""
    if moment is None:
        return "never"
    local, today = moment.astimezone(), now.astimezone()
    clock = local.strftime("%H:%M")
    if local.date() == today.date():
        return clock
    return f"{local.strftime('%b')} {local.day}, {clock}"


def describe(view: SyncView, now: datetime) -> tuple[str, str]:
    """(The text shown, the sentence a screen reader reads)."""
    words = _STATE_WORDS[view.state]
    last = when(view.last_sync, now)
    if view.state == SyncState.SYNCED:
        text = f"{words} {last}"
        spoken = f"Agency sync: synced at {last}."
    elif view.state == SyncState.SYNCING:
        text = words
        spoken = f"Agency sync: syncing now. Last sync: {last}."
    else:
        text = f"{words} · last sync {last}" if view.last_sync else words
        spoken = f"Agency sync: {words.lower()}. Last sync: {last}."
    if view.detail and view.state in (SyncState.OFFLINE, SyncState.PROBLEM):
        spoken += f" {view.detail}"
    if view.conflicts:
        spoken += f" {_conflicts(view.conflicts)} to look at."
    if view.pending_refresh:
        text += " · new records after your notes close"
        spoken += " New records arrived; they appear when your open notes are closed."
    return text, spoken


def _conflicts(n: int) -> str:
    return f"{n} conflict{'s' if n != 1 else ''}"


class SyncIndicator(QWidget):
    """`conflicts_requested()`: the user wants to see what sync kept both versions of."""

    conflicts_requested = Signal()

    def __init__(
        self,
        controller: SyncController,
        *,
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self._controller = controller
        self._now = now or (lambda: datetime.now().astimezone())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("syncStateLabel")
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        # Reached with Tab like the button, so a keyboard or screen reader user hears it.
        self.state_label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        lay.addWidget(self.state_label)
        self.sync_button = QPushButton("Sync now", self)
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.setAccessibleName(shortcuts.with_keys("Sync now", "sync"))
        self.sync_button.setToolTip(
            shortcuts.with_keys("Send and receive the agency's records now", "sync")
        )
        self.sync_button.clicked.connect(lambda _c=False: controller.sync_now())
        lay.addWidget(self.sync_button)
        self.conflicts_button = QPushButton(self)
        self.conflicts_button.setObjectName("syncConflictsButton")
        self.conflicts_button.setToolTip(
            "Records changed here and on another device: both versions are kept; look at them"
        )
        self.conflicts_button.clicked.connect(lambda _c=False: self.conflicts_requested.emit())
        lay.addWidget(self.conflicts_button)
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        view = self._controller.view
        text, spoken = describe(view, self._now())
        self.state_label.setText(f"{_DOT[view.state]} {text}")
        self.state_label.setAccessibleName(spoken)
        self.state_label.setToolTip(view.detail or spoken)
        self.sync_button.setEnabled(view.state != SyncState.SYNCING)
        self.conflicts_button.setText(f"▲ {_conflicts(view.conflicts)}…")
        self.conflicts_button.setAccessibleName(f"{_conflicts(view.conflicts)} to look at")
        self.conflicts_button.setVisible(view.conflicts > 0)
