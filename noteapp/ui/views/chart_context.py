"""What a chart tab may use: the narrow services it needs, and today's date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from noteapp.domain.clients import Client
from noteapp.services.clients import ClientService

# (title, factory(client) -> QWidget) for tabs the composition root adds (Notes, ...).
ExtraTab = tuple[str, Callable[[Client], Any]]
# factory(client) -> QWidget shown under the chart header (e.g. the risk-flag banner).
HeaderWidget = Callable[[Client], Any]


@dataclass(frozen=True)
class ChartContext:
    clients: ClientService
    today: date
    extra_tabs: tuple[ExtraTab, ...] = ()
    header_widgets: tuple[HeaderWidget, ...] = ()
    # The client's emergency contact (kept in the contact list): client id -> an
    # EmergencyContact; None shows what the client record holds.
    emergency_contact: Callable[[str], Any] | None = None


def age_on(dob: date | None, today: date) -> int | None:
    if dob is None:
        return None
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def long_date(value: date | None) -> str:
    """'12 Mar 1987' — unambiguous across US and European readers."""
    return f"{value.day} {value.strftime('%b %Y')}" if value else ""
