"""Notes ready to sign, for the agency tests."""

from __future__ import annotations

import dataclasses
from datetime import date, time

from noteapp.domain.clients import Diagnosis
from noteapp.domain.notes import RiskScreen, ScreenResult
from noteapp.services.workspace import Workspace

FIELDS = {
    "behavior": "Arrived on time; affect anxious, brightened later.",
    "intervention": "Cognitive restructuring of worry about work.",
    "response": "Identified two unhelpful thoughts and balanced alternatives.",
    "plan": "Weekly CBT; thought record homework.",
}


def ready_note(ws: Workspace, client_id: str, *, day: int = 5, text: str = "") -> str:
    """A complete BIRP draft for the client (signable)."""
    fields = dict(FIELDS)
    if text:
        fields["behavior"] = text
    note = ws.notes.new(client_id=client_id, template_id="birp", fields=fields)
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=date(2025, 12, day),
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
            diagnoses=(Diagnosis("F41.1", "Generalized anxiety disorder"),),
        ),
    )
    return note.id
