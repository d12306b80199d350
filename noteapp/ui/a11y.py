"""Telling screen readers what changed when nothing took the keyboard focus.

A risk flag appearing in the chart header, the result of a measure, or the next question of
the measure form change the screen without moving focus, so a screen reader (NVDA, VoiceOver,
Orca) would say nothing. `announce` sets the widget's accessible name/description and sends
Qt's announcement event (Qt 6.8+: read out at once, interrupting for a risk alert), plus the
name-changed event older assistive technology listens for.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QWidget


def announce(widget: QWidget, text: str, *, alert: bool = False) -> None:
    """Say `text` for `widget` now; `alert` (a risk) interrupts whatever is being read."""
    if not text:
        return
    widget.setAccessibleName(text)
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if alert
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
    if alert:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
