"""Incident reports (issue 13, part 4): fields from a file, clients by id or code, drafts
and signing, notifications (after signing as signed addenda), the editable types and their
deadlines, what is overdue — and reports staying out of every client's chart and search."""

from __future__ import annotations

from datetime import timedelta

import pytest

from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import InvalidInputError, NoteappError, RefusedError
from noteapp.domain.incidents import DEFAULT_TYPES, IncidentType, PersonRole
from noteapp.domain.signatures import ItemType
from noteapp.services.workspace import Workspace
from tests.core.casemgmt_helpers import a_client, a_note, local, ready

FIELDS = {
    "occurred_at": "2026-01-04 14:30",
    "place": "Group room 2",
    "what_happened": "A member threw a chair towards the wall; nobody was hit.",
    "immediate_actions": "Paused the group and de-escalated in the corridor.",
    "people": [{"role": "staff", "name": "J. Park", "detail": "co-facilitator"}],
}


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return ready(workspace)


def test_a_report_from_a_fields_file_with_clients_by_code(ws: Workspace) -> None:
    client = a_client(ws)
    report = ws.incidents.new(type_ref="Aggression", fields=FIELDS, client_ids=[client.code])
    assert (report.type_id, report.type_label, report.reference) == (
        "aggression",
        "Aggression",
        "IR-2026-001",
    )
    assert report.occurred_at == local(2026, 1, 4, 14, 30)
    assert [(p.role, p.client_id or p.name) for p in report.people] == [
        (PersonRole.CLIENT, client.id),
        (PersonRole.STAFF, "J. Park"),
    ]
    assert ws.incidents.new(type_ref="fall", fields=FIELDS).reference == "IR-2026-002"
    assert ws.incidents.get("ir-2026-001").id == report.id  # found by its reference too


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weather": "rain"}, "Unknown incident field “weather”"),
        ({"occurred_at": "yesterday"}, "date and time like"),
        ({"people": [{"role": "visitor", "name": "X"}]}, "role is client, staff or other"),
        ({"people": [{"role": "client"}]}, "a client is named by id or code"),
        ({"people": [{"role": "staff"}]}, "give the person's name"),
        ({"notifications": [{"to": "Director", "how": "phone"}]}, "say when"),
        ({"place": 7}, "must be text"),
        ({"people": [{"role": "client", "client": "C9999"}]}, "No client"),
    ],
)
def test_bad_fields_are_refused_with_a_sentence(
    ws: Workspace, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(NoteappError, match=message):
        ws.incidents.new(type_ref="other", fields=fields)
    assert ws.incidents.list() == []


def test_a_draft_is_edited_and_a_signed_report_is_locked(ws: Workspace) -> None:
    client, other = a_client(ws), a_client(ws, "Riley Quimby")
    report = ws.incidents.new(type_ref="aggression", fields=FIELDS, client_ids=[client.id])
    report = ws.incidents.edit(
        report.id, type_ref="property", fields={"injuries": "None."}, client_ids=[other.id]
    )
    assert report.type_id == "property" and report.injuries == "None."
    assert report.client_ids == (other.id,)
    assert [p.name for p in report.people if p.role == PersonRole.STAFF] == ["J. Park"]
    item = ws.incidents.sign(report.id)
    assert item.type == ItemType.INCIDENT
    payload = item.payload
    assert payload["format"] == "noteapp-incident/1"
    assert "client" not in payload  # it is in no client's chart
    assert [c["code"] for c in payload["clients"]] == [other.code]
    assert payload["report"]["reference"] == report.reference
    signed = ws.incidents.get(report.id)
    assert signed.is_signed and signed.people[0].name == "Riley Quimby"
    with pytest.raises(RefusedError, match="signed and can no longer be edited"):
        ws.incidents.edit(report.id, fields={"injuries": "Bruise."})
    with pytest.raises(RefusedError, match="signed already"):
        ws.incidents.sign(report.id)


def test_signing_needs_what_an_auditor_asks_for(ws: Workspace) -> None:
    report = ws.incidents.new(type_ref="fall", fields={"occurred_at": "2026-01-04 10:00"})
    with pytest.raises(InvalidInputError) as err:
        ws.incidents.sign(report.id)
    for missing in ("where it happened", "people involved", "what happened", "immediate actions"):
        assert missing in str(err.value)
    assert not ws.incidents.get(report.id).is_signed
    assert ws.signing.note_item(report.id) is None


def test_notifications_overdue_after_the_types_deadline(ws: Workspace, clock: FakeClock) -> None:
    fall = ws.incidents.new(type_ref="fall", fields=FIELDS)  # fall: 24 hours
    prop = ws.incidents.new(type_ref="property", fields=FIELDS)  # property: 72 hours
    due = fall.occurred_at + timedelta(hours=24)
    clock._now = (due - timedelta(minutes=1)).astimezone(clock.now().tzinfo)
    assert ws.incidents.overdue() == []
    clock._now = (due + timedelta(minutes=1)).astimezone(clock.now().tzinfo)
    assert [i.id for i in ws.incidents.overdue()] == [fall.id]
    assert ws.incidents.notification_due(prop) == prop.occurred_at + timedelta(hours=72)
    # A notification in the draft clears it.
    ws.incidents.add_notification(fall.id, to="Practice manager", how="in person")
    assert ws.incidents.overdue() == []


def test_a_notification_after_signing_is_a_signed_addendum(ws: Workspace, clock: FakeClock) -> None:
    report = ws.incidents.new(type_ref="missing-person", fields=FIELDS)  # 2 hours
    ws.incidents.sign(report.id)
    assert [i.id for i in ws.incidents.overdue()] == [report.id]
    item = ws.incidents.add_notification(report.id, to="Police non-emergency line", how="phone")
    assert getattr(item, "type", None) == ItemType.ADDENDUM
    assert ws.incidents.overdue() == []
    (made,) = ws.incidents.notifications(ws.incidents.get(report.id))
    assert made.to == "Police non-emergency line"
    assert ws.incidents.get(report.id).notifications == ()  # the signed report is unchanged
    with pytest.raises(InvalidInputError, match="before the incident"):
        ws.incidents.add_notification(
            report.id, to="x", how="y", at=report.occurred_at - timedelta(hours=1)
        )


def test_types_are_an_editable_list_with_deadlines(ws: Workspace) -> None:
    assert ws.incidents.types() == DEFAULT_TYPES
    saved = ws.incidents.save_types(
        [*DEFAULT_TYPES, IncidentType("", "Client death", 1), IncidentType("other", "Other", 0)][
            :-1
        ]
    )
    assert saved[-1] == IncidentType("client-death", "Client death", 1)
    for bad, message in (
        ([], "at least one"),
        ([IncidentType("fall", "Fall"), IncidentType("fall", "Fall again")], "listed twice"),
        ([IncidentType("x", "X", 1000)], "720 hours"),
        ([IncidentType("Bad id!", "X", 1)], "letters, digits"),
    ):
        with pytest.raises(InvalidInputError, match=message):
            ws.incidents.save_types(bad)
    assert ws.incidents.types() == saved
    # Without a deadline a report is never overdue.
    ws.incidents.save_types([IncidentType("other", "Other", 0)])
    ws.incidents.new(type_ref="other", fields=FIELDS)
    assert ws.incidents.overdue() == []
    assert ws.incidents.reset_types() == DEFAULT_TYPES
    assert ws.incidents.types() == DEFAULT_TYPES


def test_reports_stay_out_of_charts_and_client_search(ws: Workspace) -> None:
    client = a_client(ws)
    note_id = a_note(ws, client)
    ws.signing.sign_note(note_id)
    report = ws.incidents.new(
        type_ref="aggression",
        fields={**FIELDS, "what_happened": "Zanzibar chair incident."},
        client_ids=[client.id],
    )
    ws.incidents.sign(report.id)
    job = ws.exports.chart_job(client.id)
    assert job.proof is not None
    proof = job.proof.decode()
    assert "Cognitive restructuring" in proof and "Zanzibar" not in proof
    assert [n.document.title for n in job.notes] == ["BIRP Progress Note"]
    assert [h.kind for h in ws.search.search("Zanzibar").hits] == ["incident"]
    assert ws.search.search("Zanzibar", client_id=client.id).hits == ()
    assert [i.id for i in ws.incidents.list(client_id=client.id)] == [report.id]
