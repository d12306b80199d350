"""The risk gate through the real workspace: after a positive PHQ-9 item 9 the next note is
held until it has a completed risk assessment AND the client has a current signed safety
plan (the measures service asks the safety-plan service)."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import CheckFailedError
from noteapp.domain.notes import RiskScreen, ScreenResult
from noteapp.services.workspace import Workspace
from tests.core.test_risk import COMPLETE
from tests.core.test_safety_plans import safety_data
from tests.core.test_signing import FIELDS


def _ready_note(ws: Workspace, client_id: str, on: date, risk: RiskScreen) -> str:
    """A complete BIRP draft for that date (everything the checklist asks for)."""
    note = ws.notes.new(client_id=client_id, template_id="birp", fields=FIELDS)
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=on,
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=risk,
        ),
    )
    return note.id


def _clinician(ws: Workspace) -> str:
    ws.profile.set(name="Dana Whitfield", credentials="LCSW")
    ws.settings.update(confirm_passphrase_to_sign=False)
    return ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F33.1", "MDD")]).id


def test_safety_plan_and_assessment_open_the_gate(workspace: Workspace) -> None:
    ws = workspace
    client_id = _clinician(ws)
    measure = ws.measures.add(
        client_id=client_id,
        instrument="phq9",
        answers=[1, 1, 1, 1, 0, 1, 0, 0, 1],
        on=date(2026, 1, 2),
    )
    assert measure.risk and ws.measures.open_risk_flags(client_id)
    note_id = _ready_note(
        ws,
        client_id,
        date(2026, 1, 5),
        RiskScreen(ScreenResult.PRESENT, ScreenResult.DENIED, "Passive SI."),
    )
    ws.notes.save(note_id, risk_assessment=COMPLETE)
    with pytest.raises(CheckFailedError, match="safety plan"):
        ws.signing.sign_note(note_id)
    plan = ws.safety_plans.import_json(client_id, safety_data())
    ws.safety_plans.sign(plan.id)
    assert ws.safety_plans.has_current(client_id)
    ws.signing.sign_note(note_id)  # no override needed now
    assert ws.notes.get(note_id).is_signed
    assert not ws.measures.open_risk_flags(client_id)


def test_chart_export_has_a_measures_summary_and_still_verifies(
    workspace: Workspace, tmp_path
) -> None:
    from noteapp.export import read_docx
    from noteapp.services.verification import verify_docx

    ws = workspace
    client_id = _clinician(ws)
    for on, answers in (
        (date(2025, 11, 1), [2, 2, 2, 2, 1, 2, 1, 1, 0]),
        (date(2026, 1, 2), [1, 1, 1, 0, 0, 1, 0, 0, 0]),
    ):
        ws.measures.add(client_id=client_id, instrument="phq9", answers=answers, on=on)
    note_id = _ready_note(
        ws, client_id, date(2026, 1, 2), RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED)
    )
    ws.signing.sign_note(note_id)
    out = tmp_path / "chart.docx"
    ws.exports.export_chart(client_id, out, date_from=date(2025, 10, 1), date_to=date(2026, 1, 5))
    assert verify_docx(out).ok
    lines = read_docx(out).body_lines
    assert "Outcome measures" in lines
    assert any(line.startswith("2025-11-01\t13 (moderate)") for line in lines)
    assert any("Change since baseline -9" in line and "response" in line for line in lines)
