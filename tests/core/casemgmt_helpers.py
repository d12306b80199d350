"""Shared by the case-management tests: a workspace with a profile (signing without a second
passphrase prompt), a client, and a signed note of that client with adherence."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

from noteapp.domain.clients import Client, Diagnosis
from noteapp.domain.notes import RiskScreen, ScreenResult
from noteapp.services.workspace import Workspace
from tests.core.test_signing import FIELDS

# The FakeClock's default "now" is 2026-01-05 09:00 UTC.
TODAY = date(2026, 1, 5)


def ready(ws: Workspace) -> Workspace:
    ws.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        license_number="L-1",
        agency_name="Riverbend Counseling (demo)",
    )
    ws.settings.update(confirm_passphrase_to_sign=False)
    return ws


def a_client(ws: Workspace, name: str = "Jordan Avery") -> Client:
    return ws.clients.add(
        name=name,
        dob=date(1990, 4, 12),
        diagnoses=[Diagnosis("F41.1", "Generalized anxiety disorder")],
        admitted_on=date(2025, 10, 1),
    )


def a_note(ws: Workspace, client: Client, *, on: date = TODAY, template: str = "birp") -> str:
    """A draft that passes the checklist (BIRP, 50 minutes, risk screened)."""
    note = ws.notes.new(client_id=client.id, template_id=template, fields=dict(FIELDS))
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=on,
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    return note.id


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute).astimezone()
