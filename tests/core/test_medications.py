"""Medications and adherence (issue 13, part 3): the list as reported, stopping with a
reason, adherence recorded in a note for the medications current on its date — part of what
the note signs and shows — and adherence over time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.domain.medications import Adherence
from noteapp.domain.notes import note_to_dict
from noteapp.services.workspace import Workspace
from tests.core.casemgmt_helpers import TODAY, a_client, a_note, ready


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return ready(workspace)


def test_the_list_shows_current_first_and_keeps_stopped_ones(ws: Workspace) -> None:
    client = a_client(ws)
    trazodone = ws.medications.add(
        client_id=client.id, name="Trazodone", dose="50 mg", start=date(2025, 10, 1)
    )
    sertraline = ws.medications.add(
        client_id=client.id,
        name="Sertraline",
        dose="50 mg",
        schedule="once daily",
        prescriber="Dr. Casey Lin",
        start=date(2025, 11, 1),
        reported_by="prescriber",
    )
    stopped = ws.medications.stop(trazodone.id, on=date(2025, 12, 1), reason="Grogginess.")
    assert [m.name for m in ws.medications.for_client(client.id)] == ["Sertraline", "Trazodone"]
    assert [m.id for m in ws.medications.current(client.id)] == [sertraline.id]
    assert stopped.is_current(date(2025, 12, 1)) and not stopped.is_current(date(2025, 12, 2))
    assert sertraline.label == "Sertraline 50 mg, once daily"
    with pytest.raises(RefusedError, match="stopped already"):
        ws.medications.stop(trazodone.id, on=TODAY)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "name is required"),
        ({"start": TODAY + timedelta(days=1)}, "future"),
        ({"reported_by": "neighbour"}, "Reported by is one of"),
    ],
)
def test_a_medication_is_checked(ws: Workspace, kwargs: dict[str, object], message: str) -> None:
    client = a_client(ws)
    args: dict[str, object] = {"client_id": client.id, "name": "Sertraline", **kwargs}
    with pytest.raises(InvalidInputError, match=message):
        ws.medications.add(**args)  # type: ignore[arg-type]
    assert ws.medications.for_client(client.id) == []


def test_stopping_before_the_start_or_in_the_future_is_refused(ws: Workspace) -> None:
    client = a_client(ws)
    med = ws.medications.add(client_id=client.id, name="Sertraline", start=date(2025, 11, 1))
    with pytest.raises(InvalidInputError, match="before the start"):
        ws.medications.stop(med.id, on=date(2025, 10, 1))
    with pytest.raises(InvalidInputError, match="future"):
        ws.medications.stop(med.id, on=TODAY + timedelta(days=1))
    assert ws.medications.get(med.id).stop is None


def test_adherence_is_part_of_what_the_note_signs_and_shows(ws: Workspace) -> None:
    client = a_client(ws)
    med = ws.medications.add(
        client_id=client.id, name="Sertraline", dose="50 mg", schedule="once daily"
    )
    note_id = a_note(ws, client)
    ws.medications.record_adherence(note_id, [(med.id[:8], "partial", "mild nausea")])
    note = ws.notes.get(note_id)
    (entry,) = note.adherence
    assert (entry.medication_id, entry.status, entry.side_effects) == (
        med.id,
        Adherence.PARTIAL,
        "mild nausea",
    )
    text = document_plain_text(ws.notes.render(note))
    assert "Medication adherence" in text
    assert "Sertraline 50 mg, once daily\tPartial — side effects: mild nausea" in text
    item = ws.signing.sign_note(note_id)
    assert item.payload["adherence"] == [
        {
            "medication": med.id,
            "status": "partial",
            "side_effects": "mild nausea",
            "name": "Sertraline",
            "dose": "50 mg",
            "schedule": "once daily",
        }
    ]
    # The signed note reads as signed after the list changes (name and dose kept in it).
    ws.medications.edit(med.id, dose="100 mg")
    assert "Sertraline 50 mg" in document_plain_text(ws.notes.render(ws.notes.get(note_id)))
    with pytest.raises(RefusedError, match="signed"):
        ws.medications.record_adherence(note_id, [])


def test_a_note_without_adherence_keeps_its_exact_shape(ws: Workspace) -> None:
    client = a_client(ws)
    note_id = a_note(ws, client)
    assert "adherence" not in note_to_dict(ws.notes.get(note_id))
    item = ws.signing.sign_note(note_id)
    assert "adherence" not in item.payload
    assert "Medication adherence" not in document_plain_text(ws.notes.render(ws.notes.get(note_id)))


def test_adherence_only_for_the_clients_current_medications(ws: Workspace) -> None:
    client, other = a_client(ws), a_client(ws, "Riley Quimby")
    theirs = ws.medications.add(client_id=other.id, name="Bupropion")
    later = ws.medications.add(client_id=client.id, name="Sertraline", start=TODAY)
    stopped = ws.medications.add(client_id=client.id, name="Trazodone", start=date(2025, 10, 1))
    ws.medications.stop(stopped.id, on=date(2025, 12, 1))
    current = ws.medications.add(client_id=client.id, name="Buspirone", start=date(2025, 10, 1))
    note_id = a_note(ws, client, on=TODAY - timedelta(days=1))
    for entries, message in (
        ([(theirs.id, "missed", "")], "not on this client's list"),
        ([(later.id, "missed", "")], "was not current"),
        ([(stopped.id, "missed", "")], "was not current"),
        ([(current.id, "sometimes", "")], "Adherence is one of"),
        ([(current.id, "missed", ""), (current.id, "partial", "")], "listed twice"),
    ):
        with pytest.raises(InvalidInputError, match=message):
            ws.medications.record_adherence(note_id, entries)
    assert ws.notes.get(note_id).adherence == ()
    ws.medications.record_adherence(note_id, [(current.id, "not discussed", "")])
    assert ws.notes.get(note_id).adherence[0].status == Adherence.NOT_DISCUSSED
    ws.medications.record_adherence(note_id, [])  # cleared
    assert ws.notes.get(note_id).adherence == ()


def test_psychotherapy_notes_hold_no_adherence(ws: Workspace) -> None:
    client = a_client(ws)
    med = ws.medications.add(client_id=client.id, name="Sertraline")
    private = ws.notes.new(client_id=client.id, template_id="psychotherapy")
    with pytest.raises(InvalidInputError, match="progress note"):
        ws.medications.record_adherence(private.id, [(med.id, "missed", "")])


def test_adherence_over_time_and_the_chart_exports_list(ws: Workspace) -> None:
    client = a_client(ws)
    med = ws.medications.add(
        client_id=client.id, name="Sertraline", dose="50 mg", start=date(2025, 11, 1)
    )
    old = ws.medications.add(client_id=client.id, name="Trazodone", start=date(2025, 10, 1))
    ws.medications.stop(old.id, on=date(2025, 11, 15), reason="Grogginess.")
    first = a_note(ws, client, on=date(2025, 12, 1))
    second = a_note(ws, client, on=date(2025, 12, 8))
    ws.medications.record_adherence(first, [(med.id, "missed", "")])
    ws.medications.record_adherence(second, [(med.id, "as-prescribed", "")])
    points = ws.medications.adherence_over_time(client.id)
    assert [(p.on, p.status.value) for p in points] == [
        (date(2025, 12, 1), "missed"),
        (date(2025, 12, 8), "as-prescribed"),
    ]
    summary = ws.medications.chart_summary(client.id, None, None)
    assert summary is not None and summary.title == "Medications"
    text = document_plain_text(summary)
    assert "Sertraline 50 mg" in text and "Trazodone" in text
    assert "Reason for stopping\tGrogginess." in text
    # A range after Trazodone was stopped leaves it out.
    ranged = ws.medications.chart_summary(client.id, date(2025, 12, 1), date(2025, 12, 31))
    assert ranged is not None and "Trazodone" not in document_plain_text(ranged)
    assert ws.medications.chart_summary(a_client(ws, "Riley Quimby").id, None, None) is None
